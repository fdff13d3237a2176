package scaling_test

import (
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
)

// newCompute is a network, a load balancer and compute of kind mk.
func newCompute[T any](stack cdktf.TerraformStack, mk func(cdktf.TerraformStack, string, compute.Props) (T, error)) (T, *alb.ALB) {
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
	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup = "webtier-prod", vpc, lb
	c, err := mk(stack, "compute", cp)
	if err != nil {
		log.Fatal(err)
	}
	return c, lb
}

// CPU alarms that scale a group: out by one above 70% for 2 periods, in by
// one below 30% for 5 (the defaults, written out).
func ExampleNew() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	group, _ := newCompute(stack, func(s cdktf.TerraformStack, id string, p compute.Props) (*compute.Group, error) {
		return compute.NewGroup(s, id, p)
	})

	p := scaling.DefaultProps()
	p.Name, p.Group = "webtier-prod", group
	p.ScaleOut.Threshold, p.ScaleOut.EvaluationPeriods, p.ScaleOut.DatapointsToAlarm = 70, 2, 2
	p.ScaleIn.Threshold, p.ScaleIn.EvaluationPeriods, p.ScaleIn.DatapointsToAlarm = 30, 5, 5
	sc, err := scaling.New(stack, "scaling", p)
	if err != nil {
		log.Fatal(err)
	}
	_ = sc.ScaleOutAlarmARN()
}

// Target tracking on the requests each instance of the load balancer's
// target group receives.
func ExampleNew_requestCount() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))
	group, lb := newCompute(stack, func(s cdktf.TerraformStack, id string, p compute.Props) (*compute.Group, error) {
		return compute.NewGroup(s, id, p)
	})

	p := scaling.DefaultProps()
	p.Name, p.Group, p.LoadBalancer = "webtier-prod", group, lb
	p.Policy, p.TargetRequestsPerTarget = config.PolicyRequestCount, 800
	if _, err := scaling.New(stack, "scaling", p); err != nil {
		log.Fatal(err)
	}
}

// One instance does not scale: it recovers onto new hardware when its
// system status check fails.
func ExampleNewRecovery() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("dev"))
	instance, _ := newCompute(stack, func(s cdktf.TerraformStack, id string, p compute.Props) (*compute.Instance, error) {
		return compute.NewInstance(s, id, p)
	})

	p := scaling.DefaultRecoveryProps()
	p.Name, p.Instance, p.Region = "webtier-dev", instance, "eu-west-1"
	if _, err := scaling.NewRecovery(stack, "recovery", p); err != nil {
		log.Fatal(err)
	}
}
