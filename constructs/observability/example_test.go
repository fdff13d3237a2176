package observability_test

import (
	"fmt"
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/observability"
)

// The alarm topic (with an e-mail subscription), the load balancer's
// health alarms and the dashboard, with the group's scaling thresholds on
// its CPU widget; the group's launches and terminations go to the topic.
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
	lp := alb.DefaultProps()
	lp.Name, lp.TargetGroupNamePrefix, lp.Region, lp.Network = "webtier-prod", "prod-", "eu-west-1", vpc
	lp.AccountID = jsii.String("123456789012")
	lb, err := alb.New(stack, "alb", lp)
	if err != nil {
		log.Fatal(err)
	}
	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup = "webtier-prod", vpc, lb
	group, err := compute.NewGroup(stack, "compute", cp)
	if err != nil {
		log.Fatal(err)
	}

	p := observability.DefaultProps()
	p.Name, p.Region, p.LoadBalancer, p.Compute = "webtier-prod", "eu-west-1", lb, group
	p.AlarmEmail = "ops@example.com"
	p.CPUThresholds = observability.ScalingThresholds(config.DefaultScaling())
	obs, err := observability.New(stack, "observability", p)
	if err != nil {
		log.Fatal(err)
	}
	group.NotifyTo(obs)
}

// The lines the CPU widget draws for a scaling policy.
func ExampleScalingThresholds() {
	sc := config.DefaultScaling()
	for _, policy := range []config.ScalingPolicy{config.PolicyStep, config.PolicyTargetTracking, config.PolicyRequestCount} {
		sc.Policy = policy
		fmt.Printf("%s:", policy)
		for _, t := range observability.ScalingThresholds(sc) {
			fmt.Printf(" %q", t.Label)
		}
		fmt.Println()
	}
	// Output:
	// step: "scale out > 70%" "scale in < 30%"
	// target_tracking: "target 50%"
	// request_count:
}
