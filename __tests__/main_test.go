// Package tests holds every test that needs the jsii kernel, in one package so
// one Node process serves them all: snapshot (golden) tests of the synthesized
// JSON and property tests of the constructs. Pure logic is tested next to its
// code without jsii.
package tests

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
	"github.com/platformstarter/elastic-web-tier/internal/lazyjsii"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// repoRoot is the module root (this package lives one level below it).
var repoRoot, _ = filepath.Abs("..")

func TestMain(m *testing.M) {
	flag.Parse()
	jsiienv.Ensure(repoRoot)
	lazyjsii.Setup(os.Stderr)
	code := m.Run()
	jsii.Close()
	if defaultDir != "" {
		os.RemoveAll(defaultDir)
	}
	os.Exit(code)
}

// synthResult is one synthesized app: the output directory and its stacks by name.
type synthResult struct {
	dir    string
	stacks map[string]*tfjson.Stack
	raw    map[string][]byte
}

// synthFile synthesizes every environment of an environments file through the
// same code path as main (synth.Run) into a fresh directory.
func synthFile(t testing.TB, envFile string) *synthResult {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	t.Setenv("ENVIRONMENTS_FILE", envFile)
	var log bytes.Buffer
	if err := synth.Run(&log, out); err != nil {
		t.Fatalf("synth of %s failed: %v\n%s", envFile, err, log.String())
	}
	return load(t, out)
}

func load(t testing.TB, out string) *synthResult {
	t.Helper()
	stacks, err := tfjson.LoadAll(out)
	if err != nil {
		t.Fatal(err)
	}
	r := &synthResult{dir: out, stacks: map[string]*tfjson.Stack{}, raw: map[string][]byte{}}
	for _, s := range stacks {
		r.stacks[s.Name] = s
		b, err := os.ReadFile(filepath.Join(out, "stacks", s.Name, tfjson.FileName))
		if err != nil {
			t.Fatal(err)
		}
		r.raw[s.Name] = b
	}
	return r
}

var (
	defaultOnce   sync.Once
	defaultResult *synthResult
	defaultDir    string
)

// defaultSynth synthesizes the repository's environments.yaml once per test binary.
func defaultSynth(t *testing.T) *synthResult {
	t.Helper()
	defaultOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ewt-default-synth-")
		if err != nil {
			t.Fatal(err)
		}
		defaultDir = dir
		out := filepath.Join(dir, "cdktf.out")
		os.Setenv("ENVIRONMENTS_FILE", filepath.Join(repoRoot, "environments.yaml"))
		defer os.Unsetenv("ENVIRONMENTS_FILE")
		var log bytes.Buffer
		if err := synth.Run(&log, out); err != nil {
			t.Fatalf("synth of environments.yaml failed: %v\n%s", err, log.String())
		}
		defaultResult = load(t, out)
	})
	if defaultResult == nil {
		t.Fatal("the default synth failed in an earlier test")
	}
	return defaultResult
}

// variant writes an environments file made of the repository's file with
// replacements applied (old -> new, each must match), and synthesizes it.
func variant(t *testing.T, replacements ...string) *synthResult {
	t.Helper()
	base, err := os.ReadFile(filepath.Join(repoRoot, "environments.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(base)
	for i := 0; i+1 < len(replacements); i += 2 {
		if !strings.Contains(s, replacements[i]) {
			t.Fatalf("variant: %q not found in environments.yaml", replacements[i])
		}
		s = strings.Replace(s, replacements[i], replacements[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "environments.yaml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return synthFile(t, p)
}

// show renders a resource for a failure message (jsii matchers only say yes or no;
// we print the JSON that was looked at).
func show(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func mustOne(t *testing.T, s *tfjson.Stack, typ string) tfjson.Resource {
	t.Helper()
	rs := s.OfType(typ)
	if len(rs) != 1 {
		t.Fatalf("%s: got %d %s resources, want 1", s.Name, len(rs), typ)
	}
	return rs[0]
}

func ref(r tfjson.Resource, attr string) string {
	return fmt.Sprintf("${%s.%s}", r.Address(), attr)
}
