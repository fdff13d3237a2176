package compute_test

import (
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
)

// newNetworkAndALB is what the examples put compute into.
func newNetworkAndALB(stack cdktf.TerraformStack) (*network.Network, *alb.ALB) {
	np := network.DefaultProps()
	np.Name, np.Region, np.CIDR = "webtier-prod", "eu-west-1", "10.0.0.0/16"
	np.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	vpc, err := network.New(stack, "network", np)
	if err != nil {
		log.Fatal(err)
	}
	lp := alb.DefaultProps()
	lp.Name, lp.TargetGroupNamePrefix, lp.Region, lp.Network = "webtier-prod", "prod-", "eu-west-1", vpc
	lp.AccountID = jsii.String("123456789012")
	lb, err := alb.New(stack, "alb", lp)
	if err != nil {
		log.Fatal(err)
	}
	return vpc, lb
}

// An Auto Scaling group in the private subnets, registered in the load
// balancer's target group, reachable on the app port from the load
// balancer only.
func ExampleNewGroup() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	vpc, lb := newNetworkAndALB(stack)

	p := compute.DefaultProps()
	p.Name, p.Network, p.TargetGroup = "webtier-prod", vpc, lb
	p.InstanceType = "t3.small"
	p.MinSize, p.MaxSize, p.DesiredCapacity = 2, 10, 2
	group, err := compute.NewGroup(stack, "compute", p)
	if err != nil {
		log.Fatal(err) // e.g. compute.min_size: min_size (3) must be <= max_size (2)
	}
	group.AllowFrom(lb)
	// The escape hatch: any attribute the props do not cover.
	group.AutoScalingGroup.AddOverride(jsii.String("max_instance_lifetime"), 604800)
}

// One instance instead of a group: the same props, the same verbs.
func ExampleNewInstance() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("dev"))
	vpc, lb := newNetworkAndALB(stack)

	p := compute.DefaultProps()
	p.Name, p.Network, p.TargetGroup = "webtier-dev", vpc, lb
	instance, err := compute.NewInstance(stack, "compute", p)
	if err != nil {
		log.Fatal(err)
	}
	instance.AllowFrom(lb)
}
