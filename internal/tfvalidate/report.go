package tfvalidate

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Table writes the per-stack Markdown table.
func Table(w io.Writer, results []*Result) {
	fmt.Fprintln(w, "| stack | validate | plan | to add | to change | to destroy | warnings | data sources answered locally | validate time | plan time |")
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

// Details writes, per stack, every error and warning, the offline-setup
// notes, and the attributes the built provider does not know.
func Details(w io.Writer, results []*Result) {
	for _, r := range results {
		if len(r.Errors)+len(r.Warnings)+len(r.Notes) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", r.Stack)
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
		for _, a := range r.Answers {
			if a.Generated {
				fmt.Fprintf(w, "  note: %s answered with values Terraform generates (no plausible values known for its type)\n", a.Address)
			}
		}
		for _, d := range r.Errors {
			fmt.Fprintf(w, "  error: %s\n", d)
			if d.UnknownToProvider() {
				fmt.Fprintf(w, "         ^ the bindings emit this for provider %s; the provider built here (%s) does not know it\n",
					orUnknown(r.RequiredVersion), ProviderUpstreamVersion)
			}
		}
		for _, d := range r.Warnings {
			fmt.Fprintf(w, "  warning: %s\n", d)
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
