package cost

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Usage is the help of `go run ./cmd/review cost`.
const Usage = `usage: go run ./cmd/review cost [ENV...] [--json] [--assume [ENV.]NAME=VALUE]... [--outdir DIR]
       go run ./cmd/review cost diff A B [--assume [ENV.]NAME=VALUE]... [--outdir DIR]

Estimates what each synthesized environment (default: every stack under --outdir,
default cdktf.out) costs a month at its min, desired and max capacity, itemised,
from the synthesized JSON, the price table in internal/cost/prices.go (each price
with its unit, pricing page and date) and usage assumptions (defaults printed
under the estimate). "diff A B" shows, per kind of item at max capacity, what
makes B dearer than A.

  --json            one object keyed by environment: monthly_usd {min, desired, max},
                    items (counted at max capacity), assumptions
  --assume N=V      override a usage assumption (repeatable; ENV.N=V for one
                    environment, e.g. prod.nat_gb_per_month=500); names:
                    ` + "%s" + `

Exit status: 0 ok, 1 error (a stack, region, instance type or price missing), 2 usage.
`

// UsageText is Usage with the assumption names filled in.
func UsageText() string { return fmt.Sprintf(Usage, strings.Join(Names(), ", ")) }

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

type usageError string

func (u usageError) Error() string { return string(u) }

// Main runs the cost command with args (after "cost") and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("cost", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	outdir := fs.String("outdir", defaultOutdir(), "directory holding stacks/<env>/cdk.tf.json")
	asJSON := fs.Bool("json", false, "print JSON")
	var assume multi
	fs.Var(&assume, "assume", "NAME=VALUE")
	pos, err := parse(fs, args)
	if err == nil {
		err = run(pos, *outdir, *asJSON, assume, stdout)
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, UsageText())
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "review cost: %v\n\n%s", err, UsageText())
		return 2
	default:
		fmt.Fprintf(stderr, "review cost: %v\n", err)
		return 1
	}
}

// parse accepts flags before, between and after the positional arguments.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func run(pos []string, outdir string, asJSON bool, assume []string, stdout io.Writer) error {
	// NAME=VALUE applies to every environment, ENV.NAME=VALUE to one.
	var global []string
	perEnv := map[string][]string{}
	for _, o := range assume {
		name, _, _ := strings.Cut(o, "=")
		if env, n, scoped := strings.Cut(name, "."); scoped {
			perEnv[strings.TrimSpace(env)] = append(perEnv[strings.TrimSpace(env)], strings.Replace(o, name, n, 1))
			continue
		}
		global = append(global, o)
	}
	a := Defaults()
	if err := a.Set(global); err != nil {
		return usageError(err.Error())
	}
	diff := len(pos) > 0 && pos[0] == "diff"
	if diff {
		if len(pos) != 3 {
			return usageError("diff wants two environments, e.g. cost diff dev prod")
		}
		if asJSON {
			return usageError("--json is not available for cost diff")
		}
		pos = pos[1:]
	}
	stacks, err := load(outdir, pos)
	if err != nil {
		return err
	}
	var problems []string
	for _, env := range sortedKeys(perEnv) {
		if !hasStack(stacks, env) {
			problems = append(problems, fmt.Sprintf("--assume %s.*: %s is not an environment of this run; they are: %s", env, env, stackNames(stacks)))
		}
	}
	envAssumptions := map[string]Assumptions{}
	for _, s := range stacks {
		ea := a
		if err := ea.Set(perEnv[s.Name]); err != nil {
			problems = append(problems, s.Name+": "+err.Error())
		}
		envAssumptions[s.Name] = ea
	}
	if len(problems) > 0 {
		return usageError(strings.Join(problems, "; "))
	}
	var ests []*Estimate
	var errs []error
	for _, s := range stacks {
		e, err := EstimateStack(s, envAssumptions[s.Name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ests = append(ests, e)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	switch {
	case diff:
		return WriteDiff(stdout, ests[0], ests[1])
	case asJSON:
		return WriteJSON(stdout, ests)
	default:
		return WriteText(stdout, ests)
	}
}

func defaultOutdir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return "cdktf.out"
}

// load reads the named stacks (all when names is empty), in the order of the
// environments file when it loads (dev, stage, prod), else by name. Every
// missing name is reported with the stacks there are.
func load(outdir string, names []string) ([]*stackjson.Stack, error) {
	dir := filepath.Join(outdir, "stacks")
	entries, err := os.ReadDir(dir)
	var have []string
	for _, e := range entries {
		if _, statErr := os.Stat(filepath.Join(dir, e.Name(), stackjson.FileName)); e.IsDir() && statErr == nil {
			have = append(have, e.Name())
		}
	}
	if err != nil || len(have) == 0 {
		return nil, fmt.Errorf("no synthesized stacks under %s (run make synth)", dir)
	}
	if len(names) == 0 {
		names = have
		if f, err := config.LoadFromEnv(); err == nil {
			names = ordered(have, f)
		}
	}
	var missing []string
	var out []*stackjson.Stack
	for _, n := range names {
		if !contains(have, n) {
			missing = append(missing, n)
			continue
		}
		s, err := stackjson.LoadDir(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no stack %s under %s; there are: %s", strings.Join(missing, ", "), dir, strings.Join(have, ", "))
	}
	return out, nil
}

func ordered(have []string, f *config.File) []string {
	pos := map[string]int{}
	for i, e := range f.Environments {
		pos[e.Name] = i + 1
	}
	out := append([]string(nil), have...)
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := pos[out[i]], pos[out[j]]
		if (pi == 0) != (pj == 0) {
			return pi != 0
		}
		if pi != pj {
			return pi < pj
		}
		return out[i] < out[j]
	})
	return out
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// Brief is the cost command's entry in the help of cmd/review.
const Brief = `
  cost [ENV...] [--json] [--assume [ENV.]NAME=VALUE]...  |  cost diff A B
        what each environment costs a month at min, desired and max capacity, itemised,
        with the source and date of every price (go run ./cmd/review cost -h)
`

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasStack(stacks []*stackjson.Stack, name string) bool {
	for _, s := range stacks {
		if s.Name == name {
			return true
		}
	}
	return false
}

func stackNames(stacks []*stackjson.Stack) string {
	var out []string
	for _, s := range stacks {
		out = append(out, s.Name)
	}
	return strings.Join(out, ", ")
}
