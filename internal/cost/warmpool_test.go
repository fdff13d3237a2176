package cost

import (
	"strings"
	"testing"
)

// TestWarmPool prices a warm pool on the golden prod group (3..9, desired
// 3, t3.small, 8 GiB gp3, detailed monitoring). The pool holds
// max_group_prepared_capacity (-1: max_size 9) minus the group's capacity,
// at least its min_size; a stopped or hibernated instance bills its volume
// only (8 GiB x 0.08 = 0.64 a month), a running one the instance too
// (0.0208 x 730 = 15.184, monitoring 7 x 0.30 = 2.10).
func TestWarmPool(t *testing.T) {
	const ebs, inst, mon = 8 * 0.08, 0.0208 * 730, 7 * 0.30
	cases := []struct {
		name     string
		pool     map[string]any
		count    [3]float64 // pool instances at min, desired, max
		running  bool
		describe string
	}{
		{"stopped up to max", map[string]any{"pool_state": "Stopped", "min_size": 0, "max_group_prepared_capacity": -1}, [3]float64{6, 6, 0}, false, "warm pool 6/6/0 Stopped"},
		{"state absent is Stopped", map[string]any{}, [3]float64{6, 6, 0}, false, "warm pool 6/6/0 Stopped"},
		{"min size kept at max", map[string]any{"pool_state": "Hibernated", "min_size": 2}, [3]float64{6, 6, 2}, false, "warm pool 6/6/2 Hibernated"},
		{"prepared 6", map[string]any{"pool_state": "Stopped", "max_group_prepared_capacity": 6}, [3]float64{3, 3, 0}, false, "warm pool 3/3/0 Stopped"},
		{"running", map[string]any{"pool_state": "Running"}, [3]float64{6, 6, 0}, true, "warm pool 6/6/0 Running"},
	}
	base := mustEstimate(t, golden(t, "prod"), Defaults())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := goldenDoc(t, "prod")
			for _, g := range resources(doc, "aws_autoscaling_group") {
				g.(map[string]any)["warm_pool"] = c.pool
			}
			e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
			for cap, n := range c.count {
				want := n * ebs
				if c.running {
					want += n * (inst + mon)
				}
				if got := e.Total(Capacity(cap)) - base.Total(Capacity(cap)); !near(round2(got), round2(want)) {
					t.Errorf("%s: the pool adds %.4f, want %.4f (%v instances)", Capacity(cap), got, want, n)
				}
			}
			if e.Instances != base.Instances {
				t.Errorf("instances %v, want the group's %v (pool instances are not the group's)", e.Instances, base.Instances)
			}
			it := byName(t, e, "EBS gp3, 8 GiB per instance (warm pool")
			if it.Count != [3]float64{c.count[0] * 8, c.count[1] * 8, c.count[2] * 8} {
				t.Errorf("pool EBS GB %v, want %v x 8", it.Count, c.count)
			}
			if !strings.Contains(e.Compute, c.describe) {
				t.Errorf("compute %q, want it to say %q", e.Compute, c.describe)
			}
		})
	}
	// Prod's recommended profile, by hand: 221.577 (the fixture's prod, with
	// the CloudWatch agent) + 6 x 0.64 = 225.417 at desired.
	doc := goldenDoc(t, "prod")
	for _, g := range resources(doc, "aws_autoscaling_group") {
		g.(map[string]any)["warm_pool"] = map[string]any{"pool_state": "Stopped", "max_group_prepared_capacity": -1}
	}
	if got := mustEstimate(t, stackOf(t, "prod", doc), Defaults()).Total(Desired); !near(got, 225.417) {
		t.Errorf("prod with a stopped pool at desired: %v, want 225.417", got)
	}
}

// TestWarmPoolBadState: a pool state the model does not know is an error
// naming it, never priced as something else.
func TestWarmPoolBadState(t *testing.T) {
	doc := goldenDoc(t, "prod")
	for _, g := range resources(doc, "aws_autoscaling_group") {
		g.(map[string]any)["warm_pool"] = map[string]any{"pool_state": "Frozen"}
	}
	_, err := EstimateStack(stackOf(t, "prod", doc), Defaults())
	if err == nil || !strings.Contains(err.Error(), `warm_pool.pool_state "Frozen" is not Stopped, Hibernated or Running`) {
		t.Errorf("got %v, want the pool state named", err)
	}
}
