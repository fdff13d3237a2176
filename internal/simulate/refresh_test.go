package simulate

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testdata/stacks/prod-refresh is prod (min 3, max 9, desired 3; > 70% for
// 2 of 2 -> +1 with a 120 s warm-up, < 30% for 5 of 5 -> -1; launch delay =
// grace period 120 s) with instance_refresh { strategy = "Rolling",
// preferences { auto_rollback, skip_matching, alarm_specification naming the
// ALB 5xx, unhealthy-hosts and p95 alarms } }: min healthy 90%, max healthy
// 100% and warm-up = grace period 120 s by default. Every refresh below
// starts at minute 5. A batch waits until its new instances serve and their
// 120 s warm-up (from launch) has passed: launched at m, ready at m+2.

const refreshASG = "compute_asg_4EBBEC64"

type step struct {
	minute int
	kind   string
}

func steps(r *RefreshReport) []step {
	out := []step{}
	for _, s := range r.Steps {
		out = append(out, step{s.Minute, s.Kind})
	}
	return out
}

// prefs edits the fixture's instance_refresh.preferences.
func prefs(edit func(p map[string]any)) func(r map[string]map[string]map[string]any) {
	return func(r map[string]map[string]map[string]any) {
		edit(r["aws_autoscaling_group"][refreshASG]["instance_refresh"].(map[string]any)["preferences"].(map[string]any))
	}
}

func gateOn(alarms ...string) func(p map[string]any) {
	list := []any{}
	for _, a := range alarms {
		list = append(list, "${aws_cloudwatch_metric_alarm."+a+".alarm_name}")
	}
	return func(p map[string]any) { p["alarm_specification"] = map[string]any{"alarms": list} }
}

func TestInstanceRefresh(t *testing.T) {
	type oldNew struct{ minute, old, new, inService int }
	tests := []struct {
		name      string
		edit      func(p map[string]any)
		load      float64
		minutes   int
		events    []ev
		steps     []step
		outcome   string
		end       int
		replaced  int
		minIn     int
		minInAt   int
		rows      []oldNew
		highFirst int // first minute the scale-out alarm is in ALARM during the refresh, -1 never
	}{{
		// Defaults with desired 3: min healthy ceil(3 x 0.9) = 3, max
		// healthy 3, so max(1, 0 + 0) = 1 instance at a time, terminated as
		// its replacement launches: 5, 7, 9; done at 11. Load 90 is 30% on
		// 3, 45% on the 2 that serve during each batch: no alarm.
		name: "defaults: one at a time", edit: func(map[string]any) {}, load: 90, minutes: 16,
		events: []ev{},
		steps: []step{{5, "start"}, {5, "batch"}, {7, "batch_ready"}, {7, "batch"}, {9, "batch_ready"}, {9, "batch"},
			{11, "batch_ready"}, {11, "complete"}},
		outcome: RefreshSuccessful, end: 11, replaced: 3, minIn: 2, minInAt: 5,
		rows:      []oldNew{{5, 2, 1, 2}, {7, 1, 2, 2}, {11, 0, 3, 3}},
		highFirst: -1,
	}, {
		// Min 100, max 200: nothing may go below 3, 6 may run, so all 3
		// launch first (surge 3) and the old ones go when the new ones are
		// ready at 7. Never fewer than 3 serve.
		name: "launch before terminate", edit: func(p map[string]any) {
			p["min_healthy_percentage"], p["max_healthy_percentage"] = 100, 200
		}, load: 90, minutes: 16,
		events:  []ev{},
		steps:   []step{{5, "start"}, {5, "batch"}, {7, "batch_ready"}, {7, "complete"}},
		outcome: RefreshSuccessful, end: 7, replaced: 3, minIn: 3, minInAt: 5,
		rows:      []oldNew{{5, 3, 3, 3}, {7, 0, 3, 3}},
		highFirst: -1,
	}, {
		// The README's claim: at load 150, min healthy 100 and max 200 (max
		// 200 alone is refused: 200 - 90 > 100) give a batch of (3 - 3) +
		// (6 - 3) = 3, all launched first: 3 always serve at 50%, no alarm.
		name: "launch before terminate at load 150", edit: func(p map[string]any) {
			p["min_healthy_percentage"], p["max_healthy_percentage"] = 100, 200
		}, load: 150, minutes: 16,
		events:  []ev{},
		steps:   []step{{5, "start"}, {5, "batch"}, {7, "batch_ready"}, {7, "complete"}},
		outcome: RefreshSuccessful, end: 7, replaced: 3, minIn: 3, minInAt: 5,
		rows:      []oldNew{{6, 3, 3, 3}, {7, 0, 3, 3}},
		highFirst: -1,
	}, {
		// Defaults, load 150: 50% on 3 but 75% on the 2 serving during the
		// first batch (minutes 5, 6) -> the scale-out alarm is in ALARM at 7:
		// 3 warmed + 1 = 4. That instance (new template, serves at 9) holds
		// the batch until 9. With desired 4 min healthy is ceil(3.6) = 4:
		// still one at a time, 9 and 11; done at 13. From 7 on 3 serve
		// (50%), from 13 four (37.5%): the alarm is in ALARM only at 7.
		name: "the dip fires the scale-out alarm", edit: func(map[string]any) {}, load: 150, minutes: 16,
		events: []ev{{7, 3, 4}},
		steps: []step{{5, "start"}, {5, "batch"}, {9, "batch_ready"}, {9, "batch"}, {11, "batch_ready"}, {11, "batch"},
			{13, "batch_ready"}, {13, "complete"}},
		outcome: RefreshSuccessful, end: 13, replaced: 3, minIn: 2, minInAt: 5,
		rows:      []oldNew{{7, 2, 2, 3}, {9, 1, 3, 3}, {13, 0, 4, 4}},
		highFirst: 7,
	}, {
		// Checkpoints 33% and 100%, 240 s apart: ceil(3 x 0.33) = 1 new
		// instance reaches the first at 7; pause until 7 + 4 = 11; then one
		// at a time again: 11, 13; done at 15.
		name: "checkpoints", edit: func(p map[string]any) {
			p["checkpoint_percentages"], p["checkpoint_delay"] = []any{33, 100}, "240"
		}, load: 90, minutes: 20,
		events: []ev{},
		steps: []step{{5, "start"}, {5, "batch"}, {7, "batch_ready"}, {7, "checkpoint"}, {11, "batch"}, {13, "batch_ready"},
			{13, "batch"}, {15, "batch_ready"}, {15, "complete"}},
		outcome: RefreshSuccessful, end: 15, replaced: 3, minIn: 2, minInAt: 5,
		rows:      []oldNew{{8, 2, 1, 3}, {10, 2, 1, 3}, {11, 1, 2, 2}},
		highFirst: -1,
	}, {
		// A last checkpoint below 100: ceil(3 x 0.5) = 2 new instances at 9,
		// and the refresh ends there with one old instance.
		name: "last checkpoint 50%", edit: func(p map[string]any) { p["checkpoint_percentages"] = []any{50} }, load: 90, minutes: 16,
		events: []ev{},
		steps: []step{{5, "start"}, {5, "batch"}, {7, "batch_ready"}, {7, "batch"}, {9, "batch_ready"}, {9, "checkpoint"},
			{9, "complete"}},
		outcome: RefreshCheckpoint, end: 9, replaced: 2, minIn: 2, minInAt: 5,
		rows:      []oldNew{{9, 1, 2, 3}, {15, 1, 2, 3}},
		highFirst: -1,
	}, {
		// As "the dip fires the scale-out alarm", but the refresh is gated on
		// that alarm with auto_rollback: at 7 it fails and rolls back, one at
		// a time with desired 4: the first new instance goes at once (2
		// serve: 75% again), a replacement from the old template serves at
		// 9. At 9 the alarm is still in ALARM (minute 8 was 75%) and the
		// scale-out instance of 7 has warmed up: 4 + 1 = 5 (old template,
		// serves at 11, holding the batch until then). 11: the scale-out
		// instance of the new template is replaced; done at 13.
		name: "gate alarm, rollback", edit: func(p map[string]any) {
			gateOn("scaling_scale-out-alarm_DA9A2E49")(p)
		}, load: 150, minutes: 16,
		events: []ev{{7, 3, 4}, {9, 4, 5}},
		steps: []step{{5, "start"}, {5, "batch"}, {7, "failed"}, {7, "rollback"}, {7, "batch"}, {11, "batch_ready"},
			{11, "batch"}, {13, "batch_ready"}, {13, "complete"}},
		outcome: RefreshRolledBack, end: 13, replaced: 1, minIn: 2, minInAt: 5,
		rows:      []oldNew{{7, 3, 1, 2}, {9, 4, 1, 4}, {13, 5, 0, 5}},
		highFirst: 7,
	}, {
		// The same without auto_rollback: the refresh stops at 7 with the
		// first new instance serving (3 serve at 50%); nothing more scales.
		name: "gate alarm, no rollback", edit: func(p map[string]any) {
			gateOn("scaling_scale-out-alarm_DA9A2E49")(p)
			p["auto_rollback"] = false
		}, load: 150, minutes: 16,
		events:  []ev{{7, 3, 4}},
		steps:   []step{{5, "start"}, {5, "batch"}, {7, "failed"}},
		outcome: RefreshFailed, end: 7, replaced: 1, minIn: 2, minInAt: 5,
		rows:      []oldNew{{7, 2, 2, 3}, {15, 2, 2, 4}},
		highFirst: 7,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromStack(mutateFixture(t, "prod-refresh", prefs(tc.edit)))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Run(m, loads{tc.load}, Options{Minutes: tc.minutes, LaunchDelay: -1, Refresh: true, RefreshAt: 5})
			if err != nil {
				t.Fatal(err)
			}
			if got := events(r); !slices.Equal(got, tc.events) {
				t.Errorf("events = %v, want %v", got, tc.events)
			}
			rf := r.Refresh
			if got := steps(rf); !slices.Equal(got, tc.steps) {
				t.Errorf("steps = %v\nwant    %v", got, tc.steps)
			}
			if rf.Outcome != tc.outcome || derefOr(rf.EndMinute) != tc.end || rf.Replaced != tc.replaced {
				t.Errorf("outcome %s at %d, %d replaced; want %s at %d, %d", rf.Outcome, derefOr(rf.EndMinute), rf.Replaced, tc.outcome, tc.end, tc.replaced)
			}
			if rf.MinInService != tc.minIn || rf.MinInServiceMinute != tc.minInAt {
				t.Errorf("fewest in service %d at %d, want %d at %d", rf.MinInService, rf.MinInServiceMinute, tc.minIn, tc.minInAt)
			}
			for _, w := range tc.rows {
				row := r.Timeline[w.minute]
				got := oldNew{row.Minute, -1, -1, row.InService}
				if row.Refresh != nil {
					got.old, got.new = row.Refresh.Old, row.Refresh.New
				}
				if got != w {
					t.Errorf("row = %+v (minute, old, new, in service), want %+v", got, w)
				}
			}
			high := -1
			for _, a := range rf.Alarms {
				if a.Name == "webtier-prod-cpu-high" {
					high = derefOr(a.FirstAlarm)
				}
			}
			if high != tc.highFirst {
				t.Errorf("webtier-prod-cpu-high first in ALARM during the refresh at %d, want %d", high, tc.highFirst)
			}
		})
	}
}

func TestFromStackReadsInstanceRefresh(t *testing.T) {
	m, err := FromStack(loadFixture(t, "prod-refresh"))
	if err != nil {
		t.Fatal(err)
	}
	rf := m.Refresh
	if rf == nil {
		t.Fatal("no instance_refresh read")
	}
	if rf.Strategy != "Rolling" || rf.MinHealthy != 90 || rf.MaxHealthy != 100 || rf.Warmup != 120 || rf.WarmupSource != "group health_check_grace_period" ||
		!rf.AutoRollback || !rf.SkipMatching || len(rf.Checkpoints) != 0 || rf.CheckpointDelay != 0 {
		t.Errorf("refresh = %+v; want Rolling, 90, 100, 120 s from the grace period, auto_rollback, skip_matching, no checkpoints", rf)
	}
	var names []string
	for _, g := range rf.Alarms {
		names = append(names, g.Name)
		if g.Alarm != -1 || !strings.Contains(g.Why, "not simulated: its metric AWS/ApplicationELB") {
			t.Errorf("gate %s: alarm %d, why %q; want not simulated (an ALB metric)", g.Name, g.Alarm, g.Why)
		}
	}
	if want := []string{"webtier-prod-alb-5xx", "webtier-prod-unhealthy-hosts", "webtier-prod-latency-p95"}; !slices.Equal(names, want) {
		t.Errorf("gates = %v, want %v", names, want)
	}
}

func TestRefreshWarmupAndGates(t *testing.T) {
	type res = map[string]map[string]map[string]any
	tests := []struct {
		name       string
		edit       func(r res)
		warmup     int
		source     string
		gate       string // the first gate's name
		gateAlarm  bool   // simulated
		gateReason string
	}{
		{"group default_instance_warmup", func(r res) { r["aws_autoscaling_group"][refreshASG]["default_instance_warmup"] = 60 },
			60, "group default_instance_warmup", "webtier-prod-alb-5xx", false, "AWS/ApplicationELB HTTPCode_ELB_5XX_Count"},
		{"instance_warmup as the provider's string", prefs(func(p map[string]any) { p["instance_warmup"] = "90" }),
			90, "instance_warmup", "webtier-prod-alb-5xx", false, "AWS/ApplicationELB"},
		{"gate on a scaling alarm", prefs(gateOn("scaling_scale-in-alarm_497765E2")), 120, "group health_check_grace_period", "webtier-prod-cpu-low", true, ""},
		{"gate on a CPU alarm that only notifies", func(r res) {
			r["aws_cloudwatch_metric_alarm"]["cpu-notify"] = map[string]any{
				"alarm_name": "webtier-prod-cpu-very-high", "namespace": "AWS/EC2", "metric_name": "CPUUtilization", "statistic": "Average",
				"period": 60, "evaluation_periods": 3, "threshold": 90, "comparison_operator": "GreaterThanThreshold",
				"dimensions":    map[string]any{"AutoScalingGroupName": "${aws_autoscaling_group." + refreshASG + ".name}"},
				"alarm_actions": []any{"${aws_sns_topic.observability_alarm-topic_B7F37F68.arn}"},
			}
			prefs(func(p map[string]any) {
				p["alarm_specification"] = map[string]any{"alarms": []any{"webtier-prod-cpu-very-high"}}
			})(r)
		}, 120, "group health_check_grace_period", "webtier-prod-cpu-very-high", true, ""},
		{"gate on a name the stack lacks", prefs(func(p map[string]any) { p["alarm_specification"] = map[string]any{"alarms": []any{"nope"}} }),
			120, "group health_check_grace_period", "nope", false, "no aws_cloudwatch_metric_alarm of this stack has that name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := FromStack(mutateFixture(t, "prod-refresh", tc.edit))
			if err != nil {
				t.Fatal(err)
			}
			rf := m.Refresh
			if rf.Warmup != tc.warmup || rf.WarmupSource != tc.source {
				t.Errorf("warm-up %d (%s), want %d (%s)", rf.Warmup, rf.WarmupSource, tc.warmup, tc.source)
			}
			g := rf.Alarms[0]
			if g.Name != tc.gate || (g.Alarm >= 0) != tc.gateAlarm || !strings.Contains(g.Why, tc.gateReason) {
				t.Errorf("gate = %+v, want %s simulated=%v why containing %q", g, tc.gate, tc.gateAlarm, tc.gateReason)
			}
			if g.Alarm >= 0 && m.Alarms[g.Alarm].Name != tc.gate {
				t.Errorf("gate points at alarm %s, want %s", m.Alarms[g.Alarm].Name, tc.gate)
			}
		})
	}
}

func TestFromStackRejectsBadInstanceRefresh(t *testing.T) {
	type res = map[string]map[string]map[string]any
	block := func(r res) map[string]any {
		return r["aws_autoscaling_group"][refreshASG]["instance_refresh"].(map[string]any)
	}
	tests := []struct {
		name string
		edit func(r res)
		want string
	}{
		{"strategy", func(r res) { block(r)["strategy"] = "AllAtOnce" }, `instance_refresh.strategy = "AllAtOnce": allowed is Rolling`},
		{"min healthy", prefs(func(p map[string]any) { p["min_healthy_percentage"] = 120 }), "min_healthy_percentage = 120: must be within 0..100"},
		{"max healthy", prefs(func(p map[string]any) { p["max_healthy_percentage"] = 90 }), "max_healthy_percentage = 90: must be within 100..200"},
		{"range over 100", prefs(func(p map[string]any) {
			p["min_healthy_percentage"], p["max_healthy_percentage"] = 50, 200
		}), "max_healthy_percentage 200 - min_healthy_percentage 50 = 150: AWS allows a difference of at most 100"},
		{"checkpoints not ascending", prefs(func(p map[string]any) { p["checkpoint_percentages"] = []any{50, 20, 100} }),
			"checkpoint_percentages[1] = 20: must be above the one before (50)"},
		{"checkpoint out of range", prefs(func(p map[string]any) { p["checkpoint_percentages"] = []any{0} }), "checkpoint_percentages[0] = 0: must be within 1..100"},
		{"delay without checkpoints", prefs(func(p map[string]any) { p["checkpoint_delay"] = "600" }), "checkpoint_delay = 600: needs checkpoint_percentages"},
		{"negative warm-up", prefs(func(p map[string]any) { p["instance_warmup"] = "-5" }), "instance_warmup = -5: must be >= 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The scaling model still reads (the policy rules use it); the
			// problems come when the refresh is replayed.
			m, err := FromStack(mutateFixture(t, "prod-refresh", tc.edit))
			if err != nil {
				t.Fatalf("FromStack: %v; want the block's problems only for a refresh", err)
			}
			if _, err := Run(m, loads{90}, Options{Minutes: 10, LaunchDelay: -1}); err != nil {
				t.Fatalf("Run without a refresh: %v", err)
			}
			_, err = Run(m, loads{90}, Options{Minutes: 10, LaunchDelay: -1, Refresh: true, RefreshAt: 2})
			if !errors.Is(err, ErrBadInstanceRefresh) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v\nwant ErrBadInstanceRefresh containing %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "prod/compute/asg (aws_autoscaling_group."+refreshASG+")") {
				t.Errorf("error %q does not name the group", err)
			}
		})
	}
}

func TestCheckpointDelayDefaultsToAnHour(t *testing.T) {
	m, err := FromStack(mutateFixture(t, "prod-refresh", prefs(func(p map[string]any) { p["checkpoint_percentages"] = []any{50, 100} })))
	if err != nil {
		t.Fatal(err)
	}
	if m.Refresh.CheckpointDelay != 3600 {
		t.Errorf("checkpoint_delay = %d, want AWS's default 3600", m.Refresh.CheckpointDelay)
	}
}

func TestRefreshWithoutTheBlock(t *testing.T) {
	m, err := FromStack(loadFixture(t, "prod"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(m, loads{90}, Options{Minutes: 10, LaunchDelay: -1, Refresh: true, RefreshAt: 2})
	if !errors.Is(err, ErrNoInstanceRefresh) || !strings.Contains(err.Error(), "aws_autoscaling_group.compute_asg_4EBBEC64 has no instance_refresh block") {
		t.Fatalf("error = %v, want ErrNoInstanceRefresh naming the group and the missing block", err)
	}
	code, stdout, stderr := runMain("--stack", prodDir, "--profile", "constant:load=90", "--refresh-at", "2")
	if code != ExitError || stdout != "" || !strings.Contains(stderr, "has no instance_refresh block") {
		t.Errorf("exit %d, stdout %q, stderr %q; want %d and the missing block named", code, stdout, stderr, ExitError)
	}
}

func TestMainRefresh(t *testing.T) {
	dir := "testdata/stacks/prod-refresh"
	code, stdout, stderr := runMain("--stack", dir, "--profile", "constant:load=150", "--minutes", "16", "--refresh-at", "5")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"refresh        Rolling, min healthy 90%, max healthy 100%, warm-up 120s (group health_check_grace_period), auto_rollback true, skip_matching true",
		"old/new",
		"Instance refresh from minute 5",
		"minute 5: batch: launch 1, terminate 1 old now and 0 when they are ready (min healthy 3, max 3 of desired 3)",
		"outcome: successful (ended at minute 13); 3 instances launched from the new template",
		"fewest in service: 2 (first at minute 5)",
		"scaling alarm webtier-prod-cpu-high: in ALARM from minute 7 (1 minute during the refresh)",
		"gate alarm webtier-prod-unhealthy-hosts: unknown: not simulated: its metric AWS/ApplicationELB UnHealthyHostCount",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output does not contain %q:\n%s", want, stdout)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--refresh-at", "60"}, "--refresh-at = 60: must be within 0..59"},
		{[]string{"--refresh-at", "-1"}, "--refresh-at = -1: must be within 0..59"},
	} {
		code, _, stderr := runMain(append([]string{"--stack", dir, "--profile", "constant:load=90"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, ExitUsage, tc.want)
		}
	}
}

func TestMainRefreshJSONAndBadBlock(t *testing.T) {
	// JSON: the refresh of "the dip fires the scale-out alarm" (TestInstanceRefresh).
	code, stdout, stderr := runMain("--stack", "testdata/stacks/prod-refresh", "--profile", "constant:load=150", "--minutes", "16", "--refresh-at", "5", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got struct {
		Refresh struct {
			Outcome      string           `json:"outcome"`
			End          int              `json:"end_minute"`
			MinInService int              `json:"min_in_service"`
			Gates        []map[string]any `json:"alarm_specification"`
		} `json:"refresh"`
		Timeline []struct {
			Refresh *RowRefresh `json:"refresh"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if r := got.Refresh; r.Outcome != RefreshSuccessful || r.End != 13 || r.MinInService != 2 || len(r.Gates) != 3 {
		t.Errorf("refresh = %+v, want successful at 13, 2 in service at least, 3 gates", r)
	}
	if got.Timeline[4].Refresh != nil || got.Timeline[5].Refresh == nil || *got.Timeline[5].Refresh != (RowRefresh{Old: 2, New: 1}) {
		t.Errorf("timeline refresh at 4, 5 = %v, %v; want none, then 2 old 1 new", got.Timeline[4].Refresh, got.Timeline[5].Refresh)
	}
	// A bad block: exit 1 with the problem, while a run without --refresh-at works.
	dir := filepath.Join(t.TempDir(), "prod")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join("testdata", "stacks", "prod-refresh", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), `"strategy": "Rolling"`, `"strategy": "Replace"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "cdk.tf.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain("--stack", dir, "--profile", "constant:load=90", "--minutes", "10"); code != ExitOK {
		t.Errorf("without --refresh-at: exit %d (%s), want 0", code, stderr)
	}
	code, _, stderr = runMain("--stack", dir, "--profile", "constant:load=90", "--minutes", "10", "--refresh-at", "2")
	if code != ExitError || !strings.Contains(stderr, `instance_refresh.strategy = "Replace": allowed is Rolling`) {
		t.Errorf("exit %d, stderr %q; want %d naming the strategy", code, stderr, ExitError)
	}
}
