package simulate

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestReadmeChartIsCurrent regenerates the README's prod chart from the
// reviewed golden snapshot of the prod stack (__tests__/testdata/golden) with
// the command the README shows, and fails when docs/simulate/prod-step.svg
// differs: a change to the scaling defaults must come with a new chart.
func TestReadmeChartIsCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	golden, err := os.ReadFile(filepath.Join(root, "__tests__", "testdata", "golden", "prod.tf.json"))
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
		t.Errorf("docs/simulate/prod-step.svg is stale: rerun\n  go run ./cmd/simulate --stack cdktf.out/stacks/prod --profile step:from=90,to=900,at=10 --minutes 40 --svg docs/simulate/prod-step.svg")
	}
}
