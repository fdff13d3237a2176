package policy

import (
	"fmt"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestTLSPolicyOneDefinition: for every TLS policy name, alb.ssl_policy
// validation (constructs/config) and rule EWT-ALB-3 give the same answer, so
// no policy passes one and fails the other after a full synth.
func TestTLSPolicyOneDefinition(t *testing.T) {
	names := append([]string{
		"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", // accepted by the old regex, refused by the rule
		"ELBSecurityPolicy-FS-1-2-Res-2019-08",
		"ELBSecurityPolicy-2016-08",
		"ELBSecurityPolicy-TLS13-1-2-2021-06-extra",
		"",
	}, config.ModernTLSPolicies...)
	for _, name := range names {
		src := fmt.Sprintf("environments:\n  prod:\n    region: us-east-1\n    availability_zones: [us-east-1a, us-east-1b]\n    network: {cidr: 10.0.0.0/16}\n    alb: {ssl_policy: %q}\n", name)
		_, err := config.Parse("t.yaml", []byte(src))
		validated := err == nil

		doc := golden(t, "prod")
		addResource(doc, "aws_lb_listener", "tls", map[string]any{"protocol": "HTTPS", "port": 443, "ssl_policy": name})
		res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, "prod", doc)})
		passed := len(res.Violations) == 0
		if len(res.Violations) > 1 || (!passed && res.Violations[0].Rule.ID != "EWT-ALB-3") {
			t.Fatalf("%q: violations %v, want none or EWT-ALB-3", name, res.Violations)
		}
		if validated != passed {
			t.Errorf("%q: validation accepts: %v (%v), EWT-ALB-3 passes: %v; want the same answer", name, validated, err, passed)
		}
	}
}
