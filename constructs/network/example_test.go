package network_test

import (
	"log"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
)

// A VPC over two AZs with a public and a private subnet in each, from the
// documented defaults (one NAT gateway, flow logs, the S3 gateway endpoint).
func ExampleNew() {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("prod"))

	p := network.DefaultProps()
	p.Name, p.Region = "webtier-prod", "eu-west-1"
	p.AvailabilityZones = []string{"eu-west-1a", "eu-west-1b"}
	p.CIDR = "10.0.0.0/16"
	p.NATMode = config.NATPerAZ // a NAT gateway per AZ (environments.yaml's network.nat_mode)
	vpc, err := network.New(stack, "network", p)
	if err != nil {
		log.Fatal(err) // every problem of p at once, e.g. network.cidr
	}
	_ = vpc.PrivateSubnetIDs() // where compute goes
}
