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
//  7. destroy, and ask the emulator that nothing of the environment is left;
//  8. for one environment, team state: an S3 backend in the emulator's S3,
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
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

// Step names, as failures report them.
const (
	StepSetup   = "setup"
	StepDeploy  = "deploy"
	StepCheck   = "check"
	StepReplan  = "re-plan"
	StepDrift   = "drift"
	StepScale   = "scale"
	StepUpdate  = "update"
	StepDestroy = "destroy"
	StepState   = "team state"
)

// Options configure a run.
type Options struct {
	// Repo is the project root (cdktf.json); commands run there.
	Repo string
	// EnvFile is the environments file (default Repo/environments.yaml).
	EnvFile string
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
	// CDKTF is the cdktf command (default: npx cdktf).
	CDKTF []string
	// App replaces cdktf.json's app command (--app), for the harness's tests.
	App string
	// Steps limits the steps run after deploy and check (default: all).
	// Destroy always runs.
	Steps []string
	// Python runs the emulator (default python3); Terraform is the CLI (default terraform).
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
		o.Terraform = "terraform"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// Harness is one run's shared state.
type Harness struct {
	opt    Options
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
		return nil, fmt.Errorf("%s not found on PATH: install Terraform >= 1.10 (S3 lock files)", opt.Terraform)
	}
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

	// One synth up front: the stacks, their regions and provider versions.
	synthDir := filepath.Join(work, "synth")
	r, err := h.cdktf(ctx, nil, filepath.Join(work, "synth.log"), 5*time.Minute, "synth", "--output", synthDir)
	if err != nil {
		return nil, err
	}
	if r.ExitCode != 0 {
		return nil, fmt.Errorf("npx cdktf synth failed: %s (log: %s)", orFirstLine(FirstError(r.Output), r.Output), filepath.Join(work, "synth.log"))
	}
	stacks, err := tfjson.LoadAll(synthDir)
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
		if h.rc, err = Mirror(work, opt.ProviderBin, v); err != nil {
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

	var selected []*tfjson.Stack
	for _, s := range stacks {
		if len(opt.Envs) == 0 || contains(opt.Envs, s.Name) {
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
		go func(i int, s *tfjson.Stack) {
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
	stack    *tfjson.Stack // as first synthesized
	name     string
	region   string
	dir      string
	out      string // --output directory
	envFile  string
	emu      *Emulator
	aws      *AWS
	backend  string // tfbackend file when the S3 backend is on
	bucket   string
	stateKey string
	res      *EnvResult
	exp      Expect
	outputs  Outputs
}

func (r *envRun) stackDir() string { return filepath.Join(r.out, "stacks", r.name) }

func (r *envRun) logPath(step string) string {
	return filepath.Join(r.dir, strings.ReplaceAll(step, " ", "-")+".log")
}

func (r *envRun) env() []string {
	env := append(scrubbedEnv(),
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

func (h *Harness) runEnv(ctx context.Context, s *tfjson.Stack, teamState bool) *EnvResult {
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
	if r.region, err = providerRegion(s); err != nil {
		return fail(StepSetup, err)
	}
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
		r.h.logf(r.name, "deploy (npx cdktf deploy %s)", r.name)
		d, err := r.deploy(ctx, StepDeploy)
		deployed = true // even a failed apply may have created resources
		if err != nil {
			return StepDeploy, err
		}
		r.res.Deploy = d
		if r.stack, err = tfjson.LoadDir(r.stackDir()); err != nil {
			return StepDeploy, err
		}
		r.res.Resources = len(r.stack.Resources)
		r.res.Cells[StepDeploy] = fmt.Sprintf("%.0fs, %d resources", d.Seconds(), r.res.Resources)
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
		r.res.Cells[StepCheck] = fmt.Sprintf("%d outputs match", len(outputs.Contract))
		h.logf(r.name, "outputs contract holds")

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

// IsTransient says whether a failed command's first error is a dropped
// connection to the emulator.
func IsTransient(output string) bool {
	first := FirstError(output)
	for _, m := range transientMarkers {
		if strings.Contains(first, m) {
			return true
		}
	}
	return false
}

// retryTransient runs a deploy or destroy again (up to twice) when it failed
// only because a connection to the emulator dropped, as a user would re-run
// it; Terraform resumes from its state. Each retry is logged and counted in
// the report.
func (r *envRun) retryTransient(ctx context.Context, step string, run func() (Result, error)) (Result, error) {
	var spent time.Duration
	for attempt := 0; ; attempt++ {
		res, err := run()
		spent += res.Elapsed
		res.Elapsed = spent // a deploy's time includes its retries
		if err != nil || res.ExitCode == 0 || attempt == 2 || !IsTransient(res.Output) {
			return res, err
		}
		r.res.Retries++
		r.h.logf(r.name, "%s: the emulator dropped a connection (%s); running it again", step, FirstError(res.Output))
	}
}

func (r *envRun) want(step string) bool {
	return len(r.h.opt.Steps) == 0 || contains(r.h.opt.Steps, step)
}

// cdktf runs the cdktf CLI in the repository.
func (h *Harness) cdktf(ctx context.Context, env []string, log string, timeout time.Duration, args ...string) (Result, error) {
	if env == nil {
		env = append(scrubbedEnv(), "ENVIRONMENTS_FILE="+h.opt.EnvFile, "CHECKPOINT_DISABLE=1", "NO_COLOR=1", "FORCE_COLOR=0")
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
		return 0, &StepError{Env: r.name, Step: step, Err: fmt.Errorf("npx cdktf deploy exited %d", res.ExitCode),
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
	res, err := r.terraform(ctx, step, 10*time.Minute, "plan", "-input=false", "-lock-timeout=120s", "-detailed-exitcode", "-out="+planFile)
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
	res, err := r.terraform(ctx, step, 5*time.Minute, "init", "-input=false")
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("terraform init exited %d", res.ExitCode)
	}
	if err != nil {
		return &StepError{Env: r.name, Step: step, Err: err, TFError: FirstError(res.Output), Log: r.logPath(step)}
	}
	return nil
}

// replan requires a plan without resource changes; when exact, without
// output changes either (terraform plan -detailed-exitcode exits 0). After a
// change made out of band, outputs may change value (instance_ids in asg
// mode is the group's membership when apply finished, by contract); the cell
// says which did.
func (r *envRun) replan(ctx context.Context, step string, exact bool) (string, error) {
	changes, outs, err := r.plan(ctx, step)
	if err != nil {
		return "", err
	}
	if len(changes) > 0 {
		return "", fmt.Errorf("the plan is not empty: %s", describeChanges(changes))
	}
	if exact && len(outs) > 0 {
		return "", fmt.Errorf("the plan changes outputs %s (terraform plan -detailed-exitcode exits 2)", strings.Join(outs, ", "))
	}
	cell := "no changes"
	if len(outs) > 0 {
		cell = "no resource changes (outputs " + strings.Join(outs, ", ") + " refresh)"
	}
	r.h.logf(r.name, "%s: %s", step, cell)
	return cell, nil
}

func describeChanges(changes []PlanChange) string {
	var s []string
	for _, c := range changes {
		s = append(s, c.String())
	}
	return strings.Join(s, "; ")
}

// drift changes the group's desired capacity as scaling would and requires
// the next plan to stay empty.
func (r *envRun) drift(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	name := r.outputs.String(outputs.ASGName)
	g, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	from := int(aws.ToInt32(g.DesiredCapacity))
	to := from + 1
	if to > int(aws.ToInt32(g.MaxSize)) {
		to = from - 1
	}
	if _, err := r.aws.ASG.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
		AutoScalingGroupName: aws.String(name), DesiredCapacity: aws.Int32(int32(to)), HonorCooldown: aws.Bool(false),
	}); err != nil {
		return "", fmt.Errorf("SetDesiredCapacity: %s", apiErr(err))
	}
	r.h.logf(r.name, "drift: desired capacity %d -> %d out of band", from, to)
	cell, err := r.replan(ctx, StepDrift, false)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("desired %d->%d: %s", from, to, cell), nil
}

func (r *envRun) group(ctx context.Context, name string) (*groupView, error) {
	out, err := r.aws.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("DescribeAutoScalingGroups %s: %s", name, apiErr(err))
	}
	if len(out.AutoScalingGroups) != 1 {
		return nil, fmt.Errorf("group %s not found", name)
	}
	g := out.AutoScalingGroups[0]
	return &groupView{AutoScalingGroup: g, ids: groupInstances(g)}, nil
}

type groupView struct {
	asgtypes.AutoScalingGroup
	ids []string
}

// scale executes the scale-out policy while cmd/stress --watch reads the
// emulator's Auto Scaling and ELBv2 APIs, and requires the activity and the
// new targets to show.
func (r *envRun) scale(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	name := r.outputs.String(outputs.ASGName)
	tg := r.outputs.String(outputs.TargetGroupARN)
	before, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	// The load goes to a local stand-in: the emulator's load balancer serves
	// no traffic. What --watch reads is the emulator's real API.
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Instance-Id", "i-e2e-local")
		fmt.Fprintln(w, "i-e2e-local")
	}))
	defer backend.Close()
	reportFile := filepath.Join(r.dir, "stress.json")
	stressCmd := exec.CommandContext(ctx, r.h.stress, "-t", "8s", "-q", "20", "-c", "2", "-json", "-no-progress",
		"-watch", "-watch-interval", "500ms", "-aws-endpoint", r.emu.URL, "-region", r.region,
		"-asg", name, "-target-group", tg, backend.URL+"/")
	stressCmd.Env = r.env()
	report, err := os.Create(reportFile)
	if err != nil {
		return "", err
	}
	defer report.Close()
	logf, err := os.Create(r.logPath(StepScale))
	if err != nil {
		return "", err
	}
	defer logf.Close()
	stressCmd.Stdout, stressCmd.Stderr = report, logf
	if err := stressCmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- stressCmd.Wait() }()

	select {
	case <-time.After(2500 * time.Millisecond): // the watcher's first poll sees the group as it was
	case err := <-done:
		return "", fmt.Errorf("cmd/stress ended early: %v (%s)", err, tail(r.logPath(StepScale), 3))
	}
	how, err := r.executeScaleOut(ctx, name)
	if err != nil {
		_ = stressCmd.Process.Kill()
		<-done
		return "", err
	}
	if err := <-done; err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			return "", fmt.Errorf("cmd/stress: %v (%s)", err, tail(r.logPath(StepScale), 3))
		}
	}
	after, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	var rep struct {
		Events []struct {
			Kind, Target, State, Previous, Description string
		} `json:"events"`
	}
	data, _ := os.ReadFile(reportFile)
	if err := json.Unmarshal(data, &rep); err != nil {
		return "", fmt.Errorf("the cmd/stress report: %v", err)
	}
	activities, newTargets := 0, map[string]bool{}
	for _, e := range rep.Events {
		switch {
		case e.Kind == "scaling":
			activities++
		case e.Kind == "target":
			id, _, _ := strings.Cut(e.Target, ":") // "i-...:8080"
			if !contains(before.ids, id) {
				newTargets[id] = true
			}
		}
	}
	fromN, toN := int(aws.ToInt32(before.DesiredCapacity)), int(aws.ToInt32(after.DesiredCapacity))
	var added []string
	for _, id := range after.ids {
		if !contains(before.ids, id) {
			added = append(added, id)
		}
	}
	var p Problems
	if toN <= fromN {
		p.addf("desired capacity %d -> %d after the scale-out policy (%s)", fromN, toN, how)
	}
	if activities == 0 {
		p.addf("cmd/stress --watch saw no scaling activity")
	}
	for _, id := range added {
		if !newTargets[id] {
			p.addf("cmd/stress --watch did not see new instance %s as a target", id)
		}
	}
	if len(added) == 0 {
		p.addf("no new instance in group %s", name)
	}
	if regs, err := registered(ctx, r.aws, tg); err != nil || !sameSet(regs, after.ids) {
		p.addf("target group has %v registered, want the group's %v (%v)", regs, after.ids, err)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	r.h.logf(r.name, "scale: %s: desired %d -> %d, %d activities and %d new targets seen by cmd/stress --watch", how, fromN, toN, activities, len(newTargets))
	return fmt.Sprintf("%d->%d: %d activities, %d new targets", fromN, toN, activities, len(newTargets)), nil
}

// executeScaleOut makes the scale-out policy act: ExecutePolicy with a metric
// value above the alarm's threshold for step policies; for target tracking
// (which ExecutePolicy does not take) what the policy would do, one more instance.
func (r *envRun) executeScaleOut(ctx context.Context, group string) (string, error) {
	if r.exp.Policy != "step" {
		g, err := r.group(ctx, group)
		if err != nil {
			return "", err
		}
		_, err = r.aws.ASG.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
			AutoScalingGroupName: aws.String(group), DesiredCapacity: aws.Int32(aws.ToInt32(g.DesiredCapacity) + 1)})
		return "target tracking: one instance more", err
	}
	alarmARN := r.outputs.String(outputs.ScaleOutAlarmARN)
	al, err := r.aws.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		return "", fmt.Errorf("DescribeAlarms: %s", apiErr(err))
	}
	threshold := -1.0
	for _, m := range al.MetricAlarms {
		if aws.ToString(m.AlarmArn) == alarmARN {
			threshold = aws.ToFloat64(m.Threshold)
		}
	}
	if threshold < 0 {
		return "", fmt.Errorf("scale-out alarm %s not found", alarmARN)
	}
	policy := r.outputs.String(outputs.ScaleOutPolicyARN)
	metric := threshold + 15
	if _, err := r.aws.ASG.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{
		AutoScalingGroupName: aws.String(group), PolicyName: aws.String(policy),
		MetricValue: aws.Float64(metric), BreachThreshold: aws.Float64(threshold), HonorCooldown: aws.Bool(false),
	}); err != nil {
		return "", fmt.Errorf("ExecutePolicy %s: %s", policy, apiErr(err))
	}
	return fmt.Sprintf("ExecutePolicy scale-out at CPU %.0f%% (threshold %.0f%%)", metric, threshold), nil
}

// update changes instance_type, asserts the plan, deploys and re-plans.
func (r *envRun) update(ctx context.Context) (string, error) {
	lts := r.stack.OfType("aws_launch_template")
	if len(lts) != 1 {
		return "", fmt.Errorf("%d launch templates in the stack, want 1", len(lts))
	}
	cur, _ := lts[0].String("instance_type")
	next := map[string]string{"t3.micro": "t3.small", "t3.small": "t3.medium"}[cur]
	if next == "" {
		next = "t3.micro"
	}
	if err := editEnvFile(r.envFile, r.name, []string{"compute", "instance_type"}, next); err != nil {
		return "", err
	}
	r.h.logf(r.name, "update: instance_type %s -> %s", cur, next)
	res, err := r.h.cdktf(ctx, r.env(), r.logPath(StepUpdate), 5*time.Minute, "synth", "--output", r.out)
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("npx cdktf synth exited %d: %s", res.ExitCode, FirstError(res.Output))
	}
	if err != nil {
		return "", err
	}
	if err := r.init(ctx, StepUpdate); err != nil {
		return "", err
	}
	changes, _, err := r.plan(ctx, StepUpdate)
	if err != nil {
		return "", err
	}
	summary, err := CheckUpdatePlan(r.exp.Mode, changes)
	if err != nil {
		return "", err
	}
	var oldIDs []string
	if r.exp.Mode == "ec2" {
		oldIDs = r.outputs.List(outputs.InstanceIDs)
	}
	if _, err := r.deploy(ctx, StepUpdate); err != nil {
		return "", err
	}
	var p Problems
	lt := r.outputs.String(outputs.LaunchTemplateID)
	v, err := r.aws.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(lt), Versions: []string{"$Latest"}})
	switch {
	case err != nil:
		p.addf("launch template %s: %s", lt, apiErr(err))
	case len(v.LaunchTemplateVersions) != 1 || v.LaunchTemplateVersions[0].LaunchTemplateData == nil:
		p.addf("launch template %s has no latest version", lt)
	case string(v.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType) != next:
		p.addf("launch template %s latest version has instance type %s, want %s", lt, v.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType, next)
	}
	if r.exp.Mode == "ec2" {
		ids := r.outputs.List(outputs.InstanceIDs)
		if len(ids) != 1 || contains(oldIDs, ids[0]) {
			p.addf("instance_ids %v after the update, want one new instance (was %v)", ids, oldIDs)
		} else if regs, err := registered(ctx, r.aws, r.outputs.String(outputs.TargetGroupARN)); err != nil || !sameSet(regs, ids) {
			p.addf("target group has %v registered after the update, want %v", regs, ids)
		}
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	cell, err := r.replan(ctx, StepUpdate+"-replan", true)
	if err != nil {
		return "", err
	}
	return summary + "; then " + cell, nil
}

// CheckUpdatePlan asserts the plan of an instance_type change: the launch
// template is updated in place; in asg mode nothing is replaced, created or
// deleted; in ec2 mode exactly the instance and its target-group attachment
// are replaced. It returns a one-line summary.
func CheckUpdatePlan(mode string, changes []PlanChange) (string, error) {
	var p Problems
	ltUpdated := false
	var replaced, updated []string
	for _, c := range changes {
		switch v := c.Verb(); {
		case c.Type == "aws_launch_template":
			if v != "update" {
				p.addf("launch template %s: %s, want update in place", c.Address, v)
			}
			ltUpdated = true
		case v == "update":
			updated = append(updated, c.Address)
		case v == "replace" && mode == "ec2" && (c.Type == "aws_instance" || c.Type == "aws_lb_target_group_attachment"):
			replaced = append(replaced, c.Type)
		default:
			p.addf("%s: %s (only the launch template%s may change)", c.Address, v,
				map[string]string{"ec2": ", the instance and its attachment", "asg": " and the group"}[mode])
		}
	}
	if !ltUpdated {
		p.addf("the launch template is not updated")
	}
	if mode == "ec2" {
		sort.Strings(replaced)
		if strings.Join(replaced, ",") != "aws_instance,aws_lb_target_group_attachment" {
			p.addf("replaced %v, want exactly the instance and its target-group attachment", replaced)
		}
	}
	if mode == "asg" {
		hasGroup := false
		for _, u := range updated {
			hasGroup = hasGroup || strings.HasPrefix(u, "aws_autoscaling_group.")
		}
		if !hasGroup {
			p.addf("the Auto Scaling group is not updated (it rolls to the new template version)")
		}
	}
	if err := p.Err(); err != nil {
		return "", fmt.Errorf("update plan: %w (plan: %s)", err, describeChanges(changes))
	}
	s := fmt.Sprintf("template updated in place, %d other updates", len(updated))
	if mode == "ec2" {
		s = fmt.Sprintf("template updated, instance + attachment replaced, %d other updates", len(updated))
	}
	return s, nil
}

// destroy runs `npx cdktf destroy` (lifting deletion protection first, as a
// user must) and requires the emulator to hold nothing of the environment.
func (r *envRun) destroy(ctx context.Context) (string, error) {
	note := ""
	if r.exp.Deletion {
		r.h.logf(r.name, "destroy: lifting the load balancer's deletion protection first (alb.deletion_protection: false, deploy)")
		if err := editEnvFile(r.envFile, r.name, []string{"alb", "deletion_protection"}, false); err != nil {
			return "", err
		}
		if _, err := r.deploy(ctx, StepDestroy); err != nil {
			return "", err
		}
		note = " (deletion protection lifted first)"
	}
	r.h.logf(r.name, "destroy (npx cdktf destroy %s)", r.name)
	res, err := r.retryTransient(ctx, StepDestroy, func() (Result, error) {
		return r.h.cdktf(ctx, r.env(), r.logPath(StepDestroy), 15*time.Minute, "destroy", r.name, "--auto-approve", "--skip-provider-lock", "--output", r.out)
	})
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("npx cdktf destroy exited %d", res.ExitCode)
	}
	if err != nil {
		return "", &StepError{Env: r.name, Step: StepDestroy, Err: err, TFError: FirstError(res.Output), Log: r.logPath(StepDestroy)}
	}
	var keep []string
	if r.bucket != "" {
		keep = append(keep, r.bucket)
	}
	left, err := r.aws.Leftovers(ctx, keep...)
	if err != nil {
		return "", err
	}
	if len(left) > 0 {
		return "", fmt.Errorf("%d resources left in the emulator after destroy: %s", len(left), strings.Join(left, ", "))
	}
	r.h.logf(r.name, "destroyed in %.0fs: nothing left", res.Elapsed.Seconds())
	return "clean" + note, nil
}

// setupBackend makes the state bucket and switches the environment to the
// S3 backend; the emulator's endpoint and path-style addressing go to
// terraform init as -backend-config (never into the stack).
func (r *envRun) setupBackend(ctx context.Context) error {
	r.bucket = "e2e-tfstate-" + r.name
	r.stateKey = "webtier/" + r.name + "/terraform.tfstate"
	if _, err := r.aws.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(r.bucket)}); err != nil {
		return fmt.Errorf("CreateBucket %s: %s", r.bucket, apiErr(err))
	}
	if err := editEnvFile(r.envFile, r.name, []string{"backend"}, map[string]any{"bucket": r.bucket, "key": r.stateKey}); err != nil {
		return err
	}
	r.backend = filepath.Join(r.dir, "s3.tfbackend")
	conf := fmt.Sprintf(`# Written by the e2e harness: the emulator's S3, never part of the stack.
endpoints = { s3 = %q }
use_path_style = true
skip_credentials_validation = true
skip_requesting_account_id = true
skip_metadata_api_check = true
`, r.emu.URL)
	r.h.logf(r.name, "team state: s3://%s/%s in the emulator", r.bucket, r.stateKey)
	return os.WriteFile(r.backend, []byte(conf), 0o644)
}

// holdLockCheck waits for the lock file of the running deploy and then
// starts a second apply, which must be refused. It sends what it saw.
func (r *envRun) holdLockCheck(ctx context.Context, out chan<- string) {
	lockKey := r.stateKey + ".tflock"
	for {
		select {
		case <-ctx.Done():
			out <- "the deploy finished before its lock file was seen"
			return
		case <-time.After(300 * time.Millisecond):
		}
		if _, err := r.aws.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(lockKey)}); err != nil {
			continue
		}
		r.h.logf(r.name, "team state: lock file s3://%s/%s held by the deploy; starting a second apply", r.bucket, lockKey)
		res, err := r.terraform(ctx, "second-apply", 5*time.Minute, "apply", "-input=false", "-auto-approve", "-lock-timeout=0s")
		switch {
		case err != nil:
			out <- "second apply: " + err.Error()
		case res.ExitCode == 0:
			out <- "a second apply succeeded while the first held the lock"
		case !strings.Contains(StripANSI(res.Output), "Error acquiring the state lock"):
			out <- "the second apply failed, but not on the lock: " + FirstError(res.Output)
		default:
			out <- ""
		}
		return
	}
}

// checkState requires the lock check to have passed and the state object to
// be in the bucket, encrypted.
func (r *envRun) checkState(ctx context.Context, lockProblem string) error {
	var p Problems
	if lockProblem != "" {
		p.addf("%s", lockProblem)
	}
	head, err := r.aws.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(r.stateKey)})
	switch {
	case err != nil:
		p.addf("state object s3://%s/%s: %s", r.bucket, r.stateKey, apiErr(err))
	case head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 && head.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms:
		p.addf("state object s3://%s/%s is not encrypted (ServerSideEncryption %q)", r.bucket, r.stateKey, head.ServerSideEncryption)
	}
	if _, err := os.Stat(filepath.Join(r.dir, "terraform."+r.name+".tfstate")); err == nil {
		p.addf("a local state file exists although the backend is S3")
	}
	if err := p.Err(); err != nil {
		return err
	}
	enc := ""
	if head != nil {
		enc = string(head.ServerSideEncryption)
	}
	r.res.Cells[StepState] = fmt.Sprintf("s3 %s, lock refused 2nd apply", enc)
	r.h.logf(r.name, "team state: state object encrypted (%s); the second apply was refused: Error acquiring the state lock", enc)
	return nil
}

func providerVersion(s *tfjson.Stack) (string, error) {
	v, ok := tfjson.Walk(s.Raw, "terraform", "required_providers", "aws", "version")
	if vs, _ := v.(string); ok && vs != "" {
		return strings.TrimLeft(vs, "= "), nil
	}
	return "", fmt.Errorf("stack %s pins no hashicorp/aws version", s.Name)
}

func providerRegion(s *tfjson.Stack) (string, error) {
	for _, path := range [][]any{{"provider", "aws", 0, "region"}, {"provider", "aws", "region"}} {
		if v, ok := tfjson.Walk(s.Raw, path...); ok {
			if r, _ := v.(string); r != "" {
				return r, nil
			}
		}
	}
	return "", fmt.Errorf("stack %s: no region in its aws provider block", s.Name)
}

func stackNames(stacks []*tfjson.Stack) []string {
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
