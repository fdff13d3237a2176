package webtier_test

import (
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
)

// A whole web tier in an app: the documented defaults (an Auto Scaling
// group scaled by CPU alarms), a region, its zones and a CIDR.
func ExampleNew() {
	app := cdktf.NewApp(nil)

	p := webtier.DefaultProps()
	p.Region, p.AvailabilityZones = "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}
	p.Network.CIDR = "10.0.0.0/16"
	p.Compute.MaxSize = 10
	tier, err := webtier.New(app, "prod", p)
	if err != nil {
		log.Fatal(err) // every problem at once, named as environments.yaml names it
	}
	tier.ALB.LoadBalancer.AddOverride(jsii.String("enable_xff_client_port"), true)
	app.Synth()
}

// One instance instead of a group (environments.yaml's compute_mode: ec2).
func ExampleNew_instance() {
	app := cdktf.NewApp(nil)

	p := webtier.DefaultProps()
	p.Region, p.AvailabilityZones = "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}
	p.Network.CIDR = "10.1.0.0/16"
	p.ComputeMode = config.ComputeEC2
	if _, err := webtier.New(app, "dev", p); err != nil {
		log.Fatal(err)
	}
	app.Synth()
}
