package tests

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestRefreshGatedAndNotified: in the fixture's asg environments (stage,
// prod) the instance refresh (the rollout command's: the group has no
// instance_refresh block, Terraform never moves its template version, and
// the output instance_refresh_preferences holds the refresh's preferences)
// rolls back by itself, skips matching instances and is gated on the stack's
// own ALB 5xx, unhealthy-hosts and p95-latency alarms; the group's launch and
// terminate events (and their errors) go to the alarm topic, whose key lets
// Auto Scaling publish. dev (ec2) has none of it.
func TestRefreshGatedAndNotified(t *testing.T) {
	r := fixtureSynth(t)
	for _, env := range []string{"stage", "prod"} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			asg := mustOne(t, s, "aws_autoscaling_group")
			if !asg.RolloutRefresh() {
				t.Errorf("group has an instance_refresh block, want none (the provider would move the group to the new version before the refresh, so that a rollback restores the new version)")
			}
			if ign := fmt.Sprint(asg.List("lifecycle", "ignore_changes")); !strings.HasSuffix(ign, " launch_template[0].version]") {
				t.Errorf("ignore_changes = %s, want launch_template[0].version in it (the rollout moves the version)", ign)
			}
			lt := mustOne(t, s, "aws_launch_template")
			// The contract's type is string; the provider's latest_version is a number.
			if v, want := s.Outputs["launch_template_version"].Value, "${tostring("+strings.Trim(ref(lt, "latest_version"), "${}")+")}"; v != want {
				t.Errorf("output launch_template_version = %v, want %s", v, want)
			}
			pref := func(k string) any { v, _ := asg.Get("instance_refresh", "preferences", k); return v }
			for k, want := range map[string]any{"auto_rollback": true, "skip_matching": true, "min_healthy_percentage": 90.0, "max_healthy_percentage": 100.0} {
				if got := pref(k); got != want {
					t.Errorf("instance_refresh.preferences.%s = %#v, want %#v", k, got, want)
				}
			}
			var want []any
			for _, name := range []string{"alb-5xx", "unhealthy-hosts", "latency-p95"} {
				// The alarm's own name, as StartInstanceRefresh takes it.
				a := findByName(t, s, "aws_cloudwatch_metric_alarm", "alarm_name", "webtier-"+env+"-"+name)
				n, _ := a.String("alarm_name")
				want = append(want, n)
			}
			if got := asg.List("instance_refresh", "preferences", "alarm_specification", "alarms"); !reflect.DeepEqual(got, want) {
				t.Errorf("alarm_specification.alarms = %v, want %v", got, want)
			}
			// AWS refuses a rollback to $Latest or $Default: the group names the template's numbered version.
			if v, _ := asg.String("launch_template", "version"); !strings.HasSuffix(v, ".latest_version}") {
				t.Errorf("launch_template.version = %q, want a reference to the template's latest_version", v)
			}
			n := mustOne(t, s, "aws_autoscaling_notification")
			groups := n.List("group_names")
			if len(groups) != 1 || !stackjson.RefTo(groups[0], asg.Address()) {
				t.Errorf("notification group_names = %v, want [%s]", groups, ref(asg, "name"))
			}
			topic := mustOne(t, s, "aws_sns_topic")
			if got := n.Attrs["topic_arn"]; got != ref(topic, "arn") {
				t.Errorf("notification topic_arn = %v, want %s", got, ref(topic, "arn"))
			}
			wantEvents := []any{"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}
			if got := n.List("notifications"); !reflect.DeepEqual(got, wantEvents) {
				t.Errorf("notifications = %v, want %v", got, wantEvents)
			}
			if p, _ := mustOne(t, s, "aws_kms_key").String("policy"); !strings.Contains(p, `"Sid":"AutoScalingPublishesGroupNotifications"`) ||
				!strings.Contains(p, ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling") {
				t.Errorf("the topic's key policy does not let the Auto Scaling service-linked role publish:\n%s", p)
			}
		})
	}
	dev := r.stacks["dev"]
	for _, typ := range []string{"aws_autoscaling_notification", "aws_autoscaling_lifecycle_hook"} {
		if n := len(dev.OfType(typ)); n != 0 {
			t.Errorf("dev (ec2) has %d %s, want 0", n, typ)
		}
	}
	if p, _ := mustOne(t, dev, "aws_kms_key").String("policy"); strings.Contains(p, "AutoScaling") {
		t.Errorf("dev (ec2) key policy names Auto Scaling:\n%s", p)
	}
}
