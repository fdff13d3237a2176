package tests

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestZeroIsAValue: a zero that validation allows reaches the JSON. The
// constructs once read 0 as "unset" and wrote their own defaults
// (min_healthy_percentage 0 became 90, warmup_seconds 0 became 120). The
// fixture's synth is checked too, so the test fails if a zero and the default
// cannot be told apart.
func TestZeroIsAValue(t *testing.T) {
	zero := fixtureVariant(t,
		testfixture.Set("defaults.scaling.warmup_seconds", 0),
		testfixture.Set("environments.prod.compute.min_healthy_percentage", 0),
		testfixture.Set("environments.prod.compute.health_check_grace_period", 0),
		testfixture.Set("environments.prod.alb.deregistration_delay", 0),
		testfixture.Set("environments.prod.alb.slow_start", 0),
		testfixture.Set("defaults.scaling.scale_in.threshold", 0),
	)
	cases := []struct {
		name       string
		typ        string
		path       []any
		def, wantZ any // in the fixture's synth and in the variant
	}{
		{"compute.min_healthy_percentage", "aws_autoscaling_group", []any{"instance_refresh", "preferences", "min_healthy_percentage"}, 90.0, 0.0},
		{"compute.health_check_grace_period", "aws_autoscaling_group", []any{"health_check_grace_period"}, 120.0, 0.0},
		{"alb.deregistration_delay", "aws_lb_target_group", []any{"deregistration_delay"}, "30", "0"},
		{"alb.slow_start", "aws_lb_target_group", []any{"slow_start"}, nil, 0.0}, // left out unless set
	}
	def := fixtureSynth(t).stacks["prod"]
	z := zero.stacks["prod"]
	for _, c := range cases {
		if got, _ := mustOne(t, def, c.typ).Get(c.path...); got != c.def {
			t.Errorf("default %s: %s %v = %#v, want %#v", c.name, c.typ, c.path, got, c.def)
		}
		if got, _ := mustOne(t, z, c.typ).Get(c.path...); got != c.wantZ {
			t.Errorf("%s: 0: %s %v = %#v, want %#v", c.name, c.typ, c.path, got, c.wantZ)
		}
	}
	for _, s := range []struct {
		stack *stackjson.Stack
		want  float64
	}{{def, 120}, {z, 0}} {
		policies := s.stack.OfType("aws_autoscaling_policy")
		if len(policies) != 2 {
			t.Fatalf("%d scaling policies, want the step pair", len(policies))
		}
		for _, p := range policies {
			if got, _ := p.Number("estimated_instance_warmup"); got != s.want {
				t.Errorf("scaling.warmup_seconds %v: %s estimated_instance_warmup = %v, want %v", s.want, p.Where(), got, s.want)
			}
		}
	}
	low := findByName(t, z, "aws_cloudwatch_metric_alarm", "alarm_name", "webtier-prod-cpu-low")
	if got, _ := low.Number("threshold"); got != 0 {
		t.Errorf("scaling.scale_in.threshold 0: cpu-low threshold = %v, want 0", got)
	}
	if body, _ := mustOne(t, z, "aws_cloudwatch_dashboard").String("dashboard_body"); !strings.Contains(body, `"label":"scale in \u003c 0%","value":0`) {
		t.Errorf("dashboard lacks the scale-in line at 0:\n%s", body)
	}
}
