package tests

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/snapshot"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// userFile is the user's environments file, the repository's
// environments.yaml: only the tests in this file read it, and they hold for
// any valid file.
var userFile = filepath.Join(repoRoot, "environments.yaml")

// snapshotDir holds the user's snapshots, one <env>.tf.json per environment
// (the library's fixtures keep their golden files in subdirectories).
const (
	snapshotDir     = "testdata/golden"
	snapshotDisplay = "__tests__/testdata/golden"
	// snapshotCommand rewrites them; the failure messages name it.
	snapshotCommand = "make snapshots"
)

var userOnce once

// userSynth synthesizes the user's environments.yaml once per test binary,
// as make synth does (with the policy check and the summary).
func userSynth(t *testing.T) *synthResult {
	t.Helper()
	return userOnce.get(t, userFile, policy.Check, review.SummaryCheck)
}

func loadEnvNames(t *testing.T, file string) []string {
	t.Helper()
	f, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range f.Environments {
		names = append(names, e.Name)
	}
	return names
}

// TestEnvironmentsFile checks the user's environments.yaml, whatever it
// holds: it loads, every environment synthesizes into a stack of its name
// and nothing else, the policy check passes, and every stack has the
// outputs contract.
func TestEnvironmentsFile(t *testing.T) {
	envs := loadEnvNames(t, userFile)
	r := userSynth(t) // fails with the policy's findings, if any
	got := keys(r.stacks)
	slices.Sort(got)
	want := slices.Clone(envs)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("synthesized stacks %v, want one per environment of environments.yaml %v", got, want)
	}
	for _, env := range envs {
		for _, spec := range outputs.Contract {
			if _, ok := r.stacks[env].Outputs[spec.Name]; !ok {
				t.Errorf("%s: output %s missing", env, spec.Name)
			}
		}
	}
}

// snapshotSummary is what TestSnapshots wrote or found ("1 snapshot
// written: qa"); TestMain prints it (go test shows it with -v, or run in
// the __tests__ directory as make snapshots does).
var snapshotSummary string

// TestSnapshots compares each environment of the user's environments.yaml
// with its snapshot testdata/golden/<env>.tf.json, with Jest's rules
// (internal/snapshot): a missing snapshot is written and reported, or fails
// when CI is set; a changed one fails with a diff by resource address and
// attribute; a snapshot of an environment no longer in the file is
// obsolete (reported; a failure when CI is set). `make snapshots` (-update)
// rewrites them all and removes the obsolete ones; review the diff.
func TestSnapshots(t *testing.T) {
	envs := loadEnvNames(t, userFile)
	r := userSynth(t)
	rep, err := snapshot.Sync(snapshotDir, snapshotDisplay, envs, r.raw, snapshot.Mode{CI: snapshot.CIFromEnv(), Update: *update}, snapshotCommand)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			if msg, ok := rep.Failures[env]; ok {
				t.Error(msg)
			}
		})
	}
	for name, msg := range rep.Failures {
		if !slices.Contains(envs, name) {
			t.Error(msg)
		}
	}
	if s := rep.Summary(); s != "" {
		t.Log(s)
		snapshotSummary = s
	}
}

// TestFixtureGolden compares each stack of the library's fixture
// (internal/testfixture) with its reviewed golden file byte for byte: a
// missing golden fails too. `go test ./__tests__ -update` rewrites them;
// review the diff before committing. The tests of the pure packages
// (policy, cost, review, diagram, simulate, e2e) read these files.
func TestFixtureGolden(t *testing.T) {
	envs := loadEnvNames(t, testfixture.EnvironmentsFile(t))
	r := fixtureSynth(t)
	dir := testfixture.GoldenDir(t)
	for _, env := range envs {
		t.Run(env, func(t *testing.T) {
			got, ok := r.raw[env]
			if !ok {
				t.Fatalf("no stack %q synthesized; got %v", env, keys(r.raw))
			}
			checkGolden(t, env, got, filepath.Join(dir, env+".tf.json"))
		})
	}
	checkNoStrayGoldens(t, dir, envs)
}

// checkNoStrayGoldens fails on a golden file in dir of no environment in
// envs (-update removes it).
func checkNoStrayGoldens(t *testing.T, dir string, envs []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if slices.Contains(envs, strings.TrimSuffix(filepath.Base(f), ".tf.json")) {
			continue
		}
		if *update {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s belongs to no environment of the fixture %v (go test ./__tests__ -update removes it)", f, envs)
	}
}

// TestDeterministic: the same config gives byte-identical JSON, also when
// synthesized from another folder (a checkout elsewhere), and no absolute
// path of the machine leaks into the output.
func TestDeterministic(t *testing.T) {
	first := fixtureSynth(t)
	elsewhere := t.TempDir()
	cfg, err := os.ReadFile(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, "environments.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(elsewhere)
	second := synthFile(t, "environments.yaml")
	if len(second.raw) != len(first.raw) {
		t.Fatalf("got %d stacks the second time, want %d", len(second.raw), len(first.raw))
	}
	for name, a := range first.raw {
		b := second.raw[name]
		if !bytes.Equal(a, b) {
			t.Errorf("%s: second synth differs:\n%s", name, snapshot.Describe(a, b))
		}
		for _, p := range []string{repoRoot, elsewhere, os.TempDir(), first.dir, second.dir} {
			if strings.Contains(string(b), p) {
				t.Errorf("%s: output contains the absolute path %q", name, p)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkGolden compares a synthesized stack of a library fixture with its
// golden file (a missing file fails), or rewrites the file under -update.
func checkGolden(t *testing.T, env string, got []byte, golden string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run `go test ./__tests__ -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (want: the golden file, got: the synthesized stack; run `go test ./__tests__ -update` and review the diff):\n%s", env, golden, snapshot.Describe(want, got))
	}
}

// TestNewUserSnapshots runs a new user's first edits of environments.yaml,
// on a copy of the fixture (the sample as shipped), through the snapshot
// rules: add qa (a copy of stage's block), switch dev to asg at the largest
// max_size its budget allows (5: 140.60 USD a month; 6 would be 150.94,
// over its 150), give prod a domain and an alarm e-mail (and drop its
// EWT-ALB-4 and EWT-OBS-1 suppressions, which they make stale). The edited file
// synthesizes and passes the policy. Against the shipped snapshots: a
// local run writes qa's and fails on dev and prod with diffs by resource;
// under CI the missing qa fails and nothing is written; after an update a
// run passes; with qa gone again its snapshot is obsolete.
func TestNewUserSnapshots(t *testing.T) {
	fixture, err := os.ReadFile(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	stage, err := testfixture.Get(fixture, "environments.stage")
	if err != nil {
		t.Fatal(err)
	}
	file := testfixture.Write(t, t.TempDir(), fixture,
		testfixture.Set("environments.qa", stage),
		testfixture.Set("environments.dev.compute_mode", "asg"),
		testfixture.Set("environments.dev.compute.max_size", 5),
		testfixture.Set("environments.prod.alb.domain", map[string]string{"name": "app.example.com", "zone_name": "example.com"}),
		testfixture.Set("environments.prod.observability.alarm_email", "ops@example.com"),
		// The domain and the e-mail make the suppressions of EWT-ALB-4 and
		// EWT-OBS-1 stale (a stale suppression fails synth): the user drops
		// them, as synth says; EWT-STATE-1's stays (no state bucket yet).
		testfixture.Remove("environments.prod.suppressions.1"),
		testfixture.Remove("environments.prod.suppressions.0"),
	)
	envs := loadEnvNames(t, file)
	if want := []string{"dev", "stage", "prod", "qa"}; !slices.Equal(envs, want) {
		t.Fatalf("environments %v, want %v", envs, want)
	}
	r := synthFile(t, file, policy.Check)

	// shipped is a fresh copy of the shipped snapshots (the fixture's goldens).
	shipped := func(t *testing.T) string {
		t.Helper()
		dir := t.TempDir()
		for _, env := range []string{"dev", "stage", "prod"} {
			if err := os.WriteFile(filepath.Join(dir, env+".tf.json"), testfixture.Golden(t, env), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	check := func(t *testing.T, dir string, envs []string, mode snapshot.Mode) snapshot.Report {
		t.Helper()
		rep, err := snapshot.Sync(dir, "snapshots", envs, r.raw, mode, snapshotCommand)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	hasLine := func(t *testing.T, msg, prefix string) {
		t.Helper()
		for _, l := range strings.Split(msg, "\n") {
			if strings.HasPrefix(l, "  "+prefix) {
				return
			}
		}
		t.Errorf("the diff has no line %q...:\n%s", prefix, msg)
	}

	t.Run("locally", func(t *testing.T) {
		dir := shipped(t)
		rep := check(t, dir, envs, snapshot.Mode{})
		if !slices.Equal(rep.Written, []string{"qa"}) || rep.Summary() != "1 snapshot written: qa" {
			t.Errorf("written %v (summary %q), want qa (\"1 snapshot written: qa\")", rep.Written, rep.Summary())
		}
		if b, err := os.ReadFile(filepath.Join(dir, "qa.tf.json")); err != nil || !bytes.Equal(b, r.raw["qa"]) {
			t.Errorf("qa.tf.json: %v; want the synthesized qa stack", err)
		}
		if got := slices.Sorted(maps.Keys(rep.Failures)); !slices.Equal(got, []string{"dev", "prod"}) {
			t.Fatalf("failures for %v, want dev and prod (stage is unchanged):\n%v", got, rep.Failures)
		}
		// One line per resource type added or removed, not a shifted file.
		hasLine(t, rep.Failures["dev"], "resource.aws_instance: removed")
		hasLine(t, rep.Failures["dev"], "resource.aws_autoscaling_group: added")
		hasLine(t, rep.Failures["dev"], "output.compute_mode.value: got \"asg\", want \"ec2\"")
		hasLine(t, rep.Failures["prod"], "resource.aws_acm_certificate: added")
		hasLine(t, rep.Failures["prod"], "resource.aws_sns_topic_subscription: added")
		for _, env := range []string{"dev", "prod"} {
			if n := strings.Count(rep.Failures[env], "\n  "); n > 40 {
				t.Errorf("%s: %d diff lines, want each change once:\n%s", env, n, rep.Failures[env])
			}
		}
	})
	t.Run("under CI", func(t *testing.T) {
		dir := shipped(t)
		rep := check(t, dir, envs, snapshot.Mode{CI: true})
		if msg := rep.Failures["qa"]; !strings.Contains(msg, "no snapshot of environment qa") || !strings.Contains(msg, "`make snapshots`") {
			t.Errorf("qa: failure %q, want the missing snapshot and the command named", msg)
		}
		if _, err := os.Stat(filepath.Join(dir, "qa.tf.json")); err == nil || len(rep.Written) != 0 {
			t.Errorf("a snapshot was written under CI (written %v)", rep.Written)
		}
	})
	t.Run("make snapshots, then test", func(t *testing.T) {
		dir := shipped(t)
		rep := check(t, dir, envs, snapshot.Mode{Update: true})
		if !slices.Equal(rep.Written, []string{"qa"}) || !slices.Equal(rep.Updated, []string{"dev", "prod"}) || len(rep.Failures) != 0 {
			t.Errorf("update: written %v, updated %v, failures %v; want qa, dev and prod, none", rep.Written, rep.Updated, rep.Failures)
		}
		for _, mode := range []snapshot.Mode{{}, {CI: true}} {
			if rep := check(t, dir, envs, mode); len(rep.Failures) != 0 || rep.Summary() != "" {
				t.Errorf("after the update, %+v: failures %v, summary %q; want none", mode, rep.Failures, rep.Summary())
			}
		}
		// qa removed from the file again: its snapshot is obsolete.
		without := []string{"dev", "stage", "prod"}
		if rep := check(t, dir, without, snapshot.Mode{}); !slices.Equal(rep.Obsolete, []string{"qa"}) || len(rep.Failures) != 0 {
			t.Errorf("locally: obsolete %v, failures %v; want qa reported, no failure", rep.Obsolete, rep.Failures)
		}
		if rep := check(t, dir, without, snapshot.Mode{CI: true}); !strings.Contains(rep.Failures["qa"], "obsolete snapshot snapshots/qa.tf.json") {
			t.Errorf("under CI: failures %v, want qa's snapshot obsolete", rep.Failures)
		}
	})
}
