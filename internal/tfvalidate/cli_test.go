package tfvalidate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTerraform writes a stand-in for terraform that answers `validate
// -json` and `test -json` with canned output, and records its arguments
// and the files it was given.
func fakeTerraform(t *testing.T, validJSON string) (bin, record string) {
	t.Helper()
	dir := t.TempDir()
	record = filepath.Join(dir, "calls")
	script := `#!/bin/sh
echo "$PWD $*" >> ` + record + `
echo "cli=$TF_CLI_CONFIG_FILE aws_profile=${AWS_PROFILE:-unset}" >> ` + record + `
case "$1" in
validate) echo '` + validJSON + `' ;;
test)
  echo '{"type":"version","@message":"Terraform 1.11.4"}'
  echo '{"type":"test_plan","test_plan":{"plan_format_version":"1.2","resource_changes":[{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","change":{"actions":["create"]}}]}}'
  echo '{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"AWS account ID not found for provider","detail":"x"}}'
  echo '{"type":"test_summary","test_summary":{"status":"pass","passed":1,"failed":0,"errored":0}}'
  ;;
esac
`
	bin = filepath.Join(dir, "terraform")
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, record
}

func providerDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "terraform-provider-aws"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "endpoints.txt"), []byte("ec2\nsts\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const fixtureOut = "testdata/synth-out"

func TestRunWithFakeTerraform(t *testing.T) {
	t.Setenv("AWS_PROFILE", "real-account")
	tf, record := fakeTerraform(t, `{"valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}`)
	scratch := t.TempDir()
	md := filepath.Join(t.TempDir(), "table.md")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"-provider-dir", providerDir(t), "-terraform", tf, "-isolate", "off",
		"-outdir", fixtureOut, "-scratch", scratch, "-keep", "-markdown", md}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "| fixture | valid | ok | 1 | 0 | 0 | 0 | 2 (aws_availability_zones, aws_ssm_parameter) |") {
		t.Errorf("table row missing:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "fixture pins hashicorp/aws 5.88.0; the provider built here is the 5.67.0 code base") {
		t.Errorf("the version gap is not announced:\n%s", errb.String())
	}
	calls, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	c := string(calls)
	stackDir := filepath.Join(scratch, "stacks", "fixture")
	for _, want := range []string{
		stackDir + " validate -json -no-color",
		stackDir + " test -json -verbose -no-color -filter=offline.tftest.json",
		"cli=" + filepath.Join(scratch, "terraform.rc"),
		"aws_profile=unset",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("terraform calls lack %q:\n%s", want, c)
		}
	}
	for _, f := range []string{"cdk.tf.json", "zz_offline_override.tf.json", "offline.tftest.json"} {
		if _, err := os.Stat(filepath.Join(stackDir, f)); err != nil {
			t.Errorf("scratch copy lacks %s: %v", f, err)
		}
	}
	if b, err := os.ReadFile(md); err != nil || !strings.Contains(string(b), "| fixture | valid |") {
		t.Errorf("markdown table: %v %s", err, b)
	}
	orig, _ := os.ReadFile(filepath.Join(fixtureOut, "stacks", "fixture", "cdk.tf.json"))
	copied, _ := os.ReadFile(filepath.Join(stackDir, "cdk.tf.json"))
	if !bytes.Equal(orig, copied) {
		t.Error("the synthesized JSON was changed in the copy")
	}
}

func TestRunInvalidStackFails(t *testing.T) {
	tf, record := fakeTerraform(t, `{"valid":false,"error_count":1,"warning_count":0,"diagnostics":[{"severity":"error","summary":"Extraneous JSON object property","detail":"No argument or block type is named \"x\"."}]}`)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"-provider-dir", providerDir(t), "-terraform", tf, "-isolate", "off", "-outdir", fixtureOut}, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"| fixture | INVALID | not run |", "Rejected by provider 5.67.0 although the bindings emit them", "1 failed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	calls, _ := os.ReadFile(record)
	if strings.Contains(string(calls), " test ") {
		t.Error("an invalid stack was planned")
	}
}

func TestRunUsageErrors(t *testing.T) {
	tf, _ := fakeTerraform(t, `{}`)
	pd := providerDir(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-terraform", tf}, "-provider-dir is required"},
		{[]string{"-provider-dir", pd, "-terraform", "no-such-terraform-here"}, "not found on PATH"},
		{[]string{"-provider-dir", t.TempDir(), "-terraform", tf}, "no provider binary"},
		{[]string{"-provider-dir", pd, "-terraform", tf, "-isolate", "maybe"}, "-isolate must be auto, require or off"},
		{[]string{"-provider-dir", pd, "-terraform", tf, "-isolate", "off", "-outdir", t.TempDir()}, "run `make synth` first"},
		{[]string{"-provider-dir", pd, "-terraform", tf, "-isolate", "off", "-outdir", fixtureOut, "-stacks", "nope"}, "no such stack(s)"},
	} {
		t.Setenv("TFVALIDATE_PROVIDER_DIR", "")
		var out, errb bytes.Buffer
		if code := Main(context.Background(), tc.args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr lacks %q:\n%s", tc.args, tc.want, errb.String())
		}
	}
}

func TestPrintEndpoints(t *testing.T) {
	src := filepath.Join(t.TempDir(), "provider_gen.go")
	gen := "func endpointsSchema() *schema.Schema {\n\t\t\t\t\"ec2\": {\n\t\t\t\t\"s3\": {\n\t\t\t\t\"s3api\": {\n}\n" +
		"func expandEndpoints() {\n\t\t\tcase \"s3\", \"s3api\":\n}\n"
	if err := os.WriteFile(src, []byte(gen), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"-print-endpoints", src}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if out.String() != "ec2\ns3\n" {
		t.Errorf("got %q", out.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"-print-endpoints", filepath.Join(t.TempDir(), "missing.go")}, &out, &errb); code != 1 {
		t.Errorf("a missing file: exit %d, want 1", code)
	}
}
