package review

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

func outputOf(v any) stackjson.Output { return stackjson.Output{Value: v} }

func TestCompareDevProd(t *testing.T) {
	c := Compare(goldenStack(t, "dev"), goldenStack(t, "prod"))
	settings := map[string]Change{}
	for _, s := range c.Settings {
		settings[s.Name] = s
	}
	want := []Change{
		{"compute mode", "ec2", "asg"},
		{"availability zones", "2: us-east-1a, us-east-1b", "3: us-east-1a, us-east-1b, us-east-1c"},
		{"NAT gateways", "1", "3"},
		{"instance type", "t3.micro", "t3.small"},
		{"ASG size", "", "min 3, desired 3, max 9"},
		{"deletion protection", "off", "on"},
		{"scale out", "", "+1 when CPU > 70% · 2 of 2 × 60s, warm-up 120s"},
		{"EC2 auto-recovery", "on", "off"},
	}
	for _, w := range want {
		if got, ok := settings[w.Name]; !ok || got != w {
			t.Errorf("%s: got %+v, want %+v", w.Name, got, w)
		}
	}
	for _, same := range []string{"region", "app port", "HTTPS", "target health check", "backend"} {
		if s, ok := settings[same]; ok {
			t.Errorf("%s listed as different: %+v", same, s)
		}
	}
	counts := map[string]CountChange{}
	for _, n := range c.Counts {
		counts[n.Type] = n
	}
	for _, w := range []CountChange{{"aws_autoscaling_group", 0, 1}, {"aws_instance", 1, 0}, {"aws_nat_gateway", 1, 3}, {"aws_subnet", 4, 6}} {
		if got := counts[w.Type]; got != w {
			t.Errorf("count %s: got %+v, want %+v", w.Type, got, w)
		}
	}
	if _, ok := counts["aws_lb"]; ok {
		t.Errorf("aws_lb listed though both have one")
	}
	if c.TotalA != 60 || c.TotalB != 73 || c.SameOutputs != 24 || len(c.OnlyA)+len(c.OnlyB) != 0 {
		t.Errorf("totals %d/%d, same outputs %d, only %v/%v: want 60/73, 24, none", c.TotalA, c.TotalB, c.SameOutputs, c.OnlyA, c.OnlyB)
	}
}

func TestCompareSame(t *testing.T) {
	c := Compare(goldenStack(t, "stage"), goldenStack(t, "stage"))
	if !c.Empty() {
		t.Fatalf("stage vs stage: got %+v, want no difference", c)
	}
	var b strings.Builder
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	if want := "stage vs stage: no difference in settings, resource counts or outputs (65 resources each)\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestCompareOutputs(t *testing.T) {
	a, b := mkStack(t, "a"), mkStack(t, "b")
	a.Outputs["x"], a.Outputs["both"] = outputOf(1), outputOf(1)
	b.Outputs["y"], b.Outputs["both"] = outputOf(1), outputOf(2)
	c := Compare(a, b)
	if strings.Join(c.OnlyA, ",") != "x" || strings.Join(c.OnlyB, ",") != "y" || c.SameOutputs != 1 {
		t.Fatalf("got only %v / %v, same %d; want x / y, 1", c.OnlyA, c.OnlyB, c.SameOutputs)
	}
	var w strings.Builder
	if err := c.Write(&w); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"outputs only in a: x\n", "outputs only in b: y\n"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, w.String())
		}
	}
}

// The text of the diffs is reviewed as golden files.
func TestDiffGolden(t *testing.T) {
	for _, pair := range [][2]string{{"dev", "prod"}, {"stage", "prod"}} {
		var b strings.Builder
		if err := Compare(goldenStack(t, pair[0]), goldenStack(t, pair[1])).Write(&b); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "testdata/diff_"+pair[0]+"_"+pair[1]+".golden", b.String())
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.HasSuffix(line, " ") {
				t.Errorf("trailing blanks in %q", line)
			}
		}
	}
}
