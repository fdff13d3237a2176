package config_test

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// threeSteps is the recommended scale-out: +1 at 70-85 % CPU, +3 at 85-95 %,
// +6 above (the built-in group is 2..6, so it may add at most 4: tests that
// use +6 widen it).
const threeSteps = "[{from: 70, to: 85, adjustment: 1}, {from: 85, to: 95, adjustment: 3}, {from: 95, adjustment: 6}]"

// TestElasticityAccepted: warm pools, step intervals and predictive
// scaling at their edges load with the values (and defaults) they should.
func TestElasticityAccepted(t *testing.T) {
	ip := func(v int) *int { return &v }
	fp := func(v float64) *float64 { return &v }
	wide := []string{"compute.min_size", "3", "compute.max_size", "9", "compute.desired_capacity", "3"}
	cases := []acceptedCase{
		{"warm pool defaults", []string{"compute.warm_pool", "{}"}, "compute.warm_pool",
			&config.WarmPool{PoolState: config.WarmPoolStopped, HookTimeoutSeconds: 600}},
		{"warm pool at its limits", append(wide, "compute.warm_pool", "{pool_state: Hibernated, min_size: 6, max_group_prepared_capacity: 9, reuse_on_scale_in: true, hook_timeout_seconds: 7200}"), "compute.warm_pool",
			&config.WarmPool{PoolState: config.WarmPoolHibernated, MinSize: 6, MaxGroupPreparedCapacity: ip(9), ReuseOnScaleIn: true, HookTimeoutSeconds: 7200}},
		{"prepared capacity = min size", append(wide, "compute.warm_pool", "{max_group_prepared_capacity: 3, pool_state: Running}"), "compute.warm_pool.max_group_prepared_capacity", ip(3)},
		{"three steps, +6 = max - min", append(wide, "scaling.scale_out.steps", threeSteps), "scaling.scale_out.steps",
			[]config.StepInterval{{From: 70, To: fp(85), Adjustment: 1}, {From: 85, To: fp(95), Adjustment: 3}, {From: 95, Adjustment: 6}}},
		{"one open step", []string{"scaling.scale_out.steps", "[{from: 70, adjustment: 2}]"}, "scaling.scale_out.steps", []config.StepInterval{{From: 70, Adjustment: 2}}},
		{"predictive defaults", []string{"scaling.predictive", "{}"}, "scaling.predictive",
			&config.Predictive{Mode: config.PredictiveForecastOnly, Metric: config.PredictiveCPU, Target: 50, SchedulingBufferSeconds: 300, MaxCapacityBreach: config.HonorMaxCapacity}},
		{"predictive on requests, raising max", []string{"scaling.predictive", "{mode: ForecastAndScale, metric: request_count, target: 100000, scheduling_buffer_seconds: 3600, max_capacity_breach: IncreaseMaxCapacity, max_capacity_buffer: 100}"}, "scaling.predictive",
			&config.Predictive{Mode: config.PredictiveForecastAndScale, Metric: config.PredictiveRequestCount, Target: 100000, SchedulingBufferSeconds: 3600, MaxCapacityBreach: config.IncreaseMaxCapacity, MaxCapacityBuffer: 100}},
		// Buffer = the warm start from a Stopped pool (60 s), below the cold 120 s.
		{"buffer covers the warm start", []string{"compute.warm_pool", "{}", "scaling.predictive", "{scheduling_buffer_seconds: 60}"}, "scaling.predictive.scheduling_buffer_seconds", 60},
		// Buffer = the grace period without a pool.
		{"buffer covers the cold launch", []string{"compute.health_check_grace_period", "90", "scaling.predictive", "{scheduling_buffer_seconds: 90}"}, "scaling.predictive.scheduling_buffer_seconds", 90},
		// Steps in an environment replace an adjustment of the defaults block.
		{"steps next to the built-in adjustment", []string{"scaling.scale_out", "{threshold: 60, steps: [{from: 60, adjustment: 2}]}"}, "scaling.scale_out.adjustment", 1},
	}
	checkAccepted(t, cases)
}

// TestElasticityRefused: each case is a valid file with the elasticity
// settings wrong in one way, and wants exactly these problems (field and
// message parts), all reported at once.
func TestElasticityRefused(t *testing.T) {
	type want struct {
		field string
		msg   []string
	}
	wide := []string{"compute.min_size", "3", "compute.max_size", "9", "compute.desired_capacity", "3"}
	cases := []struct {
		name string
		sets []string
		want []want
	}{
		{"pool state", []string{"compute.warm_pool", "{pool_state: Frozen}"},
			[]want{{"compute.warm_pool.pool_state", []string{`"Frozen" is not a warm pool state`, "allowed: Stopped, Hibernated, Running"}}}},
		// 9 - 3 = 6 instances can ever leave the pool.
		{"pool min size above max - min", append(wide, "compute.warm_pool", "{min_size: 7}"),
			[]want{{"compute.warm_pool.min_size", []string{"min_size (7) must be <= compute.max_size - compute.min_size (9 - 3 = 6)", "waste"}}}},
		{"pool min size negative", []string{"compute.warm_pool", "{min_size: -1}"},
			[]want{{"compute.warm_pool.min_size", []string{"-1 is not allowed"}}}},
		{"prepared capacity above max", append(wide, "compute.warm_pool", "{max_group_prepared_capacity: 10}"),
			[]want{{"compute.warm_pool.max_group_prepared_capacity", []string{"max_group_prepared_capacity (10) must be <= compute.max_size (9)", "waste"}}}},
		{"prepared capacity below min", append(wide, "compute.warm_pool", "{max_group_prepared_capacity: 2}"),
			[]want{{"compute.warm_pool.max_group_prepared_capacity", []string{"max_group_prepared_capacity (2) must be >= compute.min_size (3)"}}}},
		{"hook timeout", []string{"compute.warm_pool", "{hook_timeout_seconds: 29}"},
			[]want{{"compute.warm_pool.hook_timeout_seconds", []string{"29 is not allowed", "30 to 7200"}}}},
		{"warm pool with spot", []string{"compute.warm_pool", "{}", "compute.spot", "{instance_types: [t3.micro, t3a.micro]}"},
			[]want{{"compute.warm_pool", []string{"compute.spot", "mixed instances policy"}}}},
		{"warm pool without NAT", []string{"network.nat_mode", "none", "network.interface_endpoints", "true", "compute.warm_pool", "{}"},
			[]want{{"compute.warm_pool", []string{"network.nat_mode is none", "use nat_mode: single or per_az"}}}},
		{"warm pool in ec2 mode", []string{"compute_mode", "ec2", "compute.warm_pool", "{}"},
			[]want{{"compute.warm_pool", []string{"compute_mode is ec2", "use compute_mode: asg or remove warm_pool"}}}},
		{"steps on scale-in", []string{"scaling.scale_in.steps", "[{from: 30, adjustment: 1}]"},
			[]want{{"scaling.scale_in.steps", []string{"lists 1 intervals", "scale_out only"}}}},
		{"first step not at the threshold", []string{"scaling.scale_out.steps", "[{from: 75, adjustment: 1}]"},
			[]want{{"scaling.scale_out.steps[0].from", []string{"from (75) must equal scale_out.threshold (70)"}}}},
		{"gap between steps", []string{"scaling.scale_out.steps", "[{from: 70, to: 80, adjustment: 1}, {from: 85, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[1].from", []string{"from (85) must equal steps[0].to (80)", "contiguous"}}}},
		{"overlapping steps", []string{"scaling.scale_out.steps", "[{from: 70, to: 90, adjustment: 1}, {from: 85, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[1].from", []string{"from (85) must equal steps[0].to (90)"}}}},
		{"middle step open", []string{"scaling.scale_out.steps", "[{from: 70, adjustment: 1}, {from: 85, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[0].to", []string{"is missing", "only the last interval is open-ended"}}}},
		{"last step bounded", []string{"scaling.scale_out.steps", "[{from: 70, to: 100, adjustment: 1}]"},
			[]want{{"scaling.scale_out.steps[0].to", []string{"100 is set on the last interval", "remove to"}}}},
		{"empty step", []string{"scaling.scale_out.steps", "[{from: 70, to: 70, adjustment: 1}, {from: 70, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[0].to", []string{"to (70) must be > from (70)"}}}},
		{"step above 100", []string{"scaling.scale_out.steps", "[{from: 70, to: 101, adjustment: 1}, {from: 101, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[0].to", []string{"101 is above 100% CPU"}}}},
		{"steps not growing", []string{"scaling.scale_out.steps", "[{from: 70, to: 85, adjustment: 2}, {from: 85, adjustment: 2}]"},
			[]want{{"scaling.scale_out.steps[1].adjustment", []string{"adjustment (2) must be > steps[0].adjustment (2)"}}}},
		{"step adds nothing", []string{"scaling.scale_out.steps", "[{from: 70, adjustment: 0}]"},
			[]want{{"scaling.scale_out.steps[0].adjustment", []string{"0 is not allowed", "1 to 100"}}}},
		// The built-in group is 2..6: it can add at most 4.
		{"step larger than the group can grow", []string{"scaling.scale_out.steps", threeSteps},
			[]want{{"scaling.scale_out.steps[2].adjustment", []string{"adjustment (6) must be <= compute.max_size - compute.min_size (6 - 2 = 4)"}}}},
		{"too many steps", []string{"scaling.scale_out.steps", many(21, func(i int) string { return "{from: 70, adjustment: 1}" })},
			[]want{{"scaling.scale_out.steps", []string{"lists 21 intervals", "at most 20"}}}},
		{"steps with target tracking", []string{"scaling.policy", "target_tracking", "scaling.scale_out.steps", "[{from: 70, adjustment: 1}]"},
			[]want{{"scaling.scale_out.steps", []string{"scaling.policy is target_tracking", "use policy: step"}}}},
		{"adjustment next to steps", []string{"scaling.scale_out", "{threshold: 70, adjustment: 2, steps: [{from: 70, adjustment: 1}]}"},
			[]want{{"scaling.scale_out.adjustment", []string{"together with scale_out.steps", "remove adjustment"}}}},
		{"predictive mode", []string{"scaling.predictive", "{mode: Forecast}"},
			[]want{{"scaling.predictive.mode", []string{`"Forecast" is not a predictive scaling mode`, "ForecastOnly, ForecastAndScale"}}}},
		{"predictive metric", []string{"scaling.predictive", "{metric: memory}"},
			[]want{{"scaling.predictive.metric", []string{`"memory"`, "allowed: cpu, request_count"}}}},
		{"predictive CPU target", []string{"scaling.predictive", "{target: 100}"},
			[]want{{"scaling.predictive.target", []string{"100 is not allowed for metric cpu"}}}},
		{"predictive request target", []string{"scaling.predictive", "{metric: request_count, target: 0.5}"},
			[]want{{"scaling.predictive.target", []string{"0.5 is not allowed for metric request_count", "1 to 100000"}}}},
		{"predictive buffer above an hour", []string{"scaling.predictive", "{scheduling_buffer_seconds: 3601}"},
			[]want{{"scaling.predictive.scheduling_buffer_seconds", []string{"3601 is not allowed", "0 to 3600"}}}},
		{"predictive breach", []string{"scaling.predictive", "{max_capacity_breach: Ignore}"},
			[]want{{"scaling.predictive.max_capacity_breach", []string{`"Ignore"`, "HonorMaxCapacity, IncreaseMaxCapacity"}}}},
		{"predictive buffer with HonorMaxCapacity", []string{"scaling.predictive", "{max_capacity_buffer: 10}"},
			[]want{{"scaling.predictive.max_capacity_buffer", []string{"10 is set but max_capacity_breach is HonorMaxCapacity"}}}},
		// A Stopped pool instance serves 60 s after it starts: 59 s is too early.
		{"buffer shorter than the warm start", []string{"compute.warm_pool", "{}", "scaling.predictive", "{scheduling_buffer_seconds: 59}"},
			[]want{{"scaling.predictive.scheduling_buffer_seconds", []string{"scheduling_buffer_seconds (59) must be >= the warm start from a Stopped pool (60)"}}}},
		// A Running pool serves after 30 s.
		{"buffer shorter than the running warm start", []string{"compute.warm_pool", "{pool_state: Running}", "scaling.predictive", "{scheduling_buffer_seconds: 29}"},
			[]want{{"scaling.predictive.scheduling_buffer_seconds", []string{"(29) must be >= the warm start from a Running pool (30)"}}}},
		// Without a pool, a cold launch takes the grace period (120 s).
		{"buffer shorter than the cold launch", []string{"scaling.predictive", "{scheduling_buffer_seconds: 119}"},
			[]want{{"scaling.predictive.scheduling_buffer_seconds", []string{"(119) must be >= compute.health_check_grace_period (120), a cold launch"}}}},
		{"predictive in ec2 mode", []string{"compute_mode", "ec2", "scaling.predictive", "{}"},
			[]want{{"scaling.predictive", []string{"compute_mode is ec2"}}}},
		{"every problem at once", []string{"compute.warm_pool", "{pool_state: Frozen, hook_timeout_seconds: 1}", "scaling.predictive", "{mode: x, scheduling_buffer_seconds: 1}"},
			[]want{
				{"compute.warm_pool.pool_state", []string{`"Frozen"`}},
				{"compute.warm_pool.hook_timeout_seconds", []string{"1 is not allowed"}},
				{"scaling.predictive.mode", []string{`"x"`}},
				// An unknown pool state has no warm start: the cold launch decides.
				{"scaling.predictive.scheduling_buffer_seconds", []string{"(1) must be >= compute.health_check_grace_period (120)"}},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, "", c.sets...)
			_, ce := problemsOf(t, data)
			if ce == nil {
				t.Fatalf("accepted; want %d problems\n%s", len(c.want), data)
			}
			if len(ce.Problems) != len(c.want) {
				t.Errorf("got %d problems, want %d:\n%v", len(ce.Problems), len(c.want), ce)
			}
			for _, w := range c.want {
				var p *config.Problem
				for i := range ce.Problems {
					if ce.Problems[i].Field == w.field {
						p = &ce.Problems[i]
					}
				}
				if p == nil {
					t.Errorf("no problem on %s; got:\n%v", w.field, ce)
					continue
				}
				if p.Line < 1 {
					t.Errorf("%s: no line: %v", w.field, p)
				}
				for _, m := range w.msg {
					if !strings.Contains(p.Msg, m) {
						t.Errorf("%s: got %q, want it to contain %q", w.field, p.Msg, m)
					}
				}
			}
		})
	}
}

// TestElasticityGoPath: a Go caller's settings get the same rules
// (Compute.Validate and Scaling.Validate alone, the cross rules through
// Environment.Validate).
func TestElasticityGoPath(t *testing.T) {
	cp := config.DefaultCompute()
	wp := config.DefaultWarmPool()
	wp.MinSize = 5 // the built-in 2..6 group takes in at most 4
	cp.WarmPool = &wp
	err := cp.Validate()
	if err == nil || !strings.Contains(err.Error(), "compute.warm_pool.min_size") || !strings.Contains(err.Error(), "min_size (5) must be <= compute.max_size - compute.min_size (6 - 2 = 4)") {
		t.Errorf("Compute.Validate: got %v, want the warm pool's min_size refused", err)
	}
	s := config.DefaultScaling()
	s.ScaleOut.Steps = []config.StepInterval{{From: 71, Adjustment: 1}}
	err = s.Validate()
	if err == nil || !strings.Contains(err.Error(), "from (71) must equal scale_out.threshold (70)") {
		t.Errorf("Scaling.Validate: got %v, want the first step refused", err)
	}
}
