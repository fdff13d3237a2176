// Package synth is the app behind main.go: load and validate the environments
// file, synthesize every environment in one process (one jsii kernel), check
// the result, and only then replace cdktf.out, so an invalid config or a failed
// check never leaves partial output behind.
package synth

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
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
type Checker func(w io.Writer, f *config.File, stacks []*tfjson.Stack) error

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

// Run loads the environments file, synthesizes into a staging directory next
// to outdir, runs the checks and then moves the result into place. It writes
// progress and the summary to stdout. The caller closes the jsii kernel
// (jsii.Close) when it has no more use for it.
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
	staging := filepath.Join(filepath.Dir(outdir), "."+filepath.Base(outdir)+".staging")
	if err := os.RemoveAll(staging); err != nil {
		return err
	}
	defer os.RemoveAll(staging)

	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: ptr.S(staging), StackTraces: ptr.B(false)})
	if err := Build(app, f); err != nil {
		return err
	}
	app.Synth()

	stacks, err := tfjson.LoadAll(staging)
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
	if err := os.RemoveAll(outdir); err != nil {
		return err
	}
	if err := os.Rename(staging, outdir); err != nil {
		return err
	}
	return nil
}
