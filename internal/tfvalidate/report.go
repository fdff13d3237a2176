package tfvalidate

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Table writes the per-stack Markdown table.
func Table(w io.Writer, results []*Result) {
	fmt.Fprintln(w, "| stack | validate | plan | to add | to change | to destroy | warnings | data sources overridden | validate time | plan time |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---|---:|---:|")
	for _, r := range results {
		plan := "not run"
		switch {
		case r.Planned:
			plan = "ok"
		case r.Valid:
			plan = "FAILED"
		}
		valid := "valid"
		if !r.Valid {
			valid = "INVALID"
		}
		planTime := "-"
		if r.PlanTime > 0 {
			planTime = seconds(r.PlanTime)
		}
		add, change, destroy := "-", "-", "-"
		if r.Planned {
			add, change, destroy = fmt.Sprint(r.Add), fmt.Sprint(r.Change), fmt.Sprint(r.Destroy)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |\n",
			r.Stack, valid, plan, add, change, destroy, len(r.Warnings), answered(r.Answers),
			seconds(r.ValidateTime), planTime)
	}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// answered summarizes how data sources were answered: "2 (aws_ssm_parameter, ...)".
func answered(as []Answer) string {
	var names []string
	seen := map[string]bool{}
	for _, a := range as {
		if a.Provider {
			continue
		}
		typ := strings.SplitN(strings.TrimPrefix(a.Address, "data."), ".", 2)[0]
		if a.Generated {
			typ += " (generated)"
		}
		if !seen[typ] {
			names = append(names, typ)
			seen[typ] = true
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", countOverridden(as), strings.Join(names, ", "))
}

// Details writes the offline-setup notes (those every stack shares once),
// then, per stack, its own notes, every error and every warning; an error
// that is the provider not knowing an argument is marked as the version gap.
func Details(w io.Writer, results []*Result) {
	shared := map[string]int{}
	for _, r := range results {
		for _, n := range r.Notes {
			shared[n]++
		}
	}
	var common []string
	for _, r := range results {
		for _, n := range r.Notes {
			if shared[n] == len(results) && !contains(common, n) {
				common = append(common, n)
			}
		}
	}
	if len(common) > 0 {
		fmt.Fprintln(w, "\nevery stack:")
		for _, n := range common {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	for _, r := range results {
		var lines []string
		for _, n := range r.Notes {
			if !contains(common, n) {
				lines = append(lines, "  note: "+n)
			}
		}
		for _, a := range r.Answers {
			if a.Generated {
				lines = append(lines, fmt.Sprintf("  note: %s answered with values Terraform generates (no plausible values known for its type)", a.Address))
			}
		}
		for _, d := range r.Errors {
			lines = append(lines, "  error: "+d.String())
			if d.UnknownToProvider() {
				lines = append(lines, fmt.Sprintf("         ^ the bindings emit this for provider %s; the provider built here (%s) does not know it",
					orUnknown(r.RequiredVersion), ProviderUpstreamVersion))
			}
		}
		for _, d := range r.Warnings {
			lines = append(lines, "  warning: "+d.String())
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n%s:\n%s\n", r.Stack, strings.Join(lines, "\n"))
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "(unpinned)"
	}
	return s
}

// VersionGap lists the attributes and blocks, across results, that the
// provider rejected as unknown (see Diagnostic.UnknownToProvider).
func VersionGap(results []*Result) []string {
	var out []string
	for _, r := range results {
		for _, d := range r.Errors {
			if d.UnknownToProvider() {
				out = append(out, r.Stack+": "+d.String())
			}
		}
	}
	return out
}
