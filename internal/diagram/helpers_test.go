package diagram

import (
	"flag"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/reviewtest"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

var update = flag.Bool("update", false, "rewrite docs/diagrams and the README diagram block from the current code")

// Outputs the tests keep current.
const (
	docsDir    = "../../docs/diagrams"
	readmeFile = "../../README.md"
)

// The shared helpers (internal/reviewtest), under the names these tests use.
var (
	goldenStack = reviewtest.GoldenStack
	ref         = reviewtest.Ref
	lineDiff    = reviewtest.LineDiff
)

// res is reviewtest.Res for the tests' positional literals
// {type, name, construct path, attributes}.
type res struct {
	typ, name, path string
	attrs           map[string]any
}

// mkStack builds a stack from resources the way CDKTF writes them.
func mkStack(t testing.TB, name string, rs ...res) *stackjson.Stack {
	t.Helper()
	out := make([]reviewtest.Res, len(rs))
	for i, r := range rs {
		out[i] = reviewtest.Res{Type: r.typ, Name: r.name, Path: r.path, Attrs: r.attrs}
	}
	return reviewtest.MkStack(t, name, out...)
}

// goldenStacks returns every golden stack of the fixture, in its file order.
func goldenStacks(t testing.TB) []*stackjson.Stack {
	t.Helper()
	return review.OrderStacks(reviewtest.GoldenStacks(t))
}

// checkGolden compares got with the file at path, or writes it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	reviewtest.CheckGolden(t, path, got, *update, "go test ./internal/diagram -update, or "+RegenerateCommand+",")
}
