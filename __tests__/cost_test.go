package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestBudgetFailsSynth (issue 18): a budget below prod's estimate at max
// capacity (327.33 USD a month, computed by hand in internal/cost) fails synth
// naming the environment, the estimate, the budget and the three largest
// items, and leaves cdktf.out unwritten; a suppression with a reason on the
// stack lets it through and is listed.
func TestBudgetFailsSynth(t *testing.T) {
	over := testfixture.Set("environments.prod.budget.max_monthly_usd", 300)
	t.Setenv("ENVIRONMENTS_FILE", testfixture.Variant(t, over))
	out := filepath.Join(t.TempDir(), "cdktf.out")
	var log bytes.Buffer
	err := synth.Run(&log, out, policy.Check)
	for _, want := range []string{
		"prod EWT-COST-1: prod (whole stack): environment prod: estimated 330.71 USD a month at max capacity (9 instances) exceeds budget.max_monthly_usd 300.00 by 30.71",
		"largest items: EC2 t3.small on-demand, Linux 136.66, NAT gateways 98.55, EC2 detailed monitoring, 7 metrics per instance 18.90",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("synth error lacks %q: %v", want, err)
		}
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("%s was written although the budget was exceeded", out)
	}

	t.Setenv("ENVIRONMENTS_FILE", testfixture.Variant(t, over,
		testfixture.Append("environments.prod.suppressions", map[string]string{"rule": "EWT-COST-1", "resource": "prod", "reason": "load-test month approved"})))
	log.Reset()
	if err := synth.Run(&log, out, policy.Check); err != nil {
		t.Fatalf("suppressed synth failed: %v", err)
	}
	if !strings.Contains(log.String(), "suppressed EWT-COST-1 on prod (whole stack) (environments.yaml): load-test month approved") {
		t.Errorf("the suppression is not listed:\n%s", log.String())
	}
}
