package policy

import (
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// BenchmarkEvaluate: all rules on the three golden stacks.
func BenchmarkEvaluate(b *testing.B) {
	var stacks []*stackjson.Stack
	for _, env := range []string{"dev", "stage", "prod"} {
		stacks = append(stacks, stackOf(b, env, golden(b, env)))
	}
	f := prodFile()
	b.ReportAllocs()
	for b.Loop() {
		if res := Evaluate(f, stacks); len(res.Violations) != 0 {
			b.Fatal(res.Violations)
		}
	}
}
