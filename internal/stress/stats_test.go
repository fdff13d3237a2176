package stress

import (
	"math"
	"strings"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Hand-computed: population standard deviation over the mean.
func TestComputeEvenness(t *testing.T) {
	cases := []struct {
		name       string
		counts     map[string]int64
		maxOverMin float64
		cv         float64
	}{
		// mean 500, sd 0
		{"equal", map[string]int64{"a": 500, "b": 500}, 1, 0},
		// mean 5, deviations ±1, variance 1, sd 1: cv 1/5
		{"6 and 4", map[string]int64{"a": 6, "b": 4}, 1.5, 0.2},
		// mean 200, deviations 100, 0, -100: variance 20000/3, sd 81.6497: cv 0.408248
		{"300 200 100", map[string]int64{"a": 300, "b": 200, "c": 100}, 3, math.Sqrt(20000.0/3) / 200},
		// mean 25, deviations 5, 5, -5, -5: variance 25, sd 5: cv 0.2
		{"30 30 20 20", map[string]int64{"a": 30, "b": 30, "c": 20, "d": 20}, 1.5, 0.2},
		// one instance: nothing to compare
		{"one", map[string]int64{"a": 7}, 1, 0},
		{"none", map[string]int64{}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := ComputeEvenness(c.counts)
			if !near(e.MaxOverMin, c.maxOverMin) || !near(e.CV, c.cv) {
				t.Errorf("got max/min %v cv %v, want %v %v", e.MaxOverMin, e.CV, c.maxOverMin, c.cv)
			}
		})
	}
	if cv := ComputeEvenness(map[string]int64{"a": 300, "b": 200, "c": 100}).CV; math.Abs(cv-0.408248) > 1e-6 {
		t.Errorf("cv %v, want 0.408248", cv)
	}
}

func TestJudge(t *testing.T) {
	cases := []struct {
		counts    map[string]int64
		tolerance float64
		want      string
	}{
		{map[string]int64{"a": 6, "b": 4}, 0.2, VerdictEven},    // cv 0.2 is within 0.2
		{map[string]int64{"a": 6, "b": 4}, 0.19, VerdictUneven}, // but not within 0.19
		{map[string]int64{"a": 500, "b": 500}, 0, VerdictEven},
		{map[string]int64{"a": 1}, 0, VerdictEven},
		{map[string]int64{}, 0.1, VerdictUnknown},
		// an instance that joined halfway (scale-out): 400/400/200, cv 0.2828
		{map[string]int64{"a": 400, "b": 400, "c": 200}, DefaultTolerance, VerdictUneven},
	}
	for _, c := range cases {
		if got := Judge(c.counts, ComputeEvenness(c.counts), c.tolerance); got != c.want {
			t.Errorf("Judge(%v, %v) = %s, want %s", c.counts, c.tolerance, got, c.want)
		}
	}
}

func TestReportFigures(t *testing.T) {
	h := hdrhistogram.New(histMin, histMax, histSig)
	for v := int64(1); v <= 100; v++ {
		_ = h.RecordValue(v * 1000) // 1ms .. 100ms
	}
	res := &Result{
		Concurrency: 2,
		Requests:    10, Succeeded: 8, Failed: 2,
		StatusCodes: map[int]int64{200: 8, 503: 1},
		Failures:    Failures{Status: 1, Timeout: 1},
		Instances:   map[string]int64{"i-a": 6, "i-b": 3},
		Latency:     h,
		Elapsed:     2 * time.Second,
		Stopped:     StoppedCount,
	}
	rep := NewReport(Config{URL: "http://x/", Concurrency: 2}, res, 0.5)
	if rep.RPS != 5 || rep.DurationS != 2 {
		t.Errorf("rps %v duration %v", rep.RPS, rep.DurationS)
	}
	// HDR at 3 significant digits: each figure within 0.1% of the exact one.
	l := rep.LatencyMS
	for _, c := range [][2]float64{{l.P50, 50}, {l.P90, 90}, {l.P99, 99}, {l.Max, 100}, {l.Mean, 50.5}} {
		if math.Abs(c[0]-c[1]) > c[1]/1000 {
			t.Errorf("latency %+v: %v is not %v", l, c[0], c[1])
		}
	}
	// mean 4.5, deviations ±1.5: cv 1/3; max/min 2
	if rep.Evenness.MaxOverMin != 2 || rep.Evenness.CV != 0.3333 || rep.Verdict != VerdictEven {
		t.Errorf("evenness %+v verdict %s", rep.Evenness, rep.Verdict)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Requests:       10", "Failed:         2 (status: 1, timeout: 1, connection: 0)",
		"Status codes:   200: 8, 503: 1", "i-a  6  66.7%", "Verdict:        even (CV 0.333 <= tolerance 0.500 over 2 instances)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, b.String())
		}
	}
}
