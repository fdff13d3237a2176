package simulate

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// The hand-computed cases below share one clock: minute m's CPU becomes a
// datapoint at the start of minute m+1, the alarm is evaluated then, and its
// policy acts in that same minute m+1 (the event's minute). Unless a case
// says otherwise: period 60 s, launch delay 120 s (2 minutes), warm-up 120 s,
// no deregistration delay, scale out > 70% for 2 of 2 (+1), scale in < 30%
// for 5 of 5 (-1) — the project's defaults.

var inf = math.Inf(1)

type rule struct {
	threshold  float64
	periods, m int
	adjustment int
}

var (
	defaultOut = rule{threshold: 70, periods: 2, m: 2, adjustment: 1}
	defaultIn  = rule{threshold: 30, periods: 5, m: 5, adjustment: -1}
)

func group(minSize, maxSize, desired int) Group {
	return Group{Address: "aws_autoscaling_group.test", Name: "test", Min: minSize, Max: maxSize, Desired: desired,
		HealthCheckGracePeriod: 120, DefaultCooldown: 300, DefaultInstanceWarmup: -1, DetailedMonitoring: true}
}

// stepModel is the project's shape: a high-CPU alarm on a one-step scale-out
// policy and a low-CPU alarm on a one-step scale-in policy.
func stepModel(g Group, warmup int, out, in rule) *Model {
	return &Model{
		Stack: "test", Group: g,
		Policies: []Policy{
			{Name: "out", Type: StepScaling, AdjustmentType: ChangeInCapacity, Steps: []Step{{Lower: 0, Upper: inf, Adjustment: out.adjustment}}, Warmup: warmup},
			{Name: "in", Type: StepScaling, AdjustmentType: ChangeInCapacity, Steps: []Step{{Lower: -inf, Upper: 0, Adjustment: in.adjustment}}, Warmup: warmup},
		},
		Alarms: []Alarm{
			{Name: "high", Statistic: "Average", Period: 60, Operator: "GreaterThanThreshold", Threshold: out.threshold,
				EvaluationPeriods: out.periods, DatapointsToAlarm: out.m, TreatMissingData: "missing", Policies: []int{0}},
			{Name: "low", Statistic: "Average", Period: 60, Operator: "LessThanThreshold", Threshold: in.threshold,
				EvaluationPeriods: in.periods, DatapointsToAlarm: in.m, TreatMissingData: "notBreaching", Policies: []int{1}},
		},
	}
}

// loads is a profile given minute by minute; the last value holds.
type loads []float64

func (l loads) Load(m int) float64 { return l[min(m, len(l)-1)] }
func (l loads) String() string     { return "test loads" }

// stepAt is `from` before minute at, `to` from then on.
func stepAt(from, to float64, at int) Profile {
	p, err := ParseProfile(fmt.Sprintf("step:from=%g,to=%g,at=%d", from, to, at))
	if err != nil {
		panic(err)
	}
	return p
}

type ev struct{ minute, before, after int }

func events(r *Result) []ev {
	out := []ev{}
	for _, e := range r.Events {
		out = append(out, ev{e.Minute, e.CapacityBefore, e.CapacityAfter})
	}
	return out
}

func run(t *testing.T, m *Model, p Profile, minutes int) *Result {
	t.Helper()
	r, err := Run(m, p, Options{Minutes: minutes, LaunchDelay: -1})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return r
}

func TestScaleOutAfterConfiguredBreachingPeriods(t *testing.T) {
	// Two instances; load steps from 80 (40% each) to 180 (90% each) at
	// minute 5. Minutes 5, 6, ... breach; the M-th breaching datapoint is
	// minute 5+M-1, evaluated at the start of minute 5+M, so the first
	// scale-out (2 -> 3) is at minute 5+M whatever N is.
	tests := []struct {
		periods, m int
		want       int
	}{
		{periods: 1, m: 1, want: 6},
		{periods: 2, m: 2, want: 7},
		{periods: 3, m: 3, want: 8},
		{periods: 3, m: 2, want: 7},
		{periods: 5, m: 1, want: 6},
		{periods: 5, m: 5, want: 10},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d of %d", tc.m, tc.periods), func(t *testing.T) {
			out := rule{threshold: 70, periods: tc.periods, m: tc.m, adjustment: 1}
			r := run(t, stepModel(group(2, 6, 2), 120, out, defaultIn), stepAt(80, 180, 5), 20)
			got := events(r)
			if len(got) == 0 || got[0] != (ev{tc.want, 2, 3}) {
				t.Fatalf("first event = %v, want {%d 2 3} (events %v)", first(got), tc.want, got)
			}
			if r.Summary.TimeToFirstScaleOut == nil || *r.Summary.TimeToFirstScaleOut != tc.want-5 {
				t.Errorf("time to first scale-out = %v, want %d", deref(r.Summary.TimeToFirstScaleOut), tc.want-5)
			}
		})
	}
}

func TestMOfNNeedNotBeConsecutive(t *testing.T) {
	// Load alternates: 180 (90%, breaching) on minutes 5, 7, 9, ... and
	// 80 (40%) on minutes 6, 8, .... With 2 of 3 the window [5, 6, 7] holds
	// two breaching datapoints at the start of minute 8 -> scale-out at 8.
	// With 2 of 2 no two consecutive datapoints breach -> never.
	alt := loads{}
	for m := 0; m < 30; m++ {
		if m >= 5 && m%2 == 1 {
			alt = append(alt, 180)
		} else {
			alt = append(alt, 80)
		}
	}
	tests := []struct {
		name       string
		periods, m int
		wantFirst  int // -1: no event
	}{
		{"2 of 3", 3, 2, 8},
		{"2 of 2", 2, 2, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := rule{threshold: 70, periods: tc.periods, m: tc.m, adjustment: 1}
			r := run(t, stepModel(group(2, 6, 2), 120, out, defaultIn), alt, 30)
			got := events(r)
			if tc.wantFirst < 0 {
				if len(got) != 0 {
					t.Fatalf("events = %v, want none", got)
				}
				return
			}
			if len(got) == 0 || got[0].minute != tc.wantFirst {
				t.Fatalf("first event = %v, want minute %d", first(got), tc.wantFirst)
			}
		})
	}
}

func TestHoveringBetweenThresholdsDoesNotScale(t *testing.T) {
	// Two instances, thresholds > 70 and < 30. None of these loads makes a
	// breaching datapoint, so both alarms stay OK and nothing scales.
	tests := []struct {
		name    string
		profile string
	}{
		// 62..138 on 2 instances = 31%..69%, a 20-minute wave.
		{"wave between the thresholds", "sine:min=62,max=138,period=20"},
		// 140 / 2 = 70%: not > 70.
		{"exactly at the scale-out threshold", "constant:load=140"},
		// 60 / 2 = 30%: not < 30.
		{"exactly at the scale-in threshold", "constant:load=60"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProfile(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, stepModel(group(2, 6, 2), 120, defaultOut, defaultIn), p, 120)
			if got := events(r); len(got) != 0 {
				t.Fatalf("events = %v, want none", got)
			}
			for _, row := range r.Timeline {
				for name, state := range row.Alarms {
					if state != StateOK {
						t.Fatalf("minute %d: alarm %s = %s, want OK", row.Minute, name, state)
					}
				}
			}
		})
	}
}

func TestScaleInOnlyAfterScaleInPeriods(t *testing.T) {
	// Four instances (min 2); load drops from 240 (60% each) to 80 (20%) at
	// minute 10. With N of N scale-in periods the N-th breaching datapoint
	// (minute 10+N-1) is evaluated at minute 10+N: 4 -> 3. The alarm stays in
	// ALARM (80/3 = 26.7% < 30), but the removed instance counts as current
	// capacity until its deregistration delay is over, so the next scale-in
	// (3 -> 2, then min) comes at 10+N + ceil(delay / 60 s).
	tests := []struct {
		name    string
		periods int
		dereg   int
		hook    int
		want    []ev
	}{
		{"5 periods, 30 s drain", 5, 30, 0, []ev{{15, 4, 3}, {16, 3, 2}}},
		{"5 periods, 300 s drain", 5, 300, 0, []ev{{15, 4, 3}, {20, 3, 2}}},
		{"3 periods, 30 s drain", 3, 30, 0, []ev{{13, 4, 3}, {14, 3, 2}}},
		// A termination hook (compute.drain_seconds) of 300 s holds the
		// instance as long as a 300 s drain; the longer of the two counts.
		{"5 periods, 30 s drain, 300 s hook", 5, 30, 300, []ev{{15, 4, 3}, {20, 3, 2}}},
		{"5 periods, 300 s drain, 120 s hook", 5, 300, 120, []ev{{15, 4, 3}, {20, 3, 2}}},
		{"5 periods, 30 s drain, 121 s hook", 5, 30, 121, []ev{{15, 4, 3}, {18, 3, 2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := group(2, 6, 4)
			g.DeregistrationDelay = tc.dereg
			g.TerminationHook = tc.hook
			in := rule{threshold: 30, periods: tc.periods, m: tc.periods, adjustment: -1}
			r := run(t, stepModel(g, 120, defaultOut, in), stepAt(240, 80, 10), 30)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Fatalf("events = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestScaleInWaitsForWarmup(t *testing.T) {
	// 2 instances (min 2), scale in < 30% for 2 of 2. Load 80 -> 1000 at 5:
	// ALARM at 7, 2 -> 3. At minute 8 the load collapses to 20 (10%, then
	// 6.7% once the third serves at 9): minutes 8 and 9 breach -> the low
	// alarm is in ALARM from 10. Scale-in waits until the new instance has
	// warmed up: 7 + 10 min = 17 with a 600 s warm-up.
	// With 60 s the instance is warm at 8, when the high alarm is still in
	// ALARM (minute 7 was 100%): 3 warmed + 1 = 4. That one is warm at 9, so
	// the scale-in is not blocked: 10 (4 -> 3) and, with no drain time, 11
	// (3 -> 2).
	in := rule{threshold: 30, periods: 2, m: 2, adjustment: -1}
	l := loads{80, 80, 80, 80, 80, 1000, 1000, 1000, 20}
	tests := []struct {
		warmup int
		want   []ev
	}{
		{600, []ev{{7, 2, 3}, {17, 3, 2}}},
		{60, []ev{{7, 2, 3}, {8, 3, 4}, {10, 4, 3}, {11, 3, 2}}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("warm-up %ds", tc.warmup), func(t *testing.T) {
			r := run(t, stepModel(group(2, 6, 2), tc.warmup, defaultOut, in), l, 25)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Fatalf("events = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestClampingAtMaxAndMin(t *testing.T) {
	tests := []struct {
		name    string
		g       Group
		model   func(Group) *Model
		profile Profile
		want    []ev
	}{{
		// 2 instances, max 4, +3 per breach: load 80 -> 1000 at 5, ALARM at 7,
		// 2+3 = 5 is clamped to 4. Later breaches ask for more but max holds.
		name: "scale-out clamped at max_size",
		g:    group(2, 4, 2),
		model: func(g Group) *Model {
			return stepModel(g, 120, rule{threshold: 70, periods: 2, m: 2, adjustment: 3}, defaultIn)
		},
		profile: stepAt(80, 1000, 5),
		want:    []ev{{7, 2, 4}},
	}, {
		// 3 instances, min 2, -3 per breach: load 120 (40%) -> 30 (10%) at 5,
		// ALARM after 5 periods at 10, 3-3 = 0 is clamped to 2.
		name: "scale-in clamped at min_size",
		g:    group(2, 6, 3),
		model: func(g Group) *Model {
			return stepModel(g, 120, defaultOut, rule{threshold: 30, periods: 5, m: 5, adjustment: -3})
		},
		profile: stepAt(120, 30, 5),
		want:    []ev{{10, 3, 2}},
	}, {
		// ExactCapacity 10 with max 6: ALARM at 7 sets 6.
		name: "exact capacity clamped at max_size",
		g:    group(2, 6, 2),
		model: func(g Group) *Model {
			m := stepModel(g, 120, defaultOut, defaultIn)
			m.Policies[0].AdjustmentType = ExactCapacity
			m.Policies[0].Steps[0].Adjustment = 10
			return m
		},
		profile: stepAt(80, 1000, 5),
		want:    []ev{{7, 2, 6}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.model(tc.g), tc.profile, 30)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Fatalf("events = %v, want %v", got, tc.want)
			}
			for _, row := range r.Timeline {
				if row.Desired < tc.g.Min || row.Desired > tc.g.Max {
					t.Fatalf("minute %d: desired %d outside %d..%d", row.Minute, row.Desired, tc.g.Min, tc.g.Max)
				}
			}
		})
	}
}

func TestWarmupAndCooldownPreventDoubleScaling(t *testing.T) {
	// 2 instances, max 10; load 80 -> 1000 at minute 5 keeps CPU at 100% and
	// the high alarm in ALARM from minute 7 on, so the policy is invoked every
	// minute. Step: the +1 is added to the instances that finished warming up,
	// so while the new one warms the answer is the same desired capacity and
	// nothing happens; the next +1 comes when the warm-up ends. Simple: the
	// cooldown blocks the policy. Hence one instance per warm-up (or
	// cooldown) of 5 minutes: 7, 12, 17, 22; with 60 s or 0 s, one a minute
	// until max (7..14: 3..10).
	everyMinute := []ev{{7, 2, 3}, {8, 3, 4}, {9, 4, 5}, {10, 5, 6}, {11, 6, 7}, {12, 7, 8}, {13, 8, 9}, {14, 9, 10}}
	everyFive := []ev{{7, 2, 3}, {12, 3, 4}, {17, 4, 5}, {22, 5, 6}}
	simple := func(cooldown int) func(*Model) {
		return func(m *Model) {
			m.Policies[0] = Policy{Name: "out", Type: SimpleScaling, AdjustmentType: ChangeInCapacity, ScalingAdjustment: 1, Cooldown: cooldown}
		}
	}
	tests := []struct {
		name   string
		warmup int
		edit   func(*Model)
		want   []ev
	}{
		{"step, warm-up 300 s", 300, nil, everyFive},
		{"step, warm-up 60 s", 60, nil, everyMinute},
		{"step, warm-up 0 s", 0, nil, everyMinute},
		{"simple, cooldown 300 s", 0, simple(300), everyFive},
		{"simple, cooldown 0 s", 0, simple(0), everyMinute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := stepModel(group(2, 10, 2), tc.warmup, defaultOut, defaultIn)
			if tc.edit != nil {
				tc.edit(m)
			}
			r := run(t, m, stepAt(80, 1000, 5), 25)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Fatalf("events = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLargerStepDuringWarmupAddsTheDifference(t *testing.T) {
	// Steps above 70%: [0, 20) +1, [20, inf) +3. 10 instances, warm-up 600 s.
	// Load 600 (60%), 800 (80%) on minutes 5-7, 950 from minute 8.
	//   7: ALARM (80, 80) -> +1 on 10 warmed = 11.              10 -> 11
	//   8: metric 80, same step: 10 + 1 = 11 = desired -> nothing.
	//   9: metric 95 (minute 8 on 10 serving), step +3: 10 + 3 = 13;
	//      the warming instance already counts, so only 2 are added. 11 -> 13
	//      From 9 the first new instance serves (launch 7 + 2 min): 950/11 =
	//      86%; from 11 all 13 serve: 73% -> step +1 on 10 warmed = 11 -> nothing.
	//  19: the instances launched at 9 finish warming (9 + 10 min): 13 + 1. 13 -> 14
	//  22: minute 21 has 14 serving, 67.9% -> alarm OK; nothing more.
	m := stepModel(group(1, 20, 10), 600, defaultOut, defaultIn)
	m.Policies[0].Steps = []Step{{Lower: 0, Upper: 20, Adjustment: 1}, {Lower: 20, Upper: inf, Adjustment: 3}}
	l := loads{600, 600, 600, 600, 600, 800, 800, 800, 950}
	r := run(t, m, l, 30)
	want := []ev{{7, 10, 11}, {9, 11, 13}, {19, 13, 14}}
	if got := events(r); !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
}

func TestTargetTrackingScaleIn(t *testing.T) {
	// Target 50, 6 instances (min 2), load 120 = 20% each from minute 0. The
	// managed AlarmLow (< 45 for 15 of 15) is in ALARM from the steady history
	// at minute 0: ceil(6 x 20 / 50) = ceil(2.4) = 3 -> 6 -> 3. The alarm
	// stays in ALARM (120/3 = 40% < 45) but ceil(3 x 40 / 50) = ceil(2.4) = 3:
	// nothing more.
	// With disable_scale_in there is no AlarmLow and nothing happens.
	for _, disable := range []bool{false, true} {
		t.Run(fmt.Sprintf("disable_scale_in=%v", disable), func(t *testing.T) {
			p := Policy{Name: "tt", Type: TargetTrackingScaling, TargetValue: 50, DisableScaleIn: disable, Warmup: 300}
			m := &Model{Stack: "test", Group: group(2, 10, 6), Policies: []Policy{p}}
			m.Alarms = append(m.Alarms, Alarm{Name: "hi", Statistic: "Average", Period: 60, Operator: "GreaterThanThreshold", Threshold: 50,
				EvaluationPeriods: 3, DatapointsToAlarm: 3, TreatMissingData: "missing", Policies: []int{0}})
			if !disable {
				m.Alarms = append(m.Alarms, Alarm{Name: "lo", Statistic: "Average", Period: 60, Operator: "LessThanThreshold", Threshold: 45,
					EvaluationPeriods: 15, DatapointsToAlarm: 15, TreatMissingData: "missing", Policies: []int{0}})
			}
			r := run(t, m, loads{120}, 30)
			want := []ev{{0, 6, 3}}
			if disable {
				want = []ev{}
			}
			if got := events(r); !slices.Equal(got, want) {
				t.Fatalf("events = %v, want %v", got, want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	// B: breaching (80 > 70), o: not breaching (50), -: missing.
	tests := []struct {
		hist    string
		m, n    int
		missing string
		prev    string
		want    string
	}{
		{"BBB", 3, 3, "missing", StateOK, StateAlarm},
		{"BoB", 3, 3, "missing", StateOK, StateOK},
		{"BoB", 2, 3, "missing", StateOK, StateAlarm}, // M of N need not be consecutive
		{"Boo", 2, 3, "missing", StateOK, StateOK},
		{"BBBoo", 2, 2, "missing", StateAlarm, StateOK}, // only the last N count
		{"---", 3, 3, "missing", StateOK, StateInsufficientData},
		{"---", 3, 3, "ignore", StateAlarm, StateAlarm},
		{"---", 3, 3, "breaching", StateOK, StateAlarm},
		{"---", 3, 3, "notBreaching", StateAlarm, StateOK},
		{"BB-", 3, 3, "breaching", StateOK, StateAlarm},
		{"BB-", 3, 3, "notBreaching", StateOK, StateOK},
		{"BB-", 2, 3, "missing", StateOK, StateAlarm},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s %dof%d %s", tc.hist, tc.m, tc.n, tc.missing), func(t *testing.T) {
			a := Alarm{Operator: "GreaterThanThreshold", Threshold: 70, EvaluationPeriods: tc.n, DatapointsToAlarm: tc.m, TreatMissingData: tc.missing}
			var hist []datapoint
			for _, c := range tc.hist {
				switch c {
				case 'B':
					hist = append(hist, datapoint{v: 80, ok: true})
				case 'o':
					hist = append(hist, datapoint{v: 50, ok: true})
				default:
					hist = append(hist, datapoint{})
				}
			}
			if got := evaluate(a, hist, tc.prev); got != tc.want {
				t.Errorf("evaluate(%s) = %s, want %s", tc.hist, got, tc.want)
			}
		})
	}
}

func TestPickStep(t *testing.T) {
	// The API reference's examples, threshold 50: lower 0 / upper 10 covers
	// 50 <= metric < 60 above the threshold; lower -10 / upper 0 covers
	// 40 < metric <= 50 below it.
	above := []Step{{Lower: 0, Upper: 10, Adjustment: 1}, {Lower: 10, Upper: inf, Adjustment: 3}}
	below := []Step{{Lower: -inf, Upper: -10, Adjustment: -3}, {Lower: -10, Upper: 0, Adjustment: -1}}
	tests := []struct {
		name    string
		steps   []Step
		metric  float64
		isAbove bool
		want    int // 0: no step
	}{
		{"threshold itself, above", above, 50, true, 1},
		{"just below the upper bound", above, 59.9, true, 1},
		{"upper bound is exclusive above", above, 60, true, 3},
		{"below the threshold matches no scale-out step", above, 49, true, 0},
		{"threshold itself, below", below, 50, false, -1},
		{"lower bound is exclusive below", below, 40, false, -3},
		{"just above the lower bound", below, 40.1, false, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := pickStep(tc.steps, tc.metric-50, tc.isAbove)
			got := 0
			if ok {
				got = s.Adjustment
			}
			if got != tc.want {
				t.Errorf("pickStep(metric %g) adjustment = %d, want %d", tc.metric, got, tc.want)
			}
		})
	}
}

func TestPercentDelta(t *testing.T) {
	// The user guide's rounding examples: 12.7 -> 12, 0.5 -> 1, -0.5 -> -1,
	// -6.67 -> -6; then MinAdjustmentMagnitude raises small changes.
	tests := []struct {
		base, pct, mag int
		want           int
	}{
		{127, 10, 0, 12}, // 12.7
		{5, 10, 0, 1},    // 0.5
		{5, -10, 0, -1},  // -0.5
		{667, -1, 0, -6}, // -6.67
		{10, 10, 0, 1},   // exactly 1
		{10, 10, 2, 2},   // 1, at least 2
		{10, -10, 3, -3}, // -1, at least 3
		{0, 50, 0, 0},    // nothing to take a percentage of
	}
	for _, tc := range tests {
		if got := percentDelta(tc.base, tc.pct, tc.mag); got != tc.want {
			t.Errorf("percentDelta(%d, %d%%, min %d) = %d, want %d", tc.base, tc.pct, tc.mag, got, tc.want)
		}
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	m := stepModel(group(2, 6, 2), 120, defaultOut, defaultIn)
	tests := []struct {
		o    Options
		want string
	}{
		{Options{Minutes: 0, LaunchDelay: -1}, "minutes = 0"},
		{Options{Minutes: MaxMinutes + 1, LaunchDelay: -1}, fmt.Sprintf("minutes = %d", MaxMinutes+1)},
		{Options{Minutes: 10, LaunchDelay: 90000}, "launch delay = 90000s"},
	}
	for _, tc := range tests {
		_, err := Run(m, loads{50}, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run(%+v) error = %v, want one mentioning %q", tc.o, err, tc.want)
		}
	}
}

func first(e []ev) any {
	if len(e) == 0 {
		return "none"
	}
	return e[0]
}

func deref(p *int) any {
	if p == nil {
		return "nil"
	}
	return *p
}
