package cost

import (
	"fmt"
)

// warmPool is a group's warm pool as the estimate prices it: how many
// instances wait in it at each capacity, and in which state.
type warmPool struct {
	state string
	count [3]float64
}

// poolOf reads g's warm_pool block: the pool holds max_group_prepared_capacity
// (-1 or absent: the group's max_size) minus the group's capacity, and at
// least min_size. ok is false without a warm pool.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html (warm pool size)
func (x *estimator) poolOf(f fleet) (warmPool, bool) {
	if _, ok := f.res.Get("warm_pool"); !ok {
		return warmPool{}, false
	}
	wp := warmPool{state: "Stopped"} // PutWarmPool's default PoolState
	if s, ok := x.literalString(f.res, "warm_pool", "pool_state"); ok {
		wp.state = s
	}
	switch wp.state {
	case "Stopped", "Hibernated", "Running":
	default:
		x.fail("%s: warm_pool.pool_state %q is not Stopped, Hibernated or Running", f.res.Where(), wp.state)
		return warmPool{}, false
	}
	prepared := f.count[Max]
	if v, ok := x.literal(f.res, "warm_pool", "max_group_prepared_capacity"); ok && v >= 0 {
		prepared = v
	}
	minSize := 0.0
	if v, ok := x.literal(f.res, "warm_pool", "min_size"); ok {
		minSize = v
	}
	for c := range wp.count {
		wp.count[c] = max(minSize, prepared-f.count[c], 0)
	}
	return wp, true
}

// addPool prices the warm pool of fleet f: a stopped or hibernated instance
// bills its EBS volumes only ("you pay only for the volumes you use"; a
// hibernated one keeps its RAM on the root volume it already has), a running
// one bills like an instance of the group.
func (x *estimator) addPool(f fleet, wp warmPool) {
	if wp.state == "Running" {
		x.addScaled("EC2 instances", fmt.Sprintf("EC2 %s on-demand, Linux (warm pool, Running)", f.typ), "ec2:"+f.typ, wp.count)
		if f.monitored {
			var m [3]float64
			for c := range m {
				m[c] = wp.count[c] * DetailedMonitoringMetrics
			}
			x.addScaled("EC2 detailed monitoring", fmt.Sprintf("EC2 detailed monitoring, %d metrics per instance (warm pool, Running)", DetailedMonitoringMetrics), keyMetric, m)
		}
	}
	for _, v := range f.volumes {
		var gb [3]float64
		for c := range gb {
			gb[c] = wp.count[c] * v.gib
		}
		x.addScaled("EBS volumes", fmt.Sprintf("EBS %s, %s GiB per instance (warm pool, %s)", v.typ, num(v.gib), wp.state), "ebs:"+v.typ, gb)
	}
}
