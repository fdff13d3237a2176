package e2e

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The harness's own test against the real cdktf CLI, Terraform, provider and
// emulator: `make e2e` runs it with -e2e.provider-dir (the provider takes
// ~40 minutes to build on a new machine, so `make test` leaves it out and
// says so).
var providerDir = flag.String("e2e.provider-dir", "", "directory of the built AWS provider: run the harness's deploy tests")

// TestBrokenStacks deploys two deliberately broken stacks (a fixture app
// handed to the real cdktf CLI with --app): one the emulator refuses on
// apply (a subnet outside its VPC), one whose output names a VPC that does not exist. Each must fail
// naming the environment, the step and the error, and still be destroyed.
func TestBrokenStacks(t *testing.T) {
	if *providerDir == "" {
		t.Skip("needs the built provider: make e2e runs it (go test ./internal/e2e -run TestBrokenStacks -e2e.provider-dir=DIR)")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := filepath.Abs("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var log strings.Builder
	results, err := Run(ctx, Options{
		Repo:        repo,
		ProviderBin: filepath.Join(*providerDir, "terraform-provider-aws"),
		WorkDir:     t.TempDir(),
		App:         "cp -R " + fixture + "/. \"$CDKTF_OUTDIR\"/",
		StateEnv:    "-",
		Parallel:    2,
		Log:         &log,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, log.String())
	}
	want := map[string]struct{ step, msg string }{
		"refused":   {StepDeploy, "InvalidSubnet.Range"},
		"badoutput": {StepCheck, `vpc_id "vpc-0badc0ffee0000000"`},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for _, r := range results {
		w := want[r.Env]
		if r.Failure == nil {
			t.Errorf("%s passed, want a failure at step %s", r.Env, w.step)
			continue
		}
		msg := r.Failure.Error()
		if r.Failure.Step != w.step || !strings.Contains(msg, w.msg) || !strings.HasPrefix(msg, r.Env+": step "+w.step+": ") {
			t.Errorf("%s failed with %q, want step %s and %q", r.Env, msg, w.step, w.msg)
		}
		if !r.Destroyed {
			t.Errorf("%s was not destroyed after its failure (cells %v)", r.Env, r.Cells)
		}
	}
	if t.Failed() {
		t.Log(log.String())
	}
	var out strings.Builder
	if n := Report(&out, results); n != 0 || !strings.Contains(out.String(), "e2e: 0 of 2 environments deployed, checked and destroyed") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}
