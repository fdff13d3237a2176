package config

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Limits of the elasticity settings that come from AWS.
const (
	// maxStepAdjustments: a step scaling policy takes at most 20 step adjustments.
	maxStepAdjustments = 20
	// maxSchedulingBuffer: PredictiveScalingConfiguration.SchedulingBufferTime, 0-3600 s.
	maxSchedulingBuffer = 3600
	// minHookTimeout, maxHookTimeout: a lifecycle hook's HeartbeatTimeout, 30-7200 s.
	minHookTimeout = 30
	maxHookTimeout = 7200
)

// validateWarmPool checks compute.warm_pool on its own and against the rest
// of the compute block (sizes, spot, user data).
func validateWarmPool(cp *Compute, bad badFunc) {
	wp := cp.WarmPool
	if wp == nil {
		return
	}
	const f = "compute.warm_pool."
	if !slices.Contains(WarmPoolStates, wp.PoolState) {
		bad(f+"pool_state", "%s is not a warm pool state; allowed: %s", q(string(wp.PoolState)), join(WarmPoolStates))
	}
	sizesOK := cp.MinSize >= 1 && cp.MaxSize >= cp.MinSize
	switch room := cp.MaxSize - cp.MinSize; {
	case wp.MinSize < 0:
		bad(f+"min_size", "%d is not allowed; want 0 or more instances kept in the pool", wp.MinSize)
	case sizesOK && wp.MinSize > room:
		bad(f+"min_size", "min_size (%d) must be <= compute.max_size - compute.min_size (%d - %d = %d): the group never takes in more pool instances than that, so the rest would be waste",
			wp.MinSize, cp.MaxSize, cp.MinSize, room)
	}
	if p := wp.MaxGroupPreparedCapacity; p != nil && sizesOK {
		switch {
		case *p > cp.MaxSize:
			bad(f+"max_group_prepared_capacity", "max_group_prepared_capacity (%d) must be <= compute.max_size (%d): the group never takes in more than max_size instances, so a larger pool is waste; leave it out for max_size",
				*p, cp.MaxSize)
		case *p < cp.MinSize:
			bad(f+"max_group_prepared_capacity", "max_group_prepared_capacity (%d) must be >= compute.min_size (%d): group and pool together hold at least min_size", *p, cp.MinSize)
		}
	}
	if t := wp.HookTimeoutSeconds; t < minHookTimeout || t > maxHookTimeout {
		bad(f+"hook_timeout_seconds", "%d is not allowed; want %d to %d seconds (a lifecycle hook's heartbeat timeout)", t, minHookTimeout, maxHookTimeout)
	}
	if cp.Spot != nil {
		bad("compute.warm_pool", "is set together with compute.spot: AWS refuses a warm pool on a group with a mixed instances policy; remove warm_pool or spot")
	}
	if cp.UserDataFile != "" || cp.UserData != "" {
		bad("compute.warm_pool", "is set together with compute.user_data_file: an instance enters service only when it completes the group's launch hook itself, which the demo app and compute.app do and a user data file does not; use compute.app, or remove warm_pool")
	}
}

// validateSteps checks scaling.scale_out.steps on their own (the sizes
// they add are checked against the group in validateElasticity).
func validateSteps(s Scaling, bad badFunc) {
	if len(s.ScaleIn.Steps) > 0 {
		bad("scaling.scale_in.steps", "lists %d intervals; steps apply to scale_out only (scale-in removes scale_in.adjustment instances)", len(s.ScaleIn.Steps))
	}
	steps := s.ScaleOut.Steps
	if len(steps) == 0 {
		return
	}
	const f = "scaling.scale_out.steps"
	if len(steps) > maxStepAdjustments {
		bad(f, "lists %d intervals; a step scaling policy takes at most %d", len(steps), maxStepAdjustments)
		return
	}
	for i, st := range steps {
		field := fmt.Sprintf("%s[%d]", f, i)
		last := i == len(steps)-1
		switch {
		case i == 0 && st.From != s.ScaleOut.Threshold:
			bad(field+".from", "from (%g) must equal scale_out.threshold (%g): the first interval starts where the alarm fires", st.From, s.ScaleOut.Threshold)
		case i > 0 && steps[i-1].To != nil && st.From != *steps[i-1].To:
			bad(field+".from", "from (%g) must equal steps[%d].to (%g): intervals must be contiguous, with no gap or overlap", st.From, i-1, *steps[i-1].To)
		}
		switch {
		case st.To == nil && !last:
			bad(field+".to", "is missing; only the last interval is open-ended: want the upper CPU bound, where steps[%d] starts", i+1)
		case st.To != nil && last:
			bad(field+".to", "%g is set on the last interval; the last one has no upper bound (a breach above it would scale nothing): remove to", *st.To)
		case st.To != nil && *st.To <= st.From:
			bad(field+".to", "to (%g) must be > from (%g)", *st.To, st.From)
		case st.To != nil && *st.To > 100:
			bad(field+".to", "%g is above 100%% CPU; want at most 100", *st.To)
		}
		switch {
		case st.Adjustment < 1 || st.Adjustment > maxGroupSize:
			bad(field+".adjustment", "%d is not allowed; want 1 to %d instances to add", st.Adjustment, maxGroupSize)
		case i > 0 && st.Adjustment <= steps[i-1].Adjustment:
			bad(field+".adjustment", "adjustment (%d) must be > steps[%d].adjustment (%d): a larger breach adds more instances", st.Adjustment, i-1, steps[i-1].Adjustment)
		}
	}
}

// validatePredictive checks scaling.predictive on its own.
func validatePredictive(s Scaling, bad badFunc) {
	p := s.Predictive
	if p == nil {
		return
	}
	const f = "scaling.predictive."
	if !slices.Contains(PredictiveModes, p.Mode) {
		bad(f+"mode", "%s is not a predictive scaling mode; allowed: %s", q(string(p.Mode)), join(PredictiveModes))
	}
	switch p.Metric {
	case PredictiveCPU:
		if p.Target <= 0 || p.Target >= 100 {
			bad(f+"target", "%g is not allowed for metric cpu; want a CPU percentage above 0 and below 100", p.Target)
		}
	case PredictiveRequestCount:
		if p.Target < 1 || p.Target > maxRequestsPerTarget || p.Target != float64(int(p.Target)) {
			bad(f+"target", "%g is not allowed for metric request_count; want 1 to %d requests per instance per minute", p.Target, maxRequestsPerTarget)
		}
	default:
		bad(f+"metric", "%s is not a predictive scaling metric; allowed: %s", q(string(p.Metric)), join(PredictiveMetrics))
	}
	if b := p.SchedulingBufferSeconds; b < 0 || b > maxSchedulingBuffer {
		bad(f+"scheduling_buffer_seconds", "%d is not allowed; want 0 to %d seconds", b, maxSchedulingBuffer)
	}
	if !slices.Contains(MaxCapacityBreaches, p.MaxCapacityBreach) {
		bad(f+"max_capacity_breach", "%s is not a max capacity breach behaviour; allowed: %s", q(string(p.MaxCapacityBreach)), join(MaxCapacityBreaches))
	}
	switch b := p.MaxCapacityBuffer; {
	case b < 0 || b > 100:
		bad(f+"max_capacity_buffer", "%d is not allowed; want 0 to 100 percent of the forecast", b)
	case b > 0 && p.MaxCapacityBreach != IncreaseMaxCapacity:
		bad(f+"max_capacity_buffer", "%d is set but max_capacity_breach is %s: the buffer raises max_size above the forecast only with IncreaseMaxCapacity; set that or remove the buffer", b, keyText(string(p.MaxCapacityBreach)))
	}
}

// validateElasticity checks the rules that span compute and scaling: the
// mode, the sizes the steps add, and whether predictive scaling's buffer
// leaves a new instance time to serve.
func validateElasticity(e *Environment, bad badFunc) {
	cp, s := e.Compute, e.Scaling
	if e.ComputeMode == ComputeEC2 {
		if cp.WarmPool != nil {
			bad("compute.warm_pool", "is set but compute_mode is ec2: a warm pool feeds an Auto Scaling group; use compute_mode: asg or remove warm_pool")
		}
		if s.Predictive != nil {
			bad("scaling.predictive", "is set but compute_mode is ec2: predictive scaling sizes an Auto Scaling group; use compute_mode: asg or remove predictive")
		}
	}
	if cp.WarmPool != nil && e.Network.NATMode == NATNone {
		bad("compute.warm_pool", "is set but network.nat_mode is none: an instance completes its launch hook through the Auto Scaling API, which the interface endpoints do not reach; use nat_mode: single or per_az, or remove warm_pool")
	}
	if len(s.ScaleOut.Steps) > 0 && s.Policy != PolicyStep && slices.Contains(ScalingPolicies, s.Policy) {
		bad("scaling.scale_out.steps", "lists %d intervals but scaling.policy is %s: steps belong to the step policy; remove them or use policy: step", len(s.ScaleOut.Steps), s.Policy)
	}
	if room := cp.MaxSize - cp.MinSize; cp.MinSize >= 1 && room >= 1 {
		for i, st := range s.ScaleOut.Steps {
			if st.Adjustment > room {
				bad(fmt.Sprintf("scaling.scale_out.steps[%d].adjustment", i), "adjustment (%d) must be <= compute.max_size - compute.min_size (%d - %d = %d): the group can never add more",
					st.Adjustment, cp.MaxSize, cp.MinSize, room)
			}
		}
	}
	if p := s.Predictive; p != nil && p.SchedulingBufferSeconds >= 0 {
		need, what := cp.HealthCheckGracePeriod, fmt.Sprintf("compute.health_check_grace_period (%d), a cold launch", cp.HealthCheckGracePeriod)
		if wp := cp.WarmPool; wp != nil {
			if w, ok := WarmStart[wp.PoolState]; ok {
				need, what = w, fmt.Sprintf("the warm start from a %s pool (%d)", wp.PoolState, w)
			}
		}
		if p.SchedulingBufferSeconds < need {
			bad("scaling.predictive.scheduling_buffer_seconds", "scheduling_buffer_seconds (%d) must be >= %s: capacity launched later than that serves only after the forecast load arrives",
				p.SchedulingBufferSeconds, what)
		}
	}
}

// validateStepsReplaceAdjustment refuses scale_out.adjustment written in
// the same block as scale_out.steps (the steps replace it, so it would be
// ignored). Steps in an environment's block replace an adjustment of the
// defaults block, as any setting of its own does. n and defaults are the
// environment's and the defaults block's nodes (nil on the Go path, where
// Rule.Steps documents that they replace Adjustment).
func validateStepsReplaceAdjustment(e *Environment, n, defaults *yaml.Node, bad func(line int, field, format string, args ...any)) {
	if len(e.Scaling.ScaleOut.Steps) == 0 {
		return
	}
	for _, node := range []*yaml.Node{n, defaults} {
		adj := valueAt(node, "scaling", "scale_out", "adjustment")
		if adj != nil && valueAt(node, "scaling", "scale_out", "steps") != nil {
			from := ""
			if node == defaults {
				from = " (in the defaults block)"
			}
			bad(adj.Line, "scaling.scale_out.adjustment", "is set together with scale_out.steps%s, which replace it (each interval adds its own adjustment); remove adjustment", from)
			return
		}
	}
}
