package review

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// One-line descriptions of resources, shared by the settings table (and so
// the synth summary and diff) and the diagram's node labels.

// ExpiryDays is the expiration in days of the first enabled rule of a
// lifecycle configuration that has one, or "".
func ExpiryDays(lc *stackjson.Resource) string {
	for _, rule := range lc.List("rule") {
		if s, _ := stackjson.Walk(rule, "status"); s != "Enabled" {
			continue
		}
		if d, ok := stackjson.Walk(rule, "expiration", "days"); ok {
			return fmt.Sprint(d)
		}
	}
	return ""
}

// RefersTo reports whether any reference in v names address.
func RefersTo(v any, address string) bool {
	for _, ref := range stackjson.Refs(v) {
		if ref.Address == address {
			return true
		}
	}
	return false
}

// RuleGroupsLine counts a web ACL's rules: "3 AWS managed rule groups".
func RuleGroupsLine(r *stackjson.Resource) string {
	vendors := map[string]int{}
	other := 0
	for _, rule := range r.List("rule") {
		if v, ok := stackjson.Walk(rule, "statement", "managed_rule_group_statement", "vendor_name"); ok {
			vendors[fmt.Sprint(v)]++
		} else {
			other++
		}
	}
	var parts []string
	for _, v := range sortedKeys(vendors) {
		parts = append(parts, plural(vendors[v], v+" managed rule group"))
	}
	if other > 0 {
		parts = append(parts, plural(other, "rule"))
	}
	if len(parts) == 0 {
		return "no rules"
	}
	return strings.Join(parts, " · ")
}

var comparisons = map[string]string{
	"GreaterThanThreshold":          ">",
	"GreaterThanOrEqualToThreshold": "≥",
	"LessThanThreshold":             "<",
	"LessThanOrEqualToThreshold":    "≤",
}

// AlarmLine is "CPU > 70% · 2 of 2 × 60s" (long) or "> 10" (short).
func AlarmLine(r *stackjson.Resource, long bool) string {
	op := comparisons[stringOf(r, "comparison_operator")]
	if op == "" {
		op = stringOf(r, "comparison_operator")
	}
	th := numberOf(r, "threshold")
	metric := stringOf(r, "metric_name")
	switch metric {
	case "CPUUtilization":
		metric, th = "CPU", th+"%"
	case "TargetResponseTime":
		th += "s"
	}
	if !long {
		return op + " " + th
	}
	line := fmt.Sprintf("%s %s %s", metric, op, th)
	if e := numberOf(r, "evaluation_periods"); e != "" {
		d := numberOf(r, "datapoints_to_alarm")
		if d == "" {
			d = e
		}
		line += fmt.Sprintf(" · %s of %s × %ss", d, e, numberOf(r, "period"))
	}
	return line
}

func stringOf(r *stackjson.Resource, p ...any) string { s, _ := r.String(p...); return s }

func numberOf(r *stackjson.Resource, p ...any) string {
	if v, ok := r.Number(p...); ok {
		return fmt.Sprintf("%g", v)
	}
	s, _ := r.String(p...)
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
