package simulate

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// asRollout rewrites a stack with an instance_refresh block into the shape
// the stacks synthesize now: no block on the group, and the rollout
// command's preferences in the output instance_refresh_preferences (AWS
// RefreshPreferences JSON, gate alarms by their literal alarm_name).
func asRollout(t *testing.T, s *stackjson.Stack) *stackjson.Stack {
	t.Helper()
	var doc map[string]any
	b, _ := json.Marshal(s.Raw)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	groups := doc["resource"].(map[string]any)["aws_autoscaling_group"].(map[string]any)
	if len(groups) != 1 {
		t.Fatalf("%d groups, want 1", len(groups))
	}
	var block map[string]any
	for _, g := range groups {
		block = g.(map[string]any)["instance_refresh"].(map[string]any)
		delete(g.(map[string]any), "instance_refresh")
	}
	p := block["preferences"].(map[string]any)
	num := func(v any) any {
		if s, ok := v.(string); ok {
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		return v
	}
	aws := map[string]any{}
	for k, n := range map[string]string{"auto_rollback": "AutoRollback", "skip_matching": "SkipMatching", "min_healthy_percentage": "MinHealthyPercentage",
		"max_healthy_percentage": "MaxHealthyPercentage", "checkpoint_percentages": "CheckpointPercentages", "checkpoint_delay": "CheckpointDelay",
		"instance_warmup": "InstanceWarmup"} {
		if v, ok := p[k]; ok {
			aws[n] = num(v)
		}
	}
	if spec, ok := p["alarm_specification"].(map[string]any); ok {
		var names []any
		for _, a := range spec["alarms"].([]any) {
			refs := stackjson.Refs(a.(string))
			if len(refs) != 1 {
				t.Fatalf("alarm %v is not a reference", a)
			}
			r, ok := s.Find(refs[0].Address)
			if !ok {
				t.Fatalf("no %s", refs[0].Address)
			}
			n, _ := r.String("alarm_name")
			names = append(names, n)
		}
		aws["AlarmSpecification"] = map[string]any{"Alarms": names}
	}
	text, _ := json.Marshal(aws)
	outs, _ := doc["output"].(map[string]any)
	if outs == nil {
		outs = map[string]any{}
		doc["output"] = outs
	}
	outs[stackjson.RefreshPreferencesOutput] = map[string]any{"value": string(text)}
	out, _ := json.Marshal(doc)
	r, err := stackjson.Parse(s.Name, out)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRolloutRefreshSameAsBlock: the stacks' refresh is the rollout
// command's (the group has no instance_refresh block; the output holds its
// preferences), and the simulator replays it minute by minute exactly as it
// replays the block of TestInstanceRefresh's cases: the rollout starts the
// refresh while the group still holds the old version, so a rollback
// replaces the new instances from the previous template, as modelled.
func TestRolloutRefreshSameAsBlock(t *testing.T) {
	edits := map[string]func(p map[string]any){
		"defaults":       func(map[string]any) {},
		"surge":          func(p map[string]any) { p["min_healthy_percentage"], p["max_healthy_percentage"] = 100, 200 },
		"checkpoints":    func(p map[string]any) { p["checkpoint_percentages"], p["checkpoint_delay"] = []any{33, 100}, "240" },
		"gate, rollback": func(p map[string]any) { gateOn("scaling_scale-out-alarm_DA9A2E49")(p) },
		"gate, no rollback": func(p map[string]any) {
			gateOn("scaling_scale-out-alarm_DA9A2E49")(p)
			p["auto_rollback"] = false
		},
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			block := mutateFixture(t, "prod-refresh", prefs(edit))
			rollout := asRollout(t, block)
			if g := rollout.OfType("aws_autoscaling_group")[0]; !g.RolloutRefresh() {
				t.Fatal("the rewritten stack's group is not read as the rollout's refresh")
			}
			var reps []*RefreshReport
			for _, s := range []*stackjson.Stack{block, rollout} {
				m, err := FromStack(s)
				if err != nil {
					t.Fatal(err)
				}
				r, err := Run(m, loads{150}, Options{Minutes: 16, LaunchDelay: -1, Refresh: true, RefreshAt: 5})
				if err != nil {
					t.Fatal(err)
				}
				reps = append(reps, r.Refresh)
			}
			if !reflect.DeepEqual(reps[0], reps[1]) {
				a, _ := json.Marshal(reps[0])
				b, _ := json.Marshal(reps[1])
				t.Errorf("the rollout's refresh replays as\n%s\nwant (the block's)\n%s", b, a)
			}
			if reps[1].Outcome == "" || len(reps[1].Steps) < 2 {
				t.Errorf("refresh report %+v, want a replayed refresh", reps[1])
			}
		})
	}
}
