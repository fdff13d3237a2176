package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteJSON writes the result as one indented JSON object with the keys
// model, profile, minutes, launch_delay_seconds, launch_delay_source,
// events, timeline and summary.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Describe renders an alarm's condition, e.g.
// "Average CPUUtilization > 70 for 2 of 2 periods of 60s (missing data: missing)".
func (a Alarm) Describe() string {
	sym := map[string]string{
		"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=",
		"LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
	}[a.Operator]
	managed := ""
	if a.Managed {
		managed = ", created by AWS for target tracking"
	}
	metric := a.Metric
	if metric == "" {
		metric = MetricCPU
	}
	return fmt.Sprintf("%s %s %s %s for %d of %d periods of %ds (missing data: %s%s)",
		a.Statistic, metric, sym, num(a.Threshold), a.DatapointsToAlarm, a.EvaluationPeriods, a.Period, a.TreatMissingData, managed)
}

// Describe renders a policy, e.g.
// "StepScaling, ChangeInCapacity, steps [0..+inf: +1], warm-up 120s (estimated_instance_warmup)".
func (p Policy) Describe() string {
	switch p.Type {
	case TargetTrackingScaling:
		in := ""
		if p.DisableScaleIn {
			in = ", scale-in disabled"
		}
		if p.Metric == MetricRequests {
			return fmt.Sprintf("TargetTrackingScaling, ALBRequestCountPerTarget target %s requests per target per minute%s, warm-up %ds (%s)", num(p.TargetValue), in, p.Warmup, p.WarmupSource)
		}
		if p.Metric == MetricMemory {
			return fmt.Sprintf("TargetTrackingScaling, average memory used (CWAgent mem_used_percent) target %s%s, warm-up %ds (%s)", num(p.TargetValue), in, p.Warmup, p.WarmupSource)
		}
		return fmt.Sprintf("TargetTrackingScaling, average CPU target %s%s, warm-up %ds (%s)", num(p.TargetValue), in, p.Warmup, p.WarmupSource)
	case SimpleScaling:
		return fmt.Sprintf("SimpleScaling, %s %+d, cooldown %ds", p.AdjustmentType, p.ScalingAdjustment, p.Cooldown)
	}
	steps := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		steps[i] = fmt.Sprintf("%s: %+d", s.Interval(), s.Adjustment)
	}
	return fmt.Sprintf("StepScaling, %s, steps [%s], warm-up %ds (%s)", p.AdjustmentType, strings.Join(steps, "; "), p.Warmup, p.WarmupSource)
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// WriteText writes the configuration read, the minute-by-minute timeline, the
// events and the summary for a human.
func WriteText(w io.Writer, r *Result) error {
	m := r.Model
	g := m.Group
	b := &strings.Builder{}
	name := g.Name
	if name == "" {
		name = "(computed name)"
	}
	fmt.Fprintf(b, "Scaling simulation of stack %s\n", m.Stack)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  group\t%s (%s): min %d, max %d, desired %d\n", name, g.Address, g.Min, g.Max, g.Desired)
	hook := ""
	if g.TerminationHook > 0 {
		hook = fmt.Sprintf(" and waits %ds in its termination hook (both at once)", g.TerminationHook)
	}
	fmt.Fprintf(tw, "  launch\tan instance serves %ds after launch (%s); a removed one drains for %ds (deregistration_delay)%s\n", r.LaunchDelay, r.LaunchDelaySource, g.DeregistrationDelay, hook)
	if wp := g.WarmPool; wp != nil {
		fmt.Fprintf(tw, "  warm pool\t%s\n", wp.Describe(r.WarmStart, r.WarmStartSource))
	}
	if p := m.Predictive; p != nil {
		fmt.Fprintf(tw, "  predictive\t%s: %s\n", p.Name, p.Describe())
	}
	unit := "load in percent of one instance's CPU"
	switch m.Metric {
	case MetricRequests:
		unit = "load in requests per minute to the target group"
	case MetricMemory:
		unit = "load in percent of one instance's memory, spread evenly over the serving instances"
	}
	fmt.Fprintf(tw, "  profile\t%s for %d minutes (%s)\n", r.Profile, r.Minutes, unit)
	label := "  alarms"
	for _, a := range m.Alarms {
		fmt.Fprintf(tw, "%s\t%s: %s -> %s\n", label, a.Name, a.Describe(), strings.Join(a.PolicyNames, ", "))
		label = ""
	}
	label = "  policies"
	for _, p := range m.Policies {
		fmt.Fprintf(tw, "%s\t%s: %s\n", label, p.Name, p.Describe())
		label = ""
	}
	label = "  schedules"
	for _, sc := range m.Schedules {
		fmt.Fprintf(tw, "%s\t%s: %s\n", label, sc.Name, sc.Describe())
		label = ""
	}
	if len(m.Schedules) > 0 {
		fmt.Fprintf(tw, "  clock\tminute 0 is %s\n", r.Start)
	}
	if m.Refresh != nil {
		fmt.Fprintf(tw, "  refresh\t%s\n", m.Refresh.Describe())
		label = "  refresh gates"
		for _, g := range m.Refresh.Alarms {
			what := "simulated"
			if g.Alarm < 0 {
				what = g.Why
			}
			fmt.Fprintf(tw, "%s\t%s: %s\n", label, g.Name, what)
			label = ""
		}
	}
	if len(m.Ignored) > 0 {
		fmt.Fprintf(tw, "  ignored\t%d alarms that invoke no scaling policy\n", len(m.Ignored))
	}
	for _, n := range m.Notes {
		fmt.Fprintf(tw, "  note\t%s\n", n)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	b.WriteString("\nTimeline (alarm states during the minute; capacity after its scaling activity)\n")
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	col := "cpu %"
	switch m.Metric {
	case MetricRequests:
		col = "req/target"
	case MetricMemory:
		col = "mem %"
	}
	head := "minute\tload\tdesired\tin service\tpending\t" + col + "\t"
	timed := len(m.Schedules) > 0
	if timed {
		head = "minute\ttime\tmin..max\tload\tdesired\tin service\tpending\t" + col + "\t"
	}
	for _, a := range m.Alarms {
		head += a.Name + "\t"
	}
	if r.Refresh != nil {
		head += "old/new\t"
	}
	if g.WarmPool != nil {
		head += "pool\t"
	}
	if m.Predictive != nil {
		head += "forecast\t"
	}
	fmt.Fprintln(tw, head)
	for _, row := range r.Timeline {
		cpu := "-"
		if v := row.Value(); v != nil {
			cpu = strconv.FormatFloat(*v, 'f', 1, 64)
		}
		line := fmt.Sprintf("%d\t%s\t%d\t%d\t%d\t%s\t", row.Minute, strconv.FormatFloat(row.Load, 'f', 1, 64), row.Desired, row.InService, row.Pending, cpu)
		if timed {
			clock := row.Time
			if t, err := time.Parse(time.RFC3339, row.Time); err == nil {
				clock = t.Format("Mon 15:04")
			}
			line = fmt.Sprintf("%d\t%s\t%d..%d\t%s\t%d\t%d\t%d\t%s\t", row.Minute, clock, row.MinSize, row.MaxSize, strconv.FormatFloat(row.Load, 'f', 1, 64), row.Desired, row.InService, row.Pending, cpu)
		}
		for _, a := range m.Alarms {
			line += row.Alarms[a.Name] + "\t"
		}
		if r.Refresh != nil {
			if row.Refresh != nil {
				line += fmt.Sprintf("%d/%d\t", row.Refresh.Old, row.Refresh.New)
			} else {
				line += "-\t"
			}
		}
		if g.WarmPool != nil {
			line += fmt.Sprintf("%d\t", deref0(row.Pool))
		}
		if m.Predictive != nil {
			if row.Forecast != nil {
				line += strconv.Itoa(*row.Forecast) + "\t"
			} else {
				line += "-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if len(m.Schedules) > 0 {
		b.WriteString("\nScheduled actions\n")
		if len(r.Scheduled) == 0 {
			b.WriteString("  none ran in these minutes\n")
		}
		for _, sr := range r.Scheduled {
			fmt.Fprintf(b, "  minute %d (%s): %s: min..max %d..%d -> %d..%d, desired %d -> %d", sr.Minute, sr.Time, sr.Name, sr.MinBefore, sr.MaxBefore, sr.MinAfter, sr.MaxAfter, sr.DesiredBefore, sr.DesiredAfter)
			if sr.Failed != "" {
				fmt.Fprintf(b, " (failed: %s)", sr.Failed)
			}
			b.WriteString("\n")
		}
	}

	b.WriteString("\nEvents\n")
	if len(r.Events) == 0 {
		b.WriteString("  none: no scaling policy changed the desired capacity\n")
	}
	for _, ev := range r.Events {
		fmt.Fprintf(b, "  minute %d: %s %d -> %d by %s (alarm %s, metric %.1f)\n", ev.Minute, ev.Kind, ev.CapacityBefore, ev.CapacityAfter, ev.Policy, ev.Alarm, ev.Metric)
	}

	if rf := r.Refresh; rf != nil {
		writeRefresh(b, rf)
	}

	s := r.Summary
	b.WriteString("\nSummary\n")
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	if s.ScaleOutThreshold != nil {
		what := metricWord(m)
		fmt.Fprintf(tw, "  scale-out threshold\t%s %s %s (%s)\n", what, opSymbol(m, s.ScaleOutAlarm), num(*s.ScaleOutThreshold), s.ScaleOutAlarm)
		fmt.Fprintf(tw, "  first minute above it\t%s\n", optMinute(s.FirstMinuteAbove))
	} else {
		fmt.Fprintf(tw, "  scale-out threshold\tnone: no alarm scales the group out\n")
	}
	switch {
	case s.FirstScaleOut == nil:
		fmt.Fprintf(tw, "  first scale-out\tnone\n")
	case s.TimeToFirstScaleOut != nil:
		fmt.Fprintf(tw, "  first scale-out\tminute %d, %d minutes after %s first went above the threshold\n", *s.FirstScaleOut, *s.TimeToFirstScaleOut, metricWord(m))
	default:
		fmt.Fprintf(tw, "  first scale-out\tminute %d\n", *s.FirstScaleOut)
	}
	if s.FirstNewInstanceInService != nil {
		fmt.Fprintf(tw, "  first new instance serving\tminute %d\n", *s.FirstNewInstanceInService)
	}
	fmt.Fprintf(tw, "  peak capacity\t%d desired (first at minute %d), %d in service (first at minute %d)\n", s.PeakCapacity, s.PeakCapacityMinute, s.PeakInService, s.PeakInServiceMinute)
	if s.ScaleOutThreshold != nil {
		fmt.Fprintf(tw, "  minutes above the threshold\t%d of %d\n", s.MinutesAboveThreshold, r.Minutes)
	}
	if m.Metric == MetricRequests {
		fmt.Fprintf(tw, "  minutes overloaded\t%d (load and no serving instance; a request-count load states no per-instance capacity)\n", s.MinutesOverloaded)
	} else {
		fmt.Fprintf(tw, "  minutes overloaded\t%d (load above 100%% of every serving instance)\n", s.MinutesOverloaded)
	}
	fmt.Fprintf(tw, "  scale-outs, scale-ins\t%d, %d; reversals (flapping) %d\n", s.ScaleOuts, s.ScaleIns, s.Reversals)
	if g.WarmPool != nil {
		fmt.Fprintf(tw, "  warm starts\t%d instances came from the warm pool\n", s.WarmStarts)
	}
	fmt.Fprintf(tw, "  final capacity\t%d desired, %d in service\n", s.FinalCapacity, s.FinalInService)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// metricWord names the model's per-instance metric in prose.
func metricWord(m *Model) string {
	switch m.Metric {
	case MetricRequests:
		return "requests per target"
	case MetricMemory:
		return "memory"
	}
	return "CPU"
}

func opSymbol(m *Model, alarm string) string {
	for _, a := range m.Alarms {
		if a.Name == alarm {
			if a.Operator == "GreaterThanOrEqualToThreshold" {
				return ">="
			}
			return ">"
		}
	}
	return ">"
}

func optMinute(v *int) string {
	if v == nil {
		return "never"
	}
	return "minute " + strconv.Itoa(*v)
}

// writeRefresh writes the instance refresh section of the text report.
func writeRefresh(b *strings.Builder, rf *RefreshReport) {
	fmt.Fprintf(b, "\nInstance refresh from minute %d\n", rf.StartMinute)
	for _, st := range rf.Steps {
		fmt.Fprintf(b, "  minute %d: %s: %s\n", st.Minute, st.Kind, st.Detail)
	}
	end := "still in progress when the run ends"
	if rf.EndMinute != nil {
		end = fmt.Sprintf("ended at minute %d", *rf.EndMinute)
	}
	fmt.Fprintf(b, "  outcome: %s (%s); %d instances launched from the new template\n", rf.Outcome, end, rf.Replaced)
	fmt.Fprintf(b, "  fewest in service: %d (first at minute %d)\n", rf.MinInService, rf.MinInServiceMinute)
	for _, a := range rf.Alarms {
		role := "scaling alarm"
		if a.Gate {
			role = "gate alarm"
		}
		if a.FirstAlarm == nil {
			fmt.Fprintf(b, "  %s %s: never in ALARM during the refresh\n", role, a.Name)
		} else {
			fmt.Fprintf(b, "  %s %s: in ALARM from minute %d (%s during the refresh)\n", role, a.Name, *a.FirstAlarm, plural(a.AlarmMinutes, "minute"))
		}
	}
	for _, g := range rf.Gates {
		if g.Alarm < 0 {
			fmt.Fprintf(b, "  gate alarm %s: unknown: %s\n", g.Name, g.Why)
		}
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func deref0(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// Describe renders a warm pool with its warm start, e.g. "Stopped, min 0,
// prepared up to max_size, no reuse on scale-in; an instance from it serves
// 60s after it leaves (assumed for a Stopped pool (docs/elasticity.md))".
func (wp WarmPool) Describe(warm int, source string) string {
	prepared := "up to max_size"
	if wp.MaxPrepared >= 0 {
		prepared = fmt.Sprintf("up to %d with the group", wp.MaxPrepared)
	}
	reuse := "no reuse on scale-in"
	if wp.Reuse {
		reuse = "scaled-in instances return to it"
	}
	return fmt.Sprintf("%s, min %d, prepared %s, %s; an instance from it serves %ds after it leaves (%s)", wp.State, wp.MinSize, prepared, reuse, warm, source)
}

// Describe renders a predictive policy, e.g. "ForecastOnly, CPU target 50,
// buffer 300s, HonorMaxCapacity".
func (p Predictive) Describe() string {
	what := "CPU target " + num(p.Target) + "%"
	if p.Metric == MetricRequests {
		what = "ALBRequestCount target " + num(p.Target) + " requests per instance per minute"
	}
	breach := p.Breach
	if p.Breach == "IncreaseMaxCapacity" {
		breach += fmt.Sprintf(" (+%d%%)", p.MaxBuffer)
	}
	return fmt.Sprintf("%s, %s, scheduling buffer %ds, %s; forecast from the same hour of up to %d previous days", p.Mode, what, p.Buffer, breach, forecastDays)
}
