//go:build tfvalidate

// These tests need terraform (or tofu) and the provider built by
// scripts/build-provider.sh; scripts/validate.sh (`make validate`) runs them
// with TFVALIDATE_REQUIRE=1, under which anything missing is a failure, not
// a skip.
//
//	TFVALIDATE_PROVIDER_DIR  the directory scripts/build-provider.sh prints
//	TFVALIDATE_OUTDIR        synthesized output whose stacks are broken (default: the fixture)
//	TFVALIDATE_ISOLATE       auto (default), require or off
//	TERRAFORM_BINARY_NAME    terraform (default) or tofu

package tfvalidate

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

func offlineRunner(t *testing.T) *Runner {
	t.Helper()
	need := func(format string, a ...any) {
		t.Helper()
		if os.Getenv("TFVALIDATE_REQUIRE") == "1" {
			t.Fatalf(format, a...)
		}
		t.Skipf(format+" (TFVALIDATE_REQUIRE=1 makes this a failure)", a...)
	}
	dir := os.Getenv("TFVALIDATE_PROVIDER_DIR")
	if dir == "" {
		need("TFVALIDATE_PROVIDER_DIR is not set (scripts/build-provider.sh prints it)")
	}
	if _, err := os.Stat(filepath.Join(dir, "terraform-provider-aws")); err != nil {
		need("no provider binary: %v", err)
	}
	name := os.Getenv("TERRAFORM_BINARY_NAME")
	if name == "" {
		name = "terraform"
	}
	tf, err := exec.LookPath(name)
	if err != nil {
		need("%s not on PATH", name)
	}
	r := &Runner{Terraform: tf, ProviderDir: dir, ScratchDir: t.TempDir()}
	switch iso := os.Getenv("TFVALIDATE_ISOLATE"); iso {
	case "off":
	case "", "auto", "require":
		p, why := IsolationPrefix(context.Background())
		if p == nil && iso == "require" {
			t.Fatalf("no network namespace: %s", why)
		}
		r.Isolate = p
	default:
		t.Fatalf("TFVALIDATE_ISOLATE=%q: want auto, require or off", iso)
	}
	return r
}

// candidates are the stacks to break: every synthesized stack (when
// TFVALIDATE_OUTDIR is set), then the fixture.
func candidates(t *testing.T) []*stackjson.Stack {
	t.Helper()
	var out []*stackjson.Stack
	if d := os.Getenv("TFVALIDATE_OUTDIR"); d != "" {
		stacks, err := stackjson.LoadAll(d)
		if err != nil {
			t.Fatalf("TFVALIDATE_OUTDIR: %v", err)
		}
		out = append(out, stacks...)
	}
	fix, err := stackjson.LoadDir(filepath.Join("testdata", "synth-out", "stacks", "fixture"))
	if err != nil {
		t.Fatal(err)
	}
	return append(out, fix)
}

// clone deep-copies a decoded stack document.
func clone(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// firstOf returns the name and body of the first resource of type typ (by
// address order) in a decoded document.
func firstOf(doc map[string]any, typ string, ok func(map[string]any) bool) (string, map[string]any) {
	byName, _ := stackjson.Walk(doc, "resource", typ)
	m, _ := byName.(map[string]any)
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		body, _ := m[n].(map[string]any)
		if body != nil && (ok == nil || ok(body)) {
			return n, body
		}
	}
	return "", nil
}

// writeStack writes a (broken) document as a stack directory named name.
func writeStack(t *testing.T, doc map[string]any, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stackjson.FileName), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func check(t *testing.T, r *Runner, dir string) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	res, err := r.Check(ctx, dir)
	if err != nil {
		t.Fatalf("check %s: %v", dir, err)
	}
	t.Logf("%s: valid=%v planned=%v add=%d (%.1f s)", res.Stack, res.Valid, res.Planned, res.Add, time.Since(start).Seconds())
	return res
}

// TestOfflineFixturePlans: the hand-written fixture validates and plans, with
// its AWS-reading data sources answered locally and the IAM policy document
// computed by the real provider.
func TestOfflineFixturePlans(t *testing.T) {
	r := offlineRunner(t)
	res := check(t, r, filepath.Join("testdata", "synth-out", "stacks", "fixture"))
	if !res.OK() {
		t.Fatalf("fixture should validate and plan; errors:\n%s", joinDiags(res.Errors))
	}
	if res.Add != 14 || res.Change != 0 || res.Destroy != 0 {
		t.Errorf("fixture plan: %d to add, %d to change, %d to destroy; want 14, 0, 0", res.Add, res.Change, res.Destroy)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("fixture warnings:\n%s", joinDiags(res.Warnings))
	}
}

// breakage is one mistake the Go bindings and snapshot tests cannot see but
// the provider rejects.
type breakage struct {
	name string
	// typ is the resource type broken; the first stack having one (whose
	// body satisfies has) is used.
	typ string
	has func(map[string]any) bool
	// mutate breaks the resource's body in place.
	mutate func(body map[string]any)
	// want must match one error's summary+detail; wantTofu instead under
	// OpenTofu, where its wording differs from Terraform's (nil: the same).
	want, wantTofu *regexp.Regexp
	// atPlan: validate passes and only the plan rejects it.
	atPlan bool
	// gap: the error must be classified as the provider not knowing an
	// argument (what a 5.88.0-only attribute looks like to 5.67.0).
	gap bool
}

var breakages = []breakage{
	{
		name: "alarm comparison_operator enum", typ: "aws_cloudwatch_metric_alarm",
		mutate: func(b map[string]any) { b["comparison_operator"] = "Bigger" },
		want:   regexp.MustCompile(`expected comparison_operator to be one of .*GreaterThanThreshold.*, got Bigger`),
	},
	{
		name: "target group target_type enum", typ: "aws_lb_target_group",
		mutate: func(b map[string]any) { b["target_type"] = "pods" },
		want:   regexp.MustCompile(`expected target_type to be one of .*instance.*, got pods`),
	},
	{
		name: "unknown attribute", typ: "aws_lb",
		mutate: func(b map[string]any) { b["colour"] = "blue" },
		want:   regexp.MustCompile(`Extraneous JSON object property: No argument or block type is named "colour"`),
		gap:    true,
	},
	{
		name: "reference to a resource that does not exist", typ: "aws_lb_listener",
		mutate:   func(b map[string]any) { b["load_balancer_arn"] = "${aws_lb.does_not_exist.arn}" },
		want:     regexp.MustCompile(`Reference to undeclared resource: A managed resource "aws_lb" "does_not_exist" has not been declared`),
		wantTofu: regexp.MustCompile(`Reference to undeclared resource: There is no managed resource "aws_lb" "does_not_exist" definition in the root module`),
	},
	{
		name: "missing argument combination", typ: "aws_autoscaling_group",
		has: func(b map[string]any) bool { _, ok := b["launch_template"]; return ok },
		mutate: func(b map[string]any) {
			delete(b, "launch_template")
			delete(b, "mixed_instances_policy")
		},
		want: regexp.MustCompile("one of `launch_configuration,launch_template,mixed_instances_policy` must be specified"),
	},
	{
		name: "health check protocol conflicting with the target group's (plan only)", typ: "aws_lb_target_group",
		has: func(b map[string]any) bool {
			p, _ := b["protocol"].(string)
			return p == "HTTP" || p == "HTTPS"
		},
		mutate: func(b map[string]any) { b["health_check"] = map[string]any{"protocol": "TCP"} },
		want:   regexp.MustCompile(`Attribute "health_check\[0\]\.protocol" cannot have value "TCP" when "protocol" is "HTTPS?"`),
		atPlan: true,
	},
}

// TestOfflineCatchesBreakage breaks copies of a stack, one mistake at a
// time, and expects validate (or, where only the provider's plan-time checks
// see it, the plan) to fail with the provider's message. The unbroken copy
// must pass first, so that each failure is the mistake's doing.
func TestOfflineCatchesBreakage(t *testing.T) {
	r := offlineRunner(t)
	stacks := candidates(t)
	controlled := map[string]bool{}
	tofu := isOpenTofu(t, r.Terraform)
	for _, b := range breakages {
		if tofu && b.wantTofu != nil {
			b.want = b.wantTofu
		}
		t.Run(b.name, func(t *testing.T) {
			var (
				stack *stackjson.Stack
				name  string
				doc   map[string]any
				body  map[string]any
			)
			for _, s := range stacks {
				doc = clone(t, s.Raw)
				if name, body = firstOf(doc, b.typ, b.has); name != "" {
					stack = s
					break
				}
			}
			if stack == nil {
				t.Fatalf("no stack (not even the fixture) has a suitable %s to break", b.typ)
			}
			if !controlled[stack.Name] {
				dir := writeStack(t, clone(t, stack.Raw), stack.Name)
				if res := check(t, r, dir); !res.OK() {
					t.Fatalf("the unbroken copy of %s must validate and plan first; errors:\n%s", stack.Name, joinDiags(res.Errors))
				}
				controlled[stack.Name] = true
			}
			b.mutate(body)
			t.Logf("breaking %s.%s in stack %s", b.typ, name, stack.Name)
			res := check(t, r, writeStack(t, doc, stack.Name))
			if res.OK() {
				t.Fatalf("the broken stack validated and planned; want an error matching %q", b.want)
			}
			if b.atPlan && !res.Valid {
				t.Errorf("validate rejected it; this mistake was expected to pass validate and fail the plan:\n%s", joinDiags(res.Errors))
			}
			if !b.atPlan && res.Valid {
				t.Errorf("validate accepted it; want validate to fail")
			}
			for _, d := range res.Errors {
				if b.want.MatchString(d.Summary + ": " + strings.Join(strings.Fields(d.Detail), " ")) {
					t.Logf("rejected as expected: %s", d)
					if d.UnknownToProvider() != b.gap {
						t.Errorf("UnknownToProvider() = %v, want %v", d.UnknownToProvider(), b.gap)
					}
					return
				}
			}
			t.Fatalf("no error matches %q; errors:\n%s", b.want, joinDiags(res.Errors))
		})
	}
}

// isOpenTofu tells OpenTofu from Terraform by what `version` prints.
func isOpenTofu(t *testing.T, bin string) bool {
	t.Helper()
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+os.DevNull, "CHECKPOINT_DISABLE=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	return strings.HasPrefix(string(out), "OpenTofu ")
}

// TestOfflineProviderReachesNothing: a data source the test file does not
// answer makes the real provider try AWS; the plan must fail on the dead
// endpoint (or the missing network) instead of reaching anything.
func TestOfflineProviderReachesNothing(t *testing.T) {
	r := offlineRunner(t)
	doc := map[string]any{
		"terraform": map[string]any{"required_providers": map[string]any{"aws": map[string]any{"source": "hashicorp/aws", "version": "5.88.0"}}},
		"provider":  map[string]any{"aws": []any{map[string]any{"region": "us-east-1"}}},
		"data":      map[string]any{"aws_caller_identity": map[string]any{"me": map[string]any{}}},
		"output":    map[string]any{"account": map[string]any{"value": "${data.aws_caller_identity.me.account_id}"}},
	}
	dir := writeStack(t, doc, "unanswered")
	s, err := stackjson.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	scratch, _, _, err := r.Prepare(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	// The same plan run, with no override_data.
	if err := os.WriteFile(filepath.Join(scratch, TestFile), []byte(`{"run": {"offline_plan": {"command": "plan", "plan_options": {"refresh": false}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res := &Result{Stack: s.Name}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := r.Validate(ctx, scratch, res); err != nil || !res.Valid {
		t.Fatalf("validate: %v %s", err, joinDiags(res.Errors))
	}
	if err := r.Plan(ctx, scratch, res); err != nil {
		t.Fatal(err)
	}
	t.Logf("plan of an unanswered aws_caller_identity took %.1f s", res.PlanTime.Seconds())
	if res.Planned {
		t.Fatal("a plan that had to call STS succeeded: the provider reached something")
	}
	unreachable := regexp.MustCompile(`127\.0\.0\.1:1|network is unreachable|connection refused`)
	for _, d := range res.Errors {
		if unreachable.MatchString(d.Detail) {
			t.Logf("failed as expected: %s", truncate(d.String(), 400))
			return
		}
	}
	t.Fatalf("no error names the dead endpoint or the missing network:\n%s", joinDiags(res.Errors))
}

func joinDiags(ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.String() + "\n")
	}
	return b.String()
}
