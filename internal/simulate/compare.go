package simulate

import (
	"github.com/platformstarter/elastic-web-tier/internal/boundedread"

	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// maxStackBytes bounds a stack file compare reads (a synthesized prod is
// about 100 KB).
const maxStackBytes = 16 << 20

// Comparison is one row of compare: a stack under the profile.
type Comparison struct {
	// Name given on the command line, and the stack it read.
	Name  string `json:"name"`
	Stack string `json:"stack"`
	// MinutesOverloaded, FirstNewInstanceInService and PeakInService come
	// from the simulation's summary.
	MinutesOverloaded         int  `json:"minutes_overloaded"`
	FirstNewInstanceInService *int `json:"first_new_instance_in_service_minute"`
	PeakInService             int  `json:"peak_in_service"`
	// MonthlyUSD at desired capacity (internal/cost, default assumptions).
	MonthlyUSD float64 `json:"monthly_usd_desired"`
	// CostChangePercent against the first row.
	CostChangePercent float64 `json:"cost_change_percent"`
}

// loadStack reads a stack directory (cdk.tf.json inside) or a .tf.json file
// (the stack is named after the file, less .tf.json).
func loadStack(path string) (*stackjson.Stack, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return stackjson.LoadDir(path)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file or a directory", path)
	}
	if info.Size() > maxStackBytes {
		return nil, fmt.Errorf("%s is %d bytes; a stack is at most %d", path, info.Size(), maxStackBytes)
	}
	b, tooBig, err := boundedread.ReadFile(path, maxStackBytes)
	if err != nil {
		return nil, err
	}
	if tooBig {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxStackBytes)
	}
	return stackjson.Parse(strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".tf"), b)
}

// CompareStacks simulates every stack under one profile and prices it at
// desired capacity. Every stack that cannot be read, simulated or priced
// is reported at once.
func CompareStacks(names, paths []string, p Profile, o Options) ([]Comparison, error) {
	var rows []Comparison
	var errs []error
	for i, path := range paths {
		st, err := loadStack(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: %w", names[i], path, err))
			continue
		}
		m, err := FromStack(st)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: %w", names[i], path, err))
			continue
		}
		res, err := Run(m, p, o)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: %w", names[i], path, err))
			continue
		}
		est, err := cost.EstimateStack(st, cost.Defaults())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%s: cost: %w", names[i], path, err))
			continue
		}
		rows = append(rows, Comparison{Name: names[i], Stack: path, MinutesOverloaded: res.Summary.MinutesOverloaded,
			FirstNewInstanceInService: res.Summary.FirstNewInstanceInService, PeakInService: res.Summary.PeakInService,
			MonthlyUSD: round2(est.Total(cost.Desired))})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range rows {
		rows[i].CostChangePercent = round2((rows[i].MonthlyUSD/rows[0].MonthlyUSD - 1) * 100)
	}
	return rows, nil
}

// WriteComparison prints the rows side by side.
func WriteComparison(w io.Writer, profile string, minutes int, rows []Comparison) error {
	fmt.Fprintf(w, "%s for %d minutes; cost at desired capacity (go run ./cmd/review cost)\n", profile, minutes)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tMINUTES OVERLOADED\tFIRST NEW INSTANCE SERVING\tPEAK IN SERVICE\tUSD A MONTH\tCOST VS "+strings.ToUpper(rows[0].Name)+"\tSTACK")
	for _, r := range rows {
		first := "never"
		if r.FirstNewInstanceInService != nil {
			first = fmt.Sprintf("minute %d", *r.FirstNewInstanceInService)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%.2f\t%+.1f%%\t%s\n", r.Name, r.MinutesOverloaded, first, r.PeakInService, r.MonthlyUSD, r.CostChangePercent, r.Stack)
	}
	return tw.Flush()
}

const compareUsage = `Usage: go run ./cmd/simulate compare --profile SPEC [--minutes N] [--json] NAME=STACK...

Simulates each stack under the same load profile and prints, side by side,
its minutes overloaded (load above 100% of every serving instance), when the
first added instance serves, the most instances serving, and its monthly cost
at desired capacity (internal/cost, default assumptions), with the change
against the first stack. STACK is a synthesized stack directory
(cdktf.out/stacks/prod) or a .tf.json file.

Flags:
`

// Compare is the compare subcommand; it returns the exit code.
func Compare(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, compareUsage)
		fs.PrintDefaults()
	}
	profile := fs.String("profile", "", "load profile `SPEC` (required), e.g. step:from=90,to=900,at=10")
	minutes := fs.Int("minutes", 60, "`N` minutes to simulate")
	asJSON := fs.Bool("json", false, "print the rows as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	var problems []string
	if *profile == "" {
		problems = append(problems, "--profile is required (e.g. step:from=90,to=900,at=10)")
	}
	if *minutes < 1 || *minutes > MaxMinutes {
		problems = append(problems, fmt.Sprintf("--minutes = %d: must be within 1..%d", *minutes, MaxMinutes))
	}
	var names, paths []string
	seen := map[string]bool{}
	for _, a := range fs.Args() {
		name, path, ok := strings.Cut(a, "=")
		switch {
		case !ok || name == "" || path == "":
			problems = append(problems, fmt.Sprintf("%q: want NAME=STACK, e.g. today=cdktf.out/stacks/prod", a))
		case seen[name]:
			problems = append(problems, fmt.Sprintf("%q: the name %s is given twice", a, name))
		default:
			seen[name] = true
			names, paths = append(names, name), append(paths, path)
		}
	}
	if fs.NArg() == 0 {
		problems = append(problems, "no stacks: give at least one NAME=STACK")
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "simulate compare:", p)
		}
		return ExitUsage
	}
	prof, err := OpenProfile(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "simulate compare:", err)
		return ExitUsage
	}
	rows, err := CompareStacks(names, paths, prof, Options{Minutes: *minutes, LaunchDelay: -1})
	if err != nil {
		fmt.Fprintln(stderr, "simulate compare:", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitError
	}
	if *asJSON {
		err = writeJSONValue(stdout, rows)
	} else {
		err = WriteComparison(stdout, prof.String(), *minutes, rows)
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulate compare:", err)
		return ExitError
	}
	return ExitOK
}

func writeJSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
