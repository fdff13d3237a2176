package tests

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/diagram"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestElasticitySynth: the fixture's prod with a Hibernated warm pool,
// three scale-out steps and a predictive policy on request count, as
// synthesized: the pool and its launch hook on the group, hibernation in
// the launch template, the hook permission on the group's ARN only, the
// step adjustments relative to the threshold, and the predictive policy
// labelled with the target group's requests.
func TestElasticitySynth(t *testing.T) {
	r := fixtureVariant(t,
		testfixture.Set("environments.prod.compute.warm_pool", map[string]any{"pool_state": "Hibernated", "min_size": 1, "max_group_prepared_capacity": 8, "reuse_on_scale_in": true}),
		testfixture.Set("environments.prod.scaling.scale_out", map[string]any{"threshold": 70, "evaluation_periods": 2, "datapoints_to_alarm": 2, "steps": []any{
			map[string]any{"from": 70, "to": 85, "adjustment": 1}, map[string]any{"from": 85, "to": 95, "adjustment": 3}, map[string]any{"from": 95, "adjustment": 6}}}),
		testfixture.Set("environments.prod.scaling.predictive", map[string]any{"mode": "ForecastAndScale", "metric": "request_count", "target": 900, "max_capacity_breach": "IncreaseMaxCapacity", "max_capacity_buffer": 10}),
	)
	s := r.stacks["prod"]
	asg := mustOne(t, s, "aws_autoscaling_group")
	wantPool := map[string]any{"pool_state": "Hibernated", "min_size": 1.0, "max_group_prepared_capacity": 8.0, "instance_reuse_policy": map[string]any{"reuse_on_scale_in": true}}
	if got, _ := asg.Get("warm_pool"); !reflect.DeepEqual(got, wantPool) {
		t.Errorf("warm_pool = %s, want %s", show(got), show(wantPool))
	}
	wantHook := []any{map[string]any{"name": "webtier-prod-launch", "lifecycle_transition": "autoscaling:EC2_INSTANCE_LAUNCHING", "heartbeat_timeout": 600.0, "default_result": "ABANDON"}}
	if got, _ := asg.Get("initial_lifecycle_hook"); !reflect.DeepEqual(got, wantHook) {
		t.Errorf("initial_lifecycle_hook = %s, want %s", show(got), show(wantHook))
	}
	lt := mustOne(t, s, "aws_launch_template")
	if got, _ := lt.Get("hibernation_options", "configured"); got != true {
		t.Errorf("launch template hibernation_options.configured = %v, want true for a Hibernated pool", got)
	}
	var role stackjson.Resource
	for _, p := range s.OfType("aws_iam_role_policy") {
		if strings.HasPrefix(p.Where(), "prod/compute/") {
			role = p
		}
	}
	doc, _ := role.String("policy")
	var pol struct {
		Statement []struct {
			Sid, Effect      string
			Action, Resource []string
		}
	}
	if err := json.Unmarshal([]byte(doc), &pol); err != nil {
		t.Fatalf("instance policy: %v\n%s", err, doc)
	}
	last := pol.Statement[len(pol.Statement)-1]
	if last.Sid != "CompleteOwnLaunchHook" || !reflect.DeepEqual(last.Action, []string{"autoscaling:CompleteLifecycleAction"}) || len(last.Resource) != 1 ||
		!strings.HasPrefix(last.Resource[0], "arn:aws:autoscaling:us-east-1:${data.aws_caller_identity.") ||
		!strings.HasSuffix(last.Resource[0], ":autoScalingGroup:*:autoScalingGroupName/webtier-prod-asg") {
		t.Errorf("last statement %+v, want CompleteLifecycleAction on webtier-prod-asg's ARN only", last)
	}
	for _, st := range pol.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "autoscaling:") && st.Sid != "CompleteOwnLaunchHook" {
				t.Errorf("statement %s grants %s", st.Sid, a)
			}
		}
	}
	byName := map[string]stackjson.Resource{}
	for _, p := range s.OfType("aws_autoscaling_policy") {
		name, _ := p.String("name")
		byName[name] = p
	}
	wantSteps := []any{
		map[string]any{"metric_interval_lower_bound": "0", "metric_interval_upper_bound": "15", "scaling_adjustment": 1.0},
		map[string]any{"metric_interval_lower_bound": "15", "metric_interval_upper_bound": "25", "scaling_adjustment": 3.0},
		map[string]any{"metric_interval_lower_bound": "25", "scaling_adjustment": 6.0},
	}
	if got, _ := byName["webtier-prod-scale-out"].Get("step_adjustment"); !reflect.DeepEqual(got, wantSteps) {
		t.Errorf("scale-out step_adjustment = %s, want %s", show(got), show(wantSteps))
	}
	pred, ok := byName["webtier-prod-predictive"]
	if !ok {
		t.Fatalf("no predictive policy; got %v", keys(byName))
	}
	c, _ := pred.Get("predictive_scaling_configuration")
	cm := c.(map[string]any)
	if cm["mode"] != "ForecastAndScale" || cm["scheduling_buffer_time"] != "300" || cm["max_capacity_breach_behavior"] != "IncreaseMaxCapacity" || cm["max_capacity_buffer"] != "10" {
		t.Errorf("predictive configuration %s", show(cm))
	}
	label, _ := pred.Get("predictive_scaling_configuration", "metric_specification", "predefined_metric_pair_specification", "resource_label")
	typ, _ := pred.Get("predictive_scaling_configuration", "metric_specification", "predefined_metric_pair_specification", "predefined_metric_type")
	if typ != "ALBRequestCount" || !strings.Contains(label.(string), "arn_suffix}/${aws_lb_target_group.") {
		t.Errorf("predictive metric %v labelled %v, want ALBRequestCount of the load balancer's target group", typ, label)
	}
	// The diagram labels every step and the predictive policy.
	labels := map[string][]string{}
	for _, n := range diagram.Build(s).Nodes {
		labels[n.ID] = n.Lines
	}
	if got := labels["scaling_scale_out"]; len(got) == 0 || got[0] != "scale-out +1/+3/+6" {
		t.Errorf("diagram scale-out label %q, want it to start scale-out +1/+3/+6", got)
	}
	if got, want := labels["scaling_predictive"], []string{"predictive ForecastAndScale", "900 requests per instance per minute"}; !reflect.DeepEqual(got, want) {
		t.Errorf("diagram predictive label %q, want %q", got, want)
	}
}
