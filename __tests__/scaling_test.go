package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/simulate"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestScalingAlarms asserts the exact alarm settings and the policies they drive.
func TestScalingAlarms(t *testing.T) {
	r := fixtureSynth(t)
	for _, env := range []string{"stage", "prod"} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			asg := mustOne(t, s, "aws_autoscaling_group")
			topic := mustOne(t, s, "aws_sns_topic")
			policies := map[string]stackjson.Resource{}
			for _, p := range s.OfType("aws_autoscaling_policy") {
				name, _ := p.String("name")
				policies[name[strings.LastIndex(name, "-scale-")+1:]] = p
			}
			cases := []struct {
				alarm, policy, op, missing string
				threshold, periods, dp     float64
				adjustment                 float64
				boundKey                   string
			}{
				{"cpu-high", "scale-out", "GreaterThanThreshold", "missing", 70, 2, 2, 1, "metric_interval_lower_bound"},
				{"cpu-low", "scale-in", "LessThanThreshold", "notBreaching", 30, 5, 5, -1, "metric_interval_upper_bound"},
			}
			for _, c := range cases {
				alarm := findByName(t, s, "aws_cloudwatch_metric_alarm", "alarm_name", "webtier-"+env+"-"+c.alarm)
				want := map[string]any{
					"namespace": "AWS/EC2", "metric_name": "CPUUtilization", "statistic": "Average",
					"period": 60.0, "comparison_operator": c.op, "threshold": c.threshold,
					"evaluation_periods": c.periods, "datapoints_to_alarm": c.dp, "treat_missing_data": c.missing,
				}
				for k, v := range want {
					if alarm.Attrs[k] != v {
						t.Errorf("%s %s = %v, want %v", c.alarm, k, alarm.Attrs[k], v)
					}
				}
				if d, _ := alarm.Get("dimensions", "AutoScalingGroupName"); !stackjson.RefTo(d, asg.Address()) {
					t.Errorf("%s dimension = %v, want %s", c.alarm, d, ref(asg, "name"))
				}
				p, ok := policies[c.policy]
				if !ok {
					t.Fatalf("no %s policy; got %v", c.policy, keys(policies))
				}
				actions := alarm.List("alarm_actions")
				if len(actions) != 2 || !stackjson.RefTo(actions[0], p.Address()) || !stackjson.RefTo(actions[1], topic.Address()) {
					t.Errorf("%s alarm_actions = %v, want [%s, %s]", c.alarm, actions, ref(p, "arn"), ref(topic, "arn"))
				}
				if typ, _ := p.String("policy_type"); typ != "StepScaling" {
					t.Errorf("%s policy_type = %q, want StepScaling", c.policy, typ)
				}
				if adj, _ := p.Number("step_adjustment", "scaling_adjustment"); adj != c.adjustment {
					t.Errorf("%s adjustment = %v, want %v", c.policy, adj, c.adjustment)
				}
				if b, _ := p.String("step_adjustment", c.boundKey); b != "0" {
					t.Errorf("%s %s = %q, want \"0\"", c.policy, c.boundKey, b)
				}
				if !stackjson.RefTo(p.Attrs["autoscaling_group_name"], asg.Address()) {
					t.Errorf("%s scales %v, want %s", c.policy, p.Attrs["autoscaling_group_name"], asg.Address())
				}
				outAlarm := map[string]string{"cpu-high": outputs.ScaleOutAlarmARN, "cpu-low": outputs.ScaleInAlarmARN}[c.alarm]
				if !stackjson.RefTo(s.Outputs[outAlarm].Value, alarm.Address()) {
					t.Errorf("output %s = %v, want %s", outAlarm, s.Outputs[outAlarm].Value, ref(alarm, "arn"))
				}
			}
		})
	}
	t.Run("ec2 auto-recovery", func(t *testing.T) {
		s := r.stacks["dev"]
		if n := len(s.OfType("aws_autoscaling_policy")); n != 0 {
			t.Errorf("ec2 mode has %d scaling policies, want 0", n)
		}
		a := findByName(t, s, "aws_cloudwatch_metric_alarm", "alarm_name", "webtier-dev-auto-recover")
		if m, _ := a.String("metric_name"); m != "StatusCheckFailed_System" {
			t.Errorf("recovery alarm metric = %q", m)
		}
		if act := a.List("alarm_actions"); len(act) == 0 || act[0] != "arn:aws:automate:us-east-1:ec2:recover" {
			t.Errorf("recovery alarm actions = %v, want the EC2 recover action first", act)
		}
	})
	t.Run("target tracking", func(t *testing.T) {
		tt := fixtureVariant(t, testfixture.Set("defaults.scaling.policy", "target_tracking"))
		s := tt.stacks["prod"]
		p := mustOne(t, s, "aws_autoscaling_policy")
		if typ, _ := p.String("policy_type"); typ != "TargetTrackingScaling" {
			t.Errorf("policy_type = %q, want TargetTrackingScaling", typ)
		}
		if v, _ := p.Number("target_tracking_configuration", "target_value"); v != 50 {
			t.Errorf("target_value = %v, want 50", v)
		}
		for _, a := range s.OfType("aws_cloudwatch_metric_alarm") {
			if m, _ := a.String("metric_name"); m == "CPUUtilization" {
				t.Errorf("target tracking keeps the alarm pair: %s", a.Where())
			}
		}
	})
}

// TestRequestCountScaling: scaling.policy request_count is one
// target-tracking policy on ALBRequestCountPerTarget whose resource label is
// the ALB's and the target group's arn_suffix, with no CPU alarm pair; the
// simulator reads the synthesized policy as request-count tracking of this
// group's target group.
func TestRequestCountScaling(t *testing.T) {
	r := fixtureVariant(t, testfixture.Set("defaults.scaling.policy", "request_count"), testfixture.Set("environments.prod.scaling.target_requests_per_target", 750))
	for env, target := range map[string]float64{"stage": 1000, "prod": 750} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			p := mustOne(t, s, "aws_autoscaling_policy")
			lb, tg, asg := mustOne(t, s, "aws_lb"), mustOne(t, s, "aws_lb_target_group"), mustOne(t, s, "aws_autoscaling_group")
			want := map[string]any{
				"name":        "webtier-" + env + "-requests-target",
				"policy_type": "TargetTrackingScaling",
			}
			for k, v := range want {
				if p.Attrs[k] != v {
					t.Errorf("%s = %v, want %v", k, p.Attrs[k], v)
				}
			}
			if !stackjson.RefTo(p.Attrs["autoscaling_group_name"], asg.Address()) {
				t.Errorf("autoscaling_group_name = %v, want %s", p.Attrs["autoscaling_group_name"], ref(asg, "name"))
			}
			if v, _ := p.Number("target_tracking_configuration", "target_value"); v != target {
				t.Errorf("target_value = %v, want %v", v, target)
			}
			if m, _ := p.String("target_tracking_configuration", "predefined_metric_specification", "predefined_metric_type"); m != "ALBRequestCountPerTarget" {
				t.Errorf("predefined_metric_type = %q, want ALBRequestCountPerTarget", m)
			}
			label, _ := p.String("target_tracking_configuration", "predefined_metric_specification", "resource_label")
			if wantLabel := ref(lb, "arn_suffix") + "/" + ref(tg, "arn_suffix"); label != wantLabel {
				t.Errorf("resource_label = %q, want %q", label, wantLabel)
			}
			for _, a := range s.OfType("aws_cloudwatch_metric_alarm") {
				if m, _ := a.String("metric_name"); m == "CPUUtilization" {
					t.Errorf("request_count keeps a CPU alarm: %s", a.Where())
				}
			}
			for _, name := range []string{outputs.ScaleOutPolicyARN, outputs.ScaleInPolicyARN} {
				if !stackjson.RefTo(s.Outputs[name].Value, p.Address()) {
					t.Errorf("output %s = %v, want %s", name, s.Outputs[name].Value, ref(p, "arn"))
				}
			}
			for _, name := range []string{outputs.ScaleOutAlarmARN, outputs.ScaleInAlarmARN} {
				if v := s.Outputs[name].Value; v != "" {
					t.Errorf("output %s = %v, want \"\" (no alarm pair)", name, v)
				}
			}

			m, err := simulate.FromStack(s)
			if err != nil {
				t.Fatalf("the simulator does not read the synthesized stack: %v", err)
			}
			if m.Metric != simulate.MetricRequests {
				t.Errorf("simulator metric = %q, want %q", m.Metric, simulate.MetricRequests)
			}
			if len(m.Policies) != 1 || m.Policies[0].Metric != simulate.MetricRequests || m.Policies[0].TargetValue != target || m.Policies[0].ResourceLabel != label {
				t.Errorf("simulator policies = %+v, want one %s policy with target %v and label %q", m.Policies, simulate.MetricRequests, target, label)
			}
		})
	}
}

// TestScheduledActions: each of scaling.schedules is one
// aws_autoscaling_schedule of the group; a size left out is -1 (the provider
// sends an absent size as 0), start and end are written in UTC as the
// provider parses them; with schedules the group ignores min_size and
// max_size drift, without them only desired_capacity. The simulator reads the
// synthesized actions.
func TestScheduledActions(t *testing.T) {
	r := fixtureSynth(t)
	s := r.stacks["stage"]
	asg := mustOne(t, s, "aws_autoscaling_group")
	want := map[string]map[string]any{
		"webtier-stage-office-hours-start": {"recurrence": "0 8 * * 1-5", "time_zone": "America/New_York", "min_size": 2.0, "max_size": 4.0, "desired_capacity": 2.0},
		"webtier-stage-office-hours-end":   {"recurrence": "0 19 * * 1-5", "time_zone": "America/New_York", "min_size": 1.0, "max_size": 2.0, "desired_capacity": 1.0},
	}
	got := s.OfType("aws_autoscaling_schedule")
	if len(got) != len(want) {
		t.Fatalf("%d aws_autoscaling_schedule, want %d", len(got), len(want))
	}
	for _, sa := range got {
		name, _ := sa.String("scheduled_action_name")
		w, ok := want[name]
		if !ok {
			t.Errorf("unexpected scheduled action %q", name)
			continue
		}
		for k, v := range w {
			if sa.Attrs[k] != v {
				t.Errorf("%s %s = %v, want %v", name, k, sa.Attrs[k], v)
			}
		}
		for _, k := range []string{"start_time", "end_time"} {
			if v, ok := sa.Attrs[k]; ok {
				t.Errorf("%s %s = %v, want it absent", name, k, v)
			}
		}
		if !stackjson.RefTo(sa.Attrs["autoscaling_group_name"], asg.Address()) {
			t.Errorf("%s autoscaling_group_name = %v, want %s", name, sa.Attrs["autoscaling_group_name"], ref(asg, "name"))
		}
	}
	ignored := func(s *stackjson.Stack) []any {
		return mustOne(t, s, "aws_autoscaling_group").List("lifecycle", "ignore_changes")
	}
	if got := fmt.Sprint(ignored(s)); got != "[desired_capacity min_size max_size launch_template[0].version]" {
		t.Errorf("stage ignore_changes = %s, want [desired_capacity min_size max_size launch_template[0].version]", got)
	}
	if got := fmt.Sprint(ignored(r.stacks["prod"])); got != "[desired_capacity launch_template[0].version]" {
		t.Errorf("prod (no schedules) ignore_changes = %s, want [desired_capacity launch_template[0].version]", got)
	}
	m, err := simulate.FromStack(s)
	if err != nil {
		t.Fatalf("the simulator does not read the synthesized stack: %v", err)
	}
	var desc []string
	for _, sc := range m.Schedules {
		desc = append(desc, sc.Name+": "+sc.Describe())
	}
	wantDesc := "webtier-stage-office-hours-end: cron 0 19 * * 1-5 (America/New_York): min 1, max 2, desired 1; " +
		"webtier-stage-office-hours-start: cron 0 8 * * 1-5 (America/New_York): min 2, max 4, desired 2"
	if got := strings.Join(desc, "; "); got != wantDesc {
		t.Errorf("simulator schedules = %s\nwant %s", got, wantDesc)
	}

	t.Run("unchanged sizes, start and end", func(t *testing.T) {
		const end = "environments.stage.scaling.schedules.1" // office-hours-end
		v := fixtureVariant(t, testfixture.Remove(end+".min_size"), testfixture.Remove(end+".desired_capacity"),
			testfixture.Set(end+".start", "2026-03-02T08:00:00-05:00"), testfixture.Set(end+".end", "2026-12-31T23:00:00Z"))
		sa := findByName(t, v.stacks["stage"], "aws_autoscaling_schedule", "scheduled_action_name", "webtier-stage-office-hours-end")
		for k, want := range map[string]any{"min_size": -1.0, "max_size": 2.0, "desired_capacity": -1.0, "start_time": "2026-03-02T13:00:00Z", "end_time": "2026-12-31T23:00:00Z"} {
			if sa.Attrs[k] != want {
				t.Errorf("%s = %v, want %v", k, sa.Attrs[k], want)
			}
		}
		m, err := simulate.FromStack(v.stacks["stage"])
		if err != nil {
			t.Fatalf("the simulator does not read the synthesized stack: %v", err)
		}
		if sc := m.Schedules[0]; sc.Min != simulate.Unchanged || sc.Max != 2 || sc.Desired != simulate.Unchanged || sc.Start == nil || sc.Start.Format(time.RFC3339) != "2026-03-02T13:00:00Z" {
			t.Errorf("simulator reads %+v, want min and desired unchanged, max 2, start 2026-03-02T13:00:00Z", sc)
		}
	})
}

// TestDashboard: the dashboard's widgets reference this stack's ALB, target group and ASG.
func TestDashboard(t *testing.T) {
	r := fixtureSynth(t)
	s := r.stacks["prod"]
	d := mustOne(t, s, "aws_cloudwatch_dashboard")
	body, _ := d.String("dashboard_body")
	lb, tg, asg := mustOne(t, s, "aws_lb"), mustOne(t, s, "aws_lb_target_group"), mustOne(t, s, "aws_autoscaling_group")
	for _, want := range []string{ref(lb, "arn_suffix"), ref(tg, "arn_suffix"), ref(asg, "name"),
		"RequestCount", "TargetResponseTime", "HTTPCode_ELB_5XX_Count", "HealthyHostCount", "UnHealthyHostCount",
		"GroupInServiceInstances", "GroupDesiredCapacity", "CPUUtilization", `"value":70`, `"value":30`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard body lacks %s:\n%s", want, body)
		}
	}
	if name, _ := d.String("dashboard_name"); s.Outputs[outputs.DashboardName].Value != name {
		t.Errorf("dashboard_name output = %v, want %q", s.Outputs[outputs.DashboardName].Value, name)
	}
}

func findByName(t *testing.T, s *stackjson.Stack, typ, key, name string) stackjson.Resource {
	t.Helper()
	var names []string
	for _, r := range s.OfType(typ) {
		n, _ := r.String(key)
		if n == name {
			return r
		}
		names = append(names, n)
	}
	t.Fatalf("%s: no %s with %s %q; have %v", s.Name, typ, key, name, names)
	return stackjson.Resource{}
}
