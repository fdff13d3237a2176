package config_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPlainGo: the settings package stays plain Go. The YAML reader, cost,
// policy and the simulator import it; they must not pull in the jsii
// runtime, CDKTF or the provider bindings (a Node process and a large
// build), which only the constructs need.
func TestPlainGo(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages; want the package and its dependencies:\n%s", len(deps), out)
	}
	for _, d := range deps {
		for _, banned := range []string{"jsii", "cdktf", "terraform-cdk-go", "constructs-go", "cdktf-provider"} {
			if strings.Contains(d, banned) {
				t.Errorf("constructs/config depends on %s (%s): it must stay plain Go", d, banned)
			}
		}
	}
}
