package cost

import (
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
