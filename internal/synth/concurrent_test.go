package synth_test

// Synths started at once in one checkout (two terminals, an editor's save
// hook and make synth, a CI matrix sharing a workspace) must each finish,
// and leave one complete output behind.

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
)

// TestConcurrentSynthsInOneCheckout runs the real command three times at
// once on the same outdir (three processes, one jsii kernel each, as in real
// use; with two, a run on the old fixed staging directory failed 2 times in
// 3, with three 5 in 5). Every run must exit 0, and the outdir must hold every stack of the file, each
// complete and passing the policy checks, with no staging left behind.
func TestConcurrentSynthsInOneCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the main binary and runs three full synths at once (one jsii kernel each)")
	}
	bin := mainBinary(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	file, err := filepath.Abs("testdata/concurrent.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatalf("testdata/concurrent.yaml does not load: %v", err)
	}
	var wantStacks []string
	for _, e := range cfg.Environments {
		wantStacks = append(wantStacks, e.Name)
	}
	sort.Strings(wantStacks)

	parent := t.TempDir()
	outdir := filepath.Join(parent, "cdktf.out")
	work := t.TempDir() // the commands' working directory
	env := []string{"ENVIRONMENTS_FILE=" + file, "CDKTF_OUTDIR=" + outdir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ENVIRONMENTS_FILE=") && !strings.HasPrefix(kv, "CDKTF_OUTDIR=") {
			env = append(env, kv)
		}
	}
	for k, v := range jsiienv.Env(root) { // the pinned Node, as make synth runs it
		env = append(env, k+"="+v)
	}

	const runs = 3
	type result struct {
		err            error
		stdout, stderr bytes.Buffer
	}
	results := make([]*result, runs)
	cmds := make([]*exec.Cmd, runs)
	for i := range cmds {
		results[i] = &result{}
		cmds[i] = exec.Command(bin)
		cmds[i].Dir, cmds[i].Env = work, env
		cmds[i].Stdout, cmds[i].Stderr = &results[i].stdout, &results[i].stderr
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, cmd := range cmds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i].err = cmd.Run()
		}()
	}
	close(start)
	wg.Wait()

	for i, r := range results {
		if r.err != nil {
			t.Errorf("run %d of %d: got %v, want exit status 0\nstderr:\n%s", i+1, runs, r.err, r.stderr.String())
			continue
		}
		if !strings.Contains(r.stdout.String(), "policy checks: ") {
			t.Errorf("run %d of %d: stdout has no policy summary:\n%s", i+1, runs, r.stdout.String())
		}
	}

	// One complete output: the manifest and the stack directories agree
	// with the file, and every stack parses and passes the policy checks.
	var manifest struct {
		Stacks map[string]struct {
			SynthesizedStackPath string `json:"synthesizedStackPath"`
		} `json:"stacks"`
	}
	b, err := os.ReadFile(filepath.Join(outdir, "manifest.json"))
	if err != nil {
		t.Fatalf("reading the manifest: %v", err)
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		t.Fatalf("manifest.json: %v\n%s", err, b)
	}
	var inManifest []string
	for name, st := range manifest.Stacks {
		inManifest = append(inManifest, name)
		if _, err := os.Stat(filepath.Join(outdir, filepath.FromSlash(st.SynthesizedStackPath))); err != nil {
			t.Errorf("manifest stack %s: %s: %v", name, st.SynthesizedStackPath, err)
		}
	}
	sort.Strings(inManifest)
	if !slices.Equal(inManifest, wantStacks) {
		t.Errorf("manifest.json stacks: got %v, want %v", inManifest, wantStacks)
	}
	stacks, err := stackjson.LoadAll(outdir)
	if err != nil {
		t.Fatalf("loading %s: %v", outdir, err)
	}
	var got []string
	for _, s := range stacks {
		got = append(got, s.Name)
		if len(s.OfType("aws_lb")) != 1 || len(s.OfType("aws_launch_template")) != 1 {
			t.Errorf("stack %s: got %d load balancers and %d launch templates, want 1 and 1 (an incomplete stack)", s.Name, len(s.OfType("aws_lb")), len(s.OfType("aws_launch_template")))
		}
	}
	sort.Strings(got)
	if !slices.Equal(got, wantStacks) {
		t.Errorf("stacks in %s: got %v, want %v", outdir, got, wantStacks)
	}
	res := policy.Evaluate(cfg, stacks)
	for _, v := range res.Violations {
		t.Errorf("policy violation in the output: %s", v)
	}
	for _, p := range res.Problems {
		t.Errorf("policy problem in the output: %s", p)
	}

	if entries, _ := os.ReadDir(parent); len(entries) != 1 || entries[0].Name() != "cdktf.out" {
		t.Errorf("the outdir's parent holds %s; want only cdktf.out (no staging left behind)", names(entries))
	}
	if entries, _ := os.ReadDir(work); len(entries) != 0 {
		t.Errorf("the commands wrote %s into their working directory; want nothing", names(entries))
	}
}

// TestReplaceRetriesWhenAnotherRunWins: when another run puts its output in
// place between the two renames of replace, it is moved aside and this run's
// output takes its place; nothing is left outside work.
func TestReplaceRetriesWhenAnotherRunWins(t *testing.T) {
	parent := t.TempDir()
	outdir := filepath.Join(parent, "cdktf.out")
	mk := func(dir, content string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name     string
		previous bool // an outdir exists before
		races    int  // how many times another run wins between the renames
		wantErr  string
	}{
		{name: "no previous output"},
		{name: "previous output", previous: true},
		{name: "another run wins once", previous: true, races: 1},
		{name: "another run wins three times", races: 3},
		{name: "another run always wins", races: 100, wantErr: "moving the new output into"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(outdir)
			if c.previous {
				mk(outdir, "previous")
			}
			work, err := os.MkdirTemp(parent, ".cdktf.out.staging-")
			if err != nil {
				t.Fatal(err)
			}
			defer os.RemoveAll(work)
			staged := filepath.Join(work, "out")
			mk(staged, "mine")
			raced := 0
			restore := synth.SetHookBetweenRenames(func() {
				if raced < c.races {
					raced++
					mk(outdir, "theirs")
				}
			})
			defer restore()

			err = synth.Replace(staged, outdir, work)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || !errors.Is(err, os.ErrExist) {
					t.Fatalf("replace: got %v, want an error containing %q that wraps os.ErrExist", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("replace: %v", err)
			}
			b, err := os.ReadFile(filepath.Join(outdir, "manifest.json"))
			if err != nil || string(b) != "mine" {
				t.Fatalf("outdir manifest: got %q (%v), want %q", b, err, "mine")
			}
			if raced != c.races {
				t.Errorf("the other run won %d times, want %d", raced, c.races)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 2 {
				t.Errorf("parent holds %s; want cdktf.out and this run's work directory only", names(entries))
			}
		})
	}
}
