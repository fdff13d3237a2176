package simulate

import (
	"fmt"
	"sort"
	"strings"
	"time"
	// The IANA time zone database inside the binary: a schedule's time_zone
	// resolves the same on every machine, so runs are deterministic.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"

	"github.com/platformstarter/elastic-web-tier/internal/cronspec"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// DefaultStart is the simulated clock's minute 0 when --start is not given:
// a Monday, midnight UTC, fixed so that the output is deterministic.
const DefaultStart = "2026-01-05T00:00:00Z"

// Unchanged marks a scheduled action's size that it leaves as it is (the
// provider's -1, or the argument absent).
const Unchanged = -1

// Schedule is one aws_autoscaling_schedule of the group.
type Schedule struct {
	// Address is the Terraform address.
	Address string `json:"address"`
	// Name is the scheduled_action_name.
	Name string `json:"name"`
	// Recurrence is the Unix cron expression ("" for a one-time action).
	Recurrence string `json:"recurrence,omitempty"`
	// TimeZone the recurrence is read in (IANA name; default UTC).
	TimeZone string `json:"time_zone"`
	// Min, Max and Desired capacity it sets; Unchanged (-1) leaves one as it is.
	Min     int `json:"min_size"`
	Max     int `json:"max_size"`
	Desired int `json:"desired_capacity"`
	// Start and End bound the recurrence (a one-time action runs at Start);
	// nil when absent.
	Start *time.Time `json:"start_time,omitempty"`
	End   *time.Time `json:"end_time,omitempty"`

	cron cron.Schedule
	loc  *time.Location
}

// schedules reads the group's scheduled actions, sorted by name.
func (r *reader) schedules(m *Model) {
	for _, res := range r.stack.OfType("aws_autoscaling_schedule") {
		v, ok := res.Get("autoscaling_group_name")
		if !ok || !(stackjson.RefTo(v, m.Group.Address) || (m.Group.Name != "" && v == m.Group.Name)) {
			m.Notes = append(m.Notes, fmt.Sprintf("%s schedules another group (autoscaling_group_name = %v) and is ignored", res.Address(), show(v)))
			continue
		}
		s := Schedule{Address: res.Address(), TimeZone: "UTC", loc: time.UTC}
		s.Name, _ = r.str(res, "scheduled_action_name")
		if s.Name == "" {
			r.fail(res, "scheduled_action_name is missing")
		}
		if tz, ok := r.str(res, "time_zone"); ok && tz != "" {
			loc, err := time.LoadLocation(tz)
			if err != nil || strings.Contains(tz, "${") {
				r.fail(res, "time_zone = %q: must be an IANA time zone name such as Europe/Berlin or America/New_York", tz)
			} else {
				s.TimeZone, s.loc = tz, loc
			}
		}
		if rec, ok := r.str(res, "recurrence"); ok && rec != "" {
			s.Recurrence = rec
			// The same reading as scaling.schedules[].cron in constructs/config.
			c, err := cronspec.Parse(rec)
			if err != nil {
				r.fail(res, "recurrence = %q: %v", rec, err)
			}
			s.cron = c
		}
		s.Start = r.timestamp(res, "start_time")
		s.End = r.timestamp(res, "end_time")
		if s.Recurrence == "" && s.Start == nil {
			r.fail(res, "neither recurrence nor start_time is set: the action would never run")
		}
		if s.Start != nil && s.End != nil && !s.End.After(*s.Start) {
			r.fail(res, "end_time = %s: must be after start_time (%s)", s.End.Format(time.RFC3339), s.Start.Format(time.RFC3339))
		}
		if s.Recurrence == "" && s.End != nil {
			r.fail(res, "end_time is set without recurrence: a one-time action runs once, at start_time")
		}
		s.Min, s.Max, s.Desired = r.size(res, "min_size"), r.size(res, "max_size"), r.size(res, "desired_capacity")
		if s.Min == Unchanged && s.Max == Unchanged && s.Desired == Unchanged {
			r.fail(res, "min_size, max_size and desired_capacity are all absent or -1: the action would change nothing")
		}
		if s.Min != Unchanged && s.Max != Unchanged && s.Min > s.Max {
			r.fail(res, "min_size = %d: must be <= max_size (%d)", s.Min, s.Max)
		}
		if s.Desired != Unchanged && (s.Min != Unchanged && s.Desired < s.Min || s.Max != Unchanged && s.Desired > s.Max) {
			r.fail(res, "desired_capacity = %d: must be within the action's min_size..max_size", s.Desired)
		}
		m.Schedules = append(m.Schedules, s)
	}
	sort.SliceStable(m.Schedules, func(i, j int) bool { return m.Schedules[i].Name < m.Schedules[j].Name })
}

// size reads a scheduled action's min_size, max_size or desired_capacity:
// absent or -1 is Unchanged.
func (r *reader) size(res stackjson.Resource, key string) int {
	v, ok := r.integer(res, key)
	switch {
	case !ok || v == Unchanged:
		return Unchanged
	case v < 0:
		r.fail(res, "%s = %d: must be >= 0, or -1 to leave it unchanged", key, v)
		return Unchanged
	}
	return v
}

// timestamp reads start_time or end_time (YYYY-MM-DDThh:mm:ssZ, RFC 3339).
func (r *reader) timestamp(res stackjson.Resource, key string) *time.Time {
	v, ok := r.str(res, key)
	if !ok || v == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		r.fail(res, "%s = %q: must be an RFC 3339 time such as 2026-01-05T08:00:00Z", key, v)
		return nil
	}
	return &t
}

// runs returns the times at which the action runs in [from, to): its cron
// occurrences in its time zone within [start_time, end_time), or start_time
// for a one-time action.
func (s Schedule) runs(from, to time.Time) []time.Time {
	var out []time.Time
	if s.cron == nil {
		if s.Start != nil && !s.Start.Before(from) && s.Start.Before(to) {
			out = append(out, *s.Start)
		}
		return out
	}
	lo := from
	if s.Start != nil && s.Start.After(lo) {
		lo = *s.Start
	}
	hi := to
	if s.End != nil && s.End.Before(hi) {
		hi = *s.End
	}
	// Next returns the first occurrence after its argument (the zero time
	// when there is none within five years).
	for t := s.cron.Next(lo.Add(-time.Second).In(s.loc)); !t.IsZero() && t.Before(hi); t = s.cron.Next(t) {
		out = append(out, t)
	}
	return out
}

// Sizes renders what the action sets, e.g. "min 2, max 4, desired 2"
// (unchanged sizes left out).
func (s Schedule) Sizes() string {
	var parts []string
	for _, f := range []struct {
		name string
		v    int
	}{{"min", s.Min}, {"max", s.Max}, {"desired", s.Desired}} {
		if f.v != Unchanged {
			parts = append(parts, fmt.Sprintf("%s %d", f.name, f.v))
		}
	}
	return strings.Join(parts, ", ")
}

// Describe renders the action for humans, e.g.
// "cron 0 8 * * 1-5 (Europe/Berlin): min 2, max 4, desired 2".
func (s Schedule) Describe() string {
	var when string
	switch {
	case s.Recurrence == "" && s.Start != nil:
		when = "once at " + s.Start.Format(time.RFC3339)
	case s.Recurrence != "":
		when = fmt.Sprintf("cron %s (%s)", s.Recurrence, s.TimeZone)
		if s.Start != nil {
			when += ", from " + s.Start.Format(time.RFC3339)
		}
		if s.End != nil {
			when += ", until " + s.End.Format(time.RFC3339)
		}
	}
	return when + ": " + s.Sizes()
}

// ScheduledRun is one run of a scheduled action in the timeline.
type ScheduledRun struct {
	// Minute at whose start it runs, and the wall-clock time in the action's time zone.
	Minute int    `json:"minute"`
	Time   string `json:"time"`
	// Name of the action.
	Name string `json:"name"`
	// The group's sizes before and after.
	MinBefore     int `json:"min_before"`
	MinAfter      int `json:"min_after"`
	MaxBefore     int `json:"max_before"`
	MaxAfter      int `json:"max_after"`
	DesiredBefore int `json:"desired_before"`
	DesiredAfter  int `json:"desired_after"`
	// Failed says why the action did not apply ("" when it did).
	Failed string `json:"failed,omitempty"`
}

// scheduleAt lists, per minute of the run, the actions that run then, in
// name order (AWS states no order for actions due at the same time).
func scheduleAt(m *Model, start time.Time, minutes int) map[int][]int {
	at := map[int][]int{}
	end := start.Add(time.Duration(minutes) * time.Minute)
	for i, s := range m.Schedules {
		for _, t := range s.runs(start, end) {
			// An occurrence inside minute k (k-1 < offset <= k) runs at the start of k.
			k := int((t.Sub(start) + time.Minute - 1) / time.Minute)
			if k < minutes {
				at[k] = append(at[k], i)
			}
		}
	}
	return at
}

// runSchedules applies the actions due at minute: new min and max, and a
// desired capacity set by the action or kept within the new limits. An
// action whose sizes contradict each other with the group's current ones
// fails and changes nothing, as the API refuses it.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-scheduled-scaling.html
func (e *engine) runSchedules(minute int) {
	for _, i := range e.due[minute] {
		s := e.m.Schedules[i]
		t := e.start.Add(time.Duration(minute) * time.Minute)
		run := ScheduledRun{Minute: minute, Time: t.In(s.loc).Format("Mon 2006-01-02 15:04 MST"), Name: s.Name,
			MinBefore: e.min, MaxBefore: e.max, DesiredBefore: e.desired}
		lo, hi := e.min, e.max
		if s.Min != Unchanged {
			lo = s.Min
		}
		if s.Max != Unchanged {
			hi = s.Max
		}
		desired := min(max(e.desired, lo), hi)
		if s.Desired != Unchanged {
			desired = s.Desired
		}
		switch {
		case lo > hi:
			run.Failed = fmt.Sprintf("min_size %d would be above max_size %d", lo, hi)
		case desired < lo || desired > hi:
			run.Failed = fmt.Sprintf("desired_capacity %d would be outside min_size..max_size %d..%d", desired, lo, hi)
		default:
			e.min, e.max = lo, hi
			e.resize(desired, minute*60, e.launchWarmup())
		}
		run.MinAfter, run.MaxAfter, run.DesiredAfter = e.min, e.max, e.desired
		e.res.Scheduled = append(e.res.Scheduled, run)
	}
}
