package config_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

const validEnv = `
environments:
  dev:
    region: us-east-1
    availability_zones: [us-east-1a, us-east-1b]
    network: {cidr: 10.0.0.0/16}
`

// keys returns a YAML flow mapping of n unknown keys.
func keys(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("k%d: 0", i)
	}
	return "{" + strings.Join(s, ", ") + "}"
}

// aliases returns a YAML flow list of n aliases of anchor a.
func aliases(n int) string { return "[" + strings.TrimSuffix(strings.Repeat("*a, ", n), ", ") + "]" }

// hostileFiles are files that once ran for minutes or produced megabytes of
// problems; each must fail fast with a short, bounded message.
func hostileFiles() []struct {
	name, src string
	want      []string
} {
	return []struct {
		name, src string
		want      []string
	}{
		{
			// An anchor of 1,000 unknown keys aliased 1,000 times: 13 KB
			// that expands to a million problems.
			name: "1000x1000 alias bomb",
			src:  "x: &a " + keys(1000) + validEnv + "    suppressions: " + aliases(1000) + "\n",
			want: []string{"1 problem", "excessive aliasing", "at most 10000 may come from aliases"},
		},
		{
			// A 5 KB variant: the aliases are whole environments.
			name: "alias bomb of environments",
			src: func() string {
				var b strings.Builder
				b.WriteString("defaults: {region: us-east-1}\nx: &a " + keys(250) + "\nenvironments:\n")
				for i := 0; i < 250; i++ {
					fmt.Fprintf(&b, "  e%d: *a\n", i)
				}
				return b.String()
			}(),
			want: []string{"excessive aliasing"},
		},
		{
			// Nested anchors: each level doubles (a billion laughs).
			name: "billion laughs",
			src: func() string {
				var b strings.Builder
				b.WriteString("l0: &l0 [x, x]\n")
				for i := 1; i <= 40; i++ {
					fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d]\n", i, i, i-1, i-1)
				}
				return b.String() + validEnv + "    tags: *l40\n"
			}(),
			want: []string{"excessive aliasing"},
		},
		{
			name: "anchor containing itself",
			src:  validEnv + "    compute: &c {x: *c}\n",
			want: []string{"the anchor &c contains an alias of itself"},
		},
		{
			name: "too many values",
			src:  validEnv + "    suppressions: " + many(13000, func(int) string { return "{rule: r, resource: x, reason: y}" }) + "\n",
			want: []string{"more than 50000 values", "a few hundred"},
		},
		{
			// yaml.v3 compares every key of a mapping with every other one.
			name: "a mapping of 24,000 tags",
			src:  validEnv + "    tags: " + keys(24000) + "\n",
			want: []string{"line 7: this mapping has 24000 keys; at most 1000 are read"},
		},
		{
			name: "larger than 1 MiB",
			src:  validEnv + "# " + strings.Repeat("x", config.MaxFileBytes) + "\n",
			want: []string{"larger than 1048576 bytes"},
		},
	}
}

// TestHostileFilesFailFast: every file of hostileFiles fails fast with at
// most MaxProblems problems and a short message. The bound only catches a
// hang or an exponential blow-up (they take minutes or exhaust memory): it is
// no speed claim, which would belong in a benchmark (BenchmarkParseEnvironmentsFile), and it
// holds on a loaded CI machine.
func TestHostileFilesFailFast(t *testing.T) {
	for _, c := range hostileFiles() {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := config.Parse("bomb.yaml", []byte(c.src))
			took := time.Since(start)
			t.Logf("%d bytes: %v in %v", len(c.src), firstLine(err), took)
			if took > hangBound {
				t.Errorf("took %v, want under %v (a hang or a blow-up)", took, hangBound)
			}
			var ce *config.Errors
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *config.Errors", err)
			}
			if len(ce.Problems) > config.MaxProblems+1 || len(err.Error()) > 20_000 {
				t.Errorf("%d problems, %d bytes of message; want at most %d problems and a short message", len(ce.Problems), len(err.Error()), config.MaxProblems)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message does not contain %q:\n%s", w, err)
				}
			}
			if strings.Contains(err.Error(), "is missing") || strings.Contains(err.Error(), "no value") {
				t.Errorf("phantom problems about missing values:\n%s", err)
			}
		})
	}
}

func firstLine(err error) string {
	if err == nil {
		return "no error"
	}
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// TestDecoderGivesUp: a file within MaxAliasValues in which one environment
// still aliases more than yaml.v3 allows (99% of what it decodes): the
// decoder's "excessive aliasing" is reported (it is never dropped, even
// past MaxProblems), and nothing is validated on the half-read environment.
func TestDecoderGivesUp(t *testing.T) {
	for _, c := range []struct{ name, src, env string }{
		{"in an environment", "x: &a " + keys(980) + validEnv + "    suppressions: " + aliases(5) + "\n", "dev"},
		{"in the defaults block, reported once", "x: &a " + keys(1000) + "\ndefaults:\n  suppressions: " + aliases(1) + validEnv +
			"  two:\n    region: us-east-1\n    availability_zones: [us-east-1a, us-east-1b]\n    network: {cidr: 10.1.0.0/16}\n", "defaults"},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := config.Parse("t.yaml", []byte(c.src))
			took := time.Since(start)
			var ce *config.Errors
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *config.Errors", err)
			}
			if took > hangBound {
				t.Errorf("took %v, want under %v (a hang or a blow-up)", took, hangBound)
			}
			found := 0
			for _, p := range ce.Problems {
				if strings.Contains(p.Msg, "excessive aliasing: the YAML decoder stopped reading here") {
					found++
					if p.Env != c.env {
						t.Errorf("reported on %q, want %q", p.Env, c.env)
					}
				}
			}
			if found != 1 {
				t.Errorf("%d excessive aliasing problems, want 1:\n%v", found, firstLine(err))
			}
			if ce.Omitted == 0 || !strings.Contains(err.Error(), "more are left out") {
				t.Errorf("want the unknown keys counted past MaxProblems: %s", firstLine(err))
			}
			if strings.Contains(err.Error(), "is missing") {
				t.Errorf("phantom problems on the half-read environment:\n%s", err)
			}
		})
	}
}

// TestProblemListBounded: a file with 300 unknown keys lists the first 100
// and says how many were left out.
func TestProblemListBounded(t *testing.T) {
	src := validEnv + "    compute: " + keys(300) + "\n"
	_, err := config.Parse("t.yaml", []byte(src))
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("got %v", err)
	}
	if len(ce.Problems) != config.MaxProblems || ce.Omitted != 200 {
		t.Errorf("got %d problems and %d omitted, want %d and 200", len(ce.Problems), ce.Omitted, config.MaxProblems)
	}
	if want := "t.yaml: 300 problems (the first 100 are listed, 200 more are left out):\n"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start with %q", firstLine(err), want)
	}
	if n := strings.Count(err.Error(), "\n  - "); n != 100 {
		t.Errorf("lists %d problems, want 100", n)
	}
}

// TestNoForgedLines: keys and values are quoted in messages, so a newline
// cannot forge a problem line, terminal escape sequences do not pass
// through, and a long value is cut.
func TestNoForgedLines(t *testing.T) {
	forged := "a\n  - line 1: dev: region: forged problem"
	esc := "\x1b]0;pwned\x07\x1b[31mred"
	huge := strings.Repeat("x", 900_000)
	cases := []struct {
		name, src string
		want      []string
	}{
		{"newline in an unknown key", validEnv + fmt.Sprintf("    %q: 1\n", forged), []string{`dev: "a\n  - line 1: dev: region: forged problem": unknown key`}},
		{"newline in a tag key", validEnv + fmt.Sprintf("    tags: {%q: x, aws:x: y}\n", forged), []string{`"aws:x" is not allowed`}},
		{"newline in an environment name", strings.Replace(validEnv, "  dev:", fmt.Sprintf("  %q:", forged), 1), []string{`environment name "a\n  - line 1`}},
		{"escape sequences in a value", validEnv + fmt.Sprintf("    compute_mode: %q\n", esc), []string{`"\x1b]0;pwned\a\x1b[31mred" is not a compute mode`}},
		{"escape sequences in a custom tag", validEnv + "    compute: {min_size: !x \"\\e[31m\"}\n", []string{`is a value tagged !x; want a whole number`}},
		{"a value of 900,000 characters", validEnv + "    compute: {instance_type: " + huge + "}\n", []string{`"` + strings.Repeat("x", 48) + `"... (900000 characters) is not an EC2 instance type`}},
		{"a key of 900,000 characters", validEnv + "    ? " + huge + "\n    : 1\n", []string{`... (900000 characters): unknown key`}},
		{"escape sequences in malformed YAML", "environments:\n  dev: [\x1b[31m\n", []string{"malformed YAML"}},
		{"bidirectional override in a value", validEnv + "    compute: {instance_type: \"t3\u202e.micro\"}\n", []string{`"t3\u202e.micro"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Parse("t.yaml", []byte(c.src))
			var ce *config.Errors
			if !errors.As(err, &ce) {
				t.Fatalf("got %v", err)
			}
			msg := err.Error()
			if lines := strings.Count(msg, "\n"); lines != len(ce.Problems) {
				t.Errorf("%d problems on %d lines; a key or value forged a line:\n%s", len(ce.Problems), lines, msg)
			}
			if strings.ContainsAny(msg, "\x1b\x07\u202e") {
				t.Errorf("a control character passed through: %q", msg)
			}
			if len(msg) > 2000 {
				t.Errorf("message is %d bytes; a value was echoed whole", len(msg))
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message does not contain %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestLoadLimitsFileSize: Load reads at most 1 MiB (and one byte to tell).
func TestLoadLimitsFileSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(p, append([]byte(validEnv), bytes.Repeat([]byte("#\n"), config.MaxFileBytes)...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(p)
	if err == nil || !strings.Contains(err.Error(), "larger than 1048576 bytes") {
		t.Fatalf("got %v, want the file refused as larger than 1 MiB", err)
	}
	small := filepath.Join(t.TempDir(), "ok.yaml")
	if err := os.WriteFile(small, []byte(validEnv+strings.Repeat("#\n", 1000)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(small); err != nil {
		t.Fatalf("a valid small file: %v", err)
	}
}

// TestSharedBlocksStillLoad: aliases are fine in moderation: one anchored
// block shared by several environments loads, and each gets its own copy.
func TestSharedBlocksStillLoad(t *testing.T) {
	src := `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
environments:
  one:
    network: {cidr: 10.1.0.0/16}
    compute: &sized {min_size: 3, max_size: 9, desired_capacity: 3}
    tags: &team {team: web}
  two:
    network: {cidr: 10.2.0.0/16}
    compute: *sized
    tags: *team
`
	f := mustParse(t, src)
	for _, e := range f.Environments {
		if e.Compute.MinSize != 3 || e.Compute.MaxSize != 9 || e.Tags["team"] != "web" {
			t.Errorf("%s: compute %+v tags %v, want the shared block", e.Name, e.Compute, e.Tags)
		}
	}
	f.Environments[0].Tags["team"] = "changed"
	if f.Environments[1].Tags["team"] != "web" {
		t.Error("two environments share one tags map")
	}
}

// TestPartitionsMatchSDK: partitions.json is the AWS SDK's file, byte for
// byte, of the SDK version go.mod requires.
func TestPartitionsMatchSDK(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to find the module cache:", err)
	}
	out, err := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/aws/aws-sdk-go-v2: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Skip("github.com/aws/aws-sdk-go-v2 is not in the module cache (go mod download)")
	}
	sdk, err := os.ReadFile(filepath.Join(dir, "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile("partitions.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sdk, ours) {
		t.Errorf("constructs/config/partitions.json differs from %s's copy: copy it over and update PartitionsSource", dir)
	}
	if !strings.Contains(config.PartitionsSource, filepath.Base(dir)[len("aws-sdk-go-v2@"):]) {
		t.Errorf("PartitionsSource %q does not name the SDK version of go.mod (%s)", config.PartitionsSource, filepath.Base(dir))
	}
	regions := config.Regions()
	if len(regions) < 30 || regions[0] == "aws-global" {
		t.Errorf("Regions() = %v; want the aws partition's regions without pseudo-regions", regions)
	}
}

func TestTargetGroupNamePrefix(t *testing.T) {
	for _, c := range []struct{ name, want string }{{"dev", "dev-"}, {"stage", "stage-"}, {"production", "produ-"}} {
		e := &config.Environment{Name: c.name}
		if got := e.TargetGroupNamePrefix(); got != c.want {
			t.Errorf("%s: got %q, want %q (at most 6 characters)", c.name, got, c.want)
		}
	}
}

func TestDefaultTags(t *testing.T) {
	f := &config.File{Project: "webtier"}
	e := &config.Environment{Name: "prod", Tags: map[string]string{"team": "web"}}
	got := f.DefaultTags(e)
	want := map[string]string{"team": "web", "project": "webtier", "environment": "prod", "managed-by": "cdktf"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(e.Tags) != 1 {
		t.Errorf("DefaultTags changed the environment's tags: %v", e.Tags)
	}
}

// hangBound is how long a hostile file may take to be refused: generous,
// so a loaded machine never fails it, and far below what a hang or an
// alias blow-up takes.
const hangBound = 10 * time.Second
