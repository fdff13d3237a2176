// Package review turns synthesized stacks into something a reviewer can read:
// a summary table of every stack (the end of every synth) and the
// differences between two environments in settings rather than JSON. It is
// what the synth binary links; the diagrams are internal/diagram and the
// command line internal/reviewcli, which only cmd/review links. Plain Go over
// internal/stackjson, no jsii.
package review

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Suppression is one policy-check suppression of one stack, as the summary
// lists it. Its fields match policy.Suppression, so a []policy.Suppression
// converts element by element: review.Suppression(s).
type Suppression struct {
	// Stack, Rule and Resource (construct path or address) it applies to.
	Stack, Rule, Resource string
	// Reason given for it.
	Reason string
	// Source is where it is declared: "environments.yaml" or "code".
	Source string
}

// AppliedSuppressions returns the suppressions the policy check applied to
// the stacks (declared in environments.yaml or in code), sorted by stack,
// rule and resource.
func AppliedSuppressions(f *config.File, stacks []*stackjson.Stack) []Suppression {
	var out []Suppression
	for _, s := range policy.Evaluate(f, stacks).Suppressed {
		out = append(out, Suppression(s))
	}
	sortSuppressions(out)
	return out
}

func sortSuppressions(s []Suppression) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Stack != b.Stack {
			return a.Stack < b.Stack
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Resource < b.Resource
	})
}

// SummaryCheck is the synth checker that ends `make synth` with the summary
// table; it fails only when the summary cannot be written.
func SummaryCheck(w io.Writer, f *config.File, stacks []*stackjson.Stack) error {
	return WriteSummary(w, OrderStacks(stacks, f), AppliedSuppressions(f, stacks))
}

// OrderStacks returns the stacks in the order of the environments file
// (dev, stage, prod), stacks it does not name last by name.
func OrderStacks(stacks []*stackjson.Stack, f *config.File) []*stackjson.Stack {
	pos := map[string]int{}
	if f != nil {
		for i, e := range f.Environments {
			pos[e.Name] = i + 1
		}
	}
	out := append([]*stackjson.Stack(nil), stacks...)
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := pos[out[i].Name], pos[out[j].Name]
		if (pi == 0) != (pj == 0) {
			return pi != 0
		}
		if pi != pj {
			return pi < pj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// WriteSummary writes one table with a column per stack (compute mode,
// backend, resource, data source and output counts, resources by type), the
// output names, the estimated monthly cost of each stack (internal/cost) and
// the policy-check suppressions.
func WriteSummary(w io.Writer, stacks []*stackjson.Stack, suppressions []Suppression) (err error) {
	var buf strings.Builder
	defer func() {
		if err == nil {
			_, err = io.WriteString(w, trimLines(buf.String()))
		}
	}()
	bw := &buf
	noun := "stacks"
	if len(stacks) == 1 {
		noun = "stack"
	}
	fmt.Fprintf(bw, "\nreview summary: %d %s (details: go run ./cmd/review diff A B, diagrams in docs/diagrams)\n", len(stacks), noun)
	if len(stacks) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	row := func(label string, cell func(s *stackjson.Stack) string) {
		cells := []string{label}
		for _, s := range stacks {
			cells = append(cells, cell(s))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	row("", func(s *stackjson.Stack) string { return s.Name })
	row("compute mode", ComputeMode)
	row("backend", func(s *stackjson.Stack) string {
		if s.Backend.Type == "" {
			return "local (default)"
		}
		return s.Backend.Type
	})
	row("entry point", func(s *stackjson.Stack) string {
		if names, _ := DomainNames(s); len(names) > 0 {
			return "https://" + names[0]
		}
		if CertificateLine(s) != "none" {
			return "HTTPS"
		}
		return "HTTP"
	})
	row("certificate", func(s *stackjson.Stack) string {
		switch c := CertificateLine(s); {
		case c == "none":
			return "none"
		case strings.HasPrefix(c, "given"):
			return "given ARN"
		}
		return "ACM (DNS)"
	})
	row("resources", func(s *stackjson.Stack) string { return fmt.Sprint(len(s.Resources)) })
	row("data sources", func(s *stackjson.Stack) string { return fmt.Sprint(len(s.Data)) })
	row("outputs", func(s *stackjson.Stack) string { return fmt.Sprint(len(s.Outputs)) })
	row("resources by type:", func(*stackjson.Stack) string { return "" })
	types := map[string]bool{}
	counts := map[string]map[string]int{}
	for _, s := range stacks {
		counts[s.Name] = s.CountByType()
		for t := range counts[s.Name] {
			types[t] = true
		}
	}
	for _, t := range sortedKeys(types) {
		row("  "+t, func(s *stackjson.Stack) string { return count(counts[s.Name][t]) })
	}
	tw.Flush()

	// Output names: once when every stack has the same, else per stack.
	same := true
	for _, s := range stacks[1:] {
		if strings.Join(sortedKeys(s.Outputs), ",") != strings.Join(sortedKeys(stacks[0].Outputs), ",") {
			same = false
		}
	}
	if same {
		wrapList(bw, "outputs (every stack): ", sortedKeys(stacks[0].Outputs))
	} else {
		for _, s := range stacks {
			wrapList(bw, "outputs of "+s.Name+": ", sortedKeys(s.Outputs))
		}
	}

	cost.SummaryLines(bw, stacks) // one line per stack: USD a month at min/desired/max

	if len(suppressions) == 0 {
		fmt.Fprintln(bw, "policy-check suppressions: none")
		return nil
	}
	sorted := append([]Suppression(nil), suppressions...)
	sortSuppressions(sorted)
	fmt.Fprintf(bw, "policy-check suppressions (%d):\n", len(sorted))
	tw = tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  STACK\tRULE\tRESOURCE\tSOURCE\tREASON")
	for _, s := range sorted {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", s.Stack, s.Rule, s.Resource, dash(s.Source), oneLine(s.Reason))
	}
	tw.Flush()
	return nil
}

// trimLines removes trailing blanks that tabwriter leaves after empty cells.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// wrapList writes prefix and the items, comma separated, wrapped at 100 columns.
func wrapList(w io.Writer, prefix string, items []string) {
	const width = 100
	line := prefix
	indent := strings.Repeat(" ", 2)
	for i, it := range items {
		sep := ", "
		if i == len(items)-1 {
			sep = ""
		}
		if len(line)+len(it)+len(sep) > width && strings.TrimSpace(line) != strings.TrimSpace(prefix) {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line = indent
		}
		line += it + sep
	}
	if len(items) == 0 {
		line += "none"
	}
	fmt.Fprintln(w, line)
}
