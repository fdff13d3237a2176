package simulate

import (
	"fmt"
	"math"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// PredictiveScaling is the policy type of a predictive scaling policy.
const PredictiveScaling = "PredictiveScaling"

// Predictive scaling modes.
const (
	ForecastOnly     = "ForecastOnly"
	ForecastAndScale = "ForecastAndScale"
)

// forecastDays is how many previous days AWS's forecast draws on at most.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-predictive-scaling.html
const forecastDays = 14

// WarmPool is the group's warm_pool block.
type WarmPool struct {
	// State is Stopped, Hibernated or Running.
	State string `json:"pool_state"`
	// MinSize is the fewest instances the pool keeps.
	MinSize int `json:"min_size"`
	// MaxPrepared is max_group_prepared_capacity; -1: the group's max_size.
	MaxPrepared int `json:"max_group_prepared_capacity"`
	// Reuse returns scaled-in instances to the pool (instance_reuse_policy).
	Reuse bool `json:"reuse_on_scale_in"`
}

// Predictive is the group's predictive scaling policy.
type Predictive struct {
	Address string `json:"address"`
	Name    string `json:"name"`
	// Mode is ForecastOnly or ForecastAndScale.
	Mode string `json:"mode"`
	// Metric is MetricCPU (ASGCPUUtilization) or MetricRequests (ALBRequestCount).
	Metric string `json:"metric"`
	// Target per instance: average CPU percent, or requests per minute.
	Target float64 `json:"target_value"`
	// Buffer is the scheduling buffer in seconds.
	Buffer int `json:"scheduling_buffer_seconds"`
	// Breach is HonorMaxCapacity or IncreaseMaxCapacity, MaxBuffer its percent.
	Breach    string `json:"max_capacity_breach_behavior"`
	MaxBuffer int    `json:"max_capacity_buffer"`
}

// warmPool reads the group's warm_pool block (the provider's defaults where
// an argument is absent: Stopped, min 0, prepared -1, no reuse).
func (r *reader) warmPool(res stackjson.Resource, g *Group) {
	if _, ok := res.Get("warm_pool"); !ok {
		return
	}
	wp := &WarmPool{State: string(config.WarmPoolStopped), MaxPrepared: -1}
	if s, ok := r.str(res, "warm_pool", "pool_state"); ok {
		wp.State = s
	}
	if _, known := config.WarmStart[config.WarmPoolState(wp.State)]; !known {
		r.fail(res, "warm_pool.pool_state = %q: want Stopped, Hibernated or Running", wp.State)
	}
	if v, ok := r.integer(res, "warm_pool", "min_size"); ok {
		wp.MinSize = v
	}
	if v, ok := r.integer(res, "warm_pool", "max_group_prepared_capacity"); ok {
		wp.MaxPrepared = v
	}
	wp.Reuse, _ = r.boolean(res, "warm_pool", "instance_reuse_policy", "reuse_on_scale_in")
	if wp.MinSize < 0 || wp.MaxPrepared < -1 {
		r.fail(res, "warm_pool: min_size = %d, max_group_prepared_capacity = %d: want min_size >= 0 and a capacity >= 0 (or -1)", wp.MinSize, wp.MaxPrepared)
	}
	g.WarmPool = wp
}

// predictive reads a PredictiveScaling policy: one predefined metric pair,
// ASGCPUUtilization for a CPU load or ALBRequestCount for a request load.
func (r *reader) predictive(res stackjson.Resource, m *Model) {
	if m.Predictive != nil {
		r.fail(res, "is a second predictive scaling policy of the group; the simulator models one")
		return
	}
	p := &Predictive{Address: res.Address(), Mode: ForecastOnly, Breach: "HonorMaxCapacity"}
	p.Name, _ = r.str(res, "name")
	const c = "predictive_scaling_configuration"
	if v, ok := r.str(res, c, "mode"); ok {
		p.Mode = v
	}
	if p.Mode != ForecastOnly && p.Mode != ForecastAndScale {
		r.fail(res, "%s.mode = %q: want ForecastOnly or ForecastAndScale", c, p.Mode)
	}
	switch t, _ := r.str(res, c, "metric_specification", "predefined_metric_pair_specification", "predefined_metric_type"); t {
	case "ASGCPUUtilization":
		p.Metric = MetricCPU
	case "ALBRequestCount":
		p.Metric = MetricRequests
	default:
		r.fail(res, "%s.metric_specification: predefined_metric_pair_specification.predefined_metric_type = %q: the simulator models ASGCPUUtilization and ALBRequestCount (no customized metrics)", c, t)
	}
	p.Target, _ = r.number(res, c, "metric_specification", "target_value")
	if p.Target <= 0 {
		r.fail(res, "%s.metric_specification.target_value = %s: must be above 0", c, num(p.Target))
	}
	if v, ok := r.integer(res, c, "scheduling_buffer_time"); ok {
		p.Buffer = v
	}
	if v, ok := r.str(res, c, "max_capacity_breach_behavior"); ok {
		p.Breach = v
	}
	if v, ok := r.integer(res, c, "max_capacity_buffer"); ok {
		p.MaxBuffer = v
	}
	m.Predictive = p
}

// checkPredictive runs once the model's metric is known: the forecast is
// of the load the profile gives.
func (r *reader) checkPredictive(m *Model) {
	p := m.Predictive
	if p == nil || p.Metric == "" {
		return
	}
	if p.Metric != m.Metric {
		res, _ := r.stack.Find(p.Address)
		r.fail(res, "forecasts %s but the group's load is %s: the load is one or the other", p.Metric, m.Metric)
	}
}

// warmStart is the seconds from leaving the pool until serving, and where
// the figure comes from.
func warmStart(wp *WarmPool, override int) (int, string) {
	if override > 0 {
		return override, "--warm-start"
	}
	return config.WarmStart[config.WarmPoolState(wp.State)], "assumed for a " + wp.State + " pool, docs/elasticity.md"
}

// poolTarget is how many instances the pool holds next to desired.
func (e *engine) poolTarget() int {
	wp := e.m.Group.WarmPool
	prepared := wp.MaxPrepared
	if prepared < 0 {
		prepared = e.max
	}
	return max(wp.MinSize, prepared-e.desired, 0)
}

// launchOne adds one instance at second t: from the warm pool when it has
// one (it serves after the warm start, or once its own initialization ends
// if that is later), else a cold launch.
func (e *engine) launchOne(t, warm int) instance {
	if e.m.Group.WarmPool != nil && len(e.pool) > 0 {
		ready := e.pool[0]
		e.pool = e.pool[1:]
		e.warmStarts++
		serves := max(t+e.warmDelay, ready)
		return instance{serves: serves, warm: t + warm, ready: serves, gen: e.gen}
	}
	return instance{serves: t + e.delay, warm: t + warm, ready: t + e.delay, gen: e.gen}
}

// refillPool keeps the pool at its size after the desired capacity changed
// at second t: removed instances return to it with reuse_on_scale_in (ready
// once drained), missing ones launch cold into it (ready after the launch
// delay), and extra ones leave it.
func (e *engine) refillPool(t int, returned []int) {
	if e.m.Group.WarmPool == nil {
		return
	}
	e.pool = append(e.pool, returned...)
	want := e.poolTarget()
	for len(e.pool) < want {
		e.pool = append(e.pool, t+e.delay)
	}
	if len(e.pool) > want {
		e.pool = e.pool[:want]
	}
}

// forecast is the capacity predictive scaling schedules for hour h: the
// load of the same hour on each previous day of the run (at most 14),
// averaged over the hour and the days, divided by the target per instance
// and rounded up; ok is false before one full day of history.
func (e *engine) forecast(p Profile, h int) (int, bool) {
	pr := e.m.Predictive
	days := min(h*60/1440, forecastDays)
	if days < 1 {
		return 0, false
	}
	sum := 0.0
	for k := 1; k <= days; k++ {
		for m := h * 60; m < h*60+60; m++ {
			sum += p.Load(m - 1440*k)
		}
	}
	load := sum / float64(60*days)
	return ceil(load / pr.Target), true
}

// predictiveStep runs at minute: the forecast of the hour starting
// scheduling_buffer_time from now (rounded down to minutes) becomes the
// group's capacity floor (ForecastAndScale), raising desired to it; with
// HonorMaxCapacity the floor stops at max_size, with IncreaseMaxCapacity
// max_size rises to the forecast plus max_capacity_buffer percent.
// ForecastOnly records the forecast and changes nothing.
func (e *engine) predictiveStep(minute int, p Profile) {
	pr := e.m.Predictive
	if pr == nil {
		return
	}
	ahead := minute + pr.Buffer/60
	if ahead%60 != 0 {
		return
	}
	h := ahead / 60
	capacity, ok := e.forecast(p, h)
	if !ok {
		return
	}
	e.forecastFrom = append(e.forecastFrom, forecastAt{minute: minute, hour: h, capacity: capacity})
	if pr.Mode != ForecastAndScale {
		return
	}
	floor := capacity
	if floor > e.max {
		if pr.Breach == "IncreaseMaxCapacity" {
			e.max = min(ceil(float64(capacity)*(1+float64(pr.MaxBuffer)/100)), math.MaxInt32)
		} else {
			floor = e.max
		}
	}
	e.predFloor = floor
	if floor > e.desired {
		t := minute * 60
		ev := Event{Minute: minute, Kind: ScaleOut, CapacityBefore: e.desired, CapacityAfter: floor, Policy: pr.Name,
			Alarm: fmt.Sprintf("forecast for hour %d", h), Metric: float64(capacity)}
		e.scaleOutTo(floor, t, e.launchWarmup())
		e.res.Events = append(e.res.Events, ev)
	}
}

// scaleOutTo resizes to target at second t and notes when the first
// instance a scaling activity added serves.
func (e *engine) scaleOutTo(target, t, warm int) {
	n := len(e.insts)
	e.resize(target, t, warm)
	if len(e.insts) <= n {
		return // a scale-in
	}
	for _, in := range e.insts[n:] {
		if e.firstServe < 0 || in.serves < e.firstServe {
			e.firstServe = in.serves
		}
	}
}

// forecastAt is one forecast: at minute, the capacity for hour.
type forecastAt struct {
	minute, hour, capacity int
}
