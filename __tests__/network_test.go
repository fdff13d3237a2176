package tests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestNetworkProperties checks the network construct in every environment and
// in each NAT mode: one public and one private subnet per AZ, public routes to
// the internet gateway, private routes to a NAT (per mode), NAT count per mode,
// the default security group adopted with no rules, flow logs on.
func TestNetworkProperties(t *testing.T) {
	def := fixtureSynth(t)
	none := fixtureVariant(t, testfixture.Set("environments.dev.network.nat_mode", "none"), testfixture.Set("environments.dev.network.interface_endpoints", true))
	cases := []struct {
		name     string
		stack    *stackjson.Stack
		azs      int
		wantNATs int
	}{
		{"dev single NAT", def.stacks["dev"], 2, 1},
		{"stage single NAT", def.stacks["stage"], 2, 1},
		{"prod NAT per AZ", def.stacks["prod"], 3, 3},
		{"dev without NAT", none.stacks["dev"], 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.stack
			vpc := mustOne(t, s, "aws_vpc")
			if v, _ := vpc.Bool("enable_dns_support"); !v {
				t.Errorf("vpc enable_dns_support = %v, want true:\n%s", v, show(vpc.Attrs))
			}
			subnets := map[string]map[string]bool{} // tier -> AZ set
			for _, sn := range s.OfType("aws_subnet") {
				tier, _ := sn.String("tags", "Tier")
				az, _ := sn.String("availability_zone")
				if subnets[tier] == nil {
					subnets[tier] = map[string]bool{}
				}
				if subnets[tier][az] {
					t.Errorf("two %s subnets in %s", tier, az)
				}
				subnets[tier][az] = true
				if !stackjson.RefTo(sn.Attrs["vpc_id"], vpc.Address()) {
					t.Errorf("%s vpc_id = %v, want a reference to %s", sn.Where(), sn.Attrs["vpc_id"], vpc.Address())
				}
				if pub, _ := sn.Bool("map_public_ip_on_launch"); pub {
					t.Errorf("%s maps public IPs on launch", sn.Where())
				}
			}
			for _, tier := range []string{"public", "private"} {
				if got := len(subnets[tier]); got != c.azs {
					t.Errorf("%s subnets in %d AZs, want %d (one per AZ)", tier, got, c.azs)
				}
			}
			nats := s.OfType("aws_nat_gateway")
			if len(nats) != c.wantNATs {
				t.Errorf("got %d NAT gateways, want %d", len(nats), c.wantNATs)
			}
			if eips := s.OfType("aws_eip"); len(eips) != c.wantNATs {
				t.Errorf("got %d EIPs, want %d (one per NAT)", len(eips), c.wantNATs)
			}
			igw := mustOne(t, s, "aws_internet_gateway")
			// Route tables by the tier of the subnets associated with them.
			tierOfRT := map[string]string{}
			for _, a := range s.OfType("aws_route_table_association") {
				refs := stackjson.Refs(a.Attrs)
				var rt, tier string
				for _, r := range refs {
					if r.Address[:len("aws_route_table.")] == "aws_route_table." {
						rt = r.Address
					}
					if sn, ok := s.Find(r.Address); ok && sn.Type == "aws_subnet" {
						tier, _ = sn.String("tags", "Tier")
					}
				}
				if prev, ok := tierOfRT[rt]; ok && prev != tier {
					t.Errorf("route table %s serves both %s and %s subnets", rt, prev, tier)
				}
				tierOfRT[rt] = tier
			}
			privateDefaults := 0
			for _, r := range s.OfType("aws_route") {
				if d, _ := r.String("destination_cidr_block"); d != "0.0.0.0/0" {
					continue
				}
				var rt string
				for _, x := range stackjson.Refs(r.Attrs["route_table_id"]) {
					rt = x.Address
				}
				switch tierOfRT[rt] {
				case "public":
					if !stackjson.RefTo(r.Attrs["gateway_id"], igw.Address()) {
						t.Errorf("public default route %s goes to %v, want the internet gateway", r.Where(), r.Attrs)
					}
				case "private":
					privateDefaults++
					nat := r.Attrs["nat_gateway_id"]
					if len(stackjson.Refs(nat)) != 1 || stackjson.Refs(nat)[0].Address[:len("aws_nat_gateway.")] != "aws_nat_gateway." {
						t.Errorf("private default route %s goes to %v, want a NAT gateway", r.Where(), show(r.Attrs))
					}
					if _, hasIGW := r.Attrs["gateway_id"]; hasIGW {
						t.Errorf("private route %s uses the internet gateway", r.Where())
					}
				default:
					t.Errorf("default route %s is on a route table with no subnet", r.Where())
				}
			}
			wantPrivateDefaults := c.azs
			if c.wantNATs == 0 {
				wantPrivateDefaults = 0
			}
			if privateDefaults != wantPrivateDefaults {
				t.Errorf("got %d private default routes, want %d", privateDefaults, wantPrivateDefaults)
			}
			dsg := mustOne(t, s, "aws_default_security_group")
			for _, k := range []string{"ingress", "egress"} {
				if rules := dsg.List(k); len(rules) != 0 {
					t.Errorf("default security group has %s rules, want none:\n%s", k, show(dsg.Attrs))
				}
			}
			fl := mustOne(t, s, "aws_flow_log")
			if tt, _ := fl.String("traffic_type"); tt != "ALL" || !stackjson.RefTo(fl.Attrs["vpc_id"], vpc.Address()) {
				t.Errorf("flow log does not capture ALL traffic of the VPC:\n%s", show(fl.Attrs))
			}
			for _, name := range []string{"vpc_id", "public_subnet_ids", "private_subnet_ids"} {
				if _, ok := s.Outputs[name]; !ok {
					t.Errorf("output %s missing", name)
				}
			}
		})
	}
}

// TestInterfaceEndpoints: network.interface_endpoints gives one interface
// endpoint per service (ssm, ssmmessages, ec2messages, logs) in every
// private subnet with private DNS, behind a security group of their own
// that admits HTTPS from the instances' security group and nothing else
// (no other ingress, no egress). Without the setting there are none.
func TestInterfaceEndpoints(t *testing.T) {
	r := fixtureVariant(t,
		testfixture.Set("environments.dev.network.nat_mode", "none"), testfixture.Set("environments.dev.network.interface_endpoints", true),
		testfixture.Set("environments.prod.network.interface_endpoints", true),
		testfixture.Set("environments.prod.observability", map[string]any{"logs": map[string]any{"enabled": false}}))
	// dev runs the CloudWatch agent (the default): its metrics go through
	// the monitoring endpoint; prod does not.
	wantServices := map[string][]string{"dev": {"ec2messages", "logs", "monitoring", "ssm", "ssmmessages"}, "prod": {"ec2messages", "logs", "ssm", "ssmmessages"}}
	for _, env := range []string{"dev", "prod"} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			region := s.Region()
			var private []string
			for _, sn := range s.OfType("aws_subnet") {
				if tier, _ := sn.String("tags", "Tier"); tier == "private" {
					private = append(private, ref(sn, "id"))
				}
			}
			instSG := s.Outputs["instance_security_group_id"].Value
			var endpointSG string
			services := map[string]bool{}
			for _, ep := range s.OfType("aws_vpc_endpoint") {
				if typ, _ := ep.String("vpc_endpoint_type"); typ != "Interface" {
					continue
				}
				svc, _ := ep.String("service_name")
				services[strings.TrimPrefix(svc, "com.amazonaws."+region+".")] = true
				if on, _ := ep.Bool("private_dns_enabled"); !on {
					t.Errorf("%s private_dns_enabled = %v, want true", ep.Where(), ep.Attrs["private_dns_enabled"])
				}
				var subnets []string
				for _, id := range ep.List("subnet_ids") {
					subnets = append(subnets, id.(string))
				}
				if !slices.Equal(subnets, private) {
					t.Errorf("%s subnet_ids = %v, want the private subnets %v", ep.Where(), subnets, private)
				}
				sgs := ep.List("security_group_ids")
				if len(sgs) != 1 || sgs[0] == instSG {
					t.Fatalf("%s security_group_ids = %v, want one group of their own", ep.Where(), sgs)
				}
				if endpointSG != "" && sgs[0] != endpointSG {
					t.Errorf("%s uses %v, the other endpoints %s", ep.Where(), sgs[0], endpointSG)
				}
				endpointSG = sgs[0].(string)
			}
			if want := wantServices[env]; !slices.Equal(slices.Sorted(maps.Keys(services)), want) {
				t.Errorf("interface endpoints for %v, want %v", slices.Sorted(maps.Keys(services)), want)
			}
			var ingress []string
			for _, rule := range s.OfType("aws_vpc_security_group_ingress_rule") {
				if rule.Attrs["security_group_id"] != endpointSG {
					continue
				}
				from, _ := rule.Number("from_port")
				to, _ := rule.Number("to_port")
				proto, _ := rule.String("ip_protocol")
				ingress = append(ingress, fmt.Sprintf("%s %g-%g from %v", proto, from, to, rule.Attrs["referenced_security_group_id"]))
				if _, ok := rule.Attrs["cidr_ipv4"]; ok {
					t.Errorf("%s admits a CIDR: %v", rule.Where(), rule.Attrs["cidr_ipv4"])
				}
			}
			if want := []string{fmt.Sprintf("tcp 443-443 from %v", instSG)}; !slices.Equal(ingress, want) {
				t.Errorf("endpoint security group ingress = %v, want %v", ingress, want)
			}
			for _, rule := range s.OfType("aws_vpc_security_group_egress_rule") {
				if rule.Attrs["security_group_id"] == endpointSG {
					t.Errorf("endpoint security group has egress %s, want none", rule.Where())
				}
			}
			// Priced per endpoint and AZ (ENI) plus the assumed data.
			est, err := cost.EstimateStack(s, cost.Defaults())
			if err != nil {
				t.Fatal(err)
			}
			var azHours float64 = -1
			for _, it := range est.Items {
				if it.Name == "interface VPC endpoints, per AZ" {
					azHours = it.Count[cost.Max]
				}
			}
			if want := float64(len(wantServices[env]) * len(private)); azHours != want {
				t.Errorf("cost: %v endpoint AZ-hours priced, want %v (%d endpoints x %d private subnets)", azHours, want, len(wantServices[env]), len(private))
			}
		})
	}
	t.Run("off by default", func(t *testing.T) {
		for env, s := range fixtureSynth(t).stacks {
			for _, ep := range s.OfType("aws_vpc_endpoint") {
				if typ, _ := ep.String("vpc_endpoint_type"); typ != "Gateway" {
					t.Errorf("%s: %s is %s, want only the S3 gateway endpoint", env, ep.Where(), typ)
				}
			}
		}
	})
}
