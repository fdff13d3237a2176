// Package review turns synthesized stacks into something a reviewer can read:
// a summary table per stack, an environment diff and an architecture diagram.
package review

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/platformstarter/elastic-web-tier/internal/config"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

// SummaryCheck prints the summary of every stack; it never fails.
func SummaryCheck(w io.Writer, f *config.File, stacks []*tfjson.Stack) error {
	Summary(w, stacks)
	return nil
}

// Summary writes one block per stack: resources by type, outputs, backend, compute mode.
func Summary(w io.Writer, stacks []*tfjson.Stack) {
	for _, s := range stacks {
		mode := "?"
		if o, ok := s.Outputs["compute_mode"]; ok {
			mode = fmt.Sprint(o.Value)
		}
		fmt.Fprintf(w, "stack %s: %d resources, %d data sources, %d outputs, backend %s, compute mode %s\n",
			s.Name, len(s.Resources), len(s.Data), len(s.Outputs), s.Backend.Type, mode)
		counts := s.CountByType()
		types := make([]string, 0, len(counts))
		for t := range counts {
			types = append(types, t)
		}
		sort.Strings(types)
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, t := range types {
			fmt.Fprintf(tw, "  %s\t%d\n", t, counts[t])
		}
		tw.Flush()
		names := make([]string, 0, len(s.Outputs))
		for n := range s.Outputs {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(w, "  outputs: %s\n", strings.Join(names, ", "))
	}
}
