package cost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublicIPv4OfTheLoadBalancer: prod's internet-facing ALB in 3 subnets
// pays for 3 public IPv4 addresses (3 x 0.005 x 730 = 10.95 a month) as ipv4
// and as dualstack; dualstack-without-public-ipv4 drops exactly those, and
// the NAT gateways' Elastic IPs stay. An egress-only gateway costs nothing.
func TestPublicIPv4OfTheLoadBalancer(t *testing.T) {
	base := mustEstimate(t, golden(t, "prod"), Defaults()).Total(Max)
	cases := []struct {
		ipType  string
		saved   float64
		albIPv4 bool
	}{
		{"", 0, true},
		{"ipv4", 0, true},
		{"dualstack", 0, true},
		{"dualstack-without-public-ipv4", 3 * 0.005 * 730, false},
	}
	for _, c := range cases {
		t.Run(c.ipType, func(t *testing.T) {
			doc := goldenDoc(t, "prod")
			for _, lb := range resources(doc, "aws_lb") {
				if c.ipType != "" {
					lb.(map[string]any)["ip_address_type"] = c.ipType
				}
			}
			addResource(doc, "aws_egress_only_internet_gateway", "eigw", map[string]any{"vpc_id": "x"})
			e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
			if got := base - e.Total(Max); !near(got, c.saved) {
				t.Errorf("saved %v a month at max, want %v", got, c.saved)
			}
			var alb, eip bool
			for _, it := range e.Items {
				alb = alb || strings.HasPrefix(it.Name, "public IPv4 addresses of the")
				eip = eip || strings.HasPrefix(it.Name, "Elastic IP")
			}
			if alb != c.albIPv4 || !eip {
				t.Errorf("items %v: the ALB's public IPv4 item present = %v, want %v; Elastic IPs present = %v, want true", names(e), alb, c.albIPv4, eip)
			}
		})
	}
}

// TestMainDiffPublicIPv4: `review cost diff` between prod and the same
// stack with a load balancer of dualstack-without-public-ipv4 shows the
// public IPv4 addresses going from 6 (3 NAT + 3 ALB) to 3, 10.95 USD a month less.
func TestMainDiffPublicIPv4(t *testing.T) {
	dir := outdir(t, "prod")
	doc := goldenDoc(t, "prod")
	for _, lb := range resources(doc, "aws_lb") {
		lb.(map[string]any)["ip_address_type"] = "dualstack-without-public-ipv4"
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "stacks", "v6"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stacks", "v6", "cdk.tf.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runMain(t, "diff", "prod", "v6", "--outdir", dir)
	if code != 0 {
		t.Fatalf("exit %d %s\n%s", code, stderr, out)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		for _, kind := range []string{"public IPv4 addresses", "total at max capacity"} {
			if strings.HasPrefix(strings.TrimSpace(line), kind+" ") {
				rows[kind] = strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), kind))
			}
		}
	}
	want := map[string][]string{
		"public IPv4 addresses": {"21.90", "10.95", "-10.95", "public", "IPv4", "addresses", "of", "the", "internet-facing", "ALB", "(one", "per", "subnet)", "3", "->", "0"},
		"total at max capacity": {"330.71", "319.76", "-10.95"}, // the fixture's prod with the CloudWatch agent (327.33 + 3.38)
	}
	for kind, w := range want {
		if strings.Join(rows[kind], " ") != strings.Join(w, " ") {
			t.Errorf("row %q: got %q, want %q\n%s", kind, rows[kind], w, out)
		}
	}
}
