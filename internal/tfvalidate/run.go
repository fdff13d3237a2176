package tfvalidate

import (
	tfjson "github.com/hashicorp/terraform-json"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Diagnostic is one error or warning from terraform or the provider, as
// terraform-json decodes it (the JSON of validate, plan and test).
type Diagnostic tfjson.Diagnostic

// Where says where a diagnostic points: the block it names, else file:line.
func (d Diagnostic) Where() string {
	var parts []string
	if d.Address != "" {
		parts = append(parts, d.Address)
	} else if d.Snippet != nil && d.Snippet.Context != nil && *d.Snippet.Context != "" {
		parts = append(parts, *d.Snippet.Context)
	}
	if d.Range != nil && d.Range.Filename != "" {
		parts = append(parts, fmt.Sprintf("%s:%d", d.Range.Filename, d.Range.Start.Line))
	}
	return strings.Join(parts, " ")
}

// String is the one-line form: "summary: detail (where)".
func (d Diagnostic) String() string {
	s := d.Summary
	if det := strings.Join(strings.Fields(d.Detail), " "); det != "" {
		s += ": " + det
	}
	if w := d.Where(); w != "" {
		s += " (" + w + ")"
	}
	return s
}

// setupDiagnostics are diagnostics the offline setup itself causes, not
// findings about the stack: they become notes.
var setupDiagnostics = map[string]string{
	// Printed by every command under dev_overrides (on stderr in 1.11).
	"Provider development overrides are in effect": "",
	// skip_requesting_account_id: the provider does not ask STS who it is.
	"AWS account ID not found for provider": "the provider did not look its account ID up (skip_requesting_account_id); the plan shows ARNs that contain it as known after apply",
}

// assumeRoleNote explains the provider's warning about the override's
// assume_role block without a role ARN.
const assumeRoleNote = "assume_role is replaced by a block with an empty role_arn: offline the provider assumes no role (it warns that role_arn will be required)"

// unknownSummaries are Terraform's summaries for an argument or block the
// schema does not have (JSON syntax, as CDKTF writes; then native syntax).
var unknownSummaries = map[string]bool{
	"Extraneous JSON object property": true,
	"Unsupported argument":            true,
	"Unsupported block type":          true,
}

// UnknownToProvider tells whether a diagnostic is the provider's schema not
// knowing an argument or block: with bindings generated for a newer provider
// than the one built here, that is the version gap showing.
func (d Diagnostic) UnknownToProvider() bool {
	return d.Severity == "error" && unknownSummaries[d.Summary]
}

// Result is what validating and planning one stack found.
type Result struct {
	Stack string
	// Valid is `terraform validate`'s verdict.
	Valid bool
	// Planned is true when the plan ran to the end without error.
	Planned bool
	// Add, Change, Destroy count managed resources by planned action (a
	// replacement counts in Add and Destroy).
	Add, Change, Destroy int
	// Errors and Warnings, from validate and plan, without duplicates.
	Errors, Warnings []Diagnostic
	// Answers says how each data source was answered.
	Answers []Answer
	// Notes about the offline setup (credentials blanked, default region).
	Notes []string
	// RequiredVersion is the stack's aws provider version constraint.
	RequiredVersion string
	// ValidateTime and PlanTime are wall-clock durations.
	ValidateTime, PlanTime time.Duration
}

// OK is true when the stack validated and planned.
func (r *Result) OK() bool { return r.Valid && r.Planned }

// Runner runs terraform against scratch copies of stacks.
type Runner struct {
	// Terraform is the terraform (or tofu) executable.
	Terraform string
	// ProviderDir holds terraform-provider-aws and endpoints.txt.
	ProviderDir string
	// Isolate prefixes every terraform command, e.g. ["unshare", "-n", "--"]
	// for a network namespace with no interfaces; empty for none.
	Isolate []string
	// ScratchDir receives one copy per stack (and the CLI config).
	ScratchDir string
	// Log receives one line per step; nil for none.
	Log io.Writer

	endpoints []string
}

// Endpoints reads the provider's endpoint list (EndpointsFile).
func (r *Runner) Endpoints() ([]string, error) {
	if r.endpoints != nil {
		return r.endpoints, nil
	}
	b, err := os.ReadFile(filepath.Join(r.ProviderDir, EndpointsFile))
	if err != nil {
		return nil, fmt.Errorf("reading the provider's endpoint list: %w (scripts/build-provider.sh writes it next to the binary)", err)
	}
	r.endpoints = strings.Fields(string(b))
	if len(r.endpoints) == 0 {
		return nil, fmt.Errorf("%s lists no endpoints", filepath.Join(r.ProviderDir, EndpointsFile))
	}
	return r.endpoints, nil
}

func (r *Runner) logf(format string, a ...any) {
	if r.Log != nil {
		fmt.Fprintf(r.Log, format+"\n", a...)
	}
}

// cliConfigPath writes (once) and returns the CLI configuration file.
func (r *Runner) cliConfigPath() (string, error) {
	p := filepath.Join(r.ScratchDir, "terraform.rc")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if err := os.MkdirAll(r.ScratchDir, 0o755); err != nil {
		return "", err
	}
	return p, os.WriteFile(p, []byte(CLIConfig(r.ProviderDir)), 0o644)
}

// Env is the environment terraform runs with: the caller's, without any
// AWS_* or TF_* setting that could reach real credentials or change the
// commands (TF_LOG* kept), with the CLI config and fake-AWS settings added.
func (r *Runner) Env(cliConfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || (strings.HasPrefix(k, "TF_") && !strings.HasPrefix(k, "TF_LOG")) {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		"CHECKPOINT_DISABLE=1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE="+os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
	)
}

// Prepare copies stackDir into the scratch directory and adds the override
// and test files. It returns the copy's path.
func (r *Runner) Prepare(stackDir string, s *stackjson.Stack) (string, []Answer, []string, error) {
	eps, err := r.Endpoints()
	if err != nil {
		return "", nil, nil, err
	}
	dst := filepath.Join(r.ScratchDir, "stacks", s.Name)
	if err := os.RemoveAll(dst); err != nil {
		return "", nil, nil, err
	}
	if err := CopyDir(stackDir, dst); err != nil {
		return "", nil, nil, fmt.Errorf("copying %s: %w", stackDir, err)
	}
	override, notes, err := ProviderOverride(s, eps)
	if err != nil {
		return "", nil, nil, err
	}
	answers := Answers(s)
	test, err := TestFileJSON(answers)
	if err != nil {
		return "", nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(dst, OverrideFile), override, 0o644); err != nil {
		return "", nil, nil, err
	}
	if err := os.WriteFile(filepath.Join(dst, TestFile), test, 0o644); err != nil {
		return "", nil, nil, err
	}
	return dst, answers, notes, nil
}

// CopyDir copies a stack directory, leaving out Terraform's working files
// (.terraform, state) and any test files of its own.
func CopyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		name := d.Name()
		if rel != "." && (name == ".terraform" || strings.Contains(name, ".tfstate") ||
			strings.HasSuffix(name, ".tftest.hcl") || strings.HasSuffix(name, ".tftest.json")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// Check validates and plans the stack in stackDir.
func (r *Runner) Check(ctx context.Context, stackDir string) (*Result, error) {
	s, err := stackjson.LoadDir(stackDir)
	if err != nil {
		return nil, err
	}
	return r.CheckStack(ctx, stackDir, s)
}

// CheckStack validates and plans a loaded stack whose files are in stackDir.
func (r *Runner) CheckStack(ctx context.Context, stackDir string, s *stackjson.Stack) (*Result, error) {
	dir, answers, notes, err := r.Prepare(stackDir, s)
	if err != nil {
		return nil, err
	}
	res := &Result{Stack: s.Name, Answers: answers, Notes: notes, RequiredVersion: RequiredAWSVersion(s)}
	r.logf("%s: %s validate", s.Name, filepath.Base(r.Terraform))
	if err := r.Validate(ctx, dir, res); err != nil || !res.Valid {
		return res, err
	}
	r.logf("%s: %s test (plan, refresh off, %d data source(s) overridden)", s.Name, filepath.Base(r.Terraform), countOverridden(answers))
	return res, r.Plan(ctx, dir, res)
}

// Validate runs `terraform validate` in a prepared directory and records
// the verdict and diagnostics in res.
func (r *Runner) Validate(ctx context.Context, dir string, res *Result) error {
	start := time.Now()
	out, stderr, err := r.run(ctx, dir, "validate", "-json", "-no-color")
	res.ValidateTime = time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	v, perr := ParseValidate(out)
	if perr != nil {
		return fmt.Errorf("%s: terraform validate: %v; stderr: %s", res.Stack, errOr(err, perr), strings.TrimSpace(stderr))
	}
	res.Valid = v.Valid
	for _, d := range v.Diagnostics {
		res.add([]Diagnostic{Diagnostic(d)})
	}
	return nil
}

// Plan runs the prepared directory's test file (a plan with refresh off)
// and records the outcome, resource counts and diagnostics in res.
func (r *Runner) Plan(ctx context.Context, dir string, res *Result) error {
	start := time.Now()
	out, stderr, err := r.run(ctx, dir, "test", "-json", "-verbose", "-no-color", "-filter="+TestFile)
	res.PlanTime = time.Since(start)
	if err := ctx.Err(); err != nil {
		return err
	}
	p, perr := ParseTest(out)
	if perr != nil {
		return fmt.Errorf("%s: terraform test: %v; stderr: %s", res.Stack, errOr(err, perr), strings.TrimSpace(stderr))
	}
	res.add(p.Diagnostics)
	res.Planned = p.Passed && p.Plan != nil
	if p.Plan != nil {
		res.Add, res.Change, res.Destroy = p.Plan.Counts()
	}
	if !res.Planned && len(res.Errors) == 0 {
		res.Errors = append(res.Errors, Diagnostic{Severity: "error", Summary: "plan did not finish",
			Detail: fmt.Sprintf("terraform test status %q; stderr: %s", p.Status, strings.TrimSpace(stderr))})
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func countOverridden(answers []Answer) int {
	n := 0
	for _, a := range answers {
		if !a.Provider {
			n++
		}
	}
	return n
}

// add files diagnostics, turning those the offline setup causes into notes
// and dropping duplicates.
func (r *Result) add(ds []Diagnostic) {
	for _, d := range ds {
		if d.Severity == "warning" && d.Summary == "Missing required argument" && strings.Contains(d.Detail, `"role_arn"`) {
			// The assume_role block the override writes with an empty role_arn
			// (ProviderOverride): the provider warns and assumes no role.
			if !contains(r.Notes, assumeRoleNote) {
				r.Notes = append(r.Notes, assumeRoleNote)
			}
			continue
		}
		if note, ok := setupDiagnostics[d.Summary]; ok && d.Severity == "warning" {
			if note != "" && !contains(r.Notes, note) {
				r.Notes = append(r.Notes, note)
			}
			continue
		}
		list := &r.Warnings
		if d.Severity == "error" {
			list = &r.Errors
		}
		dup := false
		for _, e := range *list {
			if e.String() == d.String() {
				dup = true
				break
			}
		}
		if !dup {
			*list = append(*list, d)
		}
	}
}

// run runs terraform in dir and returns stdout and stderr.
func (r *Runner) run(ctx context.Context, dir string, args ...string) ([]byte, string, error) {
	cli, err := r.cliConfigPath()
	if err != nil {
		return nil, "", err
	}
	argv := append(append([]string{}, r.Isolate...), r.Terraform)
	argv = append(argv, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = r.Env(cli)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = fmt.Errorf("%s exited with %d", strings.Join(argv, " "), exit.ExitCode())
	}
	return stdout.Bytes(), stderr.String(), err
}

// ValidateOutput is `terraform validate -json`.
type ValidateOutput = tfjson.ValidateOutput

// ParseValidate decodes `terraform validate -json` output.
func ParseValidate(b []byte) (*ValidateOutput, error) {
	var v ValidateOutput
	if err := json.Unmarshal(bytes.TrimSpace(b), &v); err != nil {
		return nil, fmt.Errorf("validate output is not JSON: %w (%q)", err, truncate(string(b), 200))
	}
	return &v, nil
}

// Plan is the plan `terraform test -json -verbose` prints (its test_plan:
// terraform-json's resource changes, under plan_format_version rather than
// the format_version that terraform-json's Plan insists on).
type Plan struct {
	ResourceChanges []*tfjson.ResourceChange `json:"resource_changes"`
}

// Counts returns resources to add, change and destroy, as `terraform plan`
// counts them (a replacement adds one and destroys one).
func (p *Plan) Counts() (add, change, destroy int) {
	for _, rc := range p.ResourceChanges {
		if rc.Mode != tfjson.ManagedResourceMode || rc.Change == nil {
			continue
		}
		for _, a := range rc.Change.Actions {
			switch a {
			case tfjson.ActionCreate:
				add++
			case tfjson.ActionUpdate:
				change++
			case tfjson.ActionDelete:
				destroy++
			}
		}
	}
	return add, change, destroy
}

// TestOutput is what `terraform test -json -verbose` reported.
type TestOutput struct {
	// Passed is true when the summary says every run passed.
	Passed bool
	// Status is the summary's status ("pass", "fail", "error").
	Status string
	// Plan is the last run's plan (printed because of -verbose).
	Plan *Plan
	// Diagnostics from every message.
	Diagnostics []Diagnostic
}

// ParseTest decodes the JSON lines of `terraform test -json -verbose`.
func ParseTest(b []byte) (*TestOutput, error) {
	var out TestOutput
	seenSummary := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var msg struct {
			Type        string          `json:"type"`
			Diagnostic  *Diagnostic     `json:"diagnostic"`
			TestPlan    json.RawMessage `json:"test_plan"`
			TestSummary *struct {
				Status string `json:"status"`
				Passed int    `json:"passed"`
				Failed int    `json:"failed"`
				Errors int    `json:"errored"`
			} `json:"test_summary"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			return nil, fmt.Errorf("test output line is not JSON: %w (%q)", err, truncate(string(line), 200))
		}
		switch msg.Type {
		case "diagnostic":
			if msg.Diagnostic != nil {
				out.Diagnostics = append(out.Diagnostics, *msg.Diagnostic)
			}
		case "test_plan":
			var p Plan
			if err := json.Unmarshal(msg.TestPlan, &p); err != nil {
				return nil, fmt.Errorf("test_plan: %w", err)
			}
			out.Plan = &p
		case "test_summary":
			if msg.TestSummary != nil {
				seenSummary = true
				out.Status = msg.TestSummary.Status
				out.Passed = msg.TestSummary.Status == "pass" && msg.TestSummary.Passed > 0 &&
					msg.TestSummary.Failed == 0 && msg.TestSummary.Errors == 0
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !seenSummary && len(out.Diagnostics) == 0 {
		return nil, fmt.Errorf("test output has no summary and no diagnostics (%q)", truncate(string(b), 200))
	}
	return &out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// IsolationPrefix returns the command prefix that runs a command in a new
// network namespace with no interfaces ("unshare -n", or "unshare -rn" for a
// user allowed user namespaces), or nil and the reason when neither works.
func IsolationPrefix(ctx context.Context) ([]string, string) {
	if _, err := exec.LookPath("unshare"); err != nil {
		return nil, "unshare not found (util-linux)"
	}
	var reasons []string
	for _, p := range [][]string{{"unshare", "-n", "--"}, {"unshare", "-rn", "--"}} {
		c := exec.CommandContext(ctx, p[0], append(append([]string{}, p[1:]...), "true")...)
		out, err := c.CombinedOutput()
		if err == nil {
			return p, ""
		}
		reasons = append(reasons, fmt.Sprintf("%s: %s", strings.Join(p[:len(p)-1], " "), strings.TrimSpace(string(out))))
	}
	sort.Strings(reasons)
	return nil, strings.Join(reasons, "; ")
}
