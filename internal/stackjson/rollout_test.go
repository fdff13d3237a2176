package stackjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestFoldRollout(t *testing.T) {
	prefs := `{"AlarmSpecification":{"Alarms":["a-5xx"]},"AutoRollback":true,"CheckpointDelay":600,"CheckpointPercentages":[50,100],"InstanceWarmup":60,"MaxHealthyPercentage":200,"MinHealthyPercentage":100,"SkipMatching":true}`
	folded := map[string]any{"strategy": "Rolling", "preferences": map[string]any{
		"alarm_specification": map[string]any{"alarms": []any{"a-5xx"}}, "auto_rollback": true, "checkpoint_delay": 600.0,
		"checkpoint_percentages": []any{50.0, 100.0}, "instance_warmup": 60.0, "max_healthy_percentage": 200.0,
		"min_healthy_percentage": 100.0, "skip_matching": true}}
	block := map[string]any{"strategy": "Rolling", "preferences": map[string]any{"min_healthy_percentage": 90.0}}
	tests := []struct {
		name   string
		groups map[string]any
		output any // nil: no output
		want   any // the group g's instance_refresh, nil: none
		mark   bool
	}{
		{"folded", map[string]any{"g": map[string]any{}}, prefs, folded, true},
		{"a block stays", map[string]any{"g": map[string]any{"instance_refresh": block}}, prefs, block, false},
		{"ec2: empty output", map[string]any{"g": map[string]any{}}, "", nil, false},
		{"no output", map[string]any{"g": map[string]any{}}, nil, nil, false},
		{"an expression", map[string]any{"g": map[string]any{}}, "${jsonencode(local.x)}", nil, false},
		{"not JSON", map[string]any{"g": map[string]any{}}, "{", nil, false},
		{"two groups", map[string]any{"g": map[string]any{}, "h": map[string]any{}}, prefs, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := map[string]any{"resource": map[string]any{"aws_autoscaling_group": tt.groups}}
			if tt.output != nil {
				doc["output"] = map[string]any{RefreshPreferencesOutput: map[string]any{"value": tt.output}}
			}
			b, _ := json.Marshal(doc)
			s, err := Parse("x", b)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := s.Find("aws_autoscaling_group.g")
			got, _ := g.Get("instance_refresh")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("instance_refresh = %#v, want %#v", got, tt.want)
			}
			if g.RolloutRefresh() != tt.mark {
				t.Errorf("RolloutRefresh() = %t, want %t", g.RolloutRefresh(), tt.mark)
			}
		})
	}
}
