package reviewcli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/diagram"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/reviewtest"
)

// outdirFixture lays the golden stacks out as synth does: <dir>/stacks/<env>/cdk.tf.json.
func outdirFixture(t *testing.T, envs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, env := range envs {
		data, err := os.ReadFile(filepath.Join(goldenDir, env+".tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "stacks", env, "cdk.tf.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func run(args ...string) (code int, stdout, stderr string) {
	var o, e strings.Builder
	code = Main(args, &o, &e)
	return code, o.String(), e.String()
}

func TestCLI(t *testing.T) {
	out := outdirFixture(t, "dev", "stage", "prod")
	envFile, err := filepath.Abs(environmentsFile)
	if err != nil {
		t.Fatal(err)
	}
	diff := func() string {
		var b strings.Builder
		if err := review.Compare(goldenStack(t, "dev"), goldenStack(t, "prod")).Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}()
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // exact when want is set
		want, errs []string
	}{
		{name: "no command prints usage", args: nil, code: 2, want: []string{"usage: go run ./cmd/review"}},
		{name: "help", args: []string{"help"}, code: 0, want: []string{"diff A B"}},
		{name: "unknown command", args: []string{"explain"}, code: 2, errs: []string{`unknown command "explain"`, "usage:"}},
		{name: "diff", args: []string{"diff", "--outdir", out, "dev", "prod"}, code: 0, stdout: diff},
		{name: "diff with flags last", args: []string{"diff", "dev", "prod", "--outdir", out}, code: 0, stdout: diff},
		{name: "diff of a missing stack names the stacks", args: []string{"diff", "--outdir", out, "dev", "qa"}, code: 1,
			errs: []string{`no stack "qa"`, "there are: dev, prod, stage"}},
		{name: "diff without synth output", args: []string{"diff", "--outdir", t.TempDir(), "dev", "prod"}, code: 1, errs: []string{"run make synth"}},
		{name: "diff wants two", args: []string{"diff", "--outdir", out, "dev"}, code: 2, errs: []string{"diff wants two environments"}},
		{name: "unknown flag", args: []string{"diff", "--colour", "dev", "prod"}, code: 2, errs: []string{"flag provided but not defined: -colour"}},
		{name: "diagram mermaid", args: []string{"diagram", "--outdir", out, "stage"}, code: 0, stdout: diagram.MermaidFile(goldenStack(t, "stage"))},
		{name: "diagram markdown", args: []string{"diagram", "--outdir", out, "--format", "markdown", "dev"}, code: 0, stdout: diagram.MarkdownFile(goldenStack(t, "dev"))},
		{name: "diagram bad format", args: []string{"diagram", "--outdir", out, "--format", "png", "dev"}, code: 2, errs: []string{`--format "png": want mermaid or markdown`}},
		{name: "summary", args: []string{"summary", "--outdir", out, "--environments", envFile}, code: 0,
			want: []string{"review summary: 3 stacks", "dev    stage  prod", "policy-check suppressions (3):",
				"prod   EWT-ALB-4    prod/alb/lb                     environments.yaml  no real Route53 zone",
				"prod   EWT-OBS-1    prod/observability/alarm-topic  environments.yaml  the committed config cannot know your on-call address",
				"prod   EWT-STATE-1  prod                            environments.yaml  no state bucket in the committed config"}},
		{name: "summary with a bad environments file", args: []string{"summary", "--outdir", out, "--environments", filepath.Join(t.TempDir(), "none.yaml")}, code: 1,
			errs: []string{"none.yaml"}},
		{name: "summary takes no arguments", args: []string{"summary", "--outdir", out, "prod"}, code: 2, errs: []string{"summary takes no arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if tt.stdout != "" && stdout != tt.stdout {
				t.Errorf("stdout differs:\n%s", lineDiff(tt.stdout, stdout))
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.errs {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestCLIDiagramToFile(t *testing.T) {
	out := outdirFixture(t, "prod")
	file := filepath.Join(t.TempDir(), "prod.md")
	code, stdout, stderr := run("diagram", "prod", "--outdir", out, "--format", "markdown", "-o", file)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and nothing on stdout", code, stdout, stderr)
	}
	got, err := os.ReadFile(file)
	if err != nil || string(got) != diagram.MarkdownFile(goldenStack(t, "prod")) {
		t.Errorf("%s: err %v, content differs from diagram.MarkdownFile", file, err)
	}
}

func TestCLIDiagrams(t *testing.T) {
	out := outdirFixture(t, "dev", "prod")
	tmp := t.TempDir()
	docs := filepath.Join(tmp, "docs", "diagrams")
	readme := filepath.Join(tmp, "README.md")
	if err := os.WriteFile(readme, []byte("# x\n\n"+diagram.BeginMarker+"\nold\n"+diagram.EndMarker+"\n\nmore\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("diagrams", "--outdir", out, "--docs", docs, "--readme", readme, "--readme-env", "dev")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, w := range []string{"wrote " + filepath.Join(docs, "dev.md"), "wrote " + filepath.Join(docs, "prod.md"), "updated " + readme} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
	doc, _ := os.ReadFile(readme)
	block, err := diagram.Block(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := diagram.READMEBlock(goldenStack(t, "dev"), []string{"dev", "prod"}, "docs/diagrams"); block != want {
		t.Errorf("README block:\n%s", lineDiff(want, block))
	}
	if !strings.HasSuffix(string(doc), diagram.EndMarker+"\n\nmore\n") || !strings.HasPrefix(string(doc), "# x\n\n") {
		t.Errorf("text around the block changed:\n%s", doc)
	}
	// Again: nothing to change.
	if code, stdout, _ := run("diagrams", "--outdir", out, "--docs", docs, "--readme", readme, "--readme-env", "dev"); code != 0 || !strings.Contains(stdout, "unchanged "+readme) {
		t.Errorf("second run: exit %d, stdout %s; want unchanged", code, stdout)
	}
	// A README named on purpose must have the markers; an unknown stack is an error.
	bare := filepath.Join(tmp, "BARE.md")
	if err := os.WriteFile(bare, []byte("# no markers\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("diagrams", "--outdir", out, "--docs", docs, "--readme", bare); code != 1 || !strings.Contains(stderr, "add the two marker lines") {
		t.Errorf("README without markers: exit %d, stderr %q; want 1 and a hint", code, stderr)
	}
	if code, _, stderr := run("diagrams", "--outdir", out, "--docs", docs, "--readme", readme, "--readme-env", "qa"); code != 1 || !strings.Contains(stderr, `"qa": no such stack; there are: dev, prod`) {
		t.Errorf("unknown --readme-env: exit %d, stderr %q", code, stderr)
	}
	// The default README is skipped when it has no markers.
	t.Chdir(tmp)
	if err := os.WriteFile("README.md", []byte("# none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := run("diagrams", "--outdir", out, "--docs", docs); code != 0 || !strings.Contains(stdout, "skipped README.md") {
		t.Errorf("default README without markers: exit %d, stdout %q, stderr %q; want 0 and skipped", code, stdout, stderr)
	}
}

// The shared helpers (internal/reviewtest).
var (
	goldenStack = reviewtest.GoldenStack
	lineDiff    = reviewtest.LineDiff
)

const (
	goldenDir        = reviewtest.GoldenDir
	environmentsFile = reviewtest.EnvironmentsFile
)

// diff --before compares one environment in two outdirs: here dev, whose
// "after" stack is prod's JSON (a change that made dev like prod).
func TestCLIDiffBefore(t *testing.T) {
	before := outdirFixture(t, "dev")
	after := t.TempDir()
	data, err := os.ReadFile(filepath.Join(goldenDir, "prod.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(after, "stacks", "dev", "cdk.tf.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	changed := goldenStack(t, "prod")
	changed.Name = "dev" // the CLI names a stack after its folder
	c := review.Compare(goldenStack(t, "dev"), changed)
	c.A, c.B = "dev before", "dev after"
	var want strings.Builder
	if err := c.Write(&want); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run("diff", "--outdir", after, "--before", before, "dev")
	if code != 0 || stdout != want.String() {
		t.Fatalf("exit %d, stderr %q, stdout:\n%q\nwant exit 0 and:\n%q", code, stderr, stdout, want.String())
	}
	for _, h := range []string{"dev before vs dev after:", "DEV BEFORE", "DEV AFTER", "compute mode"} {
		if !strings.Contains(stdout, h) {
			t.Errorf("stdout lacks %q", h)
		}
	}
	code, stdout, _ = run("diff", "--outdir", before, "--before", before, "dev")
	if code != 0 || !strings.Contains(stdout, "no difference") {
		t.Errorf("same stack: exit %d, stdout %q; want 0 and no difference", code, stdout)
	}
	if code, _, stderr := run("diff", "--outdir", after, "--before", before, "dev", "prod"); code != 2 || !strings.Contains(stderr, "wants one environment") {
		t.Errorf("two environments with --before: exit %d, stderr %q; want 2, wants one environment", code, stderr)
	}
	if code, _, stderr := run("diff", "--outdir", after, "--before", t.TempDir(), "dev"); code != 1 || !strings.Contains(stderr, "run make synth") {
		t.Errorf("empty before dir: exit %d, stderr %q; want 1 naming make synth", code, stderr)
	}
}
