// Command two-services puts two services behind one application load
// balancer: requests for /api/* go to an api group (its own target group,
// port and scaling on requests per target), every other request to a web
// group (scaling on CPU). The app's environments.yaml cannot make this
// shape: it has one service per environment.
package main

import (
	"log"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
)

const region = "eu-west-1"

func main() {
	app := cdktf.NewApp(nil)
	if _, err := NewStack(app, "two-services"); err != nil {
		log.Fatal(err)
	}
	app.Synth()
}

// NewStack builds the two services as the stack id.
func NewStack(scope constructs.Construct, id string) (cdktf.TerraformStack, error) {
	st := cdktf.NewTerraformStack(scope, jsii.String(id))
	provider.NewAwsProvider(st, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String(region)})
	// The fully qualified provider source: Terraform and OpenTofu read it alike.
	st.AddOverride(jsii.String("terraform.required_providers.aws.source"), jsii.String("hashicorp/aws"))
	// State next to the stack's JSON (cdktf.out/stacks/<id>/); use an S3
	// backend (cdktf.NewS3Backend) for a shared one.
	cdktf.NewLocalBackend(st, &cdktf.LocalBackendConfig{Path: jsii.String("terraform." + id + ".tfstate")})
	account := dataawscalleridentity.NewDataAwsCallerIdentity(st, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{})

	np := network.DefaultProps()
	np.Name, np.Region = id, region
	np.AvailabilityZones = []string{region + "a", region + "b"}
	np.CIDR = "10.1.0.0/16"
	vpc, err := network.New(st, "network", np)
	if err != nil {
		return nil, err
	}

	lp := alb.DefaultProps()
	lp.Name, lp.TargetGroupNamePrefix, lp.Region = id, "web-", region
	lp.Network, lp.AccountID = vpc, account.AccountId()
	lb, err := alb.New(st, "alb", lp)
	if err != nil {
		return nil, err
	}
	// The api listens on its own port; /api/* goes there.
	const apiPort = 9090
	api, err := lb.AddRoute("api", alb.RouteProps{
		Priority:              10,
		PathPatterns:          []string{"/api/*"},
		TargetGroupNamePrefix: "api-",
		TargetPort:            apiPort,
	})
	if err != nil {
		return nil, err
	}

	// The web group: the load balancer's own target group, scaled on CPU.
	wp := compute.DefaultProps()
	wp.Name, wp.Network, wp.TargetGroup = id+"-web", vpc, lb
	web, err := compute.NewGroup(st, "web", wp)
	if err != nil {
		return nil, err
	}
	web.AllowFrom(lb)
	webScaling := scaling.DefaultProps()
	webScaling.Name, webScaling.Group = id+"-web", web
	if _, err := scaling.New(st, "web-scaling", webScaling); err != nil {
		return nil, err
	}

	// The api group: the route's target group, scaled on the requests each
	// of its instances receives.
	ap := compute.DefaultProps()
	ap.Name, ap.Network, ap.TargetGroup = id+"-api", vpc, api
	ap.AppPort = apiPort // the health check path stays compute.health_path (/health)
	apiGroup, err := compute.NewGroup(st, "api", ap)
	if err != nil {
		return nil, err
	}
	apiGroup.AllowFrom(lb)
	apiScaling := scaling.DefaultProps()
	apiScaling.Name, apiScaling.Group, apiScaling.LoadBalancer = id+"-api", apiGroup, api
	apiScaling.Policy, apiScaling.TargetRequestsPerTarget = config.PolicyRequestCount, 500
	if _, err := scaling.New(st, "api-scaling", apiScaling); err != nil {
		return nil, err
	}

	for _, o := range []struct {
		name  string
		value any
	}{
		{"vpc_id", vpc.VPCID()},
		{"url", lb.URL()},
		{"web_target_group_arn", lb.TargetGroupARN()},
		{"api_target_group_arn", api.TargetGroupARN()},
		{"web_asg_name", web.GroupName()},
		{"api_asg_name", apiGroup.GroupName()},
	} {
		cdktf.NewTerraformOutput(st, jsii.String(o.name), &cdktf.TerraformOutputConfig{Value: o.value})
	}
	return st, nil
}
