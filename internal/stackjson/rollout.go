package stackjson

import (
	"encoding/json"
	"strings"
)

// RefreshPreferencesOutput is the stack output holding the preferences of
// the instance refresh the rollout command starts (internal/outputs'
// RefreshPreferences; tfjson imports nothing of the project).
const RefreshPreferencesOutput = "instance_refresh_preferences"

// foldRollout makes the rollout's refresh readable where the group's
// refresh has always been: the group has no instance_refresh block (the
// provider would move the group to the new template version before the
// refresh starts, so that AWS's rollback would restore the new version), and
// the refresh the group gets is the one the rollout command starts with the
// output's AWS RefreshPreferences. When the stack has exactly one
// aws_autoscaling_group, without an instance_refresh block, and the output
// is a literal JSON object, the group reads as having
//
//	instance_refresh { strategy = "Rolling", preferences { ... } }
//
// in the provider's names, so that the policy checks, the review, the
// diagram and the simulator read the refresh the group really gets. The
// block is marked with RolloutMark in Meta.
func (s *Stack) foldRollout() {
	o, ok := s.Outputs[RefreshPreferencesOutput]
	if !ok {
		return
	}
	text, ok := o.Value.(string)
	if !ok || strings.TrimSpace(text) == "" || strings.Contains(text, "${") {
		return
	}
	var p map[string]any
	if json.Unmarshal([]byte(text), &p) != nil {
		return
	}
	idx := -1
	for i, r := range s.Resources {
		if r.Type != "aws_autoscaling_group" {
			continue
		}
		if idx >= 0 {
			return
		}
		idx = i
	}
	if idx < 0 {
		return
	}
	g := s.Resources[idx]
	if _, has := g.Attrs["instance_refresh"]; has {
		return
	}
	names := map[string]string{
		"AutoRollback": "auto_rollback", "CheckpointDelay": "checkpoint_delay",
		"CheckpointPercentages": "checkpoint_percentages", "InstanceWarmup": "instance_warmup",
		"MaxHealthyPercentage": "max_healthy_percentage", "MinHealthyPercentage": "min_healthy_percentage",
		"SkipMatching": "skip_matching",
	}
	prefs := map[string]any{}
	for k, v := range p {
		if n, ok := names[k]; ok {
			prefs[n] = v
		}
	}
	if spec, ok := p["AlarmSpecification"].(map[string]any); ok {
		prefs["alarm_specification"] = map[string]any{"alarms": spec["Alarms"]}
	}
	attrs := make(map[string]any, len(g.Attrs)+1)
	for k, v := range g.Attrs {
		attrs[k] = v
	}
	attrs["instance_refresh"] = map[string]any{"strategy": "Rolling", "preferences": prefs}
	meta := make(map[string]any, len(g.Meta)+1)
	for k, v := range g.Meta {
		meta[k] = v
	}
	meta[RolloutMark] = true
	g.Attrs, g.Meta = attrs, meta
	s.Resources[idx] = g
}

// RolloutMark is the Meta key foldRollout sets on a group whose
// instance_refresh is the rollout command's (not a block Terraform applies).
const RolloutMark = "rollout_refresh"

// RolloutRefresh says the group's instance_refresh is the rollout command's
// (read from the output instance_refresh_preferences), not a block in the
// stack.
func (r Resource) RolloutRefresh() bool {
	v, _ := r.Meta[RolloutMark].(bool)
	return v
}
