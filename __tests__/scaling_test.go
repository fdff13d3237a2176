package tests

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

// TestScalingAlarms asserts the exact alarm settings and the policies they drive.
func TestScalingAlarms(t *testing.T) {
	r := defaultSynth(t)
	for _, env := range []string{"stage", "prod"} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			asg := mustOne(t, s, "aws_autoscaling_group")
			topic := mustOne(t, s, "aws_sns_topic")
			policies := map[string]tfjson.Resource{}
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
				if d, _ := alarm.Get("dimensions", "AutoScalingGroupName"); !tfjson.RefTo(d, asg.Address()) {
					t.Errorf("%s dimension = %v, want %s", c.alarm, d, ref(asg, "name"))
				}
				p, ok := policies[c.policy]
				if !ok {
					t.Fatalf("no %s policy; got %v", c.policy, keys(policies))
				}
				actions := alarm.List("alarm_actions")
				if len(actions) != 2 || !tfjson.RefTo(actions[0], p.Address()) || !tfjson.RefTo(actions[1], topic.Address()) {
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
				if !tfjson.RefTo(p.Attrs["autoscaling_group_name"], asg.Address()) {
					t.Errorf("%s scales %v, want %s", c.policy, p.Attrs["autoscaling_group_name"], asg.Address())
				}
				outAlarm := map[string]string{"cpu-high": outputs.ScaleOutAlarmARN, "cpu-low": outputs.ScaleInAlarmARN}[c.alarm]
				if !tfjson.RefTo(s.Outputs[outAlarm].Value, alarm.Address()) {
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
		tt := variant(t, "policy: step ", "policy: target_tracking ")
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

// TestDashboard: the dashboard's widgets reference this stack's ALB, target group and ASG.
func TestDashboard(t *testing.T) {
	r := defaultSynth(t)
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

func findByName(t *testing.T, s *tfjson.Stack, typ, key, name string) tfjson.Resource {
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
	return tfjson.Resource{}
}
