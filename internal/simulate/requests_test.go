package simulate

import (
	"slices"
	"strings"
	"testing"
)

// testdata/stacks/prod-request-count is prod-target-tracking with the policy
// tracking ALBRequestCountPerTarget (target 1000 requests per target per
// minute) instead of CPU: min 3, max 9, desired 3, grace period (launch
// delay) 120 s, warm-up = default_cooldown 300 s. AWS's alarms: > 1000 for
// 3 of 3 minutes, < 900 for 15 of 15. The load is requests per minute; each
// serving target gets load / in service, not capped at 100 as CPU is.
func TestRequestCountTargetTracking(t *testing.T) {
	type summary struct {
		firstAbove, firstOut, firstServing, peak, peakMinute, servingMinute, above, overloaded, final int
	}
	tests := []struct {
		name    string
		profile string
		minutes int
		want    []ev
		sum     summary
		row     int     // a timeline minute to check
		perTgt  float64 // its requests per target
	}{{
		// 1500 (500 per target on 3) -> 6000 (2000 per target) at 10 for 20
		// minutes: the CPU target-tracking case of TestRealStacks with every
		// load x 20. Out: minutes 10..12 -> ALARM at 13: ceil(3 x 2000 /
		// 1000) = 6: 3 -> 6; at 14 the alarm is still in ALARM but the 3
		// warmed instances ask for the same 6. From 15 six serve: 1000, not
		// above the target. Above the target: minutes 10..14 = 5. In: from
		// 30, 1500 / 6 = 250 < 900; minutes 30..44 -> ALARM at 45:
		// ceil(6 x 250 / 1000) = 2, clamped to min 3: 6 -> 3.
		name: "spike to 2x the target", profile: "spike:base=1500,peak=6000,at=10,duration=20", minutes: 50,
		want: []ev{{13, 3, 6}, {45, 6, 3}},
		sum:  summary{firstAbove: 10, firstOut: 13, firstServing: 15, peak: 6, peakMinute: 13, servingMinute: 15, above: 5, overloaded: 0, final: 3},
		row:  12, perTgt: 2000,
	}, {
		// 1500 -> 9000 at 10: 3000 per target, which a CPU metric would cap
		// at 100. ALARM at 13: ceil(3 x 3000 / 1000) = 9 = max: 3 -> 9; from
		// 15 nine serve at 1000: no more. No scale-in: 1000 is not < 900.
		name: "step to 3x the target", profile: "step:from=1500,to=9000,at=10", minutes: 30,
		want: []ev{{13, 3, 9}},
		sum:  summary{firstAbove: 10, firstOut: 13, firstServing: 15, peak: 9, peakMinute: 13, servingMinute: 15, above: 5, overloaded: 0, final: 9},
		row:  15, perTgt: 1000,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromStack(loadFixture(t, "prod-request-count"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseProfile(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, m, p, tc.minutes)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Errorf("events = %v\nwant     %v", got, tc.want)
			}
			s := r.Summary
			got := summary{derefOr(s.FirstMinuteAbove), derefOr(s.FirstScaleOut), derefOr(s.FirstNewInstanceInService), s.PeakCapacity, s.PeakCapacityMinute,
				s.PeakInServiceMinute, s.MinutesAboveThreshold, s.MinutesOverloaded, s.FinalCapacity}
			if got != tc.sum {
				t.Errorf("summary = %+v\nwant      %+v", got, tc.sum)
			}
			row := r.Timeline[tc.row]
			if row.CPU != nil || row.RequestsPerTarget == nil || *row.RequestsPerTarget != tc.perTgt {
				t.Errorf("minute %d: cpu %v, requests per target %v; want no cpu and %g", tc.row, deref2(row.CPU), deref2(row.RequestsPerTarget), tc.perTgt)
			}
		})
	}
}

func deref2(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestFromStackReadsRequestCountTracking(t *testing.T) {
	m, err := FromStack(loadFixture(t, "prod-request-count"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Metric != MetricRequests {
		t.Errorf("metric = %q, want %q", m.Metric, MetricRequests)
	}
	if len(m.Policies) != 1 {
		t.Fatalf("%d policies, want 1", len(m.Policies))
	}
	p := m.Policies[0]
	wantLabel := "${aws_lb.alb_7A364839.arn_suffix}/${aws_lb_target_group.alb_target-group_8180AAF8.arn_suffix}"
	if p.Metric != MetricRequests || p.TargetValue != 1000 || p.ResourceLabel != wantLabel || p.Warmup != 300 {
		t.Errorf("policy = metric %q target %g label %q warm-up %d; want %q 1000 %q 300", p.Metric, p.TargetValue, p.ResourceLabel, p.Warmup, MetricRequests, wantLabel)
	}
	type alarm struct {
		name, metric, stat, op string
		threshold              float64
		m, n                   int
	}
	var got []alarm
	for _, a := range m.Alarms {
		got = append(got, alarm{a.Name, a.Metric, a.Statistic, a.Operator, a.Threshold, a.DatapointsToAlarm, a.EvaluationPeriods})
	}
	want := []alarm{
		{"webtier-prod-requests-target-AlarmHigh", MetricRequests, "Sum", "GreaterThanThreshold", 1000, 3, 3},
		{"webtier-prod-requests-target-AlarmLow", MetricRequests, "Sum", "LessThanThreshold", 900, 15, 15},
	}
	if !slices.Equal(got, want) {
		t.Errorf("alarms = %+v\nwant     %+v", got, want)
	}
	if d := m.Alarms[0].Describe(); !strings.Contains(d, "Sum ALBRequestCountPerTarget > 1000 for 3 of 3 periods of 60s") {
		t.Errorf("Describe() = %q, want the request-count condition", d)
	}
}

const requestPolicy = "scaling_request-count_5D1C2A77"

// requestCount loads the prod-request-count fixture with edit applied.
func requestCount(t *testing.T, edit func(r map[string]map[string]map[string]any)) error {
	t.Helper()
	_, err := FromStack(mutateFixture(t, "prod-request-count", edit))
	return err
}

func TestFromStackRejectsBadRequestCountPolicies(t *testing.T) {
	type res = map[string]map[string]map[string]any
	spec := func(r res) map[string]any {
		return r["aws_autoscaling_policy"][requestPolicy]["target_tracking_configuration"].(map[string]any)["predefined_metric_specification"].(map[string]any)
	}
	tests := []struct {
		name string
		edit func(r res)
		want []string
	}{
		{"no resource label", func(r res) { delete(spec(r), "resource_label") },
			[]string{"predefined_metric_specification.resource_label is missing", "app/<load-balancer>/<id>/targetgroup/<target-group>/<id>"}},
		{"malformed literal label", func(r res) { spec(r)["resource_label"] = "webtier-prod-alb" },
			[]string{`resource_label = "webtier-prod-alb": allowed is app/<load-balancer>/<id>/targetgroup/<target-group>/<id>`}},
		{"another target group", func(r res) {
			spec(r)["resource_label"] = "${aws_lb.alb_7A364839.arn_suffix}/${aws_lb_target_group.other.arn_suffix}"
		}, []string{"target group aws_lb_target_group.other is not in aws_autoscaling_group.compute_asg_4EBBEC64's target_group_arns"}},
		{"no target group in the label", func(r res) { spec(r)["resource_label"] = "${aws_lb.alb_7A364839.arn_suffix}" },
			[]string{"must reference a load balancer's and a target group's arn_suffix"}},
		{"zero target", func(r res) {
			r["aws_autoscaling_policy"][requestPolicy]["target_tracking_configuration"].(map[string]any)["target_value"] = 0
		}, []string{"target_value = 0: a request-count target (requests per target per minute) must be > 0"}},
		{"other predefined metric", func(r res) { spec(r)["predefined_metric_type"] = "ASGAverageNetworkIn" },
			[]string{`predefined_metric_type = "ASGAverageNetworkIn": the simulator supports only ASGAverageCPUUtilization and ALBRequestCountPerTarget`}},
		{"request count next to CPU target tracking", func(r res) {
			r["aws_autoscaling_policy"]["cpu"] = map[string]any{
				"autoscaling_group_name": "${aws_autoscaling_group.compute_asg_4EBBEC64.name}", "name": "cpu", "policy_type": "TargetTrackingScaling",
				"target_tracking_configuration": map[string]any{"predefined_metric_specification": map[string]any{"predefined_metric_type": "ASGAverageCPUUtilization"}, "target_value": 50},
			}
		}, []string{"aws_autoscaling_policy." + requestPolicy + " scales on ALBRequestCountPerTarget but aws_autoscaling_policy.cpu (ASGAverageCPUUtilization) scales on CPU", "either requests per minute or CPU"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := requestCount(t, tc.edit)
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

func TestRequestCountNextToCPUAlarms(t *testing.T) {
	// Prod's CPU step alarms and a request-count policy in one stack: the
	// load cannot be both, and the error names the alarms.
	_, err := FromStack(mutate(t, func(r map[string]map[string]map[string]any) {
		r["aws_autoscaling_policy"]["req"] = map[string]any{
			"autoscaling_group_name": "${aws_autoscaling_group." + asgName + ".name}", "name": "req", "policy_type": "TargetTrackingScaling",
			"target_tracking_configuration": map[string]any{"predefined_metric_specification": map[string]any{
				"predefined_metric_type": "ALBRequestCountPerTarget", "resource_label": "app/webtier-prod-alb/50dc6c495c0c9188/targetgroup/prod-tg/73e2d6bc24d8a067"}, "target_value": 1000},
		}
	}))
	want := "aws_autoscaling_policy.req scales on ALBRequestCountPerTarget but aws_cloudwatch_metric_alarm." + lowAlarm + " (CPUUtilization), aws_cloudwatch_metric_alarm." + highAlarm + " (CPUUtilization) scales on CPU"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v\nwant one containing %q", err, want)
	}
}

func TestMainRequestCountText(t *testing.T) {
	code, stdout, stderr := runMain("--stack", "testdata/stacks/prod-request-count", "--profile", "step:from=1500,to=9000,at=10", "--minutes", "20")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"load in requests per minute to the target group",
		"webtier-prod-requests-target: TargetTrackingScaling, ALBRequestCountPerTarget target 1000 requests per target per minute",
		"req/target",
		"minute 13: scale_out 3 -> 9 by webtier-prod-requests-target (alarm webtier-prod-requests-target-AlarmHigh, metric 3000.0)",
		"scale-out threshold          requests per target > 1000 (webtier-prod-requests-target-AlarmHigh)",
		"minutes overloaded           0 (load and no serving instance",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output does not contain %q:\n%s", want, stdout)
		}
	}
}
