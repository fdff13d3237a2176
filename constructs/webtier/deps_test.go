package webtier_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestConstructsDoNotImportTheSimulator: importing any construct package
// builds neither the scaling simulator (internal/simulate) nor its plotting
// library (gonum.org): those serve the app's tools, not a library user.
func TestConstructsDoNotImportTheSimulator(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}", "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list ../...: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if len(pkgs) < 10 {
		t.Fatalf("go list ../... listed %d packages, want every construct package:\n%s", len(pkgs), out)
	}
	for _, pkg := range pkgs {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed %d packages; want the package and its dependencies", pkg, len(deps))
		}
		for _, d := range deps {
			if strings.HasSuffix(d, "/internal/simulate") || strings.Contains(d, "/internal/simulate/") || strings.HasPrefix(d, "gonum.org/") {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
