package simulate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// The fixtures in testdata/stacks are trimmed copies of `make synth` output
// (the sample environments.yaml as shipped; prod-target-tracking with policy:
// target_tracking), keeping the resources the simulator reads.
func loadFixture(t testing.TB, name string) *stackjson.Stack {
	t.Helper()
	s, err := stackjson.LoadDir(filepath.Join("testdata", "stacks", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFromStackReadsTheSynthesizedStacks(t *testing.T) {
	// Expected values come from the sample as shipped: prod min 3 / max 9 /
	// desired 3, stage 2 / 4 / 2; scaling defaults > 70 for 2 of 2 (+1),
	// < 30 for 5 of 5 (-1), warm-up 120 s; the compute construct's 120 s grace
	// period, the target group's 30 s deregistration delay, detailed
	// monitoring on. Target tracking: target 50 and no warm-up of its own, so
	// the group's default_cooldown (absent: 300 s).
	type alarmWant struct {
		name, op  string
		threshold float64
		m, n      int
		missing   string
		policies  []string
	}
	tests := []struct {
		stack            string
		min, max, des    int
		policies         []string
		warmups          []int
		alarms           []alarmWant
		ignored          int
		grace, deregWant int
	}{{
		stack: "prod", min: 3, max: 9, des: 3, grace: 120, deregWant: 30, ignored: 3,
		policies: []string{"webtier-prod-scale-in", "webtier-prod-scale-out"}, warmups: []int{120, 120},
		alarms: []alarmWant{
			{"webtier-prod-cpu-high", "GreaterThanThreshold", 70, 2, 2, "missing", []string{"webtier-prod-scale-out"}},
			{"webtier-prod-cpu-low", "LessThanThreshold", 30, 5, 5, "notBreaching", []string{"webtier-prod-scale-in"}},
		},
	}, {
		stack: "stage", min: 2, max: 4, des: 2, grace: 120, deregWant: 30, ignored: 3,
		policies: []string{"webtier-stage-scale-in", "webtier-stage-scale-out"}, warmups: []int{120, 120},
		alarms: []alarmWant{
			{"webtier-stage-cpu-high", "GreaterThanThreshold", 70, 2, 2, "missing", []string{"webtier-stage-scale-out"}},
			{"webtier-stage-cpu-low", "LessThanThreshold", 30, 5, 5, "notBreaching", []string{"webtier-stage-scale-in"}},
		},
	}, {
		stack: "prod-target-tracking", min: 3, max: 9, des: 3, grace: 120, deregWant: 30, ignored: 3,
		policies: []string{"webtier-prod-cpu-target"}, warmups: []int{300},
		alarms: []alarmWant{
			{"webtier-prod-cpu-target-AlarmHigh", "GreaterThanThreshold", 50, 3, 3, "missing", []string{"webtier-prod-cpu-target"}},
			{"webtier-prod-cpu-target-AlarmLow", "LessThanThreshold", 45, 15, 15, "missing", []string{"webtier-prod-cpu-target"}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.stack, func(t *testing.T) {
			m, err := FromStack(loadFixture(t, tc.stack))
			if err != nil {
				t.Fatalf("FromStack: %v", err)
			}
			g := m.Group
			if g.Min != tc.min || g.Max != tc.max || g.Desired != tc.des {
				t.Errorf("min/max/desired = %d/%d/%d, want %d/%d/%d", g.Min, g.Max, g.Desired, tc.min, tc.max, tc.des)
			}
			if g.HealthCheckGracePeriod != tc.grace || g.DeregistrationDelay != tc.deregWant || !g.DetailedMonitoring {
				t.Errorf("grace %d, deregistration %d, detailed monitoring %v; want %d, %d, true", g.HealthCheckGracePeriod, g.DeregistrationDelay, g.DetailedMonitoring, tc.grace, tc.deregWant)
			}
			var names []string
			var warmups []int
			for _, p := range m.Policies {
				names, warmups = append(names, p.Name), append(warmups, p.Warmup)
			}
			if !slices.Equal(names, tc.policies) || !slices.Equal(warmups, tc.warmups) {
				t.Errorf("policies %v warm-ups %v, want %v %v", names, warmups, tc.policies, tc.warmups)
			}
			if len(m.Alarms) != len(tc.alarms) {
				t.Fatalf("%d scaling alarms, want %d: %+v", len(m.Alarms), len(tc.alarms), m.Alarms)
			}
			for i, w := range tc.alarms {
				a := m.Alarms[i]
				got := alarmWant{a.Name, a.Operator, a.Threshold, a.DatapointsToAlarm, a.EvaluationPeriods, a.TreatMissingData, a.PolicyNames}
				if got.name != w.name || got.op != w.op || got.threshold != w.threshold || got.m != w.m || got.n != w.n || got.missing != w.missing || !slices.Equal(got.policies, w.policies) {
					t.Errorf("alarm %d = %+v, want %+v", i, got, w)
				}
			}
			if len(m.Ignored) != tc.ignored {
				t.Errorf("ignored alarms %v, want %d (the ALB/SNS alarms)", m.Ignored, tc.ignored)
			}
		})
	}
}

func TestFromStackWithoutAutoScalingGroup(t *testing.T) {
	_, err := FromStack(loadFixture(t, "dev"))
	if !errors.Is(err, ErrNoAutoScalingGroup) {
		t.Fatalf("error = %v, want ErrNoAutoScalingGroup", err)
	}
	for _, want := range []string{"stack dev", "no aws_autoscaling_group", "compute_mode ec2", "no Auto Scaling Group to simulate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// mutate loads the prod fixture as JSON, lets edit change it and parses it back.
func mutate(t *testing.T, edit func(res map[string]map[string]map[string]any)) *stackjson.Stack {
	t.Helper()
	return mutateFixture(t, "prod", edit)
}

// mutateFixture loads a fixture as JSON, lets edit change it and parses it back.
func mutateFixture(t *testing.T, fixture string, edit func(res map[string]map[string]map[string]any)) *stackjson.Stack {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "stacks", fixture, stackjson.FileName))
	if err != nil {
		t.Fatal(err)
	}
	s, err := stackjson.Parse("prod", editResources(t, b, edit))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// editResources decodes a stack's JSON, lets edit change its resources
// (type -> name -> body) and encodes it again.
func editResources(t *testing.T, b []byte, edit func(res map[string]map[string]map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	res := map[string]map[string]map[string]any{}
	for typ, byName := range doc["resource"].(map[string]any) {
		res[typ] = map[string]map[string]any{}
		for name, body := range byName.(map[string]any) {
			res[typ][name] = body.(map[string]any)
		}
	}
	edit(res)
	doc["resource"] = res
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const (
	highAlarm = "scaling_scale-out-alarm_DA9A2E49"
	lowAlarm  = "scaling_scale-in-alarm_497765E2"
	outPolicy = "scaling_scale-out_4BA7D80F"
	asgName   = "compute_asg_4EBBEC64"
)

func TestFromStackRejectsUnsupportedShapes(t *testing.T) {
	type res = map[string]map[string]map[string]any
	tests := []struct {
		name string
		edit func(r res)
		want []string // every one must appear in the error
	}{
		{"statistic Sum", func(r res) { r["aws_cloudwatch_metric_alarm"][highAlarm]["statistic"] = "Sum" },
			[]string{"prod/scaling/scale-out-alarm (aws_cloudwatch_metric_alarm.scaling_scale-out-alarm_DA9A2E49)", `statistic = "Sum"`, "allowed are Average, Maximum, Minimum"}},
		{"percentile", func(r res) {
			delete(r["aws_cloudwatch_metric_alarm"][highAlarm], "statistic")
			r["aws_cloudwatch_metric_alarm"][highAlarm]["extended_statistic"] = "p95"
		}, []string{`extended_statistic = "p95"`}},
		{"sub-minute period", func(r res) { r["aws_cloudwatch_metric_alarm"][highAlarm]["period"] = 30 },
			[]string{"period = 30", "multiples of 60"}},
		{"metric math", func(r res) {
			r["aws_cloudwatch_metric_alarm"][highAlarm]["metric_query"] = []any{map[string]any{"id": "m1"}}
		},
			[]string{"metric_query is set"}},
		{"other metric", func(r res) { r["aws_cloudwatch_metric_alarm"][highAlarm]["metric_name"] = "NetworkIn" },
			[]string{"metric AWS/EC2/NetworkIn", "only AWS/EC2 CPUUtilization"}},
		{"other dimension", func(r res) {
			r["aws_cloudwatch_metric_alarm"][highAlarm]["dimensions"] = map[string]any{"InstanceId": "i-123"}
		}, []string{"dimensions", "AutoScalingGroupName of aws_autoscaling_group." + asgName}},
		{"anomaly band operator", func(r res) {
			r["aws_cloudwatch_metric_alarm"][highAlarm]["comparison_operator"] = "LessThanLowerOrGreaterThanUpperThreshold"
		}, []string{`comparison_operator = "LessThanLowerOrGreaterThanUpperThreshold"`}},
		{"predictive policy without a metric", func(r res) { r["aws_autoscaling_policy"][outPolicy]["policy_type"] = "PredictiveScaling" },
			[]string{`predefined_metric_type = ""`, "ASGCPUUtilization and ALBRequestCount (no customized metrics)", "target_value = 0: must be above 0"}},
		{"predictive policy on requests with a CPU load", func(r res) {
			r["aws_autoscaling_policy"]["p"] = map[string]any{"name": "p", "policy_type": "PredictiveScaling", "autoscaling_group_name": "${aws_autoscaling_group." + asgName + ".name}",
				"predictive_scaling_configuration": map[string]any{"mode": "ForecastAndScale", "metric_specification": map[string]any{"target_value": 1000,
					"predefined_metric_pair_specification": map[string]any{"predefined_metric_type": "ALBRequestCount"}}}}
		}, []string{"forecasts ALBRequestCountPerTarget but the group's load is CPUUtilization"}},
		{"predictive mode", func(r res) {
			r["aws_autoscaling_policy"]["p"] = map[string]any{"name": "p", "policy_type": "PredictiveScaling", "autoscaling_group_name": "${aws_autoscaling_group." + asgName + ".name}",
				"predictive_scaling_configuration": map[string]any{"mode": "ScaleOnly", "metric_specification": map[string]any{"target_value": 50,
					"predefined_metric_pair_specification": map[string]any{"predefined_metric_type": "ASGCPUUtilization"}}}}
		}, []string{`mode = "ScaleOnly": want ForecastOnly or ForecastAndScale`}},
		{"warm pool state", func(r res) { r["aws_autoscaling_group"][asgName]["warm_pool"] = map[string]any{"pool_state": "Frozen"} },
			[]string{`warm_pool.pool_state = "Frozen": want Stopped, Hibernated or Running`}},
		{"mixed instances", func(r res) { r["aws_autoscaling_group"][asgName]["mixed_instances_policy"] = map[string]any{} },
			[]string{"mixed_instances_policy is set"}},
		{"no adjustment type", func(r res) { delete(r["aws_autoscaling_policy"][outPolicy], "adjustment_type") },
			[]string{"adjustment_type is missing"}},
		{"gap between steps", func(r res) {
			r["aws_autoscaling_policy"][outPolicy]["step_adjustment"] = []any{
				map[string]any{"metric_interval_lower_bound": "0", "metric_interval_upper_bound": "5", "scaling_adjustment": 1},
				map[string]any{"metric_interval_lower_bound": "10", "scaling_adjustment": 2},
			}
		}, []string{"0..5 and 10..+inf overlap or leave a gap"}},
		{"expression threshold", func(r res) { r["aws_cloudwatch_metric_alarm"][highAlarm]["threshold"] = "${var.cpu}" },
			[]string{`threshold = "${var.cpu}"`, "literal number"}},
		{"basic monitoring", func(r res) {
			for _, lt := range r["aws_launch_template"] {
				lt["monitoring"] = map[string]any{"enabled": false}
			}
		}, []string{"period = 60 with basic monitoring", "every 5 minutes"}},
		{"several problems at once", func(r res) {
			r["aws_cloudwatch_metric_alarm"][highAlarm]["datapoints_to_alarm"] = 9
			r["aws_cloudwatch_metric_alarm"][lowAlarm]["treat_missing_data"] = "sometimes"
		}, []string{"datapoints_to_alarm = 9: must be within 1..evaluation_periods (2)", `treat_missing_data = "sometimes"`}},
		{"policy action on OK", func(r res) {
			r["aws_cloudwatch_metric_alarm"][lowAlarm]["ok_actions"] = []any{"${aws_autoscaling_policy." + outPolicy + ".arn}"}
		}, []string{"ok_actions invokes aws_autoscaling_policy." + outPolicy}},
		{"two groups", func(r res) {
			r["aws_autoscaling_group"]["second"] = map[string]any{"min_size": 1, "max_size": 2}
		}, []string{"2 aws_autoscaling_group resources", "one group per stack"}},
		{"desired above max", func(r res) { r["aws_autoscaling_group"][asgName]["desired_capacity"] = 12 },
			[]string{"desired_capacity = 12: must be within min_size..max_size (3..9)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FromStack(mutate(t, tc.edit))
			if err == nil {
				t.Fatalf("FromStack accepted it, want an error mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not mention %q", err, w)
				}
			}
		})
	}
}

func TestFromStackIgnoresWhatDoesNotScale(t *testing.T) {
	// A disabled alarm and a policy no alarm invokes are notes, not errors;
	// the remaining alarm still drives its policy.
	s := mutate(t, func(r map[string]map[string]map[string]any) {
		r["aws_cloudwatch_metric_alarm"][lowAlarm]["actions_enabled"] = false
	})
	m, err := FromStack(s)
	if err != nil {
		t.Fatalf("FromStack: %v", err)
	}
	if len(m.Alarms) != 1 || m.Alarms[0].Name != "webtier-prod-cpu-high" {
		t.Errorf("alarms = %+v, want only webtier-prod-cpu-high", m.Alarms)
	}
	notes := strings.Join(m.Notes, "\n")
	for _, want := range []string{"actions_enabled = false", "webtier-prod-scale-in) is invoked by no alarm"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q do not mention %q", notes, want)
		}
	}
}
