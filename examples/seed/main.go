// Command seed is the seed's shape written by hand from the construct
// library: a VPC, one instance or an Auto Scaling group (useGroup), an
// application load balancer in front, CPU alarms that scale the group (out
// above 70% for 2 periods, in below 30% for 5), and the stack's outputs.
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
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
)

// useGroup picks the compute: an Auto Scaling group that the CPU alarms
// scale (true), or one instance that recovers when its host fails (false).
const useGroup = true

const (
	name   = "seed"
	region = "eu-west-1"
)

func main() {
	app := cdktf.NewApp(nil)
	if _, err := NewStack(app, name, useGroup); err != nil {
		log.Fatal(err)
	}
	app.Synth()
}

// NewStack builds the seed as the stack id: a group when group is true,
// else one instance.
func NewStack(scope constructs.Construct, id string, group bool) (cdktf.TerraformStack, error) {
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
	np.CIDR = "10.0.0.0/16"
	vpc, err := network.New(st, "network", np)
	if err != nil {
		return nil, err
	}

	lp := alb.DefaultProps()
	lp.Name, lp.TargetGroupNamePrefix, lp.Region = id, "seed-", region
	lp.Network, lp.AccountID = vpc, account.AccountId()
	lb, err := alb.New(st, "alb", lp)
	if err != nil {
		return nil, err
	}

	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup = id, vpc, lb
	var (
		instances                    compute.Compute
		groupName, scaleOut, scaleIn any = "", "", ""
		mode, refreshPreferences     any = "ec2", ""
	)
	if group {
		g, err := compute.NewGroup(st, "compute", cp)
		if err != nil {
			return nil, err
		}
		sp := scaling.DefaultProps()
		sp.Name, sp.Group = id, g
		sp.ScaleOut.Threshold, sp.ScaleOut.EvaluationPeriods, sp.ScaleOut.DatapointsToAlarm = 70, 2, 2
		sp.ScaleIn.Threshold, sp.ScaleIn.EvaluationPeriods, sp.ScaleIn.DatapointsToAlarm = 30, 5, 5
		sc, err := scaling.New(st, "scaling", sp)
		if err != nil {
			return nil, err
		}
		instances, groupName = g, g.GroupName()
		// cmd/rollout rolls the group to the template's latest version with these.
		mode, refreshPreferences = "asg", g.RefreshPreferencesJSON()
		scaleOut, scaleIn = sc.ScaleOutAlarmARN(), sc.ScaleInAlarmARN()
	} else {
		i, err := compute.NewInstance(st, "compute", cp)
		if err != nil {
			return nil, err
		}
		rp := scaling.DefaultRecoveryProps()
		rp.Name, rp.Instance, rp.Region = id, i, region
		if _, err := scaling.NewRecovery(st, "recovery", rp); err != nil {
			return nil, err
		}
		instances = i
	}
	instances.AllowFrom(lb)
	vpc.AllowEndpointsFrom(instances)

	for _, o := range []struct {
		name  string
		value any
	}{
		{"vpc_id", vpc.VPCID()},
		{"private_subnet_ids", vpc.PrivateSubnetIDs()},
		{"alb_dns_name", lb.DNSName()},
		{"url", lb.URL()},
		{"target_group_arn", lb.TargetGroupARN()},
		{"instance_security_group_id", instances.SecurityGroupID()},
		{"instance_ids", instances.InstanceIDs()},
		{"asg_name", groupName},
		{"compute_mode", mode},
		{"launch_template_id", instances.LaunchTemplateID()},
		{"launch_template_version", cdktf.Fn_Tostring(instances.LaunchTemplateVersion())},
		{"instance_refresh_preferences", refreshPreferences},
		{"scale_out_alarm_arn", scaleOut},
		{"scale_in_alarm_arn", scaleIn},
	} {
		cdktf.NewTerraformOutput(st, jsii.String(o.name), &cdktf.TerraformOutputConfig{Value: o.value})
	}
	return st, nil
}
