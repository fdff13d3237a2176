package review

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Change is one setting that differs between two stacks ("" = not present).
type Change struct {
	Name, A, B string
}

// CountChange is one resource type whose count differs.
type CountChange struct {
	Type string
	A, B int
}

// Comparison is how two stacks differ in settings, resource counts and outputs.
type Comparison struct {
	// A and B name the stacks.
	A, B string
	// Settings that differ, in Settings order (names only in one stack last, sorted).
	Settings []Change
	// Counts of the resource types that differ, by type.
	Counts []CountChange
	// TotalA and TotalB count every resource.
	TotalA, TotalB int
	// OnlyA and OnlyB are output names present in one stack only.
	OnlyA, OnlyB []string
	// SameOutputs counts the outputs both have.
	SameOutputs int
}

// Compare lists what differs between stacks a and b.
func Compare(a, b *stackjson.Stack) Comparison {
	c := Comparison{A: a.Name, B: b.Name, TotalA: len(a.Resources), TotalB: len(b.Resources)}
	sa, sb := Settings(a), Settings(b)
	vb := map[string]string{}
	var order []string
	for _, s := range sb {
		vb[s.Name] = s.Value
	}
	va := map[string]string{}
	for _, s := range sa {
		va[s.Name] = s.Value
		order = append(order, s.Name)
	}
	var onlyB []string
	for _, s := range sb {
		if _, ok := va[s.Name]; !ok {
			onlyB = append(onlyB, s.Name)
		}
	}
	sort.Strings(onlyB)
	for _, name := range append(order, onlyB...) {
		if va[name] != vb[name] {
			c.Settings = append(c.Settings, Change{name, va[name], vb[name]})
		}
	}
	ca, cb := a.CountByType(), b.CountByType()
	types := map[string]bool{}
	for t := range ca {
		types[t] = true
	}
	for t := range cb {
		types[t] = true
	}
	for _, t := range slices.Sorted(maps.Keys(types)) {
		if ca[t] != cb[t] {
			c.Counts = append(c.Counts, CountChange{t, ca[t], cb[t]})
		}
	}
	for _, n := range slices.Sorted(maps.Keys(a.Outputs)) {
		if _, ok := b.Outputs[n]; ok {
			c.SameOutputs++
		} else {
			c.OnlyA = append(c.OnlyA, n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(b.Outputs)) {
		if _, ok := a.Outputs[n]; !ok {
			c.OnlyB = append(c.OnlyB, n)
		}
	}
	return c
}

// Empty reports whether the stacks do not differ in anything Compare looks at.
func (c Comparison) Empty() bool {
	return len(c.Settings) == 0 && len(c.Counts) == 0 && len(c.OnlyA) == 0 && len(c.OnlyB) == 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func count(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// Write prints the comparison: a headline, then the settings, resource
// counts and outputs that differ.
func (c Comparison) Write(w io.Writer) (err error) {
	var buf strings.Builder
	defer func() {
		if err == nil {
			_, err = io.WriteString(w, trimLines(buf.String()))
		}
	}()
	bw := &buf
	if c.Empty() {
		fmt.Fprintf(bw, "%s vs %s: no difference in settings, resource counts or outputs (%d resources each)\n", c.A, c.B, c.TotalA)
		return nil
	}
	fmt.Fprintf(bw, "%s vs %s: %d settings differ; %d resource types differ in count (%d vs %d resources)\n",
		c.A, c.B, len(c.Settings), len(c.Counts), c.TotalA, c.TotalB)
	if len(c.Settings) > 0 {
		fmt.Fprintln(bw)
		tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "SETTING\t%s\t%s\n", strings.ToUpper(c.A), strings.ToUpper(c.B))
		for _, s := range c.Settings {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, dash(s.A), dash(s.B))
		}
		tw.Flush()
	}
	if len(c.Counts) > 0 {
		fmt.Fprintln(bw)
		tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "RESOURCE TYPE\t%s\t%s\n", strings.ToUpper(c.A), strings.ToUpper(c.B))
		for _, n := range c.Counts {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", n.Type, count(n.A), count(n.B))
		}
		tw.Flush()
	}
	fmt.Fprintln(bw)
	switch {
	case len(c.OnlyA) == 0 && len(c.OnlyB) == 0:
		fmt.Fprintf(bw, "outputs: the same %d in both\n", c.SameOutputs)
	default:
		if len(c.OnlyA) > 0 {
			fmt.Fprintf(bw, "outputs only in %s: %s\n", c.A, strings.Join(c.OnlyA, ", "))
		}
		if len(c.OnlyB) > 0 {
			fmt.Fprintf(bw, "outputs only in %s: %s\n", c.B, strings.Join(c.OnlyB, ", "))
		}
	}
	return nil
}
