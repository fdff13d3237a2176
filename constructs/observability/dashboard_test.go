package observability

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestScalingThresholds: the CPU widget shows where the policy acts on CPU,
// and nothing where it does not (request_count targets requests, not CPU).
func TestScalingThresholds(t *testing.T) {
	with := func(p config.ScalingPolicy) config.Scaling {
		sc := config.DefaultScaling()
		sc.Policy = p
		sc.ScaleOut.Threshold, sc.ScaleIn.Threshold, sc.TargetCPU = 80, 20, 45
		return sc
	}
	cases := []struct {
		policy config.ScalingPolicy
		want   []Threshold
	}{
		{config.PolicyStep, []Threshold{{"scale out > 80%", 80, "#d62728"}, {"scale in < 20%", 20, "#2ca02c"}}},
		{config.PolicyTargetTracking, []Threshold{{"target 45%", 45, "#ff7f0e"}}},
		{config.PolicyRequestCount, nil},
	}
	for _, c := range cases {
		if got := ScalingThresholds(with(c.policy)); !reflect.DeepEqual(got, c.want) {
			t.Errorf("ScalingThresholds(%s) = %+v, want %+v", c.policy, got, c.want)
		}
	}
}

// TestDashboardCPUWidget: the CPU widget's title and lines follow the
// thresholds given, in both compute modes.
func TestDashboardCPUWidget(t *testing.T) {
	step := ScalingThresholds(config.DefaultScaling())
	cases := []struct {
		name       string
		dimension  string
		thresholds []Threshold
		wantTitle  string
		wantLines  []hline
	}{
		{"group, step", "AutoScalingGroupName", step, "Average CPU with scaling thresholds",
			[]hline{{"scale out > 70%", 70, "#d62728"}, {"scale in < 30%", 30, "#2ca02c"}}},
		{"group, request_count", "AutoScalingGroupName", nil, "Average CPU", nil},
		{"instance", "InstanceId", nil, "Average CPU", nil},
		{"instance, lines given", "InstanceId", []Threshold{{Label: "watch", Value: 90}}, "Average CPU with scaling thresholds", []hline{{Label: "watch", Value: 90}}},
	}
	for _, c := range cases {
		w := wiring{Name: "n", Region: "eu-west-1", ALBARNSuffix: jsii.String("lb"), TargetGroupARNSuffix: jsii.String("tg"), Dimension: c.dimension, DimensionValue: jsii.String("x")}
		body, err := dashboardBody(w, c.thresholds)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got struct{ Widgets []widget }
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("%s: body does not decode: %v", c.name, err)
		}
		cpu := got.Widgets[len(got.Widgets)-1].Properties
		if cpu.Title != c.wantTitle {
			t.Errorf("%s: CPU widget title %q, want %q", c.name, cpu.Title, c.wantTitle)
		}
		var lines []hline
		if cpu.Annotations != nil {
			lines = cpu.Annotations.Horizontal
		}
		if !reflect.DeepEqual(lines, c.wantLines) {
			t.Errorf("%s: CPU widget lines %+v, want %+v", c.name, lines, c.wantLines)
		}
	}
}

// TestCPUThresholdsChecked: a line New cannot draw is refused, each named.
func TestCPUThresholdsChecked(t *testing.T) {
	p := DefaultProps()
	p.Name, p.Region = "webtier-dev", "eu-west-1"
	p.CPUThresholds = []Threshold{{Label: "ok", Value: 50}, {Value: 101, Color: "red"}}
	// nil scope: validation runs before anything is made, so no jsii kernel starts.
	_, err := New(nil, "observability", p)
	if err == nil {
		t.Fatal("New accepted a threshold of 101% without a label")
	}
	for _, want := range []string{"cpu_thresholds[1].label", "cpu_thresholds[1].value: (101) must be a CPU percentage, 0-100", `cpu_thresholds[1].color: ("red")`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "cpu_thresholds[0]") {
		t.Errorf("error names the valid line 0:\n%v", err)
	}
}
