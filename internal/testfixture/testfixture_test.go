package testfixture_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

const doc = `# head
project: webtier
defaults:
  region: us-east-1 # kept
environments:
  dev:
    network: {cidr: 10.10.0.0/16}
    scaling:
      schedules:
        - {name: a, min_size: 1}
        - {name: b, min_size: 2}
  prod:
    suppressions:
      - {rule: EWT-ALB-4, resource: prod/alb/lb, reason: r}
`

func TestEdit(t *testing.T) {
	copyDev, err := testfixture.Get([]byte(doc), "environments.dev")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		changes []testfixture.Change
		want    []string // substrings of the result
		gone    []string // not in the result
		err     string
	}{
		{name: "set a scalar", changes: []testfixture.Change{testfixture.Set("defaults.region", "eu-west-1")},
			want: []string{"region: eu-west-1", "# head"}, gone: []string{"us-east-1"}},
		{name: "set creates mappings", changes: []testfixture.Change{testfixture.Set("environments.prod.alb.domain.name", "app.example.com")},
			want: []string{"  prod:\n    suppressions:", "    alb:\n      domain:\n        name: app.example.com"}},
		{name: "set a mapping", changes: []testfixture.Change{testfixture.Set("environments.prod.backend", map[string]string{"bucket": "b", "key": "k"})},
			want: []string{"    backend:\n      bucket: b\n      key: k"}},
		{name: "set in a list item", changes: []testfixture.Change{testfixture.Set("environments.dev.scaling.schedules.1.min_size", 5)},
			want: []string{"{name: b, min_size: 5}", "{name: a, min_size: 1}"}},
		{name: "remove a key", changes: []testfixture.Change{testfixture.Remove("environments.prod.suppressions")},
			gone: []string{"suppressions", "EWT-ALB-4"}},
		{name: "remove a key in a list item", changes: []testfixture.Change{testfixture.Remove("environments.dev.scaling.schedules.0.min_size")},
			want: []string{"{name: a}"}},
		{name: "remove a list item", changes: []testfixture.Change{testfixture.Remove("environments.dev.scaling.schedules.0")},
			gone: []string{"name: a"}, want: []string{"name: b"}},
		{name: "append to a list", changes: []testfixture.Change{testfixture.Append("environments.prod.suppressions", map[string]string{"rule": "EWT-COST-1", "resource": "prod", "reason": "x"})},
			want: []string{"rule: EWT-ALB-4", "- reason: x\n        resource: prod\n        rule: EWT-COST-1"}},
		{name: "append creates the list", changes: []testfixture.Change{testfixture.Append("environments.dev.suppressions", "x")},
			want: []string{"    suppressions:\n      - x"}},
		{name: "copy a block", changes: []testfixture.Change{testfixture.Set("environments.qa", copyDev), testfixture.Set("environments.qa.network.cidr", "10.20.0.0/16")},
			want: []string{"  qa:\n    network: {cidr: 10.20.0.0/16}", "  dev:\n    network: {cidr: 10.10.0.0/16}"}},
		{name: "index out of range", changes: []testfixture.Change{testfixture.Set("environments.dev.scaling.schedules.2.min_size", 1)},
			err: `environments.dev.scaling.schedules.2.min_size: "2" is not an index of this list of 2`},
		{name: "key under a scalar", changes: []testfixture.Change{testfixture.Set("defaults.region.x", 1)},
			err: `"x" is under a scalar`},
		{name: "remove a missing key", changes: []testfixture.Change{testfixture.Remove("environments.stage")},
			err: `environments.stage: no key "stage"`},
		{name: "append to a mapping", changes: []testfixture.Change{testfixture.Append("environments.dev", 1)},
			err: "+ appends to a list; this is a mapping"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := testfixture.Edit([]byte(doc), c.changes...)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("result lacks %q:\n%s", w, out)
				}
			}
			for _, g := range c.gone {
				if strings.Contains(string(out), g) {
					t.Errorf("result still has %q:\n%s", g, out)
				}
			}
		})
	}
	if _, err := testfixture.Edit([]byte("- a\n- b\n")); err == nil || !strings.Contains(err.Error(), "not a mapping") {
		t.Errorf("Edit of a list: err = %v, want not a mapping", err)
	}
}

// TestEditKeepsTheFixture: re-encoding the fixture without a change loads
// to the same configuration (the structured edit changes only what it is
// told to).
func TestEditKeepsTheFixture(t *testing.T) {
	data, err := os.ReadFile(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := testfixture.Edit(data)
	if err != nil {
		t.Fatal(err)
	}
	want, err := config.Parse("environments.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := config.Parse("environments.yaml", out)
	if err != nil {
		t.Fatalf("the re-encoded fixture does not load: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the re-encoded fixture loads differently:\n got %+v\nwant %+v", got, want)
	}
}
