package tests

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// recordTypesByName lists the alias record types of each name of the
// stack, sorted.
func recordTypesByName(s *stackjson.Stack) map[string][]string {
	out := map[string][]string{}
	for _, r := range s.OfType("aws_route53_record") {
		if _, alias := r.Get("alias"); !alias {
			continue
		}
		name, _ := r.String("name")
		typ, _ := r.String("type")
		out[name] = append(out[name], typ)
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// openRules lists "<port>/<cidr>" of the ingress rules of the load
// balancer's security group that admit every address of a family.
func openRules(t *testing.T, s *stackjson.Stack) []string {
	t.Helper()
	lb := mustOne(t, s, "aws_lb")
	groups := lb.List("security_groups")
	var out []string
	for _, r := range s.OfType("aws_vpc_security_group_ingress_rule") {
		sg, _ := r.String("security_group_id")
		if !slices.Contains(groups, any(sg)) {
			continue
		}
		port, _ := r.Number("from_port")
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			if c, _ := r.String(k); c == "0.0.0.0/0" || c == "::/0" {
				out = append(out, fmt.Sprintf("%v/%s", port, c))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestDualStackProperties: network.ipv6 and alb.ip_address_type dualstack
// (the domain fixture's web) give the VPC an Amazon-provided /56, each
// subnet a /64 of it, ::/0 routes (internet gateway public, egress-only
// gateway private), ::/0 beside every 0.0.0.0/0 listener rule and HTTPS
// egress rule, and AAAA alias records beside the A records; the IPv4
// environment (api) has none of it.
func TestDualStackProperties(t *testing.T) {
	r := domainSynth(t)
	web, api := r.stacks["web"], r.stacks["api"]
	if web == nil || api == nil {
		t.Fatalf("stacks web and api not synthesized; got %v", keys(r.raw))
	}

	if got, _ := mustOne(t, web, "aws_lb").String("ip_address_type"); got != "dualstack" {
		t.Errorf("web: aws_lb.ip_address_type = %q, want dualstack", got)
	}
	if got, ok := mustOne(t, api, "aws_lb").Get("ip_address_type"); ok {
		t.Errorf("api: aws_lb.ip_address_type = %v, want it unwritten (AWS's ipv4)", got)
	}
	vpc := mustOne(t, web, "aws_vpc")
	if got, _ := vpc.Bool("assign_generated_ipv6_cidr_block"); !got {
		t.Errorf("web: aws_vpc.assign_generated_ipv6_cidr_block = %v, want true", got)
	}
	if _, ok := mustOne(t, api, "aws_vpc").Get("assign_generated_ipv6_cidr_block"); ok {
		t.Errorf("api: aws_vpc has assign_generated_ipv6_cidr_block; want none without network.ipv6")
	}

	// Subnets: public i takes /64 number i, private i number 128+i.
	block := vpc.Address() + ".ipv6_cidr_block"
	want := map[string]string{
		"public-a": "${cidrsubnet(" + block + ", 8, 0)}", "public-b": "${cidrsubnet(" + block + ", 8, 1)}",
		"private-a": "${cidrsubnet(" + block + ", 8, 128)}", "private-b": "${cidrsubnet(" + block + ", 8, 129)}",
	}
	for _, sn := range web.OfType("aws_subnet") {
		az, _ := sn.String("availability_zone")
		tier, _ := sn.String("tags", "Tier")
		key := tier + "-" + az[len(az)-1:]
		if got, _ := sn.String("ipv6_cidr_block"); got != want[key] {
			t.Errorf("web: subnet %s (%s): ipv6_cidr_block = %q, want %q", sn.Address(), key, got, want[key])
		}
		assign, _ := sn.Bool("assign_ipv6_address_on_creation")
		if assign != (tier == "private") {
			t.Errorf("web: subnet %s: assign_ipv6_address_on_creation = %v, want %v (private subnets only)", sn.Address(), assign, tier == "private")
		}
	}
	for _, sn := range api.OfType("aws_subnet") {
		if v, ok := sn.Get("ipv6_cidr_block"); ok {
			t.Errorf("api: subnet %s has ipv6_cidr_block %v; want none", sn.Address(), v)
		}
	}

	// Routes: ::/0 to the internet gateway from the public table, to the
	// egress-only gateway from each private table.
	eigw := mustOne(t, web, "aws_egress_only_internet_gateway")
	igw := mustOne(t, web, "aws_internet_gateway")
	var viaIGW, viaEIGW int
	for _, rt := range web.OfType("aws_route") {
		if d, _ := rt.String("destination_ipv6_cidr_block"); d != "::/0" {
			continue
		}
		if g, _ := rt.String("gateway_id"); g == ref(igw, "id") {
			viaIGW++
		}
		if g, _ := rt.String("egress_only_gateway_id"); g == ref(eigw, "id") {
			viaEIGW++
		}
	}
	if viaIGW != 1 || viaEIGW != 2 {
		t.Errorf("web: ::/0 routes via the internet gateway %d, via the egress-only gateway %d; want 1 and 2 (one per private route table)", viaIGW, viaEIGW)
	}
	if n := len(api.OfType("aws_egress_only_internet_gateway")); n != 0 {
		t.Errorf("api: %d egress-only gateways, want 0", n)
	}

	// Security groups: ::/0 beside 0.0.0.0/0 on 80 and 443.
	if got, want := openRules(t, web), []string{"443/0.0.0.0/0", "443/::/0", "80/0.0.0.0/0", "80/::/0"}; !slices.Equal(got, want) {
		t.Errorf("web: load balancer rules open to all = %q, want %q", got, want)
	}
	if got, want := openRules(t, api), []string{"443/0.0.0.0/0", "80/0.0.0.0/0"}; !slices.Equal(got, want) {
		t.Errorf("api: load balancer rules open to all = %q, want %q", got, want)
	}
	var egress6 int
	for _, e := range web.OfType("aws_vpc_security_group_egress_rule") {
		if c, _ := e.String("cidr_ipv6"); c == "::/0" {
			if p, _ := e.Number("from_port"); p != 443 {
				t.Errorf("web: egress rule %s to ::/0 on port %v, want 443 only", e.Address(), p)
			}
			egress6++
		}
	}
	if egress6 != 1 {
		t.Errorf("web: %d egress rules to ::/0, want 1 (the instances' HTTPS)", egress6)
	}

	// Records: A and AAAA per name with dual-stack, A only without.
	for env, wantTypes := range map[string][]string{"web": {"A", "AAAA"}, "api": {"A"}} {
		got := recordTypesByName(r.stacks[env])
		if len(got) == 0 {
			t.Errorf("%s: no alias records", env)
		}
		for name, types := range got {
			if !slices.Equal(types, wantTypes) {
				t.Errorf("%s: alias records of %s: %q, want %q", env, name, types, wantTypes)
			}
		}
	}
}

// TestAccountGuardAndIPv6Only: account_id becomes the provider's
// allowed_account_ids and assume_role its assume_role block (duration in
// seconds, optional keys only when set); an environment without them writes
// neither. dualstack_without_public_ipv4 writes the API's spelling and
// makes only AAAA alias records (the load balancer has no IPv4 address).
func TestAccountGuardAndIPv6Only(t *testing.T) {
	r := synthFile(t, testfixture.Write(t, t.TempDir(), mustRead(t, domainFixture),
		testfixture.Set("environments.web.account_id", "111122223333"),
		testfixture.Set("environments.web.assume_role", map[string]any{
			"role_arn": "arn:aws:iam::111122223333:role/deploy", "session_name": "webtier-web", "duration": 900}),
		testfixture.Set("environments.web.alb.ip_address_type", "dualstack_without_public_ipv4"),
	))
	web, api := r.stacks["web"], r.stacks["api"]
	p, ok := stackjson.Walk(web.Raw, "provider", "aws", 0)
	if !ok {
		t.Fatalf("web: no provider.aws[0] in %s", show(web.Raw["provider"]))
	}
	if got, _ := stackjson.Walk(p, "allowed_account_ids"); show(got) != show([]any{"111122223333"}) {
		t.Errorf("web: provider allowed_account_ids = %s, want [\"111122223333\"]", show(got))
	}
	wantRole := []any{map[string]any{"role_arn": "arn:aws:iam::111122223333:role/deploy", "session_name": "webtier-web", "duration": "900s"}}
	if got, _ := stackjson.Walk(p, "assume_role"); show(got) != show(wantRole) {
		t.Errorf("web: provider assume_role = %s, want %s", show(got), show(wantRole))
	}
	ap, _ := stackjson.Walk(api.Raw, "provider", "aws", 0)
	for _, k := range []string{"allowed_account_ids", "assume_role"} {
		if v, ok := stackjson.Walk(ap, k); ok {
			t.Errorf("api: provider %s = %s, want none without account_id/assume_role", k, show(v))
		}
	}
	if got, _ := mustOne(t, web, "aws_lb").String("ip_address_type"); got != "dualstack-without-public-ipv4" {
		t.Errorf("web: aws_lb.ip_address_type = %q, want dualstack-without-public-ipv4", got)
	}
	for name, types := range recordTypesByName(web) {
		if !slices.Equal(types, []string{"AAAA"}) {
			t.Errorf("web: alias records of %s: %q, want only AAAA", name, types)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ipv4Network is a network of two public subnets without IPv6 blocks (it
// has no IPv6 method, as a network of another library might not).
type ipv4Network struct{}

func (ipv4Network) VPCID() *string { return jsii.String("vpc-0123456789abcdef0") }
func (ipv4Network) PublicSubnetIDs() []*string {
	return []*string{jsii.String("subnet-0a"), jsii.String("subnet-0b")}
}
