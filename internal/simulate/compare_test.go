package simulate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenProd is the library fixture's synthesized prod (the seed's profile).
const goldenProd = "../../__tests__/testdata/golden/fixture/prod.tf.json"

// variant writes the golden prod edited by edit to dir/name.tf.json.
func variant(t *testing.T, dir, name string, edit func(res map[string]map[string]map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(goldenProd)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".tf.json")
	if err := os.WriteFile(path, editResources(t, b, edit), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCompare: the seed's prod, the same with the recommended steps, and
// with the steps and a Stopped warm pool, under the step 90 -> 900 at
// minute 10 (TestStepToThreeTimesCapacity has the minutes by hand): 14, 4
// and 3 minutes overloaded; cost at desired 219.78 (TestProdByHand), the
// same with steps, and 219.78 + 6 x 8 GiB x 0.08 = 223.62 with the pool:
// +1.75% (shown +1.8%).
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	steps := []any{
		map[string]any{"metric_interval_lower_bound": "0", "metric_interval_upper_bound": "15", "scaling_adjustment": 1},
		map[string]any{"metric_interval_lower_bound": "15", "metric_interval_upper_bound": "25", "scaling_adjustment": 3},
		map[string]any{"metric_interval_lower_bound": "25", "scaling_adjustment": 6},
	}
	withSteps := func(res map[string]map[string]map[string]any) {
		res["aws_autoscaling_policy"][outPolicy]["step_adjustment"] = steps
	}
	stepsPath := variant(t, dir, "steps", withSteps)
	poolPath := variant(t, dir, "pool", func(res map[string]map[string]map[string]any) {
		withSteps(res)
		res["aws_autoscaling_group"][asgName]["warm_pool"] = map[string]any{"pool_state": "Stopped", "min_size": 0, "max_group_prepared_capacity": -1}
	})
	var out, errb bytes.Buffer
	code := Main([]string{"compare", "--profile", "step:from=90,to=900,at=10", "--minutes", "40", "today=" + goldenProd, "steps=" + stepsPath, "recommended=" + poolPath}, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := [][]string{
		{"today", "14", "minute", "14", "9", "221.58", "+0.0%"},
		{"steps", "4", "minute", "14", "9", "221.58", "+0.0%"},
		{"recommended", "3", "minute", "13", "9", "225.42", "+1.7%"},
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2+len(want) {
		t.Fatalf("got %d lines, want a title, a header and %d rows:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		got := strings.Fields(lines[2+i])
		if len(got) < len(w) || strings.Join(got[:len(w)], " ") != strings.Join(w, " ") {
			t.Errorf("row %d: got %q, want it to start %q", i, lines[2+i], strings.Join(w, " "))
		}
	}
	rows, err := CompareStacks([]string{"today", "recommended"}, []string{goldenProd, poolPath}, stepAt(90, 900, 10), Options{Minutes: 40, LaunchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	// 225.417 / 221.577 (the agent's 1.795 USD in both) = +1.733%.
	if rows[1].CostChangePercent != 1.73 || rows[1].MonthlyUSD != 225.42 || rows[1].MinutesOverloaded != 3 {
		t.Errorf("recommended: %+v, want 3 minutes overloaded, 225.42 USD, +1.73%%", rows[1])
	}
}

// TestCompareRefusals: bad arguments are usage errors naming them; a stack
// that cannot be read is an error naming it, with every stack reported.
func TestCompareRefusals(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"compare", "--profile", "constant:load=1"}, ExitUsage, []string{"no stacks: give at least one NAME=STACK"}},
		{[]string{"compare", "today=x"}, ExitUsage, []string{"--profile is required"}},
		{[]string{"compare", "--profile", "constant:load=1", "today", "a=x", "a=y"}, ExitUsage, []string{`"today": want NAME=STACK`, `"a=y": the name a is given twice`}},
		{[]string{"compare", "--profile", "constant:load=1", "a=testdata/stacks/none", "b=testdata/stacks/dev"}, ExitError, []string{"a=testdata/stacks/none", "b=testdata/stacks/dev", "no aws_autoscaling_group"}},
	}
	for _, c := range cases {
		var out, errb bytes.Buffer
		if code := Main(c.args, &out, &errb); code != c.code {
			t.Errorf("%q: exit %d, want %d (%s)", c.args, code, c.code, errb.String())
		}
		for _, w := range c.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%q: stderr %q does not mention %q", c.args, errb.String(), w)
			}
		}
	}
}
