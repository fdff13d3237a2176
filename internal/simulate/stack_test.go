package simulate

import (
	"slices"
	"strconv"
	"testing"
)

// These runs use the trimmed real stacks in testdata/stacks. Prod: min 3,
// max 9, desired 3, > 70% for 2 of 2 -> +1, < 30% for 5 of 5 -> -1, warm-up
// and launch delay 120 s, deregistration delay 30 s.
func TestRealStacks(t *testing.T) {
	type summary struct {
		firstAbove, firstOut, timeToOut, firstServing      int
		peak, peakMinute, servingMinute, above, overloaded int
		outs, ins, reversals, final                        int
	}
	tests := []struct {
		stack   string
		profile string
		minutes int
		want    []ev
		sum     summary
	}{{
		// Prod, load 90 (30% on 3) -> 900 (3 x the 3 instances' capacity) at
		// minute 10 for 20 minutes, then 90 again.
		// Out: minutes 10 and 11 breach -> ALARM at 12: 3 -> 4. The new
		//   instance warms for 2 minutes, so each +1 waits for the previous
		//   one: 14, 16, 18, 20, 22 (-> 9 = max). Each serves 2 minutes after
		//   launch (14, ..., 24); until 24 fewer than 9 serve and 900 is more
		//   than they can do (overloaded minutes 10..23 = 14); CPU is above
		//   70% on minutes 10..29 = 20.
		// In: from minute 30, 90 / 9 = 10%; minutes 30..34 make 5 of 5 ->
		//   ALARM at 35: 9 -> 8; the removed instance drains 30 s, so one
		//   more each minute: 36, ..., 40 (-> 3 = min).
		stack: "prod", profile: "spike:base=90,peak=900,at=10,duration=20", minutes: 45,
		want: []ev{{12, 3, 4}, {14, 4, 5}, {16, 5, 6}, {18, 6, 7}, {20, 7, 8}, {22, 8, 9},
			{35, 9, 8}, {36, 8, 7}, {37, 7, 6}, {38, 6, 5}, {39, 5, 4}, {40, 4, 3}},
		sum: summary{firstAbove: 10, firstOut: 12, timeToOut: 2, firstServing: 14, peak: 9, peakMinute: 22, servingMinute: 24,
			above: 20, overloaded: 14, outs: 6, ins: 6, reversals: 1, final: 3},
	}, {
		// Stage (min 2, max 4, desired 2), 60 (30% on 2) -> 600 at 10:
		// ALARM at 12: 2 -> 3, after the warm-up 14: 3 -> 4 = max. Fewer than
		// 6 instances can never serve 600: overloaded all 20 minutes from 10.
		stack: "stage", profile: "step:from=60,to=600,at=10", minutes: 30,
		want: []ev{{12, 2, 3}, {14, 3, 4}},
		sum: summary{firstAbove: 10, firstOut: 12, timeToOut: 2, firstServing: 14, peak: 4, peakMinute: 14, servingMinute: 16,
			above: 20, overloaded: 20, outs: 2, ins: 0, reversals: 0, final: 4},
	}, {
		// Prod with target tracking (target 50; AWS's alarms > 50 for 3 of 3,
		// < 45 for 15 of 15; warm-up = default_cooldown 300 s). Load 90 ->
		// 300 (100% on 3) at 10 for 20 minutes.
		// Out: minutes 10..12 -> ALARM at 13: ceil(3 x 100 / 50) = 6: 3 -> 6.
		//   From 15 six serve at 50%, not above the target: no more.
		// In: from 30, 90 / 6 = 15%; minutes 30..44 -> ALARM at 45:
		//   ceil(6 x 15 / 50) = 2, clamped to min 3: 6 -> 3.
		stack: "prod-target-tracking", profile: "spike:base=90,peak=300,at=10,duration=20", minutes: 50,
		want: []ev{{13, 3, 6}, {45, 6, 3}},
		sum: summary{firstAbove: 10, firstOut: 13, timeToOut: 3, firstServing: 15, peak: 6, peakMinute: 13, servingMinute: 15,
			above: 5, overloaded: 0, outs: 1, ins: 1, reversals: 1, final: 3},
	}}
	for _, tc := range tests {
		t.Run(tc.stack, func(t *testing.T) {
			m, err := FromStack(loadFixture(t, tc.stack))
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParseProfile(tc.profile)
			if err != nil {
				t.Fatal(err)
			}
			r := run(t, m, p, tc.minutes)
			if got := events(r); !slices.Equal(got, tc.want) {
				t.Errorf("events = %v\nwant     %v", got, tc.want)
			}
			s := r.Summary
			got := summary{
				firstAbove: derefOr(s.FirstMinuteAbove), firstOut: derefOr(s.FirstScaleOut), timeToOut: derefOr(s.TimeToFirstScaleOut),
				firstServing: derefOr(s.FirstNewInstanceInService), peak: s.PeakCapacity, peakMinute: s.PeakCapacityMinute, servingMinute: s.PeakInServiceMinute,
				above: s.MinutesAboveThreshold, overloaded: s.MinutesOverloaded, outs: s.ScaleOuts, ins: s.ScaleIns,
				reversals: s.Reversals, final: s.FinalCapacity,
			}
			if got != tc.sum {
				t.Errorf("summary = %+v\nwant      %+v", got, tc.sum)
			}
		})
	}
}

func derefOr(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// BenchmarkRun simulates an hour and a day of a step load on every fixture;
// a run must take at most a few milliseconds.
func BenchmarkRun(b *testing.B) {
	for _, stack := range []string{"prod", "stage", "prod-target-tracking"} {
		m, err := FromStack(loadFixture(b, stack))
		if err != nil {
			b.Fatal(err)
		}
		p, err := ParseProfile("spike:base=90,peak=900,at=10,duration=240")
		if err != nil {
			b.Fatal(err)
		}
		for _, minutes := range []int{60, 1440} {
			b.Run(stack+"/"+strconv.Itoa(minutes)+"min", func(b *testing.B) {
				for b.Loop() {
					if _, err := Run(m, p, Options{Minutes: minutes, LaunchDelay: -1}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkFromStack reads the prod fixture's group, alarms and policies.
func BenchmarkFromStack(b *testing.B) {
	s := loadFixture(b, "prod")
	for b.Loop() {
		if _, err := FromStack(s); err != nil {
			b.Fatal(err)
		}
	}
}
