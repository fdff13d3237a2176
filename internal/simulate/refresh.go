package simulate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Defaults of an instance refresh's preferences when absent.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
const (
	defaultMinHealthy      = 90
	defaultMaxHealthy      = 100
	defaultCheckpointDelay = 3600
)

// ErrNoInstanceRefresh is returned (wrapped) by Run for Options.RefreshAt on
// a group without an instance_refresh block.
var ErrNoInstanceRefresh = errors.New("the group has no instance_refresh block")

// ErrBadInstanceRefresh is returned (wrapped, with every problem) by Run for
// Options.Refresh when the instance_refresh block cannot be replayed.
var ErrBadInstanceRefresh = errors.New("the instance_refresh block cannot be replayed")

// Refresh is the group's instance_refresh block with AWS's defaults filled in.
type Refresh struct {
	// Strategy is Rolling (the only one the provider allows).
	Strategy string `json:"strategy"`
	// MinHealthy and MaxHealthy are percentages of the desired capacity.
	MinHealthy int `json:"min_healthy_percentage"`
	MaxHealthy int `json:"max_healthy_percentage"`
	// Warmup in seconds after a new instance's launch before the refresh
	// moves on, and where it came from.
	Warmup       int    `json:"instance_warmup"`
	WarmupSource string `json:"instance_warmup_source"`
	// Checkpoints are percentages of new instances at which the refresh
	// pauses for CheckpointDelay seconds.
	Checkpoints     []int `json:"checkpoint_percentages,omitempty"`
	CheckpointDelay int   `json:"checkpoint_delay,omitempty"`
	// AutoRollback and SkipMatching as written (default false).
	AutoRollback bool `json:"auto_rollback"`
	SkipMatching bool `json:"skip_matching"`
	// Alarms are the alarm_specification's alarms.
	Alarms []GateAlarm `json:"alarms"`
}

// GateAlarm is one alarm of the refresh's alarm_specification.
type GateAlarm struct {
	// Name as the stack gives it (the alarm_name, or the expression).
	Name string `json:"name"`
	// Address of the alarm resource ("" when the stack has none by that name).
	Address string `json:"address,omitempty"`
	// Alarm indexes Model.Alarms when the simulator models the alarm's
	// metric, else -1 and Why says why not.
	Alarm int    `json:"-"`
	Why   string `json:"not_modelled,omitempty"`
}

// refresh reads the group's instance_refresh block into m.Refresh. Its
// problems do not stop a simulation without a refresh (nor the policy rules
// that read the model): they are kept and Run reports them all for
// Options.Refresh.
func (r *reader) refresh(m *Model) {
	sub := &reader{stack: r.stack, asg: r.asg}
	m.Refresh = sub.refreshBlock(m)
	if len(sub.errs) > 0 {
		m.refreshErr = errors.Join(sub.errs...)
	}
}

// refreshBlock reads aws_autoscaling_group.instance_refresh, or nil when absent.
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/autoscaling_group#instance_refresh
func (r *reader) refreshBlock(m *Model) *Refresh {
	res := r.asg
	if _, ok := res.Get("instance_refresh"); !ok {
		return nil
	}
	rf := &Refresh{MinHealthy: defaultMinHealthy, MaxHealthy: defaultMaxHealthy, Alarms: []GateAlarm{}}
	rf.Strategy, _ = r.str(res, "instance_refresh", "strategy")
	if rf.Strategy != "Rolling" {
		r.fail(res, "instance_refresh.strategy = %q: allowed is Rolling", rf.Strategy)
	}
	pref := func(k ...any) []any { return append([]any{"instance_refresh", "preferences"}, k...) }
	if v, ok := r.integer(res, pref("min_healthy_percentage")...); ok {
		rf.MinHealthy = v
		if v < 0 || v > 100 {
			r.fail(res, "instance_refresh.preferences.min_healthy_percentage = %d: must be within 0..100", v)
		}
	}
	if v, ok := r.integer(res, pref("max_healthy_percentage")...); ok {
		rf.MaxHealthy = v
		if v < 100 || v > 200 {
			r.fail(res, "instance_refresh.preferences.max_healthy_percentage = %d: must be within 100..200", v)
		}
	}
	if rf.MaxHealthy-rf.MinHealthy > 100 {
		r.fail(res, "instance_refresh.preferences: max_healthy_percentage %d - min_healthy_percentage %d = %d: AWS allows a difference of at most 100", rf.MaxHealthy, rf.MinHealthy, rf.MaxHealthy-rf.MinHealthy)
	}
	g := m.Group
	switch v, ok := r.integer(res, pref("instance_warmup")...); {
	case ok && v >= 0:
		rf.Warmup, rf.WarmupSource = v, "instance_warmup"
	case ok:
		r.fail(res, "instance_refresh.preferences.instance_warmup = %d: must be >= 0", v)
	case g.DefaultInstanceWarmup >= 0:
		rf.Warmup, rf.WarmupSource = g.DefaultInstanceWarmup, "group default_instance_warmup"
	default:
		rf.Warmup, rf.WarmupSource = g.HealthCheckGracePeriod, "group health_check_grace_period"
	}
	for i := range res.List(pref("checkpoint_percentages")...) {
		v, ok := r.integer(res, pref("checkpoint_percentages", i)...)
		if !ok {
			continue
		}
		switch {
		case v < 1 || v > 100:
			r.fail(res, "instance_refresh.preferences.checkpoint_percentages[%d] = %d: must be within 1..100", i, v)
		case len(rf.Checkpoints) > 0 && v <= rf.Checkpoints[len(rf.Checkpoints)-1]:
			r.fail(res, "instance_refresh.preferences.checkpoint_percentages[%d] = %d: must be above the one before (%d); AWS wants unique percentages in ascending order", i, v, rf.Checkpoints[len(rf.Checkpoints)-1])
		}
		rf.Checkpoints = append(rf.Checkpoints, v)
	}
	if v, ok := r.integer(res, pref("checkpoint_delay")...); ok {
		switch {
		case len(rf.Checkpoints) == 0:
			r.fail(res, "instance_refresh.preferences.checkpoint_delay = %d: needs checkpoint_percentages", v)
		case v < 0:
			r.fail(res, "instance_refresh.preferences.checkpoint_delay = %d: must be >= 0 seconds", v)
		}
		rf.CheckpointDelay = v
	} else if len(rf.Checkpoints) > 0 {
		rf.CheckpointDelay = defaultCheckpointDelay
	}
	rf.AutoRollback, _ = r.boolean(res, pref("auto_rollback")...)
	rf.SkipMatching, _ = r.boolean(res, pref("skip_matching")...)
	for i, v := range res.List(pref("alarm_specification", "alarms")...) {
		name, ok := v.(string)
		if !ok || name == "" {
			r.fail(res, "instance_refresh.preferences.alarm_specification.alarms[%d] = %v: must be an alarm name", i, show(v))
			continue
		}
		rf.Alarms = append(rf.Alarms, r.gate(m, name))
	}
	return rf
}

// gate resolves one alarm of the alarm_specification: a reference to an
// aws_cloudwatch_metric_alarm, or a literal alarm_name. The simulator can
// tell whether it fires only when it models the alarm's metric: a scaling
// alarm, or another alarm on the group's CPU when the load is CPU.
func (r *reader) gate(m *Model, name string) GateAlarm {
	ga := GateAlarm{Name: name, Alarm: -1}
	var res stackjson.Resource
	found := false
	if refs := stackjson.Refs(name); len(refs) == 1 {
		res, found = r.stack.Find(refs[0].Address)
		found = found && res.Type == "aws_cloudwatch_metric_alarm"
	} else {
		for _, a := range r.stack.OfType("aws_cloudwatch_metric_alarm") {
			if n, _ := a.String("alarm_name"); n == name {
				res, found = a, true
				break
			}
		}
	}
	if !found {
		ga.Why = "not simulated: no aws_cloudwatch_metric_alarm of this stack has that name"
		return ga
	}
	ga.Address = res.Address()
	if n, ok := res.String("alarm_name"); ok && !strings.Contains(n, "${") {
		ga.Name = n
	}
	for i, a := range m.Alarms {
		if a.Address == ga.Address {
			ga.Alarm = i
			return ga
		}
	}
	ns, _ := res.String("namespace")
	metric, _ := res.String("metric_name")
	if _, math := res.Get("metric_query"); math {
		metric, ns = "metric math", ""
	}
	what := strings.TrimPrefix(ns+" "+metric, " ")
	if m.Metric != MetricCPU || ns != "AWS/EC2" || metric != "CPUUtilization" {
		ga.Why = "not simulated: its metric " + what + " depends on the application (errors, health checks, latency), and the simulator assumes every new instance is healthy"
		if m.Metric != MetricCPU && ns == "AWS/EC2" && metric == "CPUUtilization" {
			ga.Why = "not simulated: a CPU alarm, and the load of this stack is in " + map[bool]string{true: "memory", false: "requests"}[m.Metric == MetricMemory]
		}
		return ga
	}
	// A CPU alarm on the group that invokes no scaling policy: read it like
	// a scaling alarm; if the simulator can evaluate it, it becomes a column.
	probe := &reader{stack: r.stack, asg: r.asg}
	a := probe.alarm(res, m)
	if len(probe.errs) > 0 {
		ga.Why = "not simulated: " + strings.ReplaceAll(errors.Join(probe.errs...).Error(), "\n", "; ")
		return ga
	}
	a.PolicyNames = []string{}
	m.Alarms = append(m.Alarms, a)
	ga.Alarm = len(m.Alarms) - 1
	return ga
}

// Describe renders the refresh's preferences for humans.
func (rf *Refresh) Describe() string {
	s := fmt.Sprintf("%s, min healthy %d%%, max healthy %d%%, warm-up %ds (%s)", rf.Strategy, rf.MinHealthy, rf.MaxHealthy, rf.Warmup, rf.WarmupSource)
	if len(rf.Checkpoints) > 0 {
		cps := make([]string, len(rf.Checkpoints))
		for i, c := range rf.Checkpoints {
			cps[i] = fmt.Sprintf("%d%%", c)
		}
		s += fmt.Sprintf(", checkpoints %s with %ds delay", strings.Join(cps, ", "), rf.CheckpointDelay)
	}
	return s + fmt.Sprintf(", auto_rollback %v, skip_matching %v", rf.AutoRollback, rf.SkipMatching)
}

// Refresh outcomes.
const (
	RefreshSuccessful = "successful"
	RefreshCheckpoint = "stopped_at_last_checkpoint"
	RefreshFailed     = "failed"
	RefreshRolledBack = "rolled_back"
	RefreshRunning    = "in_progress"
)

// RefreshReport is what an instance refresh did in the run.
type RefreshReport struct {
	// Preferences as read, with defaults.
	Preferences *Refresh `json:"preferences"`
	// StartMinute is --refresh-at; EndMinute the minute it ended (nil while
	// in progress when the run ends).
	StartMinute int  `json:"start_minute"`
	EndMinute   *int `json:"end_minute"`
	// Outcome is successful, stopped_at_last_checkpoint, failed,
	// rolled_back or in_progress.
	Outcome string `json:"outcome"`
	// Replaced counts instances the refresh launched from the new template
	// (the rollback's launches not included).
	Replaced int `json:"replaced"`
	// MinInService is the fewest instances serving during the refresh,
	// first at MinInServiceMinute.
	MinInService       int `json:"min_in_service"`
	MinInServiceMinute int `json:"min_in_service_minute"`
	// Steps are the refresh's actions in order.
	Steps []RefreshStep `json:"steps"`
	// Alarms says, per alarm of the model, whether it was in ALARM during the
	// refresh (scaling alarms and modelled gate alarms).
	Alarms []AlarmDuring `json:"alarms"`
	// Gates are the alarm_specification's alarms.
	Gates []GateAlarm `json:"alarm_specification"`
}

// RefreshStep is one action of the refresh.
type RefreshStep struct {
	Minute int    `json:"minute"`
	Kind   string `json:"kind"` // batch, batch_ready, checkpoint, resume, complete, failed, rollback
	Detail string `json:"detail"`
}

// AlarmDuring is one alarm's activity during the refresh.
type AlarmDuring struct {
	Name string `json:"name"`
	// Gate reports whether the alarm is in the refresh's alarm_specification.
	Gate bool `json:"gate"`
	// FirstAlarm is the first minute in ALARM during the refresh (nil: never);
	// AlarmMinutes counts them.
	FirstAlarm   *int `json:"first_alarm_minute"`
	AlarmMinutes int  `json:"alarm_minutes"`
}

// refresher replays a rolling instance refresh; instances carry the
// template generation they were launched from (0 before the refresh, 1
// from its new launch template, 0 again during a rollback).
type refresher struct {
	rf       *Refresh
	rep      *RefreshReport
	at       int  // start minute
	active   bool // replacing instances
	target   int  // the generation instances are replaced with
	phase    int  // index of the next checkpoint
	resumeAt int  // second the checkpoint pause ends
	batch    bool // a batch is launching or warming up
	surgeOld int  // old instances to terminate when the batch is ready
}

// refreshStep runs at the start of minute (after the minute's scaling): it
// checks the gate alarms, finishes a ready batch, honours checkpoints and
// starts the next batch. Batch size and order follow the user guide: a
// batch replaces max(1, (desired - min healthy) + (max healthy - desired))
// instances (min healthy rounded up, max healthy down), launching up to
// max healthy - desired of them before terminating old ones and
// terminating the rest as it launches; the next batch starts once every new
// instance serves and its instance warm-up (from launch) has passed.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-overview.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-adding-checkpoints-instance-refresh.html
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/instance-refresh-rollback.html
func (e *engine) refreshStep(minute int) {
	f := e.refresh
	if f == nil || minute < f.at {
		return
	}
	t := minute * 60
	if minute == f.at {
		f.active, f.target = true, 1
		e.gen = 1
		f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "start", fmt.Sprintf("%d instances to replace; desired %d", len(e.insts), e.desired)})
	}
	if !f.active {
		return
	}
	if f.target == 1 {
		for _, g := range f.rf.Alarms {
			if g.Alarm >= 0 && e.state[g.Alarm] == StateAlarm {
				e.failRefresh(minute, fmt.Sprintf("alarm %s is in ALARM", e.m.Alarms[g.Alarm].Name))
				if !f.active {
					return
				}
				break
			}
		}
	}
	d := e.desired
	if f.batch {
		for _, in := range e.insts {
			if in.gen == f.target && in.ready > t {
				return // the batch is still launching or warming up
			}
		}
		done := min(f.surgeOld, len(e.insts)-d)
		e.terminateOld(done)
		f.batch, f.surgeOld = false, 0
		f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "batch_ready", fmt.Sprintf("new instances serve and are warmed up; %d old terminated", done)})
	}
	old, fresh := 0, 0
	for _, in := range e.insts {
		if in.gen == f.target {
			fresh++
		} else {
			old++
		}
	}
	if old == 0 {
		e.endRefresh(minute, "")
		return
	}
	cps := f.rf.Checkpoints
	goal := d // new instances wanted before the next pause
	if f.target == 1 && f.phase < len(cps) {
		goal = ceil(float64(d) * float64(cps[f.phase]) / 100)
	}
	if fresh >= goal {
		if f.target == 1 && f.phase < len(cps) && cps[f.phase] < 100 {
			cp := cps[f.phase]
			if f.phase == len(cps)-1 {
				f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "checkpoint", fmt.Sprintf("last checkpoint %d%% reached (%d of %d new)", cp, fresh, d)})
				e.endRefresh(minute, fmt.Sprintf("stopped at the last checkpoint (%d%%, not 100): %d old instances stay", cp, old))
				return
			}
			f.phase++
			f.resumeAt = t + f.rf.CheckpointDelay
			f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "checkpoint", fmt.Sprintf("checkpoint %d%% reached (%d of %d new): pause %ds until minute %d", cp, fresh, d, f.rf.CheckpointDelay, (f.resumeAt+59)/60)})
			return
		}
		// Scale-outs launched enough new instances: the old ones go.
		e.terminateOld(old)
		e.endRefresh(minute, "")
		return
	}
	if t < f.resumeAt {
		return
	}
	minHealthy := ceil(float64(d) * float64(f.rf.MinHealthy) / 100)
	maxTotal := int(math.Floor(float64(d)*float64(f.rf.MaxHealthy)/100 + 1e-9))
	surge := max(0, maxTotal-d)
	size := max(1, d-minHealthy+surge)
	b := min(size, old, goal-fresh)
	s := min(b, surge)
	e.terminateOld(b - s)
	for range b {
		e.insts = append(e.insts, instance{serves: t + e.delay, warm: t + e.launchWarmup(), ready: t + max(e.delay, f.rf.Warmup), gen: f.target})
	}
	if f.target == 1 {
		f.rep.Replaced += b
	}
	f.batch, f.surgeOld = true, s
	f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "batch", fmt.Sprintf("launch %d, terminate %d old now and %d when they are ready (min healthy %d, max %d of desired %d)", b, b-s, s, minHealthy, maxTotal, d)})
}

// terminateOld removes n instances not of the refresh's target generation,
// oldest first; they stop serving at once.
func (e *engine) terminateOld(n int) {
	if n <= 0 {
		return
	}
	kept := e.insts[:0]
	for _, in := range e.insts {
		if n > 0 && in.gen != e.refresh.target {
			n--
			continue
		}
		kept = append(kept, in)
	}
	e.insts = kept
}

// failRefresh ends the refresh on a gate alarm; with auto_rollback the
// replaced instances are replaced again from the previous template with the
// same preferences and no checkpoints.
func (e *engine) failRefresh(minute int, why string) {
	f := e.refresh
	f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "failed", why})
	if !f.rf.AutoRollback {
		f.active = false
		f.rep.Outcome = RefreshFailed
		f.rep.EndMinute = intp(minute)
		return
	}
	f.target, f.batch, f.surgeOld, f.resumeAt = 0, false, 0, 0
	e.gen = 0
	f.rep.Outcome = RefreshRolledBack
	f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "rollback", "auto_rollback: the new instances are replaced from the previous launch template"})
}

// endRefresh ends the refresh (or its rollback) at minute; stopped says why
// it ends with old instances left ("" when none is left).
func (e *engine) endRefresh(minute int, stopped string) {
	f := e.refresh
	f.active = false
	f.rep.EndMinute = intp(minute)
	detail := "every instance runs the new launch template"
	switch {
	case f.target == 0:
		f.rep.Outcome, detail = RefreshRolledBack, "every instance runs the previous launch template again"
	case stopped != "":
		f.rep.Outcome, detail = RefreshCheckpoint, stopped
	default:
		f.rep.Outcome = RefreshSuccessful
	}
	f.rep.Steps = append(f.rep.Steps, RefreshStep{minute, "complete", detail})
}

// summarizeRefresh fills the refresh's minimum in-service capacity and the
// alarms' activity between its start and its end (or the run's end).
func (e *engine) summarizeRefresh() {
	f := e.refresh
	if f == nil {
		return
	}
	rep := f.rep
	last := e.res.Minutes - 1
	if rep.EndMinute != nil {
		last = *rep.EndMinute
	}
	gate := map[int]bool{}
	for _, g := range f.rf.Alarms {
		if g.Alarm >= 0 {
			gate[g.Alarm] = true
		}
	}
	rep.MinInService = math.MaxInt
	for i, a := range e.m.Alarms {
		d := AlarmDuring{Name: a.Name, Gate: gate[i]}
		for _, row := range e.res.Timeline[f.at : last+1] {
			if row.Alarms[a.Name] == StateAlarm {
				d.AlarmMinutes++
				if d.FirstAlarm == nil {
					d.FirstAlarm = intp(row.Minute)
				}
			}
		}
		rep.Alarms = append(rep.Alarms, d)
	}
	for _, row := range e.res.Timeline[f.at : last+1] {
		if row.InService < rep.MinInService {
			rep.MinInService, rep.MinInServiceMinute = row.InService, row.Minute
		}
	}
	sort.SliceStable(rep.Alarms, func(i, j int) bool { return rep.Alarms[i].Gate && !rep.Alarms[j].Gate })
	if rep.EndMinute == nil {
		rep.Outcome = RefreshRunning // also a rollback still under way
	}
}
