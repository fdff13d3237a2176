package config_test

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestCPUCreditsAccepted: standard is the default; unlimited takes a
// burstable type (and spot types all burstable); standard with a
// non-burstable type is allowed (nothing is written for it).
func TestCPUCreditsAccepted(t *testing.T) {
	checkAccepted(t, []acceptedCase{
		{"default", nil, "compute.cpu_credits", config.CPUCreditsStandard},
		{"unlimited t3", []string{"compute.cpu_credits", "unlimited"}, "compute.cpu_credits", config.CPUCreditsUnlimited},
		{"unlimited t2", []string{"compute.instance_type", "t2.micro", "compute.cpu_credits", "unlimited"}, "compute.cpu_credits", config.CPUCreditsUnlimited},
		{"unlimited t4g", []string{"compute.instance_type", "t4g.small", "compute.cpu_credits", "unlimited"}, "compute.cpu_credits", config.CPUCreditsUnlimited},
		{"standard t3a", []string{"compute.instance_type", "t3a.small", "compute.cpu_credits", "standard"}, "compute.cpu_credits", config.CPUCreditsStandard},
		{"standard (default) on m5", []string{"compute.instance_type", "m5.large"}, "compute.cpu_credits", config.CPUCreditsStandard},
		{"unlimited with burstable spot types", []string{"compute.cpu_credits", "unlimited", "compute.spot", "{instance_types: [t3.small, t3a.small, t4g.small]}"}, "compute.cpu_credits", config.CPUCreditsUnlimited},
		{"standard with non-burstable spot types", []string{"compute.instance_type", "m5.large", "compute.spot", "{instance_types: [m5.large, m6i.large]}"}, "compute.cpu_credits", config.CPUCreditsStandard},
	})
}

// TestCPUCreditsRefused: each case is one mistake, reported once on
// compute.cpu_credits with the value and what is allowed.
func TestCPUCreditsRefused(t *testing.T) {
	cases := []struct {
		name string
		sets []string
		want []string
	}{
		{"unknown option", []string{"compute.cpu_credits", "burst"}, []string{`"burst" is not a CPU credit option`, "standard, unlimited"}},
		{"empty", []string{"compute.cpu_credits", `""`}, []string{`"" is not a CPU credit option`, "standard, unlimited"}},
		{"unlimited on m5", []string{"compute.instance_type", "m5.large", "compute.cpu_credits", "unlimited"},
			[]string{"unlimited applies only to burstable instance types (t2, t3, t3a, t4g)", `"m5.large"`}},
		{"unlimited on t1 (no credit specification)", []string{"compute.instance_type", "t1.micro", "compute.cpu_credits", "unlimited"},
			[]string{"unlimited applies only to burstable", `"t1.micro"`}},
		{"spot mixes burstable and not", []string{"compute.spot", "{instance_types: [t3.small, m5.large]}"},
			[]string{"mix burstable (t3.micro) with others (m5.large)", "only burstable types or only others"}},
		{"spot burstable next to a non-burstable template type", []string{"compute.instance_type", "m5.large", "compute.spot", "{instance_types: [t3.small]}"},
			[]string{"mix burstable (t3.small) with others (m5.large)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, "", c.sets...)
			_, ce := problemsOf(t, data)
			if ce == nil {
				t.Fatalf("accepted; want a problem on compute.cpu_credits\n%s", data)
			}
			if len(ce.Problems) != 1 || ce.Problems[0].Field != "compute.cpu_credits" || ce.Problems[0].Env != "dev" {
				t.Fatalf("got %v, want one problem on dev: compute.cpu_credits", ce)
			}
			for _, w := range c.want {
				if got := ce.Problems[0].String(); !strings.Contains(got, w) {
					t.Errorf("problem %q does not contain %q", got, w)
				}
			}
		})
	}
}

// TestBurstable: the families with CPU credits, by the family before the dot.
func TestBurstable(t *testing.T) {
	for typ, want := range map[string]bool{
		"t2.nano": true, "t3.micro": true, "t3a.2xlarge": true, "t4g.small": true,
		"t1.micro": false, "m5.large": false, "t3": false, "": false, "t3x.micro": false, "mt3.micro": false,
	} {
		if got := config.Burstable(typ); got != want {
			t.Errorf("Burstable(%q) = %v, want %v", typ, got, want)
		}
	}
}
