package e2e

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Main is cmd/e2e: flags -> Run -> Report. Exit status 0 when every
// environment passed, 1 when one failed, 2 on a usage or setup error.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o Options
	providerDir := fs.String("provider-dir", "", "directory of the provider scripts/build-provider.sh built (required)")
	fs.StringVar(&o.Repo, "repo", ".", "project root (cdktf.json)")
	fs.StringVar(&o.EnvFile, "config", "", "environments file (default: REPO/environments.yaml)")
	fs.StringVar(&o.WorkDir, "workdir", "", "working directory (default: a new temp directory, removed unless -keep)")
	envs := fs.String("env", "", "comma-separated environments (default: every stack)")
	fs.StringVar(&o.StateEnv, "state-env", "", "environment deployed with the S3 backend (default: the first; - for none)")
	fs.IntVar(&o.Parallel, "parallel", 3, "environments deployed at once, each against its own emulator")
	fs.BoolVar(&o.Keep, "keep", false, "keep the working directories and leave the emulators running")
	fs.StringVar(&o.Python, "python", "python3", "Python with moto "+MotoVersion)
	cli := fs.String("cli", "", "the CLI that synthesizes, deploys and destroys, as words (default: npx --no-install cdktf; scripts/cdktn.sh passes CDK Terrain's cdktn)")
	fs.StringVar(&o.Terraform, "terraform", "", "Terraform CLI: terraform or tofu (default $"+EnvEngineBinary+", else terraform)")
	timeout := fs.Duration("timeout", 30*time.Minute, "limit for the whole run")
	settings := fs.String("set", strings.Join(DefaultSettings, ","), "comma-separated ENV.KEY[.KEY...]=VALUE changes to a copy of the environments file before synth (\"\" for none)")
	steps := fs.String("steps", "", "comma-separated steps after deploy and check (re-plan,drift,scale,update,rollback,rollout; default all); destroy always runs")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: e2e -provider-dir DIR [flags]

Deploys every environment with the cdktf CLI and the real AWS provider
against a local AWS emulator (moto with shims), checks the outputs contract,
re-plans, drifts, scales, updates, rolls back and out, destroys, and keeps one environment's
state in the emulator's S3 with locking. Prints a table per environment and
e2e: N of N environments deployed, checked and destroyed.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *providerDir == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	o.ProviderBin = filepath.Join(*providerDir, "terraform-provider-aws")
	o.CDKTF = strings.Fields(*cli)
	if *envs != "" {
		o.Envs = strings.Split(*envs, ",")
	}
	if *steps != "" {
		o.Steps = strings.Split(*steps, ",")
	}
	if *settings != "" {
		for _, raw := range strings.Split(*settings, ",") {
			s, err := ParseSetting(raw)
			if err != nil {
				fmt.Fprintln(stderr, "e2e:", err)
				return 2
			}
			o.Settings = append(o.Settings, s)
		}
	}
	o.Log = stderr
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()
	results, err := Run(ctx, o)
	if err != nil {
		fmt.Fprintln(stderr, "e2e:", err)
		return 2
	}
	if Report(stdout, results) != len(results) {
		return 1
	}
	return 0
}
