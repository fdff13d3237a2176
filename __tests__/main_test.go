// Package tests holds every test that needs the jsii kernel, in one package so
// one Node process serves them all. Two kinds:
//
//   - the user's tests of environments.yaml (snapshot_test.go): it loads,
//     every environment synthesizes and passes the policy, and each stack
//     matches its snapshot testdata/golden/<env>.tf.json (Jest's rules: a
//     missing snapshot is written, or fails with CI=true; `make snapshots`
//     rewrites them). They hold for any valid file.
//   - the library's tests: properties of the constructs and golden files of
//     fixtures the tests own (internal/testfixture, testdata/domain.yaml,
//     testdata/lifecycle), never the user's file, so it can change freely.
//
// Pure logic is tested next to its code without jsii.
package tests

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
	"github.com/platformstarter/elastic-web-tier/internal/lazyjsii"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

var update = flag.Bool("update", false, "rewrite the snapshots of environments.yaml and the golden files of the test fixtures in testdata/golden")

// repoRoot is the module root (this package lives one level below it).
var repoRoot, _ = filepath.Abs("..")

func TestMain(m *testing.M) {
	flag.Parse()
	jsiienv.Ensure(repoRoot)
	lazyjsii.Setup(os.Stderr)
	code := m.Run()
	if snapshotSummary != "" {
		fmt.Println(snapshotSummary)
	}
	jsii.Close()
	for _, dir := range tempDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// synthResult is one synthesized app: the output directory and its stacks by name.
type synthResult struct {
	dir    string
	stacks map[string]*stackjson.Stack
	raw    map[string][]byte
}

// synthFile synthesizes every environment of an environments file through the
// same code path as main (synth.Run, with checks) into a fresh directory.
func synthFile(t testing.TB, envFile string, checks ...synth.Checker) *synthResult {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cdktf.out")
	t.Setenv("ENVIRONMENTS_FILE", envFile)
	var log bytes.Buffer
	if err := synth.Run(&log, out, checks...); err != nil {
		t.Fatalf("synth of %s failed: %v\n%s", envFile, err, log.String())
	}
	return load(t, out)
}

func load(t testing.TB, out string) *synthResult {
	t.Helper()
	r, err := loadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func loadDir(out string) (*synthResult, error) {
	stacks, err := stackjson.LoadAll(out)
	if err != nil {
		return nil, err
	}
	r := &synthResult{dir: out, stacks: map[string]*stackjson.Stack{}, raw: map[string][]byte{}}
	for _, s := range stacks {
		r.stacks[s.Name] = s
		b, err := os.ReadFile(filepath.Join(out, "stacks", s.Name, stackjson.FileName))
		if err != nil {
			return nil, err
		}
		r.raw[s.Name] = b
	}
	return r, nil
}

// once synthesizes one environments file once per test binary (the jsii
// kernel is shared by every test; a synth of three environments takes a
// fraction of a second once the kernel runs).
type once struct {
	o      sync.Once
	result *synthResult
	err    error
}

// get synthesizes file through synth.Run with checks (the first call), into
// a directory removed at the end of the binary, and returns the result.
func (s *once) get(t *testing.T, file string, checks ...synth.Checker) *synthResult {
	t.Helper()
	s.o.Do(func() {
		dir, err := os.MkdirTemp("", "ewt-synth-")
		if err != nil {
			s.err = err
			return
		}
		tempDirsMu.Lock()
		tempDirs = append(tempDirs, dir)
		tempDirsMu.Unlock()
		out := filepath.Join(dir, "cdktf.out")
		os.Setenv("ENVIRONMENTS_FILE", file)
		defer os.Unsetenv("ENVIRONMENTS_FILE")
		var log bytes.Buffer
		if err := synth.Run(&log, out, checks...); err != nil {
			s.err = fmt.Errorf("synth of %s failed: %v\n%s", file, err, log.String())
			return
		}
		s.result, s.err = loadDir(out)
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.result
}

var (
	fixtureOnce once
	tempDirsMu  sync.Mutex
	tempDirs    []string // removed by TestMain
)

// fixtureSynth synthesizes the library's fixture (internal/testfixture:
// __tests__/testdata/fixture/environments.yaml, a copy of the sample as
// first shipped) once per test binary. Every property test of the
// constructs reads it, never the user's environments.yaml.
func fixtureSynth(t *testing.T) *synthResult {
	t.Helper()
	return fixtureOnce.get(t, testfixture.EnvironmentsFile(t))
}

// fixtureVariant synthesizes the library's own fixture (not the user's environments.yaml) with changes applied (structured edits:
// testfixture.Set, Remove, Append).
func fixtureVariant(t *testing.T, changes ...testfixture.Change) *synthResult {
	t.Helper()
	return synthFile(t, testfixture.Variant(t, changes...))
}

// show renders a resource for a failure message (jsii matchers only say yes or no;
// we print the JSON that was looked at).
func show(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func mustOne(t *testing.T, s *stackjson.Stack, typ string) stackjson.Resource {
	t.Helper()
	rs := s.OfType(typ)
	if len(rs) != 1 {
		t.Fatalf("%s: got %d %s resources, want 1", s.Name, len(rs), typ)
	}
	return rs[0]
}

func ref(r stackjson.Resource, attr string) string {
	return fmt.Sprintf("${%s.%s}", r.Address(), attr)
}
