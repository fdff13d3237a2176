package simulate

import (
	"encoding/json"
	"slices"
	"testing"
)

// The recommended scale-out of docs/elasticity.md: +1 at 70-85% CPU, +3 at
// 85-95%, +6 from 95% (bounds relative to the 70% threshold).
var recommendedSteps = []Step{{Lower: 0, Upper: 15, Adjustment: 1}, {Lower: 15, Upper: 25, Adjustment: 3}, {Lower: 25, Upper: inf, Adjustment: 6}}

// prodModel is prod's group (3..9, desired 3, grace 120 s) with the seed's
// alarms (> 70% for 2 of 2, < 30% for 5 of 5), warm-up 120 s, and the given
// scale-out steps and warm pool.
func prodModel(steps []Step, wp *WarmPool) *Model {
	m := stepModel(group(3, 9, 3), 120, defaultOut, defaultIn)
	m.Policies[0].Steps = steps
	m.Group.WarmPool = wp
	return m
}

// TestStepToThreeTimesCapacity: prod at 30% (load 90 on 3) jumps to 3x its
// capacity (900) at minute 10. Minutes 10 and 11 breach (100% CPU), so the
// alarm fires at minute 12 in every case; what follows, by hand:
//   - seed (+1, cold 120 s): +1 every 2 minutes (the warm-up holds each
//     next one), 4 at 12 ... 9 at 22; all 9 serve from minute 24: 14
//     minutes overloaded (10..23).
//   - steps, cold: CPU 100 is 30 above the threshold: +6 -> 9 at minute
//     12, serving from 14 (12 + 2): overloaded 10..13 = 4.
//   - steps, Stopped pool (6 = max 9 - desired 3, warm start 60 s): the 6
//     serve from 13: overloaded 10..12 = 3 (at 13, 900 on 9 is exactly 100%).
//   - steps, pool of 2 (max_group_prepared_capacity 5): 2 warm serve from
//     13, 4 cold from 14: overloaded 10..13 = 4 (500 < 900 at 13).
//   - steps, Stopped pool with min_size 2: as the full pool, and after the
//     scale-out 2 instances launch cold into the pool (max(2, 9 - 9)).
func TestStepToThreeTimesCapacity(t *testing.T) {
	seed := []Step{{Lower: 0, Upper: inf, Adjustment: 1}}
	cases := []struct {
		name       string
		steps      []Step
		wp         *WarmPool
		events     []ev
		inService  map[int]int // minute -> instances serving
		pool       map[int]int // minute -> instances in the pool (nil: no pool)
		overloaded int
		firstServe int
		warmStarts int
	}{
		{"seed", seed, nil,
			[]ev{{12, 3, 4}, {14, 4, 5}, {16, 5, 6}, {18, 6, 7}, {20, 7, 8}, {22, 8, 9}},
			map[int]int{13: 3, 14: 4, 16: 5, 23: 8, 24: 9}, nil, 14, 14, 0},
		{"steps, cold", recommendedSteps, nil,
			[]ev{{12, 3, 9}}, map[int]int{12: 3, 13: 3, 14: 9}, nil, 4, 14, 0},
		{"steps, Stopped pool", recommendedSteps, &WarmPool{State: "Stopped", MaxPrepared: -1},
			[]ev{{12, 3, 9}}, map[int]int{12: 3, 13: 9, 14: 9}, map[int]int{0: 6, 11: 6, 12: 0, 19: 0}, 3, 13, 6},
		{"steps, pool of 2", recommendedSteps, &WarmPool{State: "Stopped", MaxPrepared: 5},
			[]ev{{12, 3, 9}}, map[int]int{12: 3, 13: 5, 14: 9}, map[int]int{0: 2, 12: 0}, 4, 13, 2},
		{"steps, pool min size 2", recommendedSteps, &WarmPool{State: "Stopped", MinSize: 2, MaxPrepared: -1},
			[]ev{{12, 3, 9}}, map[int]int{12: 3, 13: 9}, map[int]int{0: 6, 12: 2, 19: 2}, 3, 13, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, prodModel(c.steps, c.wp), stepAt(90, 900, 10), 40)
			if got := events(r); !slices.Equal(got, c.events) {
				t.Errorf("events %v, want %v", got, c.events)
			}
			for m, want := range c.inService {
				if got := r.Timeline[m].InService; got != want {
					t.Errorf("minute %d: %d in service, want %d", m, got, want)
				}
			}
			for m, want := range c.pool {
				if got := r.Timeline[m].Pool; got == nil || *got != want {
					t.Errorf("minute %d: pool %v, want %d", m, deref(got), want)
				}
			}
			if c.pool == nil && r.Timeline[0].Pool != nil {
				t.Errorf("a group without a pool reports pool %d", *r.Timeline[0].Pool)
			}
			s := r.Summary
			if s.MinutesOverloaded != c.overloaded {
				t.Errorf("minutes overloaded %d, want %d", s.MinutesOverloaded, c.overloaded)
			}
			if s.FirstNewInstanceInService == nil || *s.FirstNewInstanceInService != c.firstServe {
				t.Errorf("first new instance serving at %v, want minute %d", deref(s.FirstNewInstanceInService), c.firstServe)
			}
			if s.WarmStarts != c.warmStarts {
				t.Errorf("warm starts %d, want %d", s.WarmStarts, c.warmStarts)
			}
			if c.wp != nil && (r.WarmStart != 60 || r.WarmStartSource != "assumed for a Stopped pool, docs/elasticity.md") {
				t.Errorf("warm start %d s from %q, want 60 s assumed for a Stopped pool", r.WarmStart, r.WarmStartSource)
			}
		})
	}
}

// TestWarmStartOverride: --warm-start replaces the assumption; 180 s (3
// minutes) makes the pool slower than a cold launch (120 s): the 6 serve
// from 12 + 3 = 15, overloaded 10..14 = 5.
func TestWarmStartOverride(t *testing.T) {
	r, err := Run(prodModel(recommendedSteps, &WarmPool{State: "Running", MaxPrepared: -1}), stepAt(90, 900, 10), Options{Minutes: 30, LaunchDelay: -1, WarmStart: 180})
	if err != nil {
		t.Fatal(err)
	}
	if r.WarmStart != 180 || r.WarmStartSource != "--warm-start" {
		t.Errorf("warm start %d from %q, want 180 from --warm-start", r.WarmStart, r.WarmStartSource)
	}
	if r.Summary.MinutesOverloaded != 5 || r.Timeline[14].InService != 3 || r.Timeline[15].InService != 9 {
		t.Errorf("overloaded %d, in service at 14 and 15: %d, %d; want 5, 3, 9", r.Summary.MinutesOverloaded, r.Timeline[14].InService, r.Timeline[15].InService)
	}
}

// TestReuseOnScaleIn: group 1..3 at 3 under load 30 (10% each), a cold
// launch of 600 s (grace period), deregistration delay 30 s. The scale-in
// alarm starts in ALARM (5 of 5 steady datapoints below 30%), so the group
// goes 3 -> 2 at minute 0 and 2 -> 1 at minute 1 (15% on 2). With
// reuse_on_scale_in both return to the pool (max 3 - desired), ready once
// drained: seconds 30 and 90. Without, they terminate and the pool launches
// as many cold, ready at 600 and 660. Load 250 from minute 2: minutes 2
// and 3 breach (minute 1 was 30%, not above 70), so +1 at minute 4 and,
// once its warm-up ended, +1 at minute 6 (minute 5 still 100% on 1 serving
// or with the new one warming). The pool instance taken at minute 4 serves
// at max(4 + 1, ready): minute 5 with reuse, 10 without; the one taken at 6
// at 7 with reuse, 11 without.
func TestReuseOnScaleIn(t *testing.T) {
	cases := []struct {
		reuse     bool
		inService map[int]int
	}{
		{true, map[int]int{4: 1, 5: 2, 6: 2, 7: 3, 10: 3, 11: 3}},
		{false, map[int]int{4: 1, 5: 1, 7: 1, 9: 1, 10: 2, 11: 3}},
	}
	for _, c := range cases {
		m := stepModel(group(1, 3, 3), 120, defaultOut, defaultIn)
		m.Group.HealthCheckGracePeriod = 600
		m.Group.WarmPool = &WarmPool{State: "Stopped", MaxPrepared: -1, Reuse: c.reuse}
		m.Group.DeregistrationDelay = 30
		r := run(t, m, loads{30, 30, 250}, 12)
		if got, want := events(r), []ev{{0, 3, 2}, {1, 2, 1}, {4, 1, 2}, {6, 2, 3}}; !slices.Equal(got, want) {
			t.Fatalf("reuse %v: events %v, want %v", c.reuse, got, want)
		}
		for m, want := range map[int]int{0: 1, 1: 2, 3: 2, 4: 1, 6: 0} {
			if got := r.Timeline[m].Pool; got == nil || *got != want {
				t.Errorf("reuse %v: minute %d: pool %v, want %d", c.reuse, m, deref(got), want)
			}
		}
		for m, want := range c.inService {
			if got := r.Timeline[m].InService; got != want {
				t.Errorf("reuse %v: minute %d: %d in service, want %d", c.reuse, m, got, want)
			}
		}
	}
}

// daily is 600 during the hour from 08:00 of every day, else 90.
type daily struct{}

func (daily) Load(m int) float64 {
	if (m%1440)/60 == 8 {
		return 600
	}
	return 90
}
func (daily) String() string { return "daily test" }

// TestPredictiveDailyCycle: a group of 3..9 with only a predictive policy
// (target 50% CPU, buffer 300 s) under a load of 90 with 600 from 08:00 to
// 09:00 each day. Day 0 has no history: no forecast, and its 08:00 hour is
// overloaded (600 > 3 x 100) for 60 minutes. From day 1 the forecast for an
// hour is the same hour of the previous days: at minute 1440 + 480 - 5 =
// 1915 the forecast for hour 32 (day 1, 08:00) is ceil(600 / 50) = 12,
// above max 9: HonorMaxCapacity holds it at 9, so desired goes 3 -> 9 five
// minutes ahead; cold launches serve from 1917, and at 1920 the 600 runs at
// 66.7% on 9. ForecastOnly forecasts the same and changes nothing: day 1's
// 08:00 hour is overloaded too. IncreaseMaxCapacity with a 10% buffer
// raises max to ceil(12 x 1.1) = 14 and desired to 12.
func TestPredictiveDailyCycle(t *testing.T) {
	cases := []struct {
		mode, breach string
		buffer       int
		events       []ev
		inService    map[int]int
		overloaded   int
		maxAt1920    int
	}{
		{ForecastAndScale, "HonorMaxCapacity", 0, []ev{{1915, 3, 9}}, map[int]int{1916: 3, 1917: 9, 1920: 9}, 60, 9},
		{ForecastOnly, "HonorMaxCapacity", 0, []ev{}, map[int]int{1917: 3, 1920: 3}, 120, 9},
		{ForecastAndScale, "IncreaseMaxCapacity", 10, []ev{{1915, 3, 12}}, map[int]int{1917: 12}, 60, 14},
	}
	for _, c := range cases {
		t.Run(c.mode+" "+c.breach, func(t *testing.T) {
			m := &Model{Stack: "test", Group: group(3, 9, 3), Policies: []Policy{}, Alarms: []Alarm{},
				Predictive: &Predictive{Name: "predictive", Mode: c.mode, Metric: MetricCPU, Target: 50, Buffer: 300, Breach: c.breach, MaxBuffer: c.buffer}}
			r := run(t, m, daily{}, 2000)
			if got := events(r); !slices.Equal(got, c.events) {
				t.Errorf("events %v, want %v", got, c.events)
			}
			for m, want := range c.inService {
				if got := r.Timeline[m].InService; got != want {
					t.Errorf("minute %d: %d in service, want %d", m, got, want)
				}
			}
			if got := r.Summary.MinutesOverloaded; got != c.overloaded {
				t.Errorf("minutes overloaded %d, want %d", got, c.overloaded)
			}
			if got := r.Timeline[1920].MaxSize; got != c.maxAt1920 {
				t.Errorf("max size at 1920: %d, want %d", got, c.maxAt1920)
			}
			// No forecast on day 0; the first is at minute 1435 for hour 24
			// (00:00 of day 1): the load of hour 0, 90 / 50 -> 2.
			if len(r.Forecasts) == 0 || r.Forecasts[0] != (Forecast{Minute: 1435, Hour: 24, Capacity: 2}) {
				t.Errorf("first forecast %v, want {1435 24 2}", r.Forecasts[:min(1, len(r.Forecasts))])
			}
			if f := r.Timeline[1920].Forecast; f == nil || *f != 12 {
				t.Errorf("forecast at 1920: %v, want 12", deref(f))
			}
			if r.Timeline[1400].Forecast != nil {
				t.Errorf("a forecast on day 0: %d", *r.Timeline[1400].Forecast)
			}
		})
	}
}

// TestDailyCycleExample: the figures docs/elasticity.md quotes for the
// daily cycle on testdata/stacks/prod-elastic (prod with the recommended
// steps, a Stopped pool and ForecastAndScale at target 50, buffer 300 s).
// The first forecast that raises capacity is hour 27 (03:00 of day 1),
// scheduled at 1620 - 5 = 1615; the load needs a fourth instance (above
// 3 x 70 = 210) only from minute 1673 (233 on day 0, the same sine).
func TestDailyCycleExample(t *testing.T) {
	code, stdout, stderr := runMain("--stack", "testdata/stacks/prod-elastic", "--profile", "diurnal:min=90,max=600", "--minutes", "2880", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r Result
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	type day struct{ above, firstRaise, firstNeed int }
	var days [2]day
	for d := range days {
		days[d] = day{firstRaise: -1, firstNeed: -1}
		for _, row := range r.Timeline[d*1440 : (d+1)*1440] {
			if row.CPU != nil && *row.CPU > 70 {
				days[d].above++
			}
			if days[d].firstRaise < 0 && row.Desired > 3 {
				days[d].firstRaise = row.Minute
			}
			if days[d].firstNeed < 0 && row.Load > 210 {
				days[d].firstNeed = row.Minute
			}
		}
	}
	if want := [2]day{{18, 235, 233}, {0, 1615, 1673}}; days != want {
		t.Errorf("days %+v, want %+v", days, want)
	}
	var predictive []ev
	for _, e := range r.Events {
		if e.Policy == "webtier-prod-predictive" {
			predictive = append(predictive, ev{e.Minute, e.CapacityBefore, e.CapacityAfter})
		}
	}
	if want := []ev{{1615, 3, 4}, {1675, 4, 5}, {1735, 5, 7}, {1795, 7, 8}, {1855, 8, 9}}; !slices.Equal(predictive, want) {
		t.Errorf("predictive events %v, want %v", predictive, want)
	}
}
