package nag_test

import (
	"log"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/nag"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
)

// Silence one policy rule on one resource, with the reason the synth
// summary lists.
func ExampleSuppress() {
	app := cdktf.NewApp(nil)
	p := webtier.DefaultProps()
	p.Region, p.AvailabilityZones = "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}
	p.Network.CIDR = "10.0.0.0/16"
	p.Production, p.ALB.DeletionProtection = true, false
	tier, err := webtier.New(app, "loadtest", p)
	if err != nil {
		log.Fatal(err)
	}
	err = nag.Suppress(tier.ALB.LoadBalancer, nag.Suppression{
		Rule:   "EWT-ALB-2",
		Reason: "short-lived load test copy of prod, destroyed after the run",
	})
	if err != nil {
		log.Fatal(err) // an unknown rule or an empty reason
	}
	app.Synth()
}
