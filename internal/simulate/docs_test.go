package simulate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestReadmeChartIsCurrent regenerates the README's prod chart from the
// reviewed golden of the library fixture's prod stack (internal/testfixture,
// the sample as shipped) with the command the README shows, and fails when
// docs/simulate/prod-step.svg differs: a change to the scaling defaults must
// come with a new chart.
func TestReadmeChartIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	stackDir := goldenProdStack(t, root)
	svg := filepath.Join(t.TempDir(), "prod-step.svg")
	var out, errOut bytes.Buffer
	if code := Main([]string{"--stack", stackDir, "--profile", "step:from=90,to=900,at=10", "--minutes", "40", "--svg", svg}, &out, &errOut); code != 0 {
		t.Fatalf("simulate exited %d: %s", code, errOut.String())
	}
	got, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(root, "docs", "simulate", "prod-step.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/simulate/prod-step.svg is stale: rerun\n  go run ./cmd/simulate --stack __tests__/testdata/golden/fixture/prod.tf.json --profile step:from=90,to=900,at=10 --minutes 40 --svg docs/simulate/prod-step.svg")
	}
}

// TestReadmeExamplesAreCurrent runs every README example whose command
// simulates a fixture under internal/simulate/testdata and checks that each
// output line the README shows below the command (indented like it) is a
// line of the command's output.
func TestReadmeExamplesAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "    go run ./cmd/simulate --stack internal/simulate/testdata/stacks/"
	lines := strings.Split(string(b), "\n")
	found := 0
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], prefix) {
			continue
		}
		found++
		cmd := strings.TrimSpace(lines[i])
		args := strings.Fields(strings.TrimPrefix(cmd, "go run ./cmd/simulate"))
		for j, a := range args {
			if strings.HasPrefix(a, "internal/simulate/") {
				args[j] = strings.TrimPrefix(a, "internal/simulate/")
			}
		}
		var want []string
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
			i++
			want = append(want, strings.TrimPrefix(lines[i], "    "))
		}
		if len(want) == 0 {
			t.Errorf("README example %q shows no output lines", cmd)
			continue
		}
		var out, errOut bytes.Buffer
		if code := Main(args, &out, &errOut); code != 0 {
			t.Errorf("%s: exit %d: %s", cmd, code, errOut.String())
			continue
		}
		got := map[string]bool{}
		for _, l := range strings.Split(out.String(), "\n") {
			got[l] = true
		}
		for _, w := range want {
			if !got[w] {
				t.Errorf("%s: the README shows %q, which the output does not have:\n%s", cmd, w, out.String())
			}
		}
	}
	if found < 3 {
		t.Errorf("found %d README examples on the fixtures, want the 3 (request count, schedules, refresh)", found)
	}
}

// TestCommittedProdRefreshIsTheFixtures: the reviewed golden of the
// fixture's prod (with the alarm-gated refresh of compute.instance_refresh)
// replays a refresh exactly as the hand-written fixture prod-refresh that
// the README's instance-refresh example runs on, so that example holds for
// the shipped stack.
func TestCommittedProdRefreshIsTheFixtures(t *testing.T) {
	root := filepath.Join("..", "..")
	stackDir := goldenProdStack(t, root)
	run := func(stack string) string {
		var out, errOut bytes.Buffer
		if code := Main([]string{"--stack", stack, "--profile", "constant:load=150", "--minutes", "16", "--refresh-at", "5", "--json"}, &out, &errOut); code != 0 {
			t.Fatalf("simulate %s exited %d: %s", stack, code, errOut.String())
		}
		return out.String()
	}
	got, want := run(stackDir), run(filepath.Join("testdata", "stacks", "prod-refresh"))
	// The stack's own path is the one line allowed to differ.
	strip := func(s string) string {
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.Contains(l, `"stack"`) {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(got) != strip(want) {
		t.Errorf("the golden prod replays a refresh unlike prod-refresh:\n got: %.2000s\nwant: %.2000s", strip(got), strip(want))
	}
}

// goldenProdStack copies the reviewed golden of the fixture's prod stack
// into a stack directory (DIR/prod/cdk.tf.json) and returns that directory.
func goldenProdStack(t *testing.T, root string) string {
	t.Helper()
	golden, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(testfixture.GoldenSubdir), "prod.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	stackDir := filepath.Join(t.TempDir(), "prod")
	if err := os.MkdirAll(stackDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stackDir, "cdk.tf.json"), golden, 0o644); err != nil {
		t.Fatal(err)
	}
	return stackDir
}
