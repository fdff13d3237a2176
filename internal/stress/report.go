package stress

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is what the command prints: as text, or as one JSON object.
type Report struct {
	Target      string `json:"target"`
	Concurrency int    `json:"concurrency"`
	KeepAlive   bool   `json:"keep_alive"`
	// Stopped tells what ended the run: count, duration or interrupted.
	Stopped string `json:"stopped"`
	// Requests completed (Succeeded + Failed); Cancelled were in flight at the stop.
	Requests  int64 `json:"requests"`
	Succeeded int64 `json:"succeeded"`
	Failed    int64 `json:"failed"`
	Cancelled int64 `json:"cancelled"`
	// Retried counts requests sent again on a new connection because their
	// keep-alive connection had gone stale while idle.
	Retried int64 `json:"retried"`
	// StatusCodes counts every HTTP response by code (keys are the codes as strings).
	StatusCodes map[int]int64 `json:"status_codes"`
	Failures    Failures      `json:"failures"`
	DurationS   float64       `json:"duration_s"`
	RPS         float64       `json:"rps"`
	LatencyMS   Latency       `json:"latency_ms"`
	// Instances counts responses by X-Instance-Id; NoInstanceID those without it.
	Instances    map[string]int64 `json:"instances"`
	NoInstanceID int64            `json:"no_instance_id"`
	Evenness     Evenness         `json:"evenness"`
	Verdict      string           `json:"verdict"`
	Tolerance    float64          `json:"tolerance"`
	// Events are what --watch saw, in order.
	Events []Event `json:"events,omitempty"`
}

// Latency percentiles in milliseconds, of requests that got a response.
type Latency struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// NewReport summarises res.
func NewReport(cfg Config, res *Result, tolerance float64) Report {
	ev := ComputeEvenness(res.Instances)
	rep := Report{
		Target:       cfg.URL,
		Concurrency:  res.Concurrency,
		KeepAlive:    !cfg.DisableKeepAlive,
		Stopped:      res.Stopped,
		Requests:     res.Requests,
		Succeeded:    res.Succeeded,
		Failed:       res.Failed,
		Cancelled:    res.Cancelled,
		Retried:      res.Retried,
		StatusCodes:  res.StatusCodes,
		Failures:     res.Failures,
		DurationS:    round(res.Elapsed.Seconds(), 3),
		Instances:    res.Instances,
		NoInstanceID: res.NoInstanceID,
		Evenness:     Evenness{MaxOverMin: round(ev.MaxOverMin, 4), CV: round(ev.CV, 4)},
		Verdict:      Judge(res.Instances, ev, tolerance),
		Tolerance:    tolerance,
	}
	if s := res.Elapsed.Seconds(); s > 0 {
		rep.RPS = round(float64(res.Requests)/s, 1)
	}
	if h := res.Latency; h != nil && h.TotalCount() > 0 {
		ms := func(us int64) float64 { return round(float64(us)/1000, 3) }
		rep.LatencyMS = Latency{
			P50:  ms(h.ValueAtQuantile(50)),
			P90:  ms(h.ValueAtQuantile(90)),
			P99:  ms(h.ValueAtQuantile(99)),
			Max:  ms(h.Max()),
			Mean: round(h.Mean()/1000, 3),
		}
	}
	return rep
}

func round(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if x >= 0 {
		return float64(int64(x*p+0.5)) / p
	}
	return -float64(int64(-x*p+0.5)) / p
}

// WriteJSON writes rep as one indented JSON object.
func (rep Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteText writes rep for a person.
func (rep Report) WriteText(w io.Writer) error {
	var b strings.Builder
	kv := func(label, format string, a ...any) {
		fmt.Fprintf(&b, "%-15s %s\n", label+":", fmt.Sprintf(format, a...))
	}
	keepAlive := "keep-alive"
	if !rep.KeepAlive {
		keepAlive = "no keep-alive"
	}
	kv("Target", "%s", rep.Target)
	kv("Concurrency", "%d (%s)", rep.Concurrency, keepAlive)
	kv("Stopped", "%s", map[string]string{
		StoppedCount:       "all requests sent",
		StoppedDuration:    "time limit reached",
		StoppedInterrupted: "INTERRUPTED: partial results",
	}[rep.Stopped])
	kv("Duration", "%.3f s", rep.DurationS)
	if rep.Cancelled > 0 {
		kv("Requests", "%d (+%d in flight at the stop, not counted)", rep.Requests, rep.Cancelled)
	} else {
		kv("Requests", "%d", rep.Requests)
	}
	kv("Succeeded", "%d", rep.Succeeded)
	if rep.Retried > 0 {
		kv("Retried", "%d (sent again: the idle keep-alive connection had been closed)", rep.Retried)
	}
	kv("Failed", "%d (status: %d, timeout: %d, connection: %d)",
		rep.Failed, rep.Failures.Status, rep.Failures.Timeout, rep.Failures.Connection)
	kv("Status codes", "%s", formatCodes(rep.StatusCodes))
	kv("Throughput", "%.1f req/s", rep.RPS)
	l := rep.LatencyMS
	kv("Latency (ms)", "p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f", l.P50, l.P90, l.P99, l.Max, l.Mean)

	b.WriteString("\nInstances (X-Instance-Id):\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	var answered int64
	for _, n := range rep.Instances {
		answered += n
	}
	for _, id := range sortedKeys(rep.Instances) {
		n := rep.Instances[id]
		fmt.Fprintf(tw, "  %s\t%d\t%.1f%%\t\n", id, n, 100*float64(n)/float64(answered))
	}
	if rep.NoInstanceID > 0 {
		fmt.Fprintf(tw, "  (no header)\t%d\t\t\n", rep.NoInstanceID)
	}
	if len(rep.Instances) == 0 && rep.NoInstanceID == 0 {
		fmt.Fprintf(tw, "  (no response)\t\t\t\n")
	}
	tw.Flush()
	b.WriteString("\n")
	kv("Evenness", "max/min %.3f, CV %.3f", rep.Evenness.MaxOverMin, rep.Evenness.CV)
	kv("Verdict", "%s (%s)", rep.Verdict, verdictReason(rep.Verdict, len(rep.Instances), rep.Evenness, rep.Tolerance))
	if len(rep.Events) > 0 {
		var scaling, healthy int
		for _, e := range rep.Events {
			switch {
			case e.Kind == EventScaling:
				scaling++
			case e.Kind == EventTarget && e.State == "healthy" && e.Previous != "":
				healthy++
			}
		}
		kv("Watch", "%d scaling events, %d targets became healthy", scaling, healthy)
		for _, e := range rep.Events {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatCodes(codes map[int]int64) string {
	if len(codes) == 0 {
		return "none"
	}
	keys := make([]int, 0, len(codes))
	for c := range codes {
		keys = append(keys, c)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, c := range keys {
		parts[i] = fmt.Sprintf("%d: %d", c, codes[c])
	}
	return strings.Join(parts, ", ")
}

// formatOffset writes a time since the start of the load as +12.3s.
func formatOffset(d time.Duration) string {
	return fmt.Sprintf("%+.1fs", d.Seconds())
}
