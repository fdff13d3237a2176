package synth_test

// Bad-input suite (issue 5): every file in testdata/bad is a small, otherwise
// valid environments file (testdata/base.yaml) with one mistake. Synth must
// fail on it with a message that names the environment, the field, the bad
// value and what is allowed, without a panic, and without writing anything.
// Invalid files never reach the jsii kernel, so these tests are fast.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
)

// badCase is one file of testdata/bad and the problem synth must report for it.
type badCase struct {
	file  string   // name in testdata/bad
	env   string   // config.Problem.Env of the problem ("" for a file-level problem)
	field string   // config.Problem.Field of the problem ("" when the whole environment or file is meant)
	want  []string // substrings of that problem's text: the bad value and a word of what is allowed
	n     int      // problems in all; 0 means 1 (the file has exactly one mistake)
}

var badCases = []badCase{
	// The file as a whole.
	{file: "01-malformed-yaml.yaml", want: []string{"malformed YAML", "line "}},
	{file: "02-empty-file.yaml", want: []string{"empty", "environments"}},
	{file: "03-only-comments.yaml", want: []string{"empty", "environments"}},
	{file: "04-top-level-list.yaml", want: []string{"list", "want a mapping", "environments"}},
	{file: "05-unknown-top-level-key.yaml", field: "version", want: []string{"unknown key", "project, defaults, environments"}},
	{file: "62-project-too-long.yaml", field: "project", want: []string{`"webtier-platform-x"`, "3-16 characters"}},
	{file: "64-environments-empty.yaml", field: "environments", want: []string{"empty", "non-empty mapping"}},
	{file: "74-second-document.yaml", want: []string{"---", "document"}},
	{file: "78-alias-bomb.yaml", want: []string{"excessive aliasing", "10000"}},

	// Keys and types.
	{file: "06-unknown-env-key.yaml", env: "dev", field: "instance_type", want: []string{"unknown key", "compute"}},
	{file: "07-unknown-nested-key.yaml", env: "dev", field: "network.cidrr", want: []string{"unknown key", "cidr, subnet_newbits"}},
	{file: "66-defaults-unknown-key.yaml", env: "defaults", field: "computee", want: []string{"unknown key", "compute"}},
	{file: "08-string-for-int.yaml", env: "dev", field: "compute.min_size", want: []string{`"two"`, "whole number"}},
	{file: "09-list-for-string.yaml", env: "dev", field: "region", want: []string{"list", "want a string"}},
	{file: "10-int-for-bool.yaml", env: "dev", field: "alb.https", want: []string{"is 1", "true or false"}},
	{file: "73-int-overflow.yaml", env: "dev", field: "compute.max_size", want: []string{"18446744073709551615", "whole number"}},
	{file: "79-octal-integer.yaml", env: "dev", field: "alb.deregistration_delay", want: []string{`"030" has a leading zero`, "e.g. 30"}},
	{file: "71-threshold-nan.yaml", env: "dev", field: "scaling.scale_out.threshold", want: []string{".nan", "number"}},
	{file: "77-network-not-mapping.yaml", env: "dev", field: "network", want: []string{`"10.0.0.0/16"`, "mapping", "cidr"}},
	{file: "70-duplicate-key-in-env.yaml", env: "dev", field: "region", want: []string{"twice", "line 4"}},

	// Environments and names.
	{file: "26-duplicate-env-name.yaml", env: "dev", want: []string{"duplicate environment name", "unique"}},
	{file: "27-env-name-underscore.yaml", env: "Dev_1", want: []string{`"Dev_1"`, "lowercase letters or digits"}},
	{file: "28-env-name-bang.yaml", env: "prod!", want: []string{`"prod!"`, "lowercase letters or digits"}},
	{file: "63-name-prefix-too-long.yaml", env: "environment1", want: []string{`"platformstarter1-environment1"`, "29", "28"}},
	{file: "65-env-no-value.yaml", env: "dev", want: []string{"no value", "mapping"}},
	{file: "29-unknown-compute-mode.yaml", env: "dev", field: "compute_mode", want: []string{`"lambda"`, "ec2, asg"}},

	// Region and availability zones.
	{file: "11-missing-region.yaml", env: "dev", field: "region", want: []string{"missing", "us-east-1"}},
	{file: "25-bad-region.yaml", env: "dev", field: "region", want: []string{`"us-east1"`, "us-east-1"}},
	{file: "80-govcloud-region.yaml", env: "dev", field: "region", want: []string{`"us-gov-west-1"`, "aws-us-gov partition", "arn:aws:"}},
	{file: "13-missing-azs.yaml", env: "dev", field: "availability_zones", want: []string{"missing", "at least 2"}},
	{file: "22-one-az.yaml", env: "dev", field: "availability_zones", want: []string{"1 zone (us-east-1a)", "at least 2"}},
	{file: "23-duplicate-az.yaml", env: "dev", field: "availability_zones[1]", want: []string{`"us-east-1a"`, "distinct"}},
	{file: "24-az-other-region.yaml", env: "dev", field: "availability_zones[1]", want: []string{`"us-west-2b"`, "us-east-1a"}},

	// Network.
	{file: "12-missing-cidr.yaml", env: "dev", field: "network.cidr", want: []string{"missing", "/16 to /24"}},
	{file: "14-bad-cidr.yaml", env: "dev", field: "network.cidr", want: []string{`"10.0.0/16"`, "IPv4 CIDR"}},
	{file: "15-cidr-host-bits.yaml", env: "dev", field: "network.cidr", want: []string{`"10.0.0.1/16"`, "host bits", "10.0.0.0/16"}},
	{file: "16-vpc-prefix-too-big.yaml", env: "dev", field: "network.cidr", want: []string{`"10.0.0.0/8"`, "/16 to /24"}},
	{file: "17-vpc-prefix-too-small.yaml", env: "dev", field: "network.cidr", want: []string{`"10.0.0.0/28"`, "/16 to /24"}},
	{file: "18-subnet-newbits-too-big.yaml", env: "dev", field: "network.subnet_newbits", want: []string{"13", "/29", "1 to 12"}},
	{file: "76-subnet-newbits-overflow.yaml", env: "dev", field: "network.subnet_newbits", want: []string{"9223372036854775800", "1 to 12"}},
	{file: "19-subnets-overlap.yaml", env: "dev", field: "network.private_subnet_cidrs[0]", want: []string{`"10.0.1.0/24"`, "overlap"}},
	{file: "20-subnet-outside-vpc.yaml", env: "dev", field: "network.private_subnet_cidrs[1]", want: []string{`"10.1.3.0/24"`, "outside the VPC 10.0.0.0/16"}},
	{file: "21-subnet-count.yaml", env: "dev", field: "network.public_subnet_cidrs", want: []string{"3 subnets", "2 availability zones", "one per zone"}},
	{file: "30-unknown-nat-mode.yaml", env: "dev", field: "network.nat_mode", want: []string{`"dual"`, "none, single, per_az"}},
	{file: "60-flow-log-retention.yaml", env: "dev", field: "network.flow_log_retention_days", want: []string{"10 is not", "allowed: 1, 3, 5, 7, 14, 30"}},

	// Compute.
	{file: "31-min-gt-max.yaml", env: "dev", field: "compute.min_size", want: []string{"(5)", "(3)", "<="}},
	{file: "32-desired-outside.yaml", env: "dev", field: "compute.desired_capacity", want: []string{"(6)", "between", "(2)", "(4)"}},
	{file: "51-app-port-privileged.yaml", env: "dev", field: "compute.app_port", want: []string{"80 is not", "1024 to 65535"}},
	{file: "52-app-port-ssh.yaml", env: "dev", field: "compute.app_port", want: []string{"22 is not", "1024 to 65535"}},
	{file: "53-app-port-too-big.yaml", env: "dev", field: "compute.app_port", want: []string{"70000", "1024 to 65535"}},
	{file: "54-bad-instance-type.yaml", env: "dev", field: "compute.instance_type", want: []string{`"t3micro"`, "t3.micro"}},
	{file: "55-bad-ami.yaml", env: "dev", field: "compute.ami_id", want: []string{`"ami-12345"`, "8 or 17 hex digits"}},
	{file: "50-compute-health-path-no-slash.yaml", env: "dev", field: "compute.health_path", want: []string{`"health"`, "start with /"}},
	{file: "67-defaults-bad-value.yaml", env: "stage", field: "compute.app_port", n: 2, // once for each environment that inherits it
		want: []string{"80 is not", "1024 to 65535"}},

	// Scaling.
	{file: "33-threshold-over-100.yaml", env: "dev", field: "scaling.scale_out.threshold", want: []string{"120", "0 to 100"}},
	{file: "34-threshold-negative.yaml", env: "dev", field: "scaling.scale_in.threshold", want: []string{"-5", "0 to 100"}},
	{file: "35-thresholds-inverted.yaml", env: "dev", field: "scaling.scale_in.threshold", want: []string{"(80)", "(70)", "<"}},
	{file: "36-datapoints-gt-periods.yaml", env: "dev", field: "scaling.scale_out.datapoints_to_alarm", want: []string{"(3)", "(2)", "<="}},
	{file: "37-period-not-minutes.yaml", env: "dev", field: "scaling.period", want: []string{"90", "multiple of 60"}},
	{file: "38-scale-out-negative.yaml", env: "dev", field: "scaling.scale_out.adjustment", want: []string{"-1", "positive"}},
	{file: "39-scale-in-positive.yaml", env: "dev", field: "scaling.scale_in.adjustment", want: []string{"1 has", "negative"}},
	{file: "40-unknown-scaling-policy.yaml", env: "dev", field: "scaling.policy", want: []string{`"simple"`, "step, target_tracking"}},
	{file: "41-target-cpu-range.yaml", env: "dev", field: "scaling.target_cpu", want: []string{"100 is not", "below 100"}},
	{file: "72-evaluation-periods-overflow.yaml", env: "dev", field: "scaling.scale_out.evaluation_periods", want: []string{"307445734561825861", "86400"}},

	// Load balancer.
	{file: "42-https-without-cert.yaml", env: "dev", field: "alb.certificate_arn", want: []string{"missing", "https is true", "ACM certificate ARN"}},
	{file: "43-cert-without-https.yaml", env: "dev", field: "alb.https", want: []string{"is false", "https: true"}},
	{file: "44-malformed-cert-arn.yaml", env: "dev", field: "alb.certificate_arn", want: []string{`"arn:aws:acm:us-east-1:1234:certificate/abc"`, "12-digit account"}},
	{file: "45-cert-other-region.yaml", env: "dev", field: "alb.certificate_arn", want: []string{"eu-west-1", "own region us-east-1"}},
	{file: "68-old-ssl-policy.yaml", env: "dev", field: "alb.ssl_policy", want: []string{`"ELBSecurityPolicy-2016-08"`, "TLS 1.2+"}},
	{file: "46-bad-ingress-cidr.yaml", env: "dev", field: "alb.ingress_cidrs[0]", want: []string{`"10.0.0.1/8"`, "network CIDR"}},
	{file: "47-ingress-ipv6.yaml", env: "dev", field: "alb.ingress_cidrs[0]", want: []string{`"::/0"`, "IPv4"}},
	{file: "48-health-timeout-ge-interval.yaml", env: "dev", field: "alb.health_check.timeout", want: []string{"(10)", "< interval"}},
	{file: "49-health-path-no-slash.yaml", env: "dev", field: "alb.health_check.path", want: []string{`"health"`, "start with /"}},
	{file: "81-health-path-command.yaml", env: "dev", field: "compute.health_path", want: []string{`"/h$(touch /tmp/x)\ncurl -s https://203.0.113.9/x "... (52 characters)`, "has '$' at character 3", "allowed:"}},

	// Observability, state, tags, suppressions.
	{file: "56-bad-email.yaml", env: "dev", field: "observability.alarm_email", want: []string{`"oncall(at)example.com"`, "oncall@example.com"}},
	{file: "57-backend-no-bucket.yaml", env: "dev", field: "backend.bucket", want: []string{"missing", "S3 bucket"}},
	{file: "58-backend-encrypt-false.yaml", env: "dev", field: "backend.encrypt", want: []string{"is false", "want true"}},
	{file: "59-backend-lockfile-false.yaml", env: "dev", field: "backend.use_lockfile", want: []string{"is false", "want true"}},
	{file: "75-backend-key-shared.yaml", env: "stage", field: "backend.key", want: []string{`"shared/terraform.tfstate"`, "dev", "own"}},
	{file: "69-tag-aws-prefix.yaml", env: "dev", field: "tags.aws:team", want: []string{`"aws:team"`, "not starting with aws:"}},
	{file: "61-suppression-no-reason.yaml", env: "dev", field: "suppressions[0].reason", want: []string{"missing", "reason"}},
	{file: "78-budget-zero.yaml", env: "dev", field: "budget.max_monthly_usd", want: []string{"0 is not allowed", "above 0"}},
	{file: "79-max-minutes-negative.yaml", env: "dev", field: "scaling.max_minutes_to_full", want: []string{"-5 is not allowed", "1 to 1440"}},
}

// badDir holds the bad files; base.yaml beside it is the valid file they start from.
const badDir = "testdata/bad"

func TestBadInputBaseIsValid(t *testing.T) {
	f, err := config.Load("testdata/base.yaml")
	if err != nil {
		t.Fatalf("testdata/base.yaml, which every bad file starts from, does not load: %v", err)
	}
	if got := len(f.Environments); got != 1 {
		t.Fatalf("base.yaml: got %d environments, want 1", got)
	}
}

// TestBadInputTableCoversEveryFile keeps the table and the directory in step:
// a file without a row would never run, a row without a file would fail late.
func TestBadInputTableCoversEveryFile(t *testing.T) {
	onDisk, err := filepath.Glob(filepath.Join(badDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	for _, c := range badCases {
		if inTable[c.file] {
			t.Errorf("%s is in the table twice", c.file)
		}
		inTable[c.file] = true
	}
	for _, p := range onDisk {
		if !inTable[filepath.Base(p)] {
			t.Errorf("%s has no row in badCases", p)
		}
		delete(inTable, filepath.Base(p))
	}
	for f := range inTable {
		t.Errorf("badCases row %s has no file in %s", f, badDir)
	}
	if len(onDisk) < 30 {
		t.Errorf("got %d bad files, want at least 30", len(onDisk))
	}
}

func TestBadInputFailsSynth(t *testing.T) {
	for _, c := range badCases {
		t.Run(strings.TrimSuffix(c.file, ".yaml"), func(t *testing.T) {
			path, err := filepath.Abs(filepath.Join(badDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			// A file the validator accepts would start a full jsii synth:
			// report the missing check instead of running it.
			if _, err := config.Load(path); err == nil {
				t.Fatalf("config.Load accepted %s; want it rejected (%s: %s: %s)", c.file, c.env, c.field, strings.Join(c.want, ", "))
			}

			parent := t.TempDir()
			outdir := filepath.Join(parent, "cdktf.out")
			t.Setenv("ENVIRONMENTS_FILE", path)
			var stdout bytes.Buffer
			err = runSynth(&stdout, outdir)
			checkBadError(t, c, err)

			if stdout.Len() != 0 {
				t.Errorf("synth wrote to stdout before failing: %q", stdout.String())
			}
			if _, err := os.Lstat(outdir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s exists after a failed synth (stat: %v); want it not written", outdir, err)
			}
			if _, err := os.Lstat(filepath.Join(parent, ".cdktf.out.staging")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("staging dir .cdktf.out.staging exists after a failed synth (stat: %v)", err)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("synth left %s in the output's parent directory; want nothing", names(entries))
			}
		})
	}
}

// runSynth calls synth.Run and turns a panic into an error carrying the
// stack, so one panicking case fails only its own subtest.
func runSynth(stdout *bytes.Buffer, outdir string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\ngoroutine stack:\n%s", r, debug.Stack())
		}
	}()
	return synth.Run(stdout, outdir)
}

// checkBadError checks the error of a failed synth against the case.
func checkBadError(t *testing.T, c badCase, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("synth.Run succeeded on %s; want an error", c.file)
	}
	msg := err.Error()
	if strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
		t.Fatalf("synth.Run panicked or returned a stack trace:\n%s", msg)
	}
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("synth.Run error is %T, want *config.Errors:\n%s", err, msg)
	}
	wantN := c.n
	if wantN == 0 {
		wantN = 1
	}
	if len(ce.Problems) != wantN {
		t.Errorf("got %d problems, want %d (one mistake, one message):\n%s", len(ce.Problems), wantN, msg)
	}
	if !strings.Contains(msg, filepath.Base(c.file)) {
		t.Errorf("message does not name the file %s:\n%s", c.file, msg)
	}
	var p *config.Problem
	for i := range ce.Problems {
		if ce.Problems[i].Env == c.env && ce.Problems[i].Field == c.field {
			p = &ce.Problems[i]
			break
		}
	}
	if p == nil {
		t.Fatalf("no problem with env %q and field %q; got:\n%s", c.env, c.field, msg)
	}
	text := p.String()
	// The printed line must name the environment and the field ...
	if c.env != "" && !strings.Contains(text, c.env+": ") {
		t.Errorf("problem does not name environment %q: %s", c.env, text)
	}
	if c.field != "" && !strings.Contains(text, c.field+": ") {
		t.Errorf("problem does not name field %q: %s", c.field, text)
	}
	// ... and the bad value and what is allowed.
	for _, w := range c.want {
		if !strings.Contains(text, w) {
			t.Errorf("problem %q does not contain %q", text, w)
		}
	}
	if !strings.Contains(msg, text) {
		t.Errorf("the error message does not carry the problem line %q:\n%s", text, msg)
	}
}

func names(entries []os.DirEntry) string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return strings.Join(s, ", ")
}

// TestBadInputLeavesExistingOutdirUntouched: a failed synth must leave the
// previous output exactly as it was, byte for byte, mode for mode.
func TestBadInputLeavesExistingOutdirUntouched(t *testing.T) {
	for _, file := range []string{"01-malformed-yaml.yaml", "24-az-other-region.yaml", "67-defaults-bad-value.yaml"} {
		t.Run(strings.TrimSuffix(file, ".yaml"), func(t *testing.T) {
			parent := t.TempDir()
			outdir := filepath.Join(parent, "cdktf.out")
			seedOutdir(t, outdir)
			before := snapshot(t, parent)

			path, _ := filepath.Abs(filepath.Join(badDir, file))
			t.Setenv("ENVIRONMENTS_FILE", path)
			var stdout bytes.Buffer
			if err := runSynth(&stdout, outdir); err == nil {
				t.Fatalf("synth.Run succeeded on %s; want an error", file)
			}
			after := snapshot(t, parent)
			diffSnapshots(t, before, after)
		})
	}
}

// seedOutdir writes a previous synth's output into dir.
func seedOutdir(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"manifest.json":               `{"version":"0.21.0","stacks":{"dev":{}}}` + "\n",
		"stacks/dev/cdk.tf.json":      `{"resource":{"aws_vpc":{"vpc":{"cidr_block":"10.0.0.0/16"}}}}` + "\n",
		"stacks/dev/.terraform.lock":  "lock\n",
		"stacks/prod/plan.out":        "\x00\x01binary\xff",
		"stacks/prod/empty-file.json": "",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "stacks", "empty-dir"), 0o700); err != nil {
		t.Fatal(err)
	}
}

// snapshot records every path under root with its mode, modification time and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		entry := fmt.Sprintf("%v %d", info.Mode(), info.ModTime().UnixNano())
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entry += fmt.Sprintf(" %q", b)
		}
		out[rel] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffSnapshots(t *testing.T, before, after map[string]string) {
	t.Helper()
	var paths []string
	for p := range before {
		paths = append(paths, p)
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		b, inBefore := before[p]
		a, inAfter := after[p]
		switch {
		case !inAfter:
			t.Errorf("%s was removed by a failed synth", p)
		case !inBefore:
			t.Errorf("%s was created by a failed synth", p)
		case a != b:
			t.Errorf("%s changed in a failed synth:\n got  %s\n want %s", p, a, b)
		}
	}
}

// TestBadInputMainBinary runs the real command on a few bad files: exit code
// 1, the problem on stderr after "synth: ", no panic, nothing written.
func TestBadInputMainBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the main binary (compiles the jsii bindings the first time)")
	}
	bin := mainBinary(t)

	cases := []struct {
		file string
		// existing says CDKTF_OUTDIR names an output directory that already has content.
		existing bool
	}{
		{file: "01-malformed-yaml.yaml"},
		{file: "35-thresholds-inverted.yaml", existing: true},
		{file: "42-https-without-cert.yaml"},
	}
	for _, tc := range cases {
		var c badCase
		for _, bc := range badCases {
			if bc.file == tc.file {
				c = bc
			}
		}
		if c.file == "" {
			t.Fatalf("%s is not in badCases", tc.file)
		}
		t.Run(strings.TrimSuffix(tc.file, ".yaml"), func(t *testing.T) {
			work := t.TempDir() // the command's working directory: default outdir cdktf.out lands here
			path, _ := filepath.Abs(filepath.Join(badDir, tc.file))
			env := []string{"ENVIRONMENTS_FILE=" + path}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "ENVIRONMENTS_FILE=") && !strings.HasPrefix(kv, "CDKTF_OUTDIR=") {
					env = append(env, kv)
				}
			}
			var before map[string]string
			outParent := t.TempDir()
			if tc.existing {
				seedOutdir(t, filepath.Join(outParent, "out"))
				env = append(env, "CDKTF_OUTDIR="+filepath.Join(outParent, "out"))
				before = snapshot(t, outParent)
			}

			cmd := exec.Command(bin)
			cmd.Dir = work
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("run: got %v, want exit status 1\nstderr:\n%s", err, stderr.String())
			}
			out := stdout.String() + stderr.String()
			if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
				t.Errorf("output has a panic or stack trace:\n%s", out)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: got %q, want nothing", stdout.String())
			}
			msg := stderr.String()
			if !strings.HasPrefix(msg, "synth: ") {
				t.Errorf("stderr does not start with \"synth: \":\n%s", msg)
			}
			for _, w := range append([]string{c.env, c.field}, c.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr does not contain %q:\n%s", w, msg)
				}
			}
			if entries, _ := os.ReadDir(work); len(entries) != 0 {
				t.Errorf("the command wrote %s into its working directory; want nothing", names(entries))
			}
			if tc.existing {
				diffSnapshots(t, before, snapshot(t, outParent))
			}
		})
	}
}

// TestBadInputUnreadableFile: a missing or unreadable environments file fails
// the same way, naming the file.
func TestBadInputUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		path string
		want []string
	}{
		{"missing", filepath.Join(dir, "no-such.yaml"), []string{"no-such.yaml", "no such file"}},
		{"directory", dir, []string{dir, "directory"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent := t.TempDir()
			outdir := filepath.Join(parent, "cdktf.out")
			t.Setenv("ENVIRONMENTS_FILE", c.path)
			var stdout bytes.Buffer
			err := runSynth(&stdout, outdir)
			if err == nil {
				t.Fatalf("synth.Run succeeded with ENVIRONMENTS_FILE=%s; want an error", c.path)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("synth left %s behind; want nothing", names(entries))
			}
		})
	}
}

// TestSynthDoesNotLinkDiagrams: the synth binary (main.go -> internal/synth)
// links internal/review for its summary, not the diagram renderer or the
// review command line.
func TestSynthDoesNotLinkDiagrams(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	const module = "github.com/platformstarter/elastic-web-tier"
	out, err := exec.Command(goTool, "list", "-deps", module).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", module, err)
	}
	deps := strings.Fields(string(out))
	for _, want := range []string{module + "/internal/synth", module + "/internal/review"} {
		if !slices.Contains(deps, want) {
			t.Errorf("the synth binary does not link %s; the check is looking at the wrong package", want)
		}
	}
	for _, bad := range []string{module + "/internal/diagram", module + "/internal/reviewcli"} {
		if slices.Contains(deps, bad) {
			t.Errorf("the synth binary links %s", bad)
		}
	}
}
