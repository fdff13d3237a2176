package simulate

import (
	"fmt"
	"math"
	"time"
)

// Event kinds.
const (
	ScaleOut = "scale_out"
	ScaleIn  = "scale_in"
)

// MaxMinutes bounds a run (one week of minutes).
const MaxMinutes = 7 * 24 * 60

// Options tune a run.
type Options struct {
	// Minutes to simulate (1..MaxMinutes).
	Minutes int
	// LaunchDelay is the time in seconds from launch until an instance serves
	// load; negative means the group's health_check_grace_period.
	LaunchDelay int
	// Start is the wall-clock time of minute 0 (scheduled actions run by
	// it); the zero time means DefaultStart. It must be on a whole minute.
	Start time.Time
	// Refresh replays an instance refresh of the group (StartInstanceRefresh
	// with the group's instance_refresh preferences) from minute RefreshAt.
	Refresh   bool
	RefreshAt int
	// WarmStart is the time in seconds from leaving the warm pool until an
	// instance serves; 0 means the assumption for the pool's state
	// (config.WarmStart).
	WarmStart int
}

// Result is a run's outcome.
type Result struct {
	// Model is what was read from the stack.
	Model *Model `json:"model"`
	// Profile describes the load.
	Profile string `json:"profile"`
	// Minutes simulated.
	Minutes int `json:"minutes"`
	// Start is the wall-clock time of minute 0 (RFC 3339).
	Start string `json:"start"`
	// LaunchDelay in seconds and where it came from.
	LaunchDelay       int    `json:"launch_delay_seconds"`
	LaunchDelaySource string `json:"launch_delay_source"`
	// WarmStart in seconds and where it came from (with a warm pool).
	WarmStart       int    `json:"warm_start_seconds,omitempty"`
	WarmStartSource string `json:"warm_start_source,omitempty"`
	// Forecasts are the predictive policy's forecasts, in order.
	Forecasts []Forecast `json:"forecasts,omitempty"`
	// Events are the scaling activities of the dynamic policies in order.
	Events []Event `json:"events"`
	// Scheduled are the runs of scheduled actions in order.
	Scheduled []ScheduledRun `json:"scheduled_actions,omitempty"`
	// Refresh is the replayed instance refresh (Options.RefreshAt).
	Refresh *RefreshReport `json:"refresh,omitempty"`
	// Timeline has one row per minute.
	Timeline []Row `json:"timeline"`
	// Summary condenses the run.
	Summary Summary `json:"summary"`
}

// Event is one change of the desired capacity.
type Event struct {
	// Minute at whose start the desired capacity changes.
	Minute int `json:"minute"`
	// Kind is scale_out or scale_in.
	Kind string `json:"kind"`
	// CapacityBefore and CapacityAfter are desired capacities.
	CapacityBefore int `json:"capacity_before"`
	CapacityAfter  int `json:"capacity_after"`
	// Policy and Alarm that caused it; Metric is the alarm's latest datapoint.
	Policy string  `json:"policy"`
	Alarm  string  `json:"alarm"`
	Metric float64 `json:"metric"`
}

// Row is one minute of the timeline.
type Row struct {
	// Minute since the start, and its wall-clock time (RFC 3339, in the
	// offset of Options.Start).
	Minute int    `json:"minute"`
	Time   string `json:"time"`
	// Load is the demand: percent of one instance, or requests per minute
	// when the model's metric is MetricRequests.
	Load float64 `json:"load"`
	// Desired capacity after this minute's scaling activity, and the group's
	// min_size and max_size then (scheduled actions change them).
	Desired int `json:"desired"`
	MinSize int `json:"min_size"`
	MaxSize int `json:"max_size"`
	// InService counts the instances serving load; Pending those launched but
	// not serving yet; Warming those whose warm-up has not ended.
	InService int `json:"in_service"`
	Pending   int `json:"pending"`
	Warming   int `json:"warming"`
	// CPU of each serving instance, min(100, load / in_service); nil when no
	// instance serves or the metric is MetricRequests.
	CPU *float64 `json:"cpu"`
	// RequestsPerTarget is load / in_service when the metric is
	// MetricRequests (nil when no instance serves); absent otherwise.
	RequestsPerTarget *float64 `json:"requests_per_target,omitempty"`
	// Memory is min(100, load / in_service) when the metric is
	// MetricMemory (nil when no instance serves); absent otherwise.
	Memory *float64 `json:"memory_percent,omitempty"`
	// Alarms maps alarm name to state (OK, ALARM, INSUFFICIENT_DATA) during this minute.
	Alarms map[string]string `json:"alarms"`
	// Refresh counts instances by launch template from the refresh's start on.
	Refresh *RowRefresh `json:"refresh,omitempty"`
	// Pool counts the warm pool's instances (with a warm pool).
	Pool *int `json:"warm_pool,omitempty"`
	// Forecast is the capacity the latest forecast gives for this minute's
	// hour (with a predictive policy, once it has forecast that hour).
	Forecast *int `json:"forecast_capacity,omitempty"`
}

// Forecast is one forecast of the predictive policy: at Minute, the
// capacity for the hour starting at minute 60 x Hour.
type Forecast struct {
	Minute   int `json:"minute"`
	Hour     int `json:"hour"`
	Capacity int `json:"capacity"`
}

// RowRefresh is one minute of an instance refresh.
type RowRefresh struct {
	// Old and New count instances of the previous and the new launch template.
	Old int `json:"old"`
	New int `json:"new"`
}

// Summary condenses a run.
type Summary struct {
	// ScaleOutAlarm and ScaleOutThreshold: the lowest high-CPU threshold that
	// scales out (the target value for target tracking); nil when none.
	ScaleOutAlarm     string   `json:"scale_out_alarm,omitempty"`
	ScaleOutThreshold *float64 `json:"scale_out_threshold"`
	// FirstMinuteAbove is the first minute with CPU above that threshold.
	FirstMinuteAbove *int `json:"first_minute_above_threshold"`
	// FirstScaleOut is the minute of the first scale-out, and
	// TimeToFirstScaleOut the minutes from FirstMinuteAbove to it.
	FirstScaleOut       *int `json:"first_scale_out_minute"`
	TimeToFirstScaleOut *int `json:"time_to_first_scale_out_minutes"`
	// FirstNewInstanceInService is the minute the first instance added by a
	// scale-out starts serving.
	FirstNewInstanceInService *int `json:"first_new_instance_in_service_minute"`
	// PeakCapacity is the highest desired capacity, first reached at PeakCapacityMinute.
	PeakCapacity       int `json:"peak_capacity"`
	PeakCapacityMinute int `json:"peak_capacity_minute"`
	// PeakInService is the most instances serving at once, first at PeakInServiceMinute.
	PeakInService       int `json:"peak_in_service"`
	PeakInServiceMinute int `json:"peak_in_service_minute"`
	// MinutesAboveThreshold counts minutes with CPU above the scale-out threshold.
	MinutesAboveThreshold int `json:"minutes_above_scale_out_threshold"`
	// MinutesOverloaded counts minutes whose load exceeded what the serving
	// instances can do at 100% CPU; with a request-count load (which states
	// no per-instance capacity), minutes with load and no serving instance.
	MinutesOverloaded int `json:"minutes_overloaded"`
	// ScaleOuts and ScaleIns count events; Reversals counts changes of
	// direction between consecutive events (flapping).
	ScaleOuts int `json:"scale_outs"`
	ScaleIns  int `json:"scale_ins"`
	Reversals int `json:"reversals"`
	// FinalCapacity and FinalInService at the last minute.
	FinalCapacity  int `json:"final_capacity"`
	FinalInService int `json:"final_in_service"`
	// WarmStarts counts instances that came from the warm pool.
	WarmStarts int `json:"warm_starts,omitempty"`
}

type instance struct {
	serves int // second from which it serves load
	warm   int // second at which its warm-up ends
	ready  int // second from which an instance refresh counts it healthy and warmed up
	gen    int // launch template generation: 0 before an instance refresh, 1 from its template
}

type datapoint struct {
	v  float64
	ok bool
}

// Run simulates the model under the profile.
func Run(m *Model, p Profile, o Options) (*Result, error) {
	if o.Minutes < 1 || o.Minutes > MaxMinutes {
		return nil, fmt.Errorf("minutes = %d: must be within 1..%d", o.Minutes, MaxMinutes)
	}
	res := &Result{Model: m, Profile: p.String(), Minutes: o.Minutes, LaunchDelay: o.LaunchDelay, LaunchDelaySource: "--launch-delay", Events: []Event{}}
	if o.LaunchDelay < 0 {
		res.LaunchDelay, res.LaunchDelaySource = m.Group.HealthCheckGracePeriod, "health_check_grace_period"
	}
	if res.LaunchDelay > 24*3600 {
		return nil, fmt.Errorf("launch delay = %ds: must be at most one day", res.LaunchDelay)
	}
	start := o.Start
	if start.IsZero() {
		start, _ = time.Parse(time.RFC3339, DefaultStart)
	}
	if start.Second() != 0 || start.Nanosecond() != 0 {
		return nil, fmt.Errorf("start = %s: must be on a whole minute (the simulator steps minutes)", start.Format(time.RFC3339Nano))
	}
	res.Start = start.Format(time.RFC3339)
	var rf *refresher
	if o.Refresh {
		if m.Refresh == nil {
			return nil, fmt.Errorf("--refresh-at %d: stack %s: %s has no instance_refresh block (instance_refresh { strategy = \"Rolling\", preferences { ... } }), so there is no refresh to replay: %w", o.RefreshAt, m.Stack, m.Group.Address, ErrNoInstanceRefresh)
		}
		if m.refreshErr != nil {
			return nil, fmt.Errorf("--refresh-at %d: stack %s: %w: %w", o.RefreshAt, m.Stack, ErrBadInstanceRefresh, m.refreshErr)
		}
		if o.RefreshAt < 0 || o.RefreshAt >= o.Minutes {
			return nil, fmt.Errorf("refresh at minute %d: must be within 0..%d (the minutes simulated)", o.RefreshAt, o.Minutes-1)
		}
		rf = &refresher{rf: m.Refresh, at: o.RefreshAt, rep: &RefreshReport{Preferences: m.Refresh, StartMinute: o.RefreshAt, Steps: []RefreshStep{}, Alarms: []AlarmDuring{}, Gates: m.Refresh.Alarms}}
		res.Refresh = rf.rep
	}
	e := &engine{m: m, res: res, delay: res.LaunchDelay, simpleUntil: math.MinInt, firstServe: -1,
		start: start, due: scheduleAt(m, start, o.Minutes), min: m.Group.Min, max: m.Group.Max, refresh: rf}
	if wp := m.Group.WarmPool; wp != nil {
		if o.WarmStart > 24*3600 {
			return nil, fmt.Errorf("warm start = %ds: must be at most one day", o.WarmStart)
		}
		e.warmDelay, res.WarmStartSource = warmStart(wp, o.WarmStart)
		res.WarmStart = e.warmDelay
	}
	e.run(p)
	return res, nil
}

type engine struct {
	m            *Model
	res          *Result
	delay        int
	insts        []instance // in launch order
	desired      int
	hist         [][]datapoint // per alarm
	state        []string      // per alarm
	metric       []float64     // per minute: the metric of a reporting instance (CPU or requests)
	reporters    []int         // per minute: instances in the metric
	terminating  []int         // per removed instance: second its termination completes
	simpleUntil  int           // second until which simple policies are in cooldown
	firstServe   int           // second the first scaled-out instance serves (-1 = none)
	start        time.Time     // wall-clock time of minute 0
	due          map[int][]int // per minute: indexes of the scheduled actions that run
	min, max     int           // the group's current min_size and max_size
	refresh      *refresher    // the instance refresh being replayed, or nil
	gen          int           // the launch template generation new instances get
	pool         []int         // warm pool: per instance, the second its initialization ends
	warmDelay    int           // seconds from leaving the warm pool until serving
	warmStarts   int           // instances taken from the warm pool
	predFloor    int           // the capacity the latest forecast holds the group at (ForecastAndScale)
	forecastFrom []forecastAt  // the forecasts made, in order
}

func (e *engine) run(p Profile) {
	g := e.m.Group
	never := math.MinInt32
	for i := 0; i < g.Desired; i++ {
		e.insts = append(e.insts, instance{serves: never, warm: never, ready: never})
	}
	e.desired = g.Desired
	if g.WarmPool != nil {
		// The pool is initialized before minute 0.
		for range e.poolTarget() {
			e.pool = append(e.pool, never)
		}
	}
	e.res.Timeline = make([]Row, 0, e.res.Minutes)
	e.metric = make([]float64, 0, e.res.Minutes)
	e.reporters = make([]int, 0, e.res.Minutes)
	// Steady history: before minute 0 the load held at its minute-0 value on
	// the initial instances, so every alarm starts with N equal datapoints.
	pre := datapoint{}
	if g.Desired > 0 {
		pre = datapoint{v: e.perInstance(p.Load(0), g.Desired), ok: true}
	}
	e.hist = make([][]datapoint, len(e.m.Alarms))
	e.state = make([]string, len(e.m.Alarms))
	for i, a := range e.m.Alarms {
		for j := 0; j < a.EvaluationPeriods; j++ {
			e.hist[i] = append(e.hist[i], pre)
		}
		e.state[i] = evaluate(a, e.hist[i], StateInsufficientData)
	}
	for minute := 0; minute < e.res.Minutes; minute++ {
		if minute > 0 {
			for i, a := range e.m.Alarms {
				k := a.Period / 60
				if minute%k == 0 {
					e.hist[i] = append(e.hist[i], e.aggregate(a.Statistic, minute-k, minute))
					e.state[i] = evaluate(a, e.hist[i], e.state[i])
				}
			}
		}
		e.runSchedules(minute)
		e.predictiveStep(minute, p)
		e.act(minute)
		e.refreshStep(minute)
		e.record(minute, p.Load(minute))
	}
	e.summarize()
	e.summarizeRefresh()
}

// aggregate is the alarm statistic over minutes [from, to).
func (e *engine) aggregate(stat string, from, to int) datapoint {
	var sum, n, total float64
	d := datapoint{}
	for m := from; m < to; m++ {
		if e.reporters[m] == 0 {
			continue
		}
		c := e.metric[m]
		switch {
		case !d.ok:
			d = datapoint{v: c, ok: true}
		case stat == "Maximum":
			d.v = math.Max(d.v, c)
		case stat == "Minimum":
			d.v = math.Min(d.v, c)
		}
		sum += c * float64(e.reporters[m])
		n += float64(e.reporters[m])
		total += c
	}
	switch {
	case d.ok && stat == "Average":
		d.v = sum / n
	case d.ok && stat == "Sum":
		d.v = total // requests per target, summed over the period's minutes
	}
	return d
}

// breaches applies the alarm's comparison.
func breaches(op string, v, threshold float64) bool {
	switch op {
	case "GreaterThanThreshold":
		return v > threshold
	case "GreaterThanOrEqualToThreshold":
		return v >= threshold
	case "LessThanThreshold":
		return v < threshold
	case "LessThanOrEqualToThreshold":
		return v <= threshold
	}
	return false
}

func above(op string) bool {
	return op == "GreaterThanThreshold" || op == "GreaterThanOrEqualToThreshold"
}

// evaluate is the alarm state from its last EvaluationPeriods datapoints:
// ALARM when at least DatapointsToAlarm breach, with missing datapoints
// treated per TreatMissingData.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
func evaluate(a Alarm, hist []datapoint, prev string) string {
	window := hist
	if len(window) > a.EvaluationPeriods {
		window = window[len(window)-a.EvaluationPeriods:]
	}
	breaching, missing := 0, 0
	for _, d := range window {
		switch {
		case !d.ok:
			missing++
			if a.TreatMissingData == "breaching" {
				breaching++
			}
		case breaches(a.Operator, d.v, a.Threshold):
			breaching++
		}
	}
	if missing == len(window) {
		switch a.TreatMissingData {
		case "missing":
			return StateInsufficientData
		case "ignore":
			return prev
		}
	}
	if breaching >= a.DatapointsToAlarm {
		return StateAlarm
	}
	return StateOK
}

type proposal struct {
	target int
	policy int
	alarm  int
	metric float64
}

// act runs the policies of every alarm in ALARM (Auto Scaling actions are
// re-invoked each minute the alarm stays there) and applies the winner.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scale-based-on-demand.html (limits, several policies)
func (e *engine) act(minute int) {
	t := minute * 60
	warming := 0
	for _, in := range e.insts {
		if in.warm > t {
			warming++
		}
	}
	still := e.terminating[:0]
	for _, done := range e.terminating {
		if done > t {
			still = append(still, done)
		}
	}
	e.terminating = still
	var best *proposal
	for ai, a := range e.m.Alarms {
		if e.state[ai] != StateAlarm {
			continue
		}
		last := e.hist[ai][len(e.hist[ai])-1]
		if !last.ok {
			continue // no metric value to pick a step or a capacity from
		}
		for _, pi := range a.Policies {
			target, ok := e.propose(e.m.Policies[pi], a, last.v, warming, t)
			if !ok {
				continue
			}
			p := proposal{target: target, policy: pi, alarm: ai, metric: last.v}
			if best == nil || e.larger(p, *best) {
				best = &p
			}
		}
	}
	if best == nil {
		return
	}
	target := min(max(best.target, e.min, e.predFloor), e.max)
	if target == e.desired {
		return
	}
	pol := e.m.Policies[best.policy]
	ev := Event{Minute: minute, CapacityBefore: e.desired, CapacityAfter: target, Policy: pol.Name, Alarm: e.m.Alarms[best.alarm].Name, Metric: round2(best.metric)}
	ev.Kind = ScaleIn
	if target > e.desired {
		ev.Kind = ScaleOut
	}
	e.scaleOutTo(target, t, pol.Warmup)
	if pol.Type == SimpleScaling {
		e.simpleUntil = t + pol.Cooldown
	}
	e.res.Events = append(e.res.Events, ev)
}

// resize sets the desired capacity at second t: new instances serve after
// the launch delay and warm up for warm seconds; removed ones are the newest
// (they stop serving at once and drain for the deregistration delay).
func (e *engine) resize(target, t, warm int) {
	var returned []int
	if target > e.desired {
		for i := e.desired; i < target; i++ {
			e.insts = append(e.insts, e.launchOne(t, warm))
		}
	} else {
		for range e.desired - target {
			// It goes when both the target group's draining and the termination hook are over.
			done := t + max(e.m.Group.DeregistrationDelay, e.m.Group.TerminationHook)
			if wp := e.m.Group.WarmPool; wp != nil && wp.Reuse {
				returned = append(returned, done) // back to the pool once drained
				continue
			}
			e.terminating = append(e.terminating, done)
		}
		e.insts = e.insts[:len(e.insts)-(e.desired-target)]
	}
	e.desired = target
	e.refillPool(t, returned)
}

// launchWarmup is the warm-up of an instance no scaling policy launched (a
// scheduled action's, an instance refresh's): the group's
// default_instance_warmup, else none (it reports as soon as it serves).
func (e *engine) launchWarmup() int {
	return max(0, e.m.Group.DefaultInstanceWarmup)
}

// larger reports whether p beats b: any scale-out beats any scale-in, and
// otherwise the largest capacity wins, for scale-out and scale-in alike.
func (e *engine) larger(p, b proposal) bool {
	if pOut, bOut := p.target > e.desired, b.target > e.desired; pOut != bOut {
		return pOut
	}
	return p.target > b.target
}

// propose is the desired capacity a policy asks for, given the alarm's latest
// metric value, or false when it does nothing.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scaling-cooldowns.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-target-tracking.html
func (e *engine) propose(p Policy, a Alarm, metric float64, warming, t int) (int, bool) {
	nonWarming := len(e.insts) - warming
	// Scale-in counts instances still terminating (draining) as current
	// capacity, so it does not remove more than needed.
	current := e.desired + len(e.terminating)
	var target int
	var out bool // the policy asks for more capacity (else for less)
	switch p.Type {
	case TargetTrackingScaling:
		out = metric > p.TargetValue
		if out {
			target = ceil(float64(nonWarming) * metric / p.TargetValue)
		} else {
			if p.DisableScaleIn {
				return 0, false
			}
			target = ceil(float64(current) * metric / p.TargetValue)
		}
	case StepScaling, SimpleScaling:
		adj := p.ScalingAdjustment
		if p.Type == StepScaling {
			st, ok := pickStep(p.Steps, metric-a.Threshold, above(a.Operator))
			if !ok {
				return 0, false
			}
			adj = st.Adjustment
		} else if t < e.simpleUntil {
			return 0, false // simple scaling waits out the cooldown
		}
		// Scale-out adds to the instances that finished warming up (the ones
		// warming already count toward it); scale-in takes from the current
		// capacity including terminating instances. Simple policies have no
		// warm-up and scale out from the desired capacity.
		out = adj > 0 || p.AdjustmentType == ExactCapacity && adj > e.desired
		base := current
		switch {
		case out && p.Type == StepScaling:
			base = nonWarming
		case out:
			base = e.desired
		}
		switch p.AdjustmentType {
		case ExactCapacity:
			target = adj
		case PercentChangeInCapacity:
			target = base + percentDelta(base, adj, p.MinAdjustmentMagnitude)
		default:
			target = base + adj
		}
	}
	switch {
	case out && target <= e.desired, !out && target >= e.desired:
		return 0, false // already there (or on its way: warming or terminating instances)
	case out && warming > 0 && !breaches(a.Operator, metric, a.Threshold):
		return 0, false // during warm-up, scale out only on a breaching metric
	case !out && warming > 0:
		return 0, false // scale-in waits until new instances have warmed up
	}
	return target, true
}

// pickStep finds the step whose interval holds diff (metric - threshold).
// Above the threshold the lower bound is inclusive and the upper exclusive;
// below it, the lower bound is exclusive and the upper inclusive.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html
func pickStep(steps []Step, diff float64, isAbove bool) (Step, bool) {
	for _, s := range steps {
		if isAbove && s.Lower <= diff && diff < s.Upper || !isAbove && s.Lower < diff && diff <= s.Upper {
			return s, true
		}
	}
	return Step{}, false
}

// percentDelta rounds a PercentChangeInCapacity adjustment as EC2 Auto
// Scaling does: above 1 down, between 0 and 1 to 1, between -1 and 0 to -1,
// below -1 up; then at least MinAdjustmentMagnitude.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-scaling-simple-step.html (scaling adjustment types)
func percentDelta(base, pct, minMagnitude int) int {
	x := float64(base) * float64(pct) / 100
	d := 0
	switch {
	case x >= 1:
		d = int(math.Floor(x))
	case x > 0:
		d = 1
	case x <= -1:
		d = int(math.Ceil(x))
	case x < 0:
		d = -1
	}
	if minMagnitude > 0 && d > 0 && d < minMagnitude {
		d = minMagnitude
	}
	if minMagnitude > 0 && d < 0 && -d < minMagnitude {
		d = -minMagnitude
	}
	return d
}

// ceil rounds up, forgiving float noise (3.0000000001 is 3).
func ceil(x float64) int { return int(math.Ceil(x - 1e-9)) }

// record computes minute m's serving instances and CPU and appends its row.
func (e *engine) record(minute int, load float64) {
	t := minute * 60
	row := Row{Minute: minute, Time: e.start.Add(time.Duration(minute) * time.Minute).Format(time.RFC3339), Load: load,
		Desired: e.desired, MinSize: e.min, MaxSize: e.max, Alarms: make(map[string]string, len(e.m.Alarms))}
	reporting := 0
	for _, in := range e.insts {
		serving := in.serves <= t
		if serving {
			row.InService++
		} else {
			row.Pending++
		}
		if in.warm > t {
			row.Warming++
		} else if serving {
			reporting++
		}
	}
	v := 0.0
	if row.InService > 0 {
		v = e.perInstance(load, row.InService)
		shown := round2(v)
		switch e.m.Metric {
		case MetricRequests:
			row.RequestsPerTarget = &shown
		case MetricMemory:
			row.Memory = &shown
		default:
			row.CPU = &shown
		}
	}
	e.metric = append(e.metric, v)
	e.reporters = append(e.reporters, reporting)
	for i, a := range e.m.Alarms {
		row.Alarms[a.Name] = e.state[i]
	}
	if e.m.Group.WarmPool != nil {
		row.Pool = intp(len(e.pool))
	}
	for _, f := range e.forecastFrom {
		if f.minute <= minute && f.hour == minute/60 {
			row.Forecast = intp(f.capacity)
		}
	}
	if e.refresh != nil && minute >= e.refresh.at {
		row.Refresh = &RowRefresh{}
		for _, in := range e.insts {
			if in.gen == 1 {
				row.Refresh.New++
			} else {
				row.Refresh.Old++
			}
		}
	}
	e.res.Timeline = append(e.res.Timeline, row)
}

// perInstance is the metric of each of n serving instances under a load:
// CPU (or memory) min(100, load / n), or requests per target load / n.
func (e *engine) perInstance(load float64, n int) float64 {
	if e.m.Metric == MetricRequests {
		return load / float64(n)
	}
	return math.Min(100, load/float64(n))
}

// Value is the row's per-instance metric (CPU or requests per target), or nil.
func (r Row) Value() *float64 {
	if r.RequestsPerTarget != nil {
		return r.RequestsPerTarget
	}
	if r.Memory != nil {
		return r.Memory
	}
	return r.CPU
}

// ScaleOutAlarm returns the index of the alarm with the lowest threshold
// among the high-CPU alarms that can scale out, or -1.
func (m *Model) ScaleOutAlarm() int {
	best := -1
	for i, a := range m.Alarms {
		if !above(a.Operator) || !m.scalesOut(a) {
			continue
		}
		if best < 0 || a.Threshold < m.Alarms[best].Threshold {
			best = i
		}
	}
	return best
}

// ScaleInAlarm returns the index of the alarm with the highest threshold
// among the low-CPU alarms that can scale in, or -1.
func (m *Model) ScaleInAlarm() int {
	best := -1
	for i, a := range m.Alarms {
		if above(a.Operator) || !m.scalesIn(a) {
			continue
		}
		if best < 0 || a.Threshold > m.Alarms[best].Threshold {
			best = i
		}
	}
	return best
}

func (m *Model) scalesOut(a Alarm) bool {
	for _, pi := range a.Policies {
		p := m.Policies[pi]
		switch {
		case p.Type == TargetTrackingScaling, p.Type == SimpleScaling && (p.ScalingAdjustment > 0 || p.AdjustmentType == ExactCapacity):
			return true
		}
		for _, s := range p.Steps {
			if s.Adjustment > 0 || p.AdjustmentType == ExactCapacity {
				return true
			}
		}
	}
	return false
}

func (m *Model) scalesIn(a Alarm) bool {
	for _, pi := range a.Policies {
		p := m.Policies[pi]
		switch {
		case p.Type == TargetTrackingScaling, p.Type == SimpleScaling && (p.ScalingAdjustment < 0 || p.AdjustmentType == ExactCapacity):
			return true
		}
		for _, s := range p.Steps {
			if s.Adjustment < 0 || p.AdjustmentType == ExactCapacity {
				return true
			}
		}
	}
	return false
}

func (e *engine) summarize() {
	s := &e.res.Summary
	m := e.m
	var thr float64
	op := ""
	if i := m.ScaleOutAlarm(); i >= 0 {
		a := m.Alarms[i]
		thr, op = a.Threshold, a.Operator
		s.ScaleOutAlarm, s.ScaleOutThreshold = a.Name, &thr
	}
	for _, r := range e.res.Timeline {
		if r.Desired > s.PeakCapacity {
			s.PeakCapacity, s.PeakCapacityMinute = r.Desired, r.Minute
		}
		if r.InService > s.PeakInService {
			s.PeakInService, s.PeakInServiceMinute = r.InService, r.Minute
		}
		if m.Metric == MetricRequests && r.Load > 0 && r.InService == 0 || m.Metric != MetricRequests && r.Load > 100*float64(r.InService) {
			s.MinutesOverloaded++
		}
		// The unrounded metric decides; the row's is rounded for display.
		if v := r.Value(); op != "" && (v == nil && r.Load > 0 || v != nil && breaches(op, e.metric[r.Minute], thr)) {
			s.MinutesAboveThreshold++
			if s.FirstMinuteAbove == nil {
				s.FirstMinuteAbove = intp(r.Minute)
			}
		}
	}
	for i, ev := range e.res.Events {
		if ev.Kind == ScaleOut {
			s.ScaleOuts++
			if s.FirstScaleOut == nil {
				s.FirstScaleOut = intp(ev.Minute)
			}
		} else {
			s.ScaleIns++
		}
		if i > 0 && ev.Kind != e.res.Events[i-1].Kind {
			s.Reversals++
		}
	}
	if s.FirstScaleOut != nil && s.FirstMinuteAbove != nil && *s.FirstScaleOut >= *s.FirstMinuteAbove {
		s.TimeToFirstScaleOut = intp(*s.FirstScaleOut - *s.FirstMinuteAbove)
	}
	if e.firstServe >= 0 {
		if m := (e.firstServe + 59) / 60; m < e.res.Minutes {
			s.FirstNewInstanceInService = intp(m)
		}
	}
	last := e.res.Timeline[len(e.res.Timeline)-1]
	s.FinalCapacity, s.FinalInService = last.Desired, last.InService
	s.WarmStarts = e.warmStarts
	for _, f := range e.forecastFrom {
		e.res.Forecasts = append(e.res.Forecasts, Forecast{Minute: f.minute, Hour: f.hour, Capacity: f.capacity})
	}
}

func intp(v int) *int { return &v }
