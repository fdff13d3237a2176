package simulate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// testdata/stacks/prod-memory is prod-request-count with the policy
// tracking the CloudWatch agent's memory (CWAgent mem_used_percent,
// Average, the group's AutoScalingGroupName; target 70), as
// constructs/scaling's memory policy writes it: min 3, max 9, desired 3,
// launch delay 120 s, warm-up = default_cooldown 300 s. AWS's alarms:
// > 70 for 3 of 3 minutes, < 63 for 15 of 15. The load is memory in percent
// of one instance, load / in service each, capped at 100 as CPU is.
func TestMemoryTargetTracking(t *testing.T) {
	m, err := FromStack(loadFixture(t, "prod-memory"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Metric != MetricMemory {
		t.Fatalf("model metric = %q, want %q", m.Metric, MetricMemory)
	}
	if d := m.Policies[0].Describe(); !strings.Contains(d, "CWAgent mem_used_percent) target 70") {
		t.Errorf("policy described as %q", d)
	}
	// 150 (50% on each of 3) -> 240 (80%) at 10 for 20 minutes. Out: minutes
	// 10..12 above 70 -> ALARM at 13: ceil(3 x 80 / 70) = 4: 3 -> 4; from
	// 15 four serve at 60, not above the target but below 63, so the low
	// alarm's 15 minutes run from 15: in ALARM from 30, and at 31, with the
	// load back at 150 (37.5 each), ceil(4 x 37.5 / 70) = 3: 4 -> 3.
	p, err := ParseProfile("spike:base=150,peak=240,at=10,duration=20")
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, m, p, 50)
	if got, want := events(r), []ev{{13, 3, 4}, {31, 4, 3}}; !slices.Equal(got, want) {
		t.Errorf("events = %v\nwant     %v", got, want)
	}
	row := r.Timeline[12]
	if row.CPU != nil || row.RequestsPerTarget != nil || row.Memory == nil || *row.Memory != 80 {
		t.Errorf("minute 12: cpu %v, requests %v, memory %v; want memory 80 only", deref2(row.CPU), deref2(row.RequestsPerTarget), deref2(row.Memory))
	}
}

// TestMemoryMetricRefused: a customized metric other than the agent's
// memory of this group is refused, saying what is supported.
func TestMemoryMetricRefused(t *testing.T) {
	cases := []struct {
		name string
		edit func(spec map[string]any)
		want string
	}{
		{"another namespace", func(s map[string]any) { s["namespace"] = "Custom" }, "supports only CWAgent mem_used_percent, Average"},
		{"another statistic", func(s map[string]any) { s["statistic"] = "Maximum" }, `statistic "Maximum"`},
		{"another group", func(s map[string]any) {
			s["metric_dimension"] = []any{map[string]any{"name": "AutoScalingGroupName", "value": "someone-else"}}
		}, "metric_dimension: want the one dimension AutoScalingGroupName"},
		{"two dimensions", func(s map[string]any) {
			s["metric_dimension"] = append(s["metric_dimension"].([]any), map[string]any{"name": "InstanceId", "value": "i-1"})
		}, "metric_dimension: want the one dimension"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "stacks", "prod-memory", "cdk.tf.json"))
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			pol := doc["resource"].(map[string]any)["aws_autoscaling_policy"].(map[string]any)["scaling_memory_ABCDEF12"].(map[string]any)
			c.edit(pol["target_tracking_configuration"].(map[string]any)["customized_metric_specification"].(map[string]any))
			dir := filepath.Join(t.TempDir(), "prod")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			out, _ := json.Marshal(doc)
			if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), out, 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := stackjson.LoadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			_, err = FromStack(s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}
