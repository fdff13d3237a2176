package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// ipv6Rules are the rules of dual-stack load balancers.
var ipv6Rules = []Rule{
	{
		ID:     "EWT-SG-3",
		Reason: "a dual-stack load balancer open to every IPv4 client must admit every IPv6 client too: without ::/0 its IPv6 addresses (and the AAAA records) time out",
		Fix:    "add an ingress rule from ::/0 on the same port to the load balancer's security group (the alb construct adds one for every 0.0.0.0/0 of alb.ingress_cidrs when ip_address_type is dual-stack), or set ip_address_type ipv4",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, lb := range c.Stack.OfType("aws_lb") {
				t, _ := lb.String("ip_address_type")
				if t != string(config.IPAddressDualstack) && t != config.IPAddressDualstackWithoutPublicIPv4.API() {
					continue
				}
				groups := map[string]bool{}
				for _, sg := range refsOfType(c.Stack, lb.Attrs["security_groups"], "aws_security_group") {
					groups[sg.Address()] = true
				}
				v4, v6 := map[int]bool{}, map[int]bool{}
				for _, r := range ingressRules(c.Stack) {
					if !groups[r.sg] {
						continue
					}
					sources := strings.Split(r.source, ",")
					for p := r.from; p <= r.to && p-r.from < 65536; p++ {
						if slices.Contains(sources, config.AllIPv4) {
							v4[p] = true
						}
						if slices.Contains(sources, config.AllIPv6) {
							v6[p] = true
						}
					}
				}
				var missing []int
				for p := range v4 {
					if !v6[p] {
						missing = append(missing, p)
					}
				}
				slices.Sort(missing)
				for _, p := range missing {
					out = append(out, Finding{lb, fmt.Sprintf("ip_address_type %s: its security groups admit %s on port %d but not %s", t, config.AllIPv4, p, config.AllIPv6)})
				}
			}
			return out
		},
	},
}

func init() { rules = append(rules, ipv6Rules...) }
