// Package policy is the project's synth-time policy check (in the spirit of
// cdk-nag): rules run over every synthesized stack before `make synth` reports
// success. Each rule has an ID, a one-line reason and a fix hint; a violation
// fails synth naming the rule and the resource path. A rule is suppressed only
// per resource, with a written reason, either in code (constructs/nag.Suppress)
// or in environments.yaml (suppressions:). Plain Go over internal/stackjson.
package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/policyid"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Rule is one policy rule.
type Rule struct {
	// ID is stable and used in suppressions, e.g. EWT-EC2-1.
	ID string
	// Reason is the one-line why.
	Reason string
	// Fix is the hint shown with a violation.
	Fix string
	// Check returns the offending resources of one stack with a short detail each.
	Check func(c *Context) []Finding
	// Warning rules report their findings without failing synth.
	Warning bool
}

// Context is what a rule sees.
type Context struct {
	// Stack under check.
	Stack *stackjson.Stack
	// Production is the environment's production flag.
	Production bool
	// Env is the environment's configuration (nil when checking without an
	// environments file); rules across settings read what the JSON does not hold.
	Env *config.Environment
	// memo holds what rules across settings share (cross.go).
	memo *memo
}

// Finding is one rule hit on one resource, or on the whole stack when
// Resource is the zero value (suppressed with the stack's name as resource).
type Finding struct {
	// Resource is the offending resource.
	Resource stackjson.Resource
	// Detail says what exactly is wrong.
	Detail string
}

// Violation is an unsuppressed finding.
type Violation struct {
	Stack  string
	Rule   Rule
	Where  string
	Detail string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s: %s: %s (%s) fix: %s", v.Stack, v.Rule.ID, v.Where, v.Detail, v.Rule.Reason, v.Rule.Fix)
}

// Suppression is one applied suppression.
type Suppression struct {
	// Stack, Rule and Resource (construct path) it applies to.
	Stack, Rule, Resource string
	// Reason given for it.
	Reason string
	// Source is "code" or "environments.yaml".
	Source string
}

// Result of checking all stacks.
type Result struct {
	// Violations are findings that no suppression covers.
	Violations []Violation
	// Warnings are unsuppressed findings of warning rules: printed, not failing.
	Warnings []Violation
	// Suppressed are the suppressions that matched a finding.
	Suppressed []Suppression
	// Problems are suppressions that are malformed or match nothing.
	Problems []string
}

// Rules returns every rule, in ID order.
func Rules() []Rule {
	rs := append([]Rule(nil), rules...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}

// Known reports whether id is a rule ID.
func Known(id string) bool {
	for _, r := range rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

// Evaluate runs every rule on every stack and applies the suppressions.
func Evaluate(f *config.File, stacks []*stackjson.Stack) Result {
	var res Result
	envs := map[string]*config.Environment{}
	if f != nil {
		for _, e := range f.Environments {
			envs[e.Name] = e
		}
	}
	for _, s := range stacks {
		ctx := &Context{Stack: s}
		type key struct{ rule, path string }
		supp := map[key]Suppression{}
		used := map[key]bool{}
		if e := envs[s.Name]; e != nil {
			ctx.Production = e.Production
			ctx.Env = e
			for _, cs := range e.Suppressions {
				k := key{cs.Rule, cs.Resource}
				if !Known(cs.Rule) {
					res.Problems = append(res.Problems, fmt.Sprintf("%s: suppression of unknown rule %q on %s; known rules: %s", s.Name, cs.Rule, cs.Resource, strings.Join(ids(), ", ")))
					continue
				}
				if _, ok := findResource(s, cs.Resource); !ok && cs.Resource != s.Name {
					res.Problems = append(res.Problems, fmt.Sprintf("%s: suppression of %s names resource %q, which is not in the stack (want a construct path such as %s/alb/lb, or %s for a rule on the whole stack)", s.Name, cs.Rule, cs.Resource, s.Name, s.Name))
					continue
				}
				supp[k] = Suppression{Stack: s.Name, Rule: cs.Rule, Resource: cs.Resource, Reason: cs.Reason, Source: "environments.yaml"}
			}
		}
		for _, r := range s.Resources {
			for _, cs := range CodeSuppressions(r) {
				if !Known(cs.Rule) || strings.TrimSpace(cs.Reason) == "" {
					res.Problems = append(res.Problems, fmt.Sprintf("%s: %s: code suppression of %q needs a known rule and a reason", s.Name, r.Where(), cs.Rule))
					continue
				}
				supp[key{cs.Rule, r.Path}] = Suppression{Stack: s.Name, Rule: cs.Rule, Resource: r.Path, Reason: cs.Reason, Source: "code"}
			}
		}
		for _, rule := range Rules() {
			for _, fd := range rule.Check(ctx) {
				matched := false
				names, where := []string{fd.Resource.Path, fd.Resource.Address()}, fd.Resource.Where()
				if fd.Resource.Type == "" {
					names, where = []string{s.Name}, s.Name+" (whole stack)"
				}
				for _, name := range names {
					if sp, ok := supp[key{rule.ID, name}]; ok {
						if !used[key{rule.ID, name}] {
							res.Suppressed = append(res.Suppressed, sp)
						}
						used[key{rule.ID, name}] = true
						matched = true
						break
					}
				}
				switch v := (Violation{Stack: s.Name, Rule: rule, Where: where, Detail: fd.Detail}); {
				case matched:
				case rule.Warning:
					res.Warnings = append(res.Warnings, v)
				default:
					res.Violations = append(res.Violations, v)
				}
			}
		}
		for k, sp := range supp {
			if !used[k] {
				res.Problems = append(res.Problems, fmt.Sprintf("%s: suppression of %s on %s (%s) matches no finding; remove it", s.Name, sp.Rule, sp.Resource, sp.Source))
			}
		}
	}
	sort.Strings(res.Problems)
	return res
}

// Check is a synth checker: it prints the suppressions and fails on any
// violation or stale suppression.
func Check(w io.Writer, f *config.File, stacks []*stackjson.Stack) error {
	res := Evaluate(f, stacks)
	fmt.Fprintf(w, "policy checks: %d rules on %d stacks, %d violations, %d warnings, %d suppressed\n", len(rules), len(stacks), len(res.Violations), len(res.Warnings), len(res.Suppressed))
	for _, s := range res.Suppressed {
		on := s.Stack + "/" + strings.TrimPrefix(s.Resource, s.Stack+"/")
		if s.Resource == s.Stack {
			on = s.Stack + " (whole stack)"
		}
		fmt.Fprintf(w, "  suppressed %s on %s (%s): %s\n", s.Rule, on, s.Source, s.Reason)
	}
	for _, v := range res.Warnings {
		fmt.Fprintf(w, "  warning %s\n", v)
	}
	if len(res.Violations) == 0 && len(res.Problems) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "policy checks failed:")
	for _, v := range res.Violations {
		b.WriteString("\n  - " + v.String())
	}
	for _, p := range res.Problems {
		b.WriteString("\n  - " + p)
	}
	return fmt.Errorf("%s", b.String())
}

func ids() []string {
	var out []string
	for _, r := range Rules() {
		out = append(out, r.ID)
	}
	return out
}

func findResource(s *stackjson.Stack, name string) (stackjson.Resource, bool) {
	for _, r := range s.Resources {
		if r.Path == name || r.Address() == name {
			return r, true
		}
	}
	return stackjson.Resource{}, false
}

// CodeSuppressionKey is the "//" metadata key under which constructs/nag
// records suppressions made in code.
const CodeSuppressionKey = policyid.SuppressionKey

// CodeSuppression is one suppression recorded in a resource's metadata.
type CodeSuppression struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// CodeSuppressions reads the suppressions recorded in code on r.
func CodeSuppressions(r stackjson.Resource) []CodeSuppression {
	v, ok := stackjson.Walk(r.Meta, CodeSuppressionKey)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(v)
	var out []CodeSuppression
	if err := json.Unmarshal(b, &out); err != nil {
		return []CodeSuppression{{Rule: "malformed", Reason: ""}}
	}
	return out
}
