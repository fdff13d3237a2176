package cost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// outdir lays the golden stacks out as synth does: DIR/stacks/<env>/cdk.tf.json.
func outdir(t *testing.T, envs ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, env := range envs {
		b, err := os.ReadFile(filepath.Join(goldenDir, env+".tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "stacks", env), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "stacks", env, "cdk.tf.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb strings.Builder
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestMainEveryEnvironmentInFileOrder(t *testing.T) {
	t.Setenv("ENVIRONMENTS_FILE", "../../"+testfixture.FixtureDir+"/environments.yaml")
	dir := outdir(t, "dev", "stage", "prod")
	code, out, stderr := runMain(t, "--outdir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d, s, p := strings.Index(out, "\ndev (")+1, strings.Index(out, "\nstage ("), strings.Index(out, "\nprod (")
	if !(d == 0 && strings.HasPrefix(out, "dev (") && d < s && s < p) {
		t.Errorf("want dev, stage, prod in the order of the fixture's environments file:\n%s", out)
	}
}

func TestMainJSONAndSelection(t *testing.T) {
	dir := outdir(t, "dev", "prod")
	code, out, stderr := runMain(t, "prod", "--json", "--outdir", dir, "--assume", "nat_gb_per_month=0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]JSONEstimate
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// 330.711 - 4.50 of NAT data = 326.211
	if len(got) != 1 || got["prod"].MonthlyUSD["max"] != 326.21 || got["prod"].Assumptions["nat_gb_per_month"] != 0 {
		t.Errorf("got %+v", got)
	}
}

func TestMainErrors(t *testing.T) {
	dir := outdir(t, "dev", "prod")
	cases := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"qa", "uat", "--outdir", dir}, 1, []string{"no stack qa, uat under", "there are: dev, prod"}},
		{[]string{"diff", "dev", "--outdir", dir}, 2, []string{"diff wants two environments"}},
		{[]string{"diff", "dev", "prod", "--json", "--outdir", dir}, 2, []string{"--json is not available"}},
		{[]string{"--assume", "nat=1", "--outdir", dir}, 2, []string{`--assume "nat=1"`, "nat_gb_per_month"}},
		{[]string{"--bogus"}, 2, []string{"flag provided but not defined: -bogus", "usage:"}},
		{[]string{"--outdir", t.TempDir()}, 1, []string{"no synthesized stacks under", "make synth"}},
	}
	for _, c := range cases {
		code, _, stderr := runMain(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, code, c.code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, stderr)
			}
		}
	}
	if code, out, _ := runMain(t, "-h"); code != 0 || !strings.Contains(out, "cost diff A B") || !strings.Contains(out, "nat_gb_per_month, alb_lcu") {
		t.Errorf("-h: exit %d\n%s", code, out)
	}
}

func TestMainDiff(t *testing.T) {
	code, out, stderr := runMain(t, "diff", "dev", "prod", "--outdir", outdir(t, "dev", "prod"))
	if code != 0 || !strings.HasPrefix(out, "cost diff dev -> prod: ") || !strings.Contains(out, "NAT gateways 1 -> 3") {
		t.Errorf("exit %d %s\n%s", code, stderr, out)
	}
}

func TestMainAssumptionForOneEnvironment(t *testing.T) {
	dir := outdir(t, "dev", "prod")
	code, out, stderr := runMain(t, "--json", "--outdir", dir, "--assume", "prod.nat_gb_per_month=500")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]JSONEstimate
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	// prod: 330.711 + 400 GB x 0.045 = 348.711; dev keeps 100 GB: 100.442.
	if got["prod"].MonthlyUSD["max"] != 348.71 || got["prod"].Assumptions["nat_gb_per_month"] != 500 ||
		got["dev"].MonthlyUSD["max"] != 100.44 || got["dev"].Assumptions["nat_gb_per_month"] != 100 {
		t.Errorf("got %+v", got)
	}
	code, _, stderr = runMain(t, "--outdir", dir, "--assume", "qa.alb_lcu=2", "--assume", "prod.lcu=2")
	if code != 2 || !strings.Contains(stderr, "--assume qa.*: qa is not an environment of this run; they are: dev, prod") || !strings.Contains(stderr, `prod: --assume "lcu=2"`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
