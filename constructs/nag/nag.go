// Package nag lets construct code suppress a policy rule (the checks `go run
// .` runs on every synthesized stack) on one resource, with a written
// reason. The suppression is recorded in the resource's "//" metadata of the
// synthesized JSON, where the policy check reads it, and it is listed in the
// synth summary.
package nag

import (
	"fmt"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/internal/policyid"
)

// Suppression silences one policy rule on the resource it is recorded on.
type Suppression struct {
	// Rule is the policy rule ID, e.g. EWT-ALB-2. Required.
	Rule string `json:"rule"`
	// Reason says why the rule does not apply. Required.
	Reason string `json:"reason"`
}

// Suppress records suppressions on r, replacing any made before on it. Every
// suppression needs a known rule ID and a reason.
func Suppress(r cdktf.TerraformResource, suppressions ...Suppression) error {
	list := make([]map[string]string, 0, len(suppressions))
	for _, s := range suppressions {
		if !policyid.Known(s.Rule) {
			return fmt.Errorf("suppression rule (%q) is not a policy rule; want one of %s", s.Rule, strings.Join(policyid.IDs, ", "))
		}
		if strings.TrimSpace(s.Reason) == "" {
			return fmt.Errorf("suppression of %s needs a reason", s.Rule)
		}
		list = append(list, map[string]string{"rule": s.Rule, "reason": s.Reason})
	}
	r.AddOverride(jsii.String("//."+policyid.SuppressionKey), list)
	return nil
}
