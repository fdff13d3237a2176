package tfvalidate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Main is the validate command: flags in args, report to stdout, problems to
// stderr; it returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("validate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		outdir      = fl.String("outdir", "cdktf.out", "CDKTF output directory (with stacks/<name>/cdk.tf.json)")
		providerDir = fl.String("provider-dir", os.Getenv("TFVALIDATE_PROVIDER_DIR"), "directory with the built terraform-provider-aws and endpoints.txt")
		terraform   = fl.String("terraform", envOr("TERRAFORM_BINARY_NAME", "terraform"), "terraform or tofu executable")
		scratch     = fl.String("scratch", "", "directory for the stack copies (default: a new temporary directory, removed afterwards)")
		keep        = fl.Bool("keep", false, "keep the scratch directory")
		isolate     = fl.String("isolate", "auto", "network namespace: auto (use it when unshare works), require, off")
		only        = fl.String("stacks", "", "comma-separated stack names (default: all)")
		markdown    = fl.String("markdown", "", "also write the per-stack table to this file")
		endpoints   = fl.String("print-endpoints", "", "print the endpoint attributes found in the provider's provider_gen.go and exit")
	)
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *endpoints != "" {
		src, err := os.ReadFile(*endpoints)
		if err == nil {
			var names []string
			if names, err = ParseEndpoints(src); err == nil {
				fmt.Fprintln(stdout, strings.Join(names, "\n"))
				return 0
			}
		}
		fmt.Fprintf(stderr, "validate: %v\n", err)
		return 1
	}
	if *providerDir == "" {
		fmt.Fprintln(stderr, "validate: -provider-dir is required (scripts/build-provider.sh prints it)")
		return 2
	}
	tf, err := exec.LookPath(*terraform)
	if err != nil {
		fmt.Fprintf(stderr, "validate: %s not found on PATH: install Terraform >= 1.7 (or OpenTofu >= 1.8 with TERRAFORM_BINARY_NAME=tofu)\n", *terraform)
		return 2
	}
	if _, err := os.Stat(filepath.Join(*providerDir, "terraform-provider-aws")); err != nil {
		fmt.Fprintf(stderr, "validate: no provider binary: %v (run scripts/build-provider.sh)\n", err)
		return 2
	}

	r := &Runner{Terraform: tf, ProviderDir: *providerDir, Log: stderr}
	switch *isolate {
	case "off":
		fmt.Fprintln(stderr, "network: no namespace (-isolate=off); every AWS endpoint still points at "+DeadEndpoint)
	case "auto", "require":
		prefix, why := IsolationPrefix(ctx)
		switch {
		case prefix != nil:
			r.Isolate = prefix
			fmt.Fprintf(stderr, "network: terraform and the provider run under %q: a network namespace with no interfaces\n", strings.Join(prefix[:len(prefix)-1], " "))
		case *isolate == "require":
			fmt.Fprintf(stderr, "validate: no network namespace available: %s\n", why)
			return 2
		default:
			fmt.Fprintf(stderr, "network: no namespace available (%s); every AWS endpoint still points at %s\n", why, DeadEndpoint)
		}
	default:
		fmt.Fprintf(stderr, "validate: -isolate must be auto, require or off, not %q\n", *isolate)
		return 2
	}

	stacks, err := stackjson.LoadAll(*outdir)
	if err != nil {
		fmt.Fprintf(stderr, "validate: %v (run `make synth` first)\n", err)
		return 2
	}
	if *only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(*only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var sel []*stackjson.Stack
		for _, s := range stacks {
			if want[s.Name] {
				sel = append(sel, s)
				delete(want, s.Name)
			}
		}
		if len(want) > 0 {
			fmt.Fprintf(stderr, "validate: no such stack(s) under %s: %s\n", *outdir, strings.Join(keys(want), ", "))
			return 2
		}
		stacks = sel
	}

	if *scratch == "" {
		d, err := os.MkdirTemp("", "tfvalidate-")
		if err != nil {
			fmt.Fprintf(stderr, "validate: %v\n", err)
			return 1
		}
		*scratch = d
		if !*keep {
			defer os.RemoveAll(d)
		}
	}
	r.ScratchDir = *scratch
	if *keep {
		fmt.Fprintf(stderr, "scratch copies kept in %s\n", *scratch)
	}

	for _, s := range stacks {
		if v := RequiredAWSVersion(s); v != "" && v != ProviderUpstreamVersion {
			fmt.Fprintf(stderr, "provider: %s pins hashicorp/aws %s; the provider built here is the %s code base. dev_overrides ignores the pin; "+
				"anything the bindings emit that %s does not know is reported below as an error.\n",
				s.Name, v, ProviderUpstreamVersion, ProviderUpstreamVersion)
			break
		}
	}

	start := time.Now()
	var results []*Result
	failed := 0
	for _, s := range stacks {
		res, err := r.CheckStack(ctx, filepath.Join(*outdir, "stacks", s.Name), s)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintln(stderr, "validate: interrupted")
				return 130
			}
			fmt.Fprintf(stderr, "validate: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "%s: validate %s, plan %s\n", s.Name, verdict(res.Valid), planVerdict(res))
		if !res.OK() {
			failed++
		}
		results = append(results, res)
	}

	fmt.Fprintln(stdout)
	Table(stdout, results)
	Details(stdout, results)
	if gap := VersionGap(results); len(gap) > 0 {
		fmt.Fprintf(stdout, "\nRejected by provider %s although the bindings emit them:\n", ProviderUpstreamVersion)
		for _, g := range gap {
			fmt.Fprintf(stdout, "  %s\n", g)
		}
	}
	if *markdown != "" {
		f, err := os.Create(*markdown)
		if err == nil {
			Table(f, results)
			err = f.Close()
		}
		if err != nil {
			fmt.Fprintf(stderr, "validate: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "\n%d stack(s) in %.1f s: %d ok, %d failed\n", len(results), time.Since(start).Seconds(), len(results)-failed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

func planVerdict(r *Result) string {
	switch {
	case r.Planned:
		return fmt.Sprintf("ok (%d to add, %d to change, %d to destroy, %d warning(s); validate %.1f s, plan %.1f s)",
			r.Add, r.Change, r.Destroy, len(r.Warnings), r.ValidateTime.Seconds(), r.PlanTime.Seconds())
	case r.Valid:
		return "FAILED"
	}
	return "not run"
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
