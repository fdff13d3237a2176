// Package reviewtest holds the test helpers that internal/review,
// internal/diagram and internal/reviewcli share: the reviewed golden stacks
// of the library's fixture (internal/testfixture; __tests__ keeps them equal
// to what synth produces), synthetic stacks and golden-file checks. Only
// tests import it; it is jsii-free.
package reviewtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// Paths as seen from a package directory under internal/: the fixture's
// golden stacks and environments file (never the user's environments.yaml).
const (
	GoldenDir        = "../../" + testfixture.GoldenSubdir
	EnvironmentsFile = "../../" + testfixture.FixtureDir + "/environments.yaml"
)

var (
	mu    sync.Mutex
	cache = map[string][]byte{}
)

// GoldenStack parses the golden stack of env (the file is read once).
func GoldenStack(t testing.TB, env string) *stackjson.Stack {
	t.Helper()
	mu.Lock()
	data, ok := cache[env]
	if !ok {
		var err error
		if data, err = os.ReadFile(filepath.Join(GoldenDir, env+".tf.json")); err != nil {
			mu.Unlock()
			t.Fatalf("golden stack %s: %v", env, err)
		}
		cache[env] = data
	}
	mu.Unlock()
	s, err := stackjson.Parse(env, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// GoldenStacks returns every golden stack (in file order) and the fixture's
// environments file, for the caller to order them (review.OrderStacks).
func GoldenStacks(t testing.TB) ([]*stackjson.Stack, *config.File) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(GoldenDir, "*.tf.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden stacks in %s (err %v); they come from go test ./__tests__ -run TestFixtureGolden -update", GoldenDir, err)
	}
	var stacks []*stackjson.Stack
	for _, f := range files {
		stacks = append(stacks, GoldenStack(t, strings.TrimSuffix(filepath.Base(f), ".tf.json")))
	}
	cfg, err := config.Load(EnvironmentsFile)
	if err != nil {
		t.Fatalf("loading %s: %v", EnvironmentsFile, err)
	}
	return stacks, cfg
}

// Res is one resource of a synthetic stack; Path is the construct path
// without the stack name ("network/vpc"); "" leaves the metadata out.
type Res struct {
	Type, Name, Path string
	Attrs            map[string]any
}

// MkStack builds a stack from resources the way CDKTF writes them.
func MkStack(t testing.TB, name string, rs ...Res) *stackjson.Stack {
	t.Helper()
	doc := map[string]any{}
	for _, r := range rs {
		section, typ := "resource", r.Type
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
		for k, v := range r.Attrs {
			body[k] = v
		}
		if r.Path != "" {
			body["//"] = map[string]any{"metadata": map[string]any{"path": name + "/" + r.Path, "uniqueId": r.Name}}
		}
		byType[typ].(map[string]any)[r.Name] = body
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := stackjson.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Ref is "${address.attr}".
func Ref(address, attr string) string { return "${" + address + "." + attr + "}" }

// CheckGolden compares got with the file at path, or writes it when update
// is set; regenerate is the command that rewrites it, for the messages.
func CheckGolden(t *testing.T, path, got string, update bool, regenerate string) {
	t.Helper()
	if update {
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
		t.Fatalf("%v (run %s to create it)", err, regenerate)
	}
	if got != string(want) {
		t.Errorf("%s is stale (run %s and review the diff):\n%s", path, regenerate, LineDiff(string(want), got))
	}
}

// LineDiff shows the first differing line of want and got.
func LineDiff(want, got string) string {
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
