package alb_test

import (
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
)

// An internet-facing load balancer in the network's public subnets, with
// its access-log bucket and WAF web ACL (the defaults).
func ExampleNew() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	np := network.DefaultProps()
	np.Name, np.Region, np.CIDR = "webtier-prod", "eu-west-1", "10.0.0.0/16"
	np.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	vpc, err := network.New(stack, "network", np)
	if err != nil {
		log.Fatal(err)
	}

	p := alb.DefaultProps()
	p.Name, p.TargetGroupNamePrefix, p.Region = "webtier-prod", "prod-", "eu-west-1"
	p.Network = vpc
	p.AccountID = jsii.String("123456789012") // the access-log bucket's policy names it
	p.HealthCheck.Path = "/ready"
	lb, err := alb.New(stack, "alb", p)
	if err != nil {
		log.Fatal(err)
	}
	_ = lb.URL()
}

// An organisation's own access-log bucket and web ACL instead of ones made
// here.
func ExampleNew_bringYourOwn() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	np := network.DefaultProps()
	np.Name, np.Region, np.CIDR = "webtier-prod", "eu-west-1", "10.0.0.0/16"
	np.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	vpc, err := network.New(stack, "network", np)
	if err != nil {
		log.Fatal(err)
	}

	p := alb.DefaultProps()
	p.Name, p.TargetGroupNamePrefix, p.Region, p.Network = "webtier-prod", "prod-", "eu-west-1", vpc
	p.AccessLogBucket = "org-alb-logs-eu-west-1"
	p.WAFWebACLARN = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/org-edge/a1b2c3d4-5678-90ab-cdef-0123456789ab"
	if _, err := alb.New(stack, "alb", p); err != nil {
		log.Fatal(err)
	}
}

// Requests for /api/* go to a target group of their own, where a second
// compute group registers (compute.Props.TargetGroup = api).
func ExampleALB_AddRoute() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	np := network.DefaultProps()
	np.Name, np.Region, np.CIDR = "webtier-prod", "eu-west-1", "10.0.0.0/16"
	np.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	vpc, err := network.New(stack, "network", np)
	if err != nil {
		log.Fatal(err)
	}
	p := alb.DefaultProps()
	p.Name, p.TargetGroupNamePrefix, p.Region, p.Network = "webtier-prod", "web-", "eu-west-1", vpc
	p.AccountID = jsii.String("123456789012")
	lb, err := alb.New(stack, "alb", p)
	if err != nil {
		log.Fatal(err)
	}

	api, err := lb.AddRoute("api", alb.RouteProps{
		Priority:              10,
		PathPatterns:          []string{"/api/*"},
		TargetGroupNamePrefix: "api-",
		TargetPort:            9090,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = api.TargetGroupARN()
}
