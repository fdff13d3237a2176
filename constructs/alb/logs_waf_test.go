package alb

import (
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestELBAccountRegions: the Regions that take the Elastic Load Balancing
// account are Regions validation accepts (no typo keeps one on the service
// principal by mistake), each once; the Regions opened as of August 2022,
// which have no account (the provider's data source fails there), are not
// among them: they take the log delivery service principal.
func TestELBAccountRegions(t *testing.T) {
	accepted := config.Regions()
	seen := map[string]bool{}
	for _, r := range ELBAccountRegions {
		if !slices.Contains(accepted, r) {
			t.Errorf("ELBAccountRegions lists %s, which validation does not accept", r)
		}
		if seen[r] {
			t.Errorf("ELBAccountRegions lists %s twice", r)
		}
		seen[r] = true
	}
	if len(ELBAccountRegions) != 22 {
		t.Errorf("ELBAccountRegions has %d Regions, want the 22 of the aws partition with an ELB account", len(ELBAccountRegions))
	}
	// AWS: "Regions available as of August 2022 or later" (Hyderabad,
	// Melbourne, Spain, Zurich, UAE, and those opened since).
	for _, r := range []string{"ap-south-2", "ap-southeast-4", "eu-south-2", "eu-central-2", "me-central-1", "il-central-1", "ca-west-1", "ap-southeast-5", "ap-southeast-7", "mx-central-1", "ap-east-2"} {
		if !slices.Contains(accepted, r) {
			t.Errorf("%s is not accepted by validation; the test's list is stale", r)
		}
		if seen[r] {
			t.Errorf("%s has no ELB account, but ELBAccountRegions lists it", r)
		}
	}
	var principal []string
	for _, r := range accepted {
		if !seen[r] {
			principal = append(principal, r)
		}
	}
	t.Logf("%d Regions take the ELB account, %d the log delivery service principal %s: %v", len(ELBAccountRegions), len(principal), LogDeliveryPrincipal, principal)
}
