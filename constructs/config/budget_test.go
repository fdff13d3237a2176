package config

import (
	"strings"
	"testing"
)

// The budget and scaling.max_minutes_to_full settings (issue 18).
const budgetYAML = `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  budget: {max_monthly_usd: 150}
environments:
  dev:
    network: {cidr: 10.10.0.0/16}
  prod:
    network: {cidr: 10.30.0.0/16}
    budget: {max_monthly_usd: 400.5}
    scaling: {max_minutes_to_full: 15}
  free:
    network: {cidr: 10.40.0.0/16}
`

func TestBudgetAndMaxMinutesToFull(t *testing.T) {
	f, err := Parse("b.yaml", []byte(budgetYAML))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, e := range f.Environments {
		got[e.Name] = e.Budget.MaxMonthlyUSD
	}
	if got["dev"] != 150 || got["prod"] != 400.5 || got["free"] != 150 {
		t.Errorf("budgets = %v; want dev 150 (defaults), prod 400.5 (own), free 150", got)
	}
	if f.Environments[0].Budget == f.Environments[2].Budget {
		t.Error("two environments share one *Budget")
	}
	if f.Environments[1].Scaling.MaxMinutesToFull != 15 || f.Environments[0].Scaling.MaxMinutesToFull != 0 {
		t.Errorf("max_minutes_to_full = %d, %d; want 15 (prod), 0 (default)", f.Environments[1].Scaling.MaxMinutesToFull, f.Environments[0].Scaling.MaxMinutesToFull)
	}
	noBudget := strings.Replace(budgetYAML, "  budget: {max_monthly_usd: 150}\n", "", 1)
	if f, err = Parse("b.yaml", []byte(noBudget)); err != nil || f.Environments[0].Budget != nil {
		t.Errorf("without a budget block: %v, %+v; want no budget", err, f)
	}
}

func TestBudgetProblemsAllAtOnce(t *testing.T) {
	bad := strings.NewReplacer(
		"budget: {max_monthly_usd: 400.5}", "budget: {max_monthly_usd: -5, monthly: 3}",
		"scaling: {max_minutes_to_full: 15}", "scaling: {max_minutes_to_full: -1}",
		"  budget: {max_monthly_usd: 150}\n", "  budget: {}\n",
	).Replace(budgetYAML)
	_, err := Parse("b.yaml", []byte(bad))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		"prod: budget.monthly: unknown key; allowed here: max_monthly_usd",
		"prod: budget.max_monthly_usd: -5 is not allowed; want the monthly ceiling in USD, above 0",
		"dev: budget.max_monthly_usd: 0 is not allowed",
		"prod: scaling.max_minutes_to_full: -1 is not allowed; want 1 to 1440 minutes, or 0 for no limit",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestMaxMinutesToFullNeedsStepPolicy(t *testing.T) {
	tt := strings.Replace(budgetYAML, "scaling: {max_minutes_to_full: 15}", "scaling: {max_minutes_to_full: 15, policy: target_tracking}", 1)
	_, err := Parse("b.yaml", []byte(tt))
	if err == nil || !strings.Contains(err.Error(), "prod: scaling.max_minutes_to_full: 15 is set but scaling.policy is target_tracking") {
		t.Errorf("err = %v", err)
	}
}
