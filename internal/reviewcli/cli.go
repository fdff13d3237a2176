// Package reviewcli is the command line of cmd/review: the summary and the
// settings diff (internal/review) and the diagrams (internal/diagram). Only
// cmd/review links it, so the synth binary does not link the diagram code.
package reviewcli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/diagram"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Usage is the command line help of cmd/review.
const Usage = `usage: go run ./cmd/review COMMAND [flags]

Commands (every one reads the synthesized stacks under --outdir, default cdktf.out):
  summary [--environments FILE]
        the table ` + "`make synth`" + ` ends with: compute mode, backend, resources by type,
        outputs and policy-check suppressions of every stack
  diff A B
        how environments A and B differ: settings, resource counts per type, outputs
  diff --before DIR ENV
        how ENV changed since DIR, a copy of an earlier --outdir (review a change before
        deploying: cp -r cdktf.out DIR, edit environments.yaml, make synth, diff --before DIR ENV)
  diagram [--format mermaid|markdown] [-o FILE] ENV
        the architecture diagram of one environment, to stdout or FILE
  diagrams [--docs DIR] [--readme FILE] [--readme-env ENV]
        regenerate DIR/<env>.md (Mermaid) for every environment (default
        docs/diagrams) and the block of FILE (default README.md) between the lines
        ` + diagram.BeginMarker + ` and ` + diagram.EndMarker + ` with the Mermaid of ENV (default prod)

Flags may come before or after the arguments. Exit status: 0 ok, 1 error, 2 usage.
`

// Main runs the review command line with args (without the program name)
// and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, Usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("review "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	outdir := fs.String("outdir", defaultOutdir(), "directory holding stacks/<env>/cdk.tf.json")
	var run func(pos []string) error
	switch cmd {
	case "summary":
		envFile := fs.String("environments", "", "environments file for the suppressions (default: $ENVIRONMENTS_FILE or environments.yaml)")
		run = func(pos []string) error {
			if len(pos) != 0 {
				return usageError("summary takes no arguments")
			}
			stacks, err := stackjson.LoadAll(*outdir)
			if err != nil {
				return err
			}
			var f *config.File
			if *envFile != "" {
				f, err = config.Load(*envFile)
			} else {
				f, err = config.LoadFromEnv()
			}
			if err != nil {
				return err
			}
			return review.SummaryCheck(stdout, f, stacks)
		}
	case "diff":
		before := fs.String("before", "", "a copy of an earlier --outdir: compare ENV there (before) with ENV in --outdir (after)")
		run = func(pos []string) error {
			if *before != "" {
				if len(pos) != 1 {
					return usageError("diff --before DIR wants one environment, e.g. diff --before /tmp/before prod")
				}
				a, err := loadStack(*before, pos[0])
				if err != nil {
					return err
				}
				b, err := loadStack(*outdir, pos[0])
				if err != nil {
					return err
				}
				c := review.Compare(a, b)
				c.A, c.B = pos[0]+" before", pos[0]+" after"
				return c.Write(stdout)
			}
			if len(pos) != 2 {
				return usageError("diff wants two environments, e.g. diff dev prod")
			}
			a, err := loadStack(*outdir, pos[0])
			if err != nil {
				return err
			}
			b, err := loadStack(*outdir, pos[1])
			if err != nil {
				return err
			}
			return review.Compare(a, b).Write(stdout)
		}
	case "diagram":
		format := fs.String("format", "mermaid", "mermaid, or markdown (the diagram in a mermaid fence, as docs/diagrams/<env>.md)")
		out := fs.String("o", "", "write to this file instead of stdout")
		run = func(pos []string) error {
			if len(pos) != 1 {
				return usageError("diagram wants one environment, e.g. diagram prod")
			}
			s, err := loadStack(*outdir, pos[0])
			if err != nil {
				return err
			}
			var text string
			switch *format {
			case "mermaid":
				text = diagram.MermaidFile(s)
			case "markdown":
				text = diagram.MarkdownFile(s)
			default:
				return usageError(fmt.Sprintf("--format %q: want mermaid or markdown", *format))
			}
			if *out == "" {
				_, err = io.WriteString(stdout, text)
				return err
			}
			return os.WriteFile(*out, []byte(text), 0o644)
		}
	case "diagrams":
		docs := fs.String("docs", filepath.Join("docs", "diagrams"), "directory for <env>.md")
		readme := fs.String("readme", "README.md", "also regenerate this file's diagram block (skipped when the default file has no markers)")
		readmeEnv := fs.String("readme-env", "prod", "environment whose Mermaid goes into the README")
		run = func(pos []string) error {
			if len(pos) != 0 {
				return usageError("diagrams takes no arguments")
			}
			stacks, err := stackjson.LoadAll(*outdir)
			if err != nil {
				return err
			}
			// The environments file orders the README's links (dev, stage, prod).
			if f, err := config.LoadFromEnv(); err == nil {
				stacks = review.OrderStacks(stacks, f)
			}
			written, removed, err := diagram.WriteDiagrams(*docs, stacks)
			for _, p := range written {
				fmt.Fprintln(stdout, "wrote", p)
			}
			for _, p := range removed {
				fmt.Fprintln(stdout, "removed", p)
			}
			if err != nil || *readme == "" {
				return err
			}
			explicit := false
			fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "readme" })
			err = updateREADME(*readme, *readmeEnv, *docs, stacks, stdout)
			if !explicit && (errors.Is(err, diagram.ErrNoMarkers) || errors.Is(err, iofs.ErrNotExist)) {
				fmt.Fprintf(stdout, "skipped %s: %v\n", *readme, err)
				return nil
			}
			return err
		}
	default:
		fmt.Fprintf(stderr, "review: unknown command %q\n\n%s", cmd, Usage)
		return 2
	}
	pos, err := parseInterspersed(fs, args)
	if err == nil {
		err = run(pos)
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) || isFlagError(err):
		fmt.Fprintf(stderr, "review %s: %v\n\n%s", cmd, err, Usage)
		return 2
	default:
		fmt.Fprintf(stderr, "review %s: %v\n", cmd, err)
		return 1
	}
}

type usageError string

func (u usageError) Error() string { return string(u) }

type flagError struct{ error }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError{err}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func defaultOutdir() string {
	if d := os.Getenv("CDKTF_OUTDIR"); d != "" {
		return d
	}
	return "cdktf.out"
}

// loadStack reads outdir/stacks/<name>; a missing stack names the ones there are.
func loadStack(outdir, name string) (*stackjson.Stack, error) {
	dir := filepath.Join(outdir, "stacks", name)
	if _, err := os.Stat(filepath.Join(dir, stackjson.FileName)); err != nil {
		var have []string
		if entries, err := os.ReadDir(filepath.Join(outdir, "stacks")); err == nil {
			for _, e := range entries {
				if e.IsDir() {
					have = append(have, e.Name())
				}
			}
		}
		if len(have) == 0 {
			return nil, fmt.Errorf("no stack %q: nothing synthesized under %s (run make synth)", name, filepath.Join(outdir, "stacks"))
		}
		return nil, fmt.Errorf("no stack %q under %s; there are: %s", name, filepath.Join(outdir, "stacks"), strings.Join(have, ", "))
	}
	return stackjson.LoadDir(dir)
}

func updateREADME(path, env, docs string, stacks []*stackjson.Stack, stdout io.Writer) error {
	var target *stackjson.Stack
	var names []string
	for _, s := range stacks {
		names = append(names, s.Name)
		if s.Name == env {
			target = s
		}
	}
	if target == nil {
		return fmt.Errorf("--readme-env %q: no such stack; there are: %s", env, strings.Join(names, ", "))
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if _, err := diagram.Block(string(doc)); err != nil {
		return fmt.Errorf("%s: %w (add the two marker lines where the diagram goes)", path, err)
	}
	absDoc, err1 := filepath.Abs(filepath.Dir(path))
	absDocs, err2 := filepath.Abs(docs)
	rel, err3 := filepath.Rel(absDoc, absDocs)
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	updated, err := diagram.ReplaceBlock(string(doc), diagram.READMEBlock(target, names, filepath.ToSlash(rel)))
	if err != nil {
		return err
	}
	if updated == string(doc) {
		fmt.Fprintln(stdout, "unchanged", path)
		return nil
	}
	fmt.Fprintln(stdout, "updated", path)
	return os.WriteFile(path, []byte(updated), 0o644)
}
