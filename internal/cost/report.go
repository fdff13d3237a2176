package cost

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// usd formats dollars with cents.
func usd(v float64) string { return fmt.Sprintf("%.2f", round2(v)) }

// counts shows an item's count: one number, or min/desired/max when it scales.
func counts(it Item) string {
	if !it.Scales() {
		return num(round4(it.Count[Min]))
	}
	return num(round4(it.Count[Min])) + "/" + num(round4(it.Count[Desired])) + "/" + num(round4(it.Count[Max]))
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// sources numbers the pricing pages in order of first use.
func sources(ests []*Estimate) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range ests {
		for _, it := range e.Items {
			if !seen[it.source()] {
				seen[it.source()] = true
				out = append(out, it.source())
			}
		}
	}
	return out
}

// source is the pricing page and the date the price was read.
func (it Item) source() string { return it.Source + " (read " + it.Read + ")" }

func index(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i + 1
		}
	}
	return 0
}

// WriteText writes each estimate as a table (count and USD a month at min,
// desired and max capacity, with the price's unit and source), then the
// sources with the date their prices were read, the assumptions and what is
// not estimated.
func WriteText(w io.Writer, ests []*Estimate) error {
	var b strings.Builder
	srcs := sources(ests)
	for i, e := range ests {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (%s): %s; instances min/desired/max %d/%d/%d\n", e.Env, e.Region, e.Compute, e.Instances[Min], e.Instances[Desired], e.Instances[Max])
		rows := [][]string{{"ITEM", "COUNT", "UNIT", "USD/UNIT", "MIN", "DESIRED", "MAX", "SRC"}}
		for _, it := range e.Items {
			rows = append(rows, []string{it.Name, counts(it), it.Unit, num(it.UnitPrice), usd(it.Monthly(Min)), usd(it.Monthly(Desired)), usd(it.Monthly(Max)), fmt.Sprintf("[%d]", index(srcs, it.source()))})
		}
		rows = append(rows, []string{"total USD a month", "", "", "", usd(e.Total(Min)), usd(e.Total(Desired)), usd(e.Total(Max)), ""})
		table(&b, rows, "lrlrrrrl")
	}
	writeFooter(&b, ests, srcs)
	_, err := io.WriteString(w, b.String())
	return err
}

// table writes rows with columns two spaces apart, each aligned as align
// says (l left, r right); trailing blanks are trimmed.
func table(b *strings.Builder, rows [][]string, align string) {
	widths := make([]int, len(align))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len(c))
			if align[i] == 'r' {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

func writeFooter(b *strings.Builder, ests []*Estimate, srcs []string) {
	b.WriteString("\nCOUNT, MIN, DESIRED and MAX: a count that scales with the instances is shown as min/desired/max.\n")
	b.WriteString("Hourly prices count " + num(ests[0].Assumptions.HoursPerMonth) + " hours a month; stored logs are the monthly volume times the retention in days / 30.\n")
	b.WriteString("Sources:\n")
	for i, s := range srcs {
		fmt.Fprintf(b, "  [%d] %s\n", i+1, s)
	}
	b.WriteString(wrap(ReadNote, 100, "") + "\n")
	b.WriteString("Assumptions (change with --assume NAME=VALUE, or ENV.NAME=VALUE for one environment):\n")
	for _, l := range ests[0].Assumptions.Describe() {
		b.WriteString("  " + l + "\n")
	}
	for _, e := range ests[1:] {
		if e.Assumptions != ests[0].Assumptions {
			b.WriteString("Assumptions of " + e.Env + ":\n")
			for _, l := range e.Assumptions.Describe() {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	b.WriteString(wrap(NotEstimated, 100, "") + "\n")
}

func wrap(s string, width int, indent string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = indent
		}
		if line == "" || line == indent {
			line += w
		} else {
			line += " " + w
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// JSONItem is one item of --json (at max capacity).
type JSONItem struct {
	Name         string  `json:"name"`
	Count        float64 `json:"count"`
	Unit         string  `json:"unit"`
	UnitPriceUSD float64 `json:"unit_price_usd"`
	MonthlyUSD   float64 `json:"monthly_usd"`
	Source       string  `json:"source"`
}

// JSONEstimate is one environment of --json.
type JSONEstimate struct {
	MonthlyUSD  map[string]float64 `json:"monthly_usd"`
	Items       []JSONItem         `json:"items"`
	Assumptions map[string]float64 `json:"assumptions"`
}

// JSON returns the --json object of the estimates, keyed by environment:
// totals at min, desired and max capacity; items counted at max capacity
// (the budget gate's figure), so they add up to monthly_usd.max.
func JSON(ests []*Estimate) map[string]JSONEstimate {
	out := map[string]JSONEstimate{}
	for _, e := range ests {
		je := JSONEstimate{MonthlyUSD: map[string]float64{}, Items: []JSONItem{}, Assumptions: e.Assumptions.Map()}
		for _, c := range Capacities {
			je.MonthlyUSD[c.String()] = round2(e.Total(c))
		}
		for _, it := range e.Items {
			je.Items = append(je.Items, JSONItem{Name: it.Name, Count: round4(it.Count[Max]), Unit: it.Unit, UnitPriceUSD: it.UnitPrice, MonthlyUSD: round2(it.Monthly(Max)), Source: it.source()})
		}
		out[e.Env] = je
	}
	return out
}

// WriteJSON writes JSON(ests), indented.
func WriteJSON(w io.Writer, ests []*Estimate) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(JSON(ests))
}

// WriteDiff shows what makes b dearer (or cheaper) than a: each kind of item
// at max capacity in both, the difference, largest first, and which counts
// differ; then the totals at every capacity.
func WriteDiff(w io.Writer, a, b *Estimate) error {
	type row struct {
		usdA, usdB float64
		names      []string
		countA     map[string]float64
		countB     map[string]float64
	}
	rows := map[string]*row{}
	var kinds []string
	add := func(e *Estimate, isA bool) {
		for _, it := range e.Items {
			r := rows[it.Kind]
			if r == nil {
				r = &row{countA: map[string]float64{}, countB: map[string]float64{}}
				rows[it.Kind] = r
				kinds = append(kinds, it.Kind)
			}
			if _, seen := r.countA[it.Name]; !seen {
				if _, seen := r.countB[it.Name]; !seen {
					r.names = append(r.names, it.Name)
				}
			}
			if isA {
				r.usdA += it.Monthly(Max)
				r.countA[it.Name] += it.Count[Max]
			} else {
				r.usdB += it.Monthly(Max)
				r.countB[it.Name] += it.Count[Max]
			}
		}
	}
	add(a, true)
	add(b, false)
	sort.SliceStable(kinds, func(i, j int) bool {
		di, dj := round2(rows[kinds[i]].usdB-rows[kinds[i]].usdA), round2(rows[kinds[j]].usdB-rows[kinds[j]].usdA)
		if di != dj {
			return di > dj
		}
		return kinds[i] < kinds[j]
	})
	var s strings.Builder
	fmt.Fprintf(&s, "cost diff %s -> %s: USD a month at max capacity, largest difference first\n", a.Env, b.Env)
	width := max(len(a.Env), len(b.Env)) + 1
	fmt.Fprintf(&s, "  %-*s  %s (%s)\n  %-*s  %s (%s)\n", width, a.Env+":", a.Compute, a.Region, width, b.Env+":", b.Compute, b.Region)
	rowsOut := [][]string{{"KIND", strings.ToUpper(a.Env), strings.ToUpper(b.Env), "DIFFERENCE", "WHAT DIFFERS (count at max capacity)"}}
	for _, k := range kinds {
		r := rows[k]
		var why []string
		for _, n := range r.names {
			if ca, cb := round4(r.countA[n]), round4(r.countB[n]); ca != cb {
				why = append(why, fmt.Sprintf("%s %s -> %s", n, num(ca), num(cb)))
			}
		}
		if len(why) == 0 && round2(r.usdA) != round2(r.usdB) {
			why = append(why, "unit prices (regions "+a.Region+", "+b.Region+")")
		}
		rowsOut = append(rowsOut, []string{k, usd(r.usdA), usd(r.usdB), signed(r.usdB - r.usdA), strings.Join(why, "; ")})
	}
	for _, c := range Capacities {
		rowsOut = append(rowsOut, []string{"total at " + c.String() + " capacity", usd(a.Total(c)), usd(b.Total(c)), signed(b.Total(c) - a.Total(c)), ""})
	}
	table(&s, rowsOut, "lrrrl")
	_, err := io.WriteString(w, s.String())
	return err
}

func signed(v float64) string {
	v = round2(v)
	if v > 0 {
		return "+" + usd(v)
	}
	if v == 0 {
		return "0.00"
	}
	return usd(v)
}

// SummaryLines writes the cost lines of the synth summary: one per stack,
// USD a month at min, desired and max capacity with the default assumptions,
// or why there is no estimate.
func SummaryLines(w io.Writer, stacks []*stackjson.Stack) {
	fmt.Fprintln(w, "estimated USD a month at min/desired/max capacity (list prices, default usage; go run ./cmd/review cost):")
	width := 0
	for _, s := range stacks {
		width = max(width, len(s.Name))
	}
	for _, s := range stacks {
		e, err := EstimateStack(s, Defaults())
		if err != nil {
			fmt.Fprintf(w, "  %-*s  no estimate: %s\n", width, s.Name, strings.ReplaceAll(strings.TrimPrefix(err.Error(), "cost of "+s.Name+": "), "\n", "\n  "))
			continue
		}
		fmt.Fprintf(w, "  %-*s  %s / %s / %s  (%d/%d/%d instances)\n", width, s.Name, usd(e.Total(Min)), usd(e.Total(Desired)), usd(e.Total(Max)), e.Instances[Min], e.Instances[Desired], e.Instances[Max])
	}
}
