// Package nag lets construct code suppress a policy rule (internal/policy) on
// one resource, with a written reason. The suppression is recorded in the
// resource's "//" metadata of the synthesized JSON, where the policy check
// reads it, and it is listed in the synth summary.
package nag

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Suppress records suppressions on r, replacing any made before on it. Every
// suppression needs a known rule ID and a reason.
func Suppress(r cdktf.TerraformResource, suppressions ...policy.CodeSuppression) error {
	list := make([]map[string]string, 0, len(suppressions))
	for _, s := range suppressions {
		if !policy.Known(s.Rule) {
			return fmt.Errorf("suppression rule (%q) is not a policy rule", s.Rule)
		}
		if strings.TrimSpace(s.Reason) == "" {
			return fmt.Errorf("suppression of %s needs a reason", s.Rule)
		}
		list = append(list, map[string]string{"rule": s.Rule, "reason": s.Reason})
	}
	r.AddOverride(ptr.S("//."+policy.CodeSuppressionKey), list)
	return nil
}
