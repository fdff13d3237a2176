package policy

import (
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/policyid"
)

// TestPolicyIDsAreTheRules: the rule IDs constructs/nag accepts
// (internal/policyid) are exactly the rules this package checks, sorted.
func TestPolicyIDsAreTheRules(t *testing.T) {
	var ids []string
	for _, r := range Rules() {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(policyid.IDs, ids) {
		t.Errorf("policyid.IDs = %q\nwant the rules' IDs %q", policyid.IDs, ids)
	}
	if !slices.IsSorted(policyid.IDs) {
		t.Errorf("policyid.IDs are not sorted (Known searches them): %q", policyid.IDs)
	}
	for _, id := range append(ids, "EWT-NOPE-1", "") {
		if got, want := policyid.Known(id), Known(id); got != want {
			t.Errorf("policyid.Known(%q) = %v, policy.Known = %v", id, got, want)
		}
	}
}
