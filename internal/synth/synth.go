// Package synth is the app behind main.go: load and validate the environments
// file, synthesize every environment in one process (one jsii kernel), check
// the result, and only then replace cdktf.out, so an invalid config or a failed
// check never leaves partial output behind.
package synth

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// DefaultOutdir is where stacks are written unless CDKTF_OUTDIR says otherwise
// (the cdktf CLI sets it).
const DefaultOutdir = "cdktf.out"

// Outdir returns the output directory: CDKTF_OUTDIR or cdktf.out.
func Outdir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return DefaultOutdir
}

// Checker inspects the synthesized stacks before they replace the output; a
// non-nil error fails the synth. It may write a report to w.
type Checker func(w io.Writer, f *config.File, stacks []*stackjson.Stack) error

// Props are the web tier props of environment e of f: the environment as
// the YAML reader defaulted and validated it, in f's project.
func Props(f *config.File, e *config.Environment) webtier.Props {
	return webtier.Props{Environment: *e, Project: f.Project}
}

// Build adds one stack per environment of f to app.
func Build(app cdktf.App, f *config.File) error {
	for _, e := range f.Environments {
		if _, err := webtier.New(app, e.Name, Props(f, e)); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
	}
	return nil
}

// Run loads the environments file, synthesizes into a staging directory of
// its own next to outdir (.<outdir>.staging-<random>), runs the checks and
// then swaps the result into place (replace): runs started at once each
// finish with a complete outdir. It writes progress and the summary to
// stdout. The caller closes the jsii kernel (jsii.Close) when it has no more
// use for it.
func Run(stdout io.Writer, outdir string, checks ...Checker) (err error) {
	f, err := config.LoadFromEnv()
	if err != nil {
		return err // nothing has been written, no jsii kernel started
	}
	defer func() {
		if r := recover(); r != nil { // jsii reports JavaScript errors as panics
			err = fmt.Errorf("synth failed: %v", r)
		}
	}()

	outdir = filepath.Clean(outdir)
	// Each run stages in its own directory next to outdir (same file system,
	// so the renames below are atomic): synths started at once in one
	// checkout never write into each other's output.
	if err := os.MkdirAll(filepath.Dir(outdir), 0o755); err != nil {
		return err
	}
	work, err := os.MkdirTemp(filepath.Dir(outdir), "."+filepath.Base(outdir)+".staging-")
	if err != nil {
		return fmt.Errorf("making the staging directory next to %s: %w", outdir, err)
	}
	defer os.RemoveAll(work)
	staging := filepath.Join(work, "out")

	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(staging), StackTraces: jsii.Bool(false)})
	if err := Build(app, f); err != nil {
		return err
	}
	app.Synth()

	stacks, err := stackjson.LoadAll(staging)
	if err != nil {
		return fmt.Errorf("reading synthesized stacks: %w", err)
	}
	var failed []error
	for _, check := range checks {
		if err := check(stdout, f, stacks); err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w; %s was left as it was", errors.Join(failed...), outdir)
	}
	return replace(staging, outdir, work)
}

// replace moves the complete output staged into outdir's place: the previous
// outdir is renamed aside into work (this run's own directory, removed by
// the caller), then staged is renamed to outdir. Both renames are atomic, so
// outdir is at every moment absent, or one run's complete output. When
// another synth puts its output in place between the two renames, that one
// is moved aside too and the rename is tried again: the run that finishes
// last wins, as if the runs had been one after the other.
func replace(staged, outdir, work string) error {
	const attempts = 10
	for i := 1; ; i++ {
		aside := filepath.Join(work, fmt.Sprintf("previous-%d", i))
		if err := os.Rename(outdir, aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("moving the previous %s aside: %w", outdir, err)
		}
		if testHookBetweenRenames != nil {
			testHookBetweenRenames()
		}
		err := os.Rename(staged, outdir)
		if err == nil {
			return nil
		}
		if !errors.Is(err, fs.ErrExist) || i == attempts {
			return fmt.Errorf("moving the new output into %s: %w", outdir, err)
		}
	}
}

// testHookBetweenRenames, when set by a test, runs between the two renames
// of replace: where another run may put its output in place.
var testHookBetweenRenames func()
