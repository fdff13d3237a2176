package e2e

import (
	tfjson "github.com/hashicorp/terraform-json"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Registry hosts: a provider source without a host ("hashicorp/aws") means
// hashicorp/aws on the engine's own registry.
const (
	TerraformRegistry = "registry.terraform.io"
	OpenTofuRegistry  = "registry.opentofu.org"
)

// Engine is the Terraform-compatible CLI a run uses.
type Engine struct {
	// Bin is the executable (terraform, tofu, or a path).
	Bin string
	// Version is the first line of `Bin version`: "Terraform v1.11.4",
	// "OpenTofu v1.12.6".
	Version string
}

// OpenTofu reports whether the engine is OpenTofu.
func (e Engine) OpenTofu() bool { return strings.HasPrefix(e.Version, "OpenTofu ") }

// Registry is the host the engine resolves "hashicorp/aws" against, under
// which the provider mirror lays the provider out.
func (e Engine) Registry() string {
	if e.OpenTofu() {
		return OpenTofuRegistry
	}
	return TerraformRegistry
}

// DetectEngine runs `bin version` and tells Terraform from OpenTofu by what
// it prints, not by the executable's name.
func DetectEngine(ctx context.Context, bin string) (Engine, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Env = append(scrubbedEnv(), "CHECKPOINT_DISABLE=1", "TF_CLI_CONFIG_FILE="+os.DevNull)
	out, err := cmd.Output()
	if err != nil {
		return Engine{}, fmt.Errorf("%s version: %v", bin, err)
	}
	first := firstLine(string(out))
	if !strings.HasPrefix(first, "Terraform v") && !strings.HasPrefix(first, "OpenTofu v") {
		return Engine{}, fmt.Errorf("%s version printed %q: neither Terraform nor OpenTofu", bin, first)
	}
	return Engine{Bin: bin, Version: first}, nil
}

// Mirror lays out the provider binary as a filesystem mirror of the engine's
// registry host (HOST/hashicorp/aws/VERSION/linux_amd64/terraform-provider-aws_vVERSION,
// HOST registry.terraform.io for Terraform, registry.opentofu.org for
// OpenTofu) under dir and writes a CLI config that installs hashicorp/aws
// from it and nothing from the network. It returns the CLI config's path.
func Mirror(dir, providerBin, version, host string) (string, error) {
	if _, err := os.Stat(providerBin); err != nil {
		return "", fmt.Errorf("provider binary: %w (build it with scripts/build-provider.sh)", err)
	}
	if host != TerraformRegistry && host != OpenTofuRegistry {
		return "", fmt.Errorf("registry host %q: want %s or %s", host, TerraformRegistry, OpenTofuRegistry)
	}
	platform := "linux_amd64"
	pkg := filepath.Join(dir, "mirror", host, "hashicorp", "aws", version, platform)
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(pkg, "terraform-provider-aws_v"+version)
	_ = os.Remove(link)
	abs, err := filepath.Abs(providerBin)
	if err != nil {
		return "", err
	}
	if err := os.Symlink(abs, link); err != nil {
		return "", err
	}
	rc := filepath.Join(dir, "terraformrc")
	conf := fmt.Sprintf(`# Written by the e2e harness: hashicorp/aws from the local mirror, nothing from a registry.
provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
}
disable_checkpoint = true
`, filepath.Join(dir, "mirror"), host+"/hashicorp/aws")
	return rc, os.WriteFile(rc, []byte(conf), 0o644)
}

// Cmd runs one command of a step: its combined output goes to a log file
// (and is kept for error reports).
type Cmd struct {
	Dir  string
	Env  []string
	Log  string // file the output is appended to
	Args []string
	// Timeout bounds the command (a waiter that never ends must not hang CI).
	Timeout time.Duration
}

// Result of a command.
type Result struct {
	Output   string
	ExitCode int
	Elapsed  time.Duration
}

// Run runs c. A non-zero exit is not an error (see ExitCode); failing to
// start, or the timeout, is.
func (c Cmd) Run(ctx context.Context) (Result, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	cmd.Dir, cmd.Env = c.Dir, c.Env
	cmd.WaitDelay = 10 * time.Second
	var buf bytes.Buffer
	var w io.Writer = &buf
	if c.Log != "" {
		f, err := os.OpenFile(c.Log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return Result{}, err
		}
		defer f.Close()
		fmt.Fprintf(f, "\n$ %s\n", strings.Join(c.Args, " "))
		w = io.MultiWriter(&buf, f)
	}
	cmd.Stdout, cmd.Stderr = w, w
	start := time.Now()
	err := cmd.Run()
	r := Result{Output: buf.String(), Elapsed: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return r, fmt.Errorf("%s did not finish within %s (last output: %s)", c.Args[0], c.Timeout, lastLine(StripANSI(r.Output)))
	case errors.As(err, &exit):
		r.ExitCode = exit.ExitCode()
		return r, nil
	case err != nil:
		return r, err
	}
	return r, nil
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]`)

// StripANSI removes terminal colour codes.
func StripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// boxPrefix is what cdktf and Terraform put before a diagnostic line:
// a stack-name column at the start of the line ("dev  "), then "│ " or
// "╷". (An indented word is text: "  with aws_vpc.x," keeps its "with".)
var boxPrefix = regexp.MustCompile(`^(?:[A-Za-z0-9_-]+\s+)?\s*[│╷╵|]?\s*`)

// FirstError is the first Terraform (or cdktf) error in output: the
// "Error: ..." line and the detail line after it, without colours and the
// box drawing around diagnostics. "" when there is none.
func FirstError(output string) string {
	lines := strings.Split(StripANSI(output), "\n")
	// A failed synth: cdktf reports "Error: non-zero exit code 1"; the app's
	// own message ("synth: ...") and its first problem say what is wrong.
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "synth: ") {
			msg := t
			if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
				msg += " " + strings.TrimSpace(lines[i+1])
			}
			return cut(msg)
		}
	}
	for i, l := range lines {
		l = boxPrefix.ReplaceAllString(strings.TrimRight(l, " \r"), "")
		if !strings.HasPrefix(l, "Error: ") {
			continue
		}
		msg := strings.TrimSpace(l)
		// The summary line alone often says little ("creating EC2 VPC"); the
		// API error follows on the next non-empty lines of the same block.
		for j := i + 1; j < len(lines) && j <= i+6; j++ {
			d := strings.TrimSpace(boxPrefix.ReplaceAllString(StripANSI(lines[j]), ""))
			if d == "" || strings.HasPrefix(d, "with ") || strings.HasPrefix(d, "on ") {
				continue
			}
			if strings.HasPrefix(d, "Error: ") || strings.HasPrefix(d, "╵") {
				break
			}
			msg += ": " + d
			break
		}
		return cut(msg)
	}
	return ""
}

func cut(msg string) string {
	if len(msg) > 600 {
		return msg[:600] + "..."
	}
	return msg
}

// PlanChange is one resource change of a plan (terraform show -json, read
// with terraform-json's Plan).
type PlanChange struct {
	Address string
	Type    string
	Actions []string
	// Attrs are the top-level attributes whose planned value differs.
	Attrs []string
	// ReplaceBy are the attributes that force a replacement.
	ReplaceBy []string
}

// Verb is the change in Terraform's words: create, update, replace, delete.
func (c PlanChange) Verb() string {
	a := strings.Join(c.Actions, ",")
	switch a {
	case "create", "update", "delete":
		return a
	case "delete,create", "create,delete":
		return "replace"
	}
	return a
}

func (c PlanChange) String() string {
	s := c.Address + " " + c.Verb()
	if len(c.ReplaceBy) > 0 {
		s += " forced by " + strings.Join(c.ReplaceBy, ", ")
	}
	if len(c.Attrs) > 0 && len(c.Attrs) <= 8 {
		s += " (" + strings.Join(c.Attrs, ", ") + ")"
	} else if len(c.Attrs) > 8 {
		s += fmt.Sprintf(" (%s and %d more)", strings.Join(c.Attrs[:8], ", "), len(c.Attrs)-8)
	}
	return s
}

// ParsePlan reads `terraform show -json PLAN` and returns the changes that
// are not no-ops or data source reads, sorted by address.
func ParsePlan(data []byte) ([]PlanChange, error) {
	changes, _, err := parsePlan(data)
	return changes, err
}

// OutputChanges reads `terraform show -json PLAN` and returns the names of
// the outputs whose value the plan changes.
func OutputChanges(data []byte) ([]string, error) {
	_, outs, err := parsePlan(data)
	return outs, err
}

func parsePlan(data []byte) ([]PlanChange, []string, error) {
	var p tfjson.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, nil, fmt.Errorf("reading the plan JSON: %w", err)
	}
	var outs []string
	for name, oc := range p.OutputChanges {
		if oc != nil && len(oc.Actions) > 0 && !oc.Actions.NoOp() {
			outs = append(outs, name)
		}
	}
	sort.Strings(outs)
	var out []PlanChange
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil || rc.Mode == tfjson.DataResourceMode {
			continue
		}
		a := rc.Change.Actions
		if len(a) == 0 || a.NoOp() || a.Read() {
			continue
		}
		c := PlanChange{Address: rc.Address, Type: rc.Type}
		for _, act := range a {
			c.Actions = append(c.Actions, string(act))
		}
		for _, path := range rc.Change.ReplacePaths {
			var parts []string
			steps, _ := path.([]any)
			for _, p := range steps {
				parts = append(parts, fmt.Sprint(p))
			}
			c.ReplaceBy = append(c.ReplaceBy, strings.Join(parts, "."))
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		for k, v := range after {
			if !jsonEqual(before[k], v) {
				c.Attrs = append(c.Attrs, k)
			}
		}
		for k, u := range unknown {
			if b, _ := u.(bool); b && before != nil && !slices.Contains(c.Attrs, k) {
				c.Attrs = append(c.Attrs, k)
			}
		}
		if after == nil { // delete
			c.Attrs = nil
		}
		sort.Strings(c.Attrs)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, outs, nil
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
