package review

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/config"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden (summary, diffs) from the current code")

// Input: the reviewed golden snapshots of the synthesized stacks that
// __tests__ keeps equal to what synth produces (go test ./__tests__ -update),
// so these tests run without synth and the diagrams follow the real stacks.
const (
	goldenDir        = "../../__tests__/testdata/golden"
	environmentsFile = "../../environments.yaml"
)

// goldenStacks returns every golden stack in environments.yaml order.
func goldenStacks(t testing.TB) []*tfjson.Stack {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.tf.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden stacks in %s (err %v); they come from go test ./__tests__ -update", goldenDir, err)
	}
	var stacks []*tfjson.Stack
	for _, f := range files {
		stacks = append(stacks, goldenStack(t, strings.TrimSuffix(filepath.Base(f), ".tf.json")))
	}
	cfg, err := config.Load(environmentsFile)
	if err != nil {
		t.Fatalf("loading %s: %v", environmentsFile, err)
	}
	return OrderStacks(stacks, cfg)
}

var goldenCache = map[string][]byte{}

// goldenStack parses one golden stack.
func goldenStack(t testing.TB, env string) *tfjson.Stack {
	t.Helper()
	data, ok := goldenCache[env]
	if !ok {
		var err error
		if data, err = os.ReadFile(filepath.Join(goldenDir, env+".tf.json")); err != nil {
			t.Fatalf("golden stack %s: %v", env, err)
		}
		goldenCache[env] = data
	}
	s, err := tfjson.Parse(env, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// res is one resource of a synthetic stack; path is the construct path
// without the stack name ("network/vpc"); "" leaves the metadata out.
type res struct {
	typ, name, path string
	attrs           map[string]any
}

// mkStack builds a stack from resources the way CDKTF writes them.
func mkStack(t testing.TB, name string, rs ...res) *tfjson.Stack {
	t.Helper()
	doc := map[string]any{}
	for _, r := range rs {
		section, typ := "resource", r.typ
		if strings.HasPrefix(typ, "data.") {
			section, typ = "data", strings.TrimPrefix(typ, "data.")
		}
		if doc[section] == nil {
			doc[section] = map[string]any{}
		}
		byType := doc[section].(map[string]any)
		if byType[typ] == nil {
			byType[typ] = map[string]any{}
		}
		body := map[string]any{}
		for k, v := range r.attrs {
			body[k] = v
		}
		if r.path != "" {
			body["//"] = map[string]any{"metadata": map[string]any{"path": name + "/" + r.path, "uniqueId": r.name}}
		}
		byType[typ].(map[string]any)[r.name] = body
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tfjson.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ref is "${address.attr}".
func ref(address, attr string) string { return "${" + address + "." + attr + "}" }

// checkGolden compares got with the file at path, or writes it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/review -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s is stale (run go test ./internal/review -update and review the diff):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first differing line of want and got with context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q\n(want %d lines, got %d)", i+1, wl, gl, len(w), len(g))
		}
	}
	return "(equal)"
}
