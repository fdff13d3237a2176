// Package e2e deploys the project's stacks for real, without an AWS account:
// every environment goes through the cdktf CLI (`npx cdktf deploy`, `npx
// cdktf destroy`) and the real AWS provider against a local AWS emulator
// (moto, with the shims in motoshim/ that make it answer like AWS), and each
// step is checked against the emulator's own answers:
//
//  1. deploy, read --outputs-file;
//  2. check the outputs contract (VPC, subnets, ALB, target group, listener,
//     security groups, launch template, instances, registrations, group);
//  3. plan again: no changes;
//  4. change the desired capacity out of band: still no changes (ignore_changes);
//  5. scale: execute the scale-out policy while cmd/stress --watch reads the
//     Auto Scaling and ELBv2 APIs, and see the activity and the new targets;
//  6. change instance_type, re-synthesize, assert the plan (launch template
//     updated in place; asg: nothing replaced; ec2: exactly the instance and
//     its attachment replaced), deploy, plan again: no changes;
//  7. asg: rollback: the rollout command's refresh to the new version rolls
//     back when a gate alarm goes to ALARM (group and instances on the old
//     version, a healthy target throughout, empty plan); rollout: it rolls
//     out (all on the new version, no resource changes in the plan);
//  8. destroy, and ask the emulator that nothing of the environment is left;
//  9. for one environment, team state: an S3 backend in the emulator's S3,
//     the state object encrypted, a second apply refused while the lock is held.
//
// cmd/e2e is the command; `make e2e` runs it.
package e2e

import (
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
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/tfvalidate"
)

// Step names, as failures report them.
const (
	StepSetup  = "setup"
	StepDeploy = "deploy"
	StepCheck  = "check"
	StepReplan = "re-plan"
	StepDrift  = "drift"
	StepScale  = "scale"
	StepUpdate = "update"
	// StepRollback and StepRollout (asg): after update deployed a new
	// template version, the rollout rolls back on a gate alarm, then rolls
	// out (rollout_steps.go).
	StepRollback = "rollback"
	StepRollout  = "rollout"
	StepDestroy  = "destroy"
	StepState    = "team state"
)

// Options configure a run.
type Options struct {
	// Repo is the project root (cdktf.json); commands run there.
	Repo string
	// EnvFile is the environments file (default Repo/environments.yaml).
	EnvFile string
	// Settings change a copy of EnvFile before the first synth (see
	// DefaultSettings); the file itself is not touched.
	Settings []Setting
	// ProviderBin is the AWS provider binary scripts/build-provider.sh built.
	ProviderBin string
	// WorkDir holds everything a run writes (default: a new temp directory).
	WorkDir string
	// Envs limits the run to these environments (default: every stack).
	Envs []string
	// StateEnv is the environment deployed with the S3 backend ("" : the
	// first environment; "-": none).
	StateEnv string
	// Parallel is how many environments run at once (default 1).
	Parallel int
	// Keep leaves the working directories and the emulators running.
	Keep bool
	// CDKTF is the cdktf command (default: npx --no-install cdktf), or
	// another CLI that reads cdktf.json (CDK Terrain's cdktn).
	CDKTF []string
	// App replaces cdktf.json's app command (--app), for the harness's tests.
	App string
	// Steps limits the steps run after deploy and check (default: all).
	// Destroy always runs.
	Steps []string
	// Python runs the emulator (default python3); Terraform is the CLI
	// (default $TERRAFORM_BINARY_NAME, else terraform): terraform or tofu.
	// The cdktf CLI gets it as TERRAFORM_BINARY_NAME, so both run the same.
	Python, Terraform string
	// Log receives progress lines.
	Log io.Writer
}

// EnvResult is one environment's row of the report.
type EnvResult struct {
	Env       string
	Mode      string
	Deploy    time.Duration
	Resources int
	Cells     map[string]string // step -> what it saw
	Failure   *StepError
	Destroyed bool
	// Retries counts commands run again after a dropped emulator connection.
	Retries int
}

// StepError names the environment, the step and the first Terraform error.
type StepError struct {
	Env, Step string
	Err       error
	// TFError is the first Terraform error of the failing command, if any.
	TFError string
	// Log is the file with the step's full output.
	Log string
}

func (e *StepError) Error() string {
	s := fmt.Sprintf("%s: step %s: %v", e.Env, e.Step, e.Err)
	if e.TFError != "" && !strings.Contains(s, e.TFError) {
		s += ": " + e.TFError
	}
	if e.Log != "" {
		s += " (log: " + e.Log + ")"
	}
	return s
}

func (o *Options) defaults() error {
	if o.Repo == "" {
		o.Repo = "."
	}
	abs, err := filepath.Abs(o.Repo)
	if err != nil {
		return err
	}
	o.Repo = abs
	if o.EnvFile == "" {
		o.EnvFile = filepath.Join(o.Repo, "environments.yaml")
	}
	if o.EnvFile, err = filepath.Abs(o.EnvFile); err != nil {
		return err
	}
	if o.Parallel < 1 {
		o.Parallel = 1
	}
	if len(o.CDKTF) == 0 {
		o.CDKTF = []string{"npx", "--no-install", "cdktf"}
	}
	if o.Python == "" {
		o.Python = "python3"
	}
	if o.Terraform == "" {
		o.Terraform = os.Getenv(EnvEngineBinary)
	}
	if o.Terraform == "" {
		o.Terraform = "terraform"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// EnvEngineBinary is the variable the cdktf CLI reads for the Terraform
// executable (terraform or tofu).
const EnvEngineBinary = "TERRAFORM_BINARY_NAME"

// Harness is one run's shared state.
type Harness struct {
	opt    Options
	engine Engine
	rc     string // Terraform CLI config with the mirror
	stress string // built cmd/stress
	logMu  sync.Mutex
	start  time.Time
}

// Run deploys, checks and destroys every environment and returns one result
// per environment, in the order of the stacks. The error is about the run
// as a whole (setup); per-environment failures are in the results.
func Run(ctx context.Context, opt Options) ([]*EnvResult, error) {
	if err := opt.defaults(); err != nil {
		return nil, err
	}
	h := &Harness{opt: opt, start: time.Now()}
	if err := CheckMoto(ctx, opt.Python); err != nil {
		return nil, err
	}
	if _, err := exec.LookPath(opt.Terraform); err != nil {
		return nil, fmt.Errorf("%s not found on PATH: install Terraform >= 1.10 or OpenTofu >= 1.10 (S3 lock files; scripts/build-tofu.sh builds OpenTofu)", opt.Terraform)
	}
	engine, err := DetectEngine(ctx, opt.Terraform)
	if err != nil {
		return nil, err
	}
	h.engine = engine
	if opt.WorkDir == "" {
		d, err := os.MkdirTemp("", "e2e.")
		if err != nil {
			return nil, err
		}
		h.opt.WorkDir = d
	} else if err := os.MkdirAll(opt.WorkDir, 0o755); err != nil {
		return nil, err
	}
	work := h.opt.WorkDir
	if !opt.Keep {
		defer os.RemoveAll(work)
	}
	h.logf("", "working directory %s", work)
	h.logf("", "engine %s (%s), provider mirror under %s", engine.Version, opt.Terraform, engine.Registry())

	if len(opt.Settings) > 0 {
		edited := filepath.Join(work, "environments.yaml")
		applied, skipped, err := applySettings(h.opt.EnvFile, edited, opt.Settings)
		if err != nil {
			return nil, err
		}
		for _, s := range applied {
			h.logf("", "setting %s (in a copy of %s)", s, h.opt.EnvFile)
		}
		for _, s := range skipped {
			h.logf("", "setting %s skipped: %s has no environment %s", s, h.opt.EnvFile, s.Env)
		}
		h.opt.EnvFile = edited
	}

	// One synth up front: the stacks, their regions and provider versions.
	synthDir := filepath.Join(work, "synth")
	r, err := h.cdktf(ctx, nil, filepath.Join(work, "synth.log"), 5*time.Minute, "synth", "--output", synthDir)
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, fmt.Errorf("%s synth failed: %s (log: %s)", h.cliName(), orFirstLine(FirstError(r.Output), r.Output), filepath.Join(work, "synth.log"))
	}
	stacks, err := stackjson.LoadAll(synthDir)
	if err != nil {
		return nil, err
	}
	versions := map[string]bool{}
	for _, s := range stacks {
		v, err := providerVersion(s)
		if err != nil {
			return nil, err
		}
		versions[v] = true
	}
	for v := range versions {
		if h.rc, err = Mirror(work, opt.ProviderBin, v, engine.Registry()); err != nil {
			return nil, err
		}
	}
	if len(versions) > 1 {
		return nil, fmt.Errorf("the stacks pin %d provider versions; the mirror holds one binary", len(versions))
	}

	h.stress = filepath.Join(work, "bin", "stress")
	build := exec.CommandContext(ctx, "go", "build", "-o", h.stress, "./cmd/stress")
	build.Dir = opt.Repo
	if out, err := build.CombinedOutput(); err != nil && opt.App == "" {
		return nil, fmt.Errorf("building cmd/stress: %v: %s", err, out)
	}

	var selected []*stackjson.Stack
	for _, s := range stacks {
		if len(opt.Envs) == 0 || slices.Contains(opt.Envs, s.Name) {
			selected = append(selected, s)
		}
	}
	for _, e := range opt.Envs {
		found := false
		for _, s := range stacks {
			found = found || s.Name == e
		}
		if !found {
			return nil, fmt.Errorf("no environment %q: the stacks are %v", e, stackNames(stacks))
		}
	}
	stateEnv := opt.StateEnv
	if stateEnv == "" && len(selected) > 0 {
		stateEnv = selected[0].Name
	}

	results := make([]*EnvResult, len(selected))
	sem := make(chan struct{}, opt.Parallel)
	var wg sync.WaitGroup
	for i, s := range selected {
		wg.Add(1)
		go func(i int, s *stackjson.Stack) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = h.runEnv(ctx, s, s.Name == stateEnv)
		}(i, s)
	}
	wg.Wait()
	return results, nil
}

func (h *Harness) logf(env, format string, args ...any) {
	h.logMu.Lock()
	defer h.logMu.Unlock()
	el := time.Since(h.start).Round(time.Second)
	prefix := fmt.Sprintf("e2e %6s", el)
	if env != "" {
		prefix += " " + env
	}
	fmt.Fprintf(h.opt.Log, "%s: %s\n", prefix, fmt.Sprintf(format, args...))
}

// envRun is one environment's run.
type envRun struct {
	h        *Harness
	stack    *stackjson.Stack // as first synthesized
	name     string
	region   string
	dir      string
	out      string // --output directory
	envFile  string
	emu      *Emulator
	aws      *AWS // the stack's account: the provider's assume_role when it has one
	base     *AWS // the harness's own credentials, which the engine and its state backend use
	guard    AccountGuard
	assumed  *aws.Credentials // the role's credentials when the stack assumes one
	backend  string           // tfbackend file when the S3 backend is on
	bucket   string
	stateKey string
	res      *EnvResult
	exp      Expect
	domain   *Domain // alb.domain, nil without
	ipType   string  // the load balancer's ip_address_type, "" for ipv4
	outputs  Outputs
	// orphans are the names of resources whose create call the emulator
	// carried out but whose answer it dropped: Terraform never learnt of
	// them, so a destroy cannot remove them (see lostCreates).
	orphans []string
}

func (r *envRun) stackDir() string { return filepath.Join(r.out, "stacks", r.name) }

func (r *envRun) logPath(step string) string {
	return filepath.Join(r.dir, strings.ReplaceAll(step, " ", "-")+".log")
}

func (r *envRun) env() []string {
	env := append(r.h.scrubbedEnv(),
		"AWS_ENDPOINT_URL="+r.emu.URL,
		"AWS_ACCESS_KEY_ID="+fakeKeyID,
		"AWS_SECRET_ACCESS_KEY="+fakeSecret,
		"AWS_REGION="+r.region,
		"AWS_DEFAULT_REGION="+r.region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"TF_CLI_CONFIG_FILE="+r.h.rc,
		"TF_IN_AUTOMATION=1",
		"CHECKPOINT_DISABLE=1",
		"CDKTF_DISABLE_PLUGIN_CACHE_ENV=1",
		"ENVIRONMENTS_FILE="+r.envFile,
		"NO_COLOR=1",
		"FORCE_COLOR=0",
		"CI=1", // cdktf prints plain lines (every Terraform error) instead of its live view
	)
	if r.backend != "" {
		env = append(env, "TF_CLI_ARGS_init=-backend-config="+r.backend)
	}
	return env
}

func (h *Harness) runEnv(ctx context.Context, s *stackjson.Stack, teamState bool) *EnvResult {
	r := &envRun{h: h, stack: s, name: s.Name, res: &EnvResult{Env: s.Name, Cells: map[string]string{}}}
	r.dir = filepath.Join(h.opt.WorkDir, s.Name)
	r.out = filepath.Join(r.dir, "out")
	r.envFile = filepath.Join(r.dir, "environments.yaml")
	fail := func(step string, err error) *EnvResult {
		var se *StepError
		if !errors.As(err, &se) {
			se = &StepError{Env: r.name, Step: step, Err: err}
		}
		r.res.Failure = se
		r.res.Cells[step] = "FAILED"
		h.logf(r.name, "FAILED at step %s: %v", step, se.Err)
		return r.res
	}
	var err error
	r.region = tfvalidate.Region(s)
	if r.exp, err = ExpectFrom(s); err != nil {
		return fail(StepSetup, err)
	}
	r.res.Mode = r.exp.Mode
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return fail(StepSetup, err)
	}
	base, err := os.ReadFile(h.opt.EnvFile)
	if err != nil {
		return fail(StepSetup, err)
	}
	if err := os.WriteFile(r.envFile, base, 0o644); err != nil {
		return fail(StepSetup, err)
	}
	if r.emu, err = StartEmulator(ctx, h.opt.Python, r.dir); err != nil {
		return fail(StepSetup, err)
	}
	if h.opt.Keep {
		h.logf(r.name, "emulator %s stays up after the run (pid %d, log %s)", r.emu.URL, r.emu.cmd.Process.Pid, r.emu.Log)
	} else {
		defer r.emu.Stop()
	}
	h.logf(r.name, "emulator on %s", r.emu.URL)
	r.aws = NewAWS(r.emu.URL, r.region)
	r.base = r.aws
	r.guard = AccountGuardFrom(s)
	if line, err := r.harnessAs(ctx, r.guard); err != nil {
		return fail(StepSetup, err)
	} else if line != "" {
		h.logf(r.name, "%s", line)
	}
	if r.domain, err = DomainFrom(s); err != nil {
		return fail(StepSetup, err)
	}
	r.ipType = IPAddressTypeFrom(s)
	if r.domain != nil {
		h.logf(r.name, "hosted zone %s made in the emulator for %s", r.domain.Zone, strings.Join(r.domain.Names, ", "))
		if err := r.aws.createZone(ctx, r.domain.Zone, r.name); err != nil {
			return fail(StepSetup, err)
		}
	}
	if teamState {
		if err := r.setupBackend(ctx); err != nil {
			return fail(StepState, err)
		}
	}

	deployed := false
	steps := func() (string, error) {
		// 1. deploy (with the lock check when the state is in S3)
		var lock chan string
		if r.backend != "" {
			lock = make(chan string, 1)
			lctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go r.holdLockCheck(lctx, lock)
		}
		// 0. the account guard: another account's credentials are refused
		// before anything is made (not with assume_role: the emulator does not
		// judge a role's trust policy, so any account may assume it there; not
		// with the S3 backend, whose bucket the other account cannot read).
		guardCell := ""
		if len(r.guard.Allowed) > 0 && r.guard.RoleARN == "" && r.backend == "" {
			r.h.logf(r.name, "deploy with account %s's credentials, which allowed_account_ids %v must refuse", OtherAccount, r.guard.Allowed)
			cell, err := r.refuseOtherAccount(ctx, r.guard)
			if err != nil {
				return StepDeploy, err
			}
			guardCell = "; " + cell
			r.h.logf(r.name, "%s", cell)
		}
		r.h.logf(r.name, "deploy (%s deploy %s)", r.h.cliName(), r.name)
		d, err := r.deploy(ctx, StepDeploy)
		deployed = true // even a failed apply may have created resources
		if err != nil {
			return StepDeploy, err
		}
		r.res.Deploy = d
		if r.stack, err = stackjson.LoadDir(r.stackDir()); err != nil {
			return StepDeploy, err
		}
		r.res.Resources = len(r.stack.Resources)
		r.res.Cells[StepDeploy] = fmt.Sprintf("%.0fs, %d resources", d.Seconds(), r.res.Resources) + guardCell
		h.logf(r.name, "deployed %d resources in %.0fs", r.res.Resources, d.Seconds())
		if lock != nil {
			if err := r.checkState(ctx, <-lock); err != nil {
				return StepState, err
			}
		}

		// 2. outputs contract against the emulator
		if _, err := CheckContract(ctx, r.aws, r.exp, r.outputs); err != nil {
			return StepCheck, err
		}
		if err := CheckURL(ctx, r.aws, r.domain, r.outputs); err != nil {
			return StepCheck, err
		}
		r.res.Cells[StepCheck] = fmt.Sprintf("%d outputs match", len(outputs.Contract))
		if r.domain != nil {
			cell, err := CheckDomain(ctx, r.aws, r.domain, r.outputs)
			if err != nil {
				return StepCheck, err
			}
			r.res.Cells[StepCheck] += "; " + cell
		}
		if r.ipType != "" {
			cell, err := CheckDualStack(ctx, r.aws, r.ipType, r.outputs)
			if err != nil {
				return StepCheck, err
			}
			r.res.Cells[StepCheck] += "; " + cell
			h.logf(r.name, "load balancer %s", cell)
		}
		h.logf(r.name, "outputs contract holds")
		if n := len(r.exp.Endpoints); n > 0 {
			r.res.Cells[StepCheck] += fmt.Sprintf(", %d interface endpoints", n)
			h.logf(r.name, "%d interface endpoints available with private DNS, behind a group admitting only the instances", n)
		}

		if r.want(StepReplan) {
			cell, err := r.replan(ctx, StepReplan, true)
			if err != nil {
				return StepReplan, err
			}
			r.res.Cells[StepReplan] = cell
		}
		if r.want(StepDrift) {
			cell, err := r.drift(ctx)
			if err != nil {
				return StepDrift, err
			}
			r.res.Cells[StepDrift] = cell
		}
		if r.want(StepScale) {
			cell, err := r.scale(ctx)
			if err != nil {
				return StepScale, err
			}
			r.res.Cells[StepScale] = cell
		}
		if r.want(StepUpdate) {
			cell, err := r.update(ctx)
			if err != nil {
				return StepUpdate, err
			}
			r.res.Cells[StepUpdate] = cell
		}
		if r.want(StepRollback) {
			cell, err := r.rollback(ctx)
			if err != nil {
				return StepRollback, err
			}
			r.res.Cells[StepRollback] = cell
		}
		if r.want(StepRollout) {
			cell, err := r.rolloutStep(ctx)
			if err != nil {
				return StepRollout, err
			}
			r.res.Cells[StepRollout] = cell
		}
		return "", nil
	}
	step, stepErr := steps()
	if stepErr != nil {
		fail(step, stepErr)
	}
	if deployed {
		if cell, err := r.destroy(ctx); err != nil {
			if r.res.Failure == nil {
				return fail(StepDestroy, err)
			}
			h.logf(r.name, "destroy after the failure failed too: %v", err)
			r.res.Cells[StepDestroy] = "FAILED"
		} else {
			r.res.Cells[StepDestroy] = cell
			r.res.Destroyed = true
		}
	}
	if r.res.Failure == nil {
		h.logf(r.name, "done")
	}
	return r.res
}

// transientMarkers are what a request to the emulator's server fails with
// when the connection drops under load: the transport, not an API answer.
var transientMarkers = []string{"use of closed network connection", "connection reset by peer"}

// IsTransient says whether a failed command's errors include a dropped
// connection to the emulator: anywhere in an error's block (a framework
// resource puts the API error below the resource's address and source
// lines, where FirstError does not look).
func IsTransient(output string) bool {
	inError := false
	for _, l := range strings.Split(StripANSI(output), "\n") {
		t := boxPrefix.ReplaceAllString(strings.TrimRight(l, " \r"), "")
		if strings.HasPrefix(t, "Error: ") {
			inError = true
		}
		if !inError {
			continue
		}
		for _, m := range transientMarkers {
			if strings.Contains(t, m) {
				return true
			}
		}
	}
	return false
}

// lostCreateRE finds the name in a provider error about a create call:
// "Error: creating IAM Instance Profile (NAME): ...".
var lostCreateRE = regexp.MustCompile(`Error: creating [^(\n]+ \(([^)\s]+)\)`)

// lostCreates are the names of the resources whose create call failed with
// a dropped connection in output. The emulator may have made the resource
// before its answer was lost; Terraform records nothing and the retry
// creates another (a name prefix gives it a new name), so the first is an
// orphan no destroy can know of.
func lostCreates(output string) []string {
	var names []string
	for _, block := range strings.Split(StripANSI(output), "Error: ")[1:] {
		if !IsTransient("Error: " + block) {
			continue
		}
		if m := lostCreateRE.FindStringSubmatch("Error: " + block); m != nil {
			names = append(names, m[1])
		}
	}
	return names
}

// retryTransient runs a command again (up to three times) when it failed
// only because a connection to the emulator dropped, as a user would re-run
// it; Terraform resumes from its state. Each retry is logged and counted in
// the report.
func (r *envRun) retryTransient(ctx context.Context, step string, run func() (Result, error)) (Result, error) {
	var spent time.Duration
	for attempt := 0; ; attempt++ {
		res, err := run()
		spent += res.Elapsed
		res.Elapsed = spent // a deploy's time includes its retries
		if err != nil || res.ExitCode == 0 || attempt == 3 || !IsTransient(res.Output) {
			return res, err
		}
		r.res.Retries++
		r.orphans = append(r.orphans, lostCreates(res.Output)...)
		r.h.logf(r.name, "%s: the emulator dropped a connection (%s); running it again", step, FirstError(res.Output))
	}
}

func (r *envRun) want(step string) bool {
	return len(r.h.opt.Steps) == 0 || slices.Contains(r.h.opt.Steps, step)
}

// scrubbedEnv is the caller's environment without AWS, Terraform and
// output settings, with TERRAFORM_BINARY_NAME naming the run's engine (the
// cdktf CLI runs it).
func (h *Harness) scrubbedEnv() []string {
	var env []string
	for _, kv := range scrubbedEnv() {
		if !strings.HasPrefix(kv, EnvEngineBinary+"=") {
			env = append(env, kv)
		}
	}
	return append(env, EnvEngineBinary+"="+h.opt.Terraform)
}

// cliName is the CLI in messages: "npx cdktf", or the name of another
// (cdktn).
func (h *Harness) cliName() string {
	c := h.opt.CDKTF
	switch {
	case len(c) == 0:
		return "npx cdktf"
	case c[0] == "npx":
		return "npx " + c[len(c)-1]
	}
	return filepath.Base(c[0])
}

// cdktf runs the cdktf CLI in the repository.
func (h *Harness) cdktf(ctx context.Context, env []string, log string, timeout time.Duration, args ...string) (Result, error) {
	if env == nil {
		env = append(h.scrubbedEnv(), "ENVIRONMENTS_FILE="+h.opt.EnvFile, "CHECKPOINT_DISABLE=1", "NO_COLOR=1", "FORCE_COLOR=0")
	}
	if h.opt.App != "" {
		args = append(args, "--app", h.opt.App)
	}
	c := Cmd{Dir: h.opt.Repo, Env: env, Log: log, Timeout: timeout, Args: append(append([]string{}, h.opt.CDKTF...), args...)}
	return c.Run(ctx)
}

func (r *envRun) terraform(ctx context.Context, step string, timeout time.Duration, args ...string) (Result, error) {
	c := Cmd{Dir: r.stackDir(), Env: r.env(), Log: r.logPath(step), Timeout: timeout, Args: append([]string{r.h.opt.Terraform}, args...)}
	return c.Run(ctx)
}

// deploy runs `npx cdktf deploy ENV` and reads the outputs file.
func (r *envRun) deploy(ctx context.Context, step string) (time.Duration, error) {
	outFile := filepath.Join(r.dir, "outputs.json")
	_ = os.Remove(outFile)
	res, err := r.retryTransient(ctx, step, func() (Result, error) {
		return r.h.cdktf(ctx, r.env(), r.logPath(step), 15*time.Minute,
			"deploy", r.name, "--auto-approve", "--skip-provider-lock", "--outputs-file", outFile, "--output", r.out)
	})
	if err != nil {
		return 0, &StepError{Env: r.name, Step: step, Err: err, TFError: FirstError(res.Output), Log: r.logPath(step)}
	}
	if res.ExitCode != 0 {
		return 0, &StepError{Env: r.name, Step: step, Err: fmt.Errorf("%s deploy exited %d", r.h.cliName(), res.ExitCode),
			TFError: orFirstLine(FirstError(res.Output), lastLine(StripANSI(res.Output))), Log: r.logPath(step)}
	}
	data, err := os.ReadFile(outFile)
	if err != nil {
		return 0, fmt.Errorf("the outputs file: %w", err)
	}
	var all map[string]Outputs
	if err := json.Unmarshal(data, &all); err != nil {
		return 0, fmt.Errorf("the outputs file %s: %w", outFile, err)
	}
	o, ok := all[r.name]
	if !ok {
		return 0, fmt.Errorf("the outputs file %s has no stack %q", outFile, r.name)
	}
	r.outputs = o
	return res.Elapsed, nil
}

// plan runs terraform plan -detailed-exitcode and returns the resource
// changes and the names of the outputs whose value changes.
func (r *envRun) plan(ctx context.Context, step string) ([]PlanChange, []string, error) {
	planFile := filepath.Join(r.dir, strings.ReplaceAll(step, " ", "-")+".tfplan")
	res, err := r.retryTransient(ctx, step, func() (Result, error) {
		return r.terraform(ctx, step, 10*time.Minute, "plan", "-input=false", "-lock-timeout=120s", "-detailed-exitcode", "-out="+planFile)
	})
	if err != nil {
		return nil, nil, &StepError{Env: r.name, Step: step, Err: err, Log: r.logPath(step)}
	}
	switch res.ExitCode {
	case 0:
		return nil, nil, nil
	case 2:
		show, err := r.terraform(ctx, step+"-show", 5*time.Minute, "show", "-json", planFile)
		if err != nil || show.ExitCode != 0 {
			return nil, nil, fmt.Errorf("terraform show -json: %v %s", err, FirstError(show.Output))
		}
		start := strings.Index(show.Output, "{")
		if start < 0 {
			return nil, nil, fmt.Errorf("terraform show -json printed no JSON")
		}
		return parsePlan([]byte(show.Output[start:]))
	default:
		return nil, nil, &StepError{Env: r.name, Step: step, Err: fmt.Errorf("terraform plan exited %d", res.ExitCode), TFError: FirstError(res.Output), Log: r.logPath(step)}
	}
}

// init runs terraform init in the stack directory (after a synth removed it).
func (r *envRun) init(ctx context.Context, step string) error {
	res, err := r.retryTransient(ctx, step, func() (Result, error) {
		return r.terraform(ctx, step, 5*time.Minute, "init", "-input=false")
	})
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("terraform init exited %d", res.ExitCode)
	}
	if err != nil {
		return &StepError{Env: r.name, Step: step, Err: err, TFError: FirstError(res.Output), Log: r.logPath(step)}
	}
	return nil
}

// providerVersion is the exact hashicorp/aws version the stack pins: the
// mirror is laid out under it.
func providerVersion(s *stackjson.Stack) (string, error) {
	if v := strings.TrimLeft(tfvalidate.RequiredAWSVersion(s), "= "); v != "" {
		return v, nil
	}
	return "", fmt.Errorf("stack %s pins no hashicorp/aws version", s.Name)
}

func stackNames(stacks []*stackjson.Stack) []string {
	var n []string
	for _, s := range stacks {
		n = append(n, s.Name)
	}
	return n
}

func orFirstLine(msg, output string) string {
	if msg != "" {
		return msg
	}
	return firstLine(StripANSI(output))
}
