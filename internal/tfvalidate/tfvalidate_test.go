package tfvalidate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

const providerGen = `package provider

func endpointsSchema() *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeSet,
		Optional: true,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				// acm

				"acm": {
					Type:        schema.TypeString,
					Optional:    true,
				},

				// amp

				"amp": {
					Type:        schema.TypeString,
				},
				"prometheus": {
					Type:        schema.TypeString,
				},
				"prometheusservice": {
					Type:        schema.TypeString,
				},

				// ec2

				"ec2": {
					Type:        schema.TypeString,
				},
			},
		},
	}
}

func expandEndpoints(_ context.Context, tfList []any) (map[string]string, diag.Diagnostics) {
	for k, v := range tfMap {
			switch k {
			case "amp", "prometheus", "prometheusservice":
				const pkg = "amp"
			default:
				endpoints[k] = v.(string)
			}
	}
}

func other() {
	x := map[string]any{
		"notanendpoint": {
		},
	}
}
`

func TestParseEndpointsDropsAliases(t *testing.T) {
	got, err := ParseEndpoints([]byte(providerGen))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"acm", "amp", "ec2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseEndpointsRejectsOtherFiles(t *testing.T) {
	if _, err := ParseEndpoints([]byte("package provider\n\nfunc main() {}\n")); err == nil {
		t.Error("a file without endpointsSchema parsed")
	}
	noAliases := strings.Replace(providerGen, `case "amp", "prometheus", "prometheusservice":`, `case "amp":`, 1)
	if _, err := ParseEndpoints([]byte(noAliases)); err == nil {
		t.Error("a file without alias groups parsed (aliases would be set and warn)")
	}
}

func fixture(t *testing.T) *stackjson.Stack {
	t.Helper()
	s, err := stackjson.LoadDir(filepath.Join("testdata", "synth-out", "stacks", "fixture"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func stack(t *testing.T, doc string) *stackjson.Stack {
	t.Helper()
	s, err := stackjson.Parse("s", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return m
}

func TestProviderOverrideFixture(t *testing.T) {
	b, notes, err := ProviderOverride(fixture(t), []string{"ec2", "sts"})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes for a plain provider block: %v", notes)
	}
	doc := decode(t, b)
	blocks, _ := stackjson.Walk(doc, "provider", "aws")
	list, _ := blocks.([]any)
	if len(list) != 1 {
		t.Fatalf("want one aws block, got %v", blocks)
	}
	p := list[0].(map[string]any)
	for k, want := range map[string]any{
		"skip_credentials_validation": true, "skip_requesting_account_id": true,
		"skip_region_validation": true, "skip_metadata_api_check": "true", "max_retries": float64(1),
	} {
		if p[k] != want {
			t.Errorf("%s = %v, want %v", k, p[k], want)
		}
	}
	if p["access_key"] == "" || p["secret_key"] == "" {
		t.Error("static credentials missing")
	}
	if _, ok := p["region"]; ok {
		t.Error("the stack's region must be kept, not overridden")
	}
	if _, ok := p["default_tags"]; ok {
		t.Error("default_tags must stay the stack's")
	}
	eps, _ := stackjson.Walk(p, "endpoints", "ec2")
	if eps != DeadEndpoint {
		t.Errorf("endpoints.ec2 = %v", eps)
	}
	eps, _ = stackjson.Walk(p, "endpoints", "sts")
	if eps != DeadEndpoint {
		t.Errorf("endpoints.sts = %v", eps)
	}
}

func TestProviderOverrideAliasesAndCredentialSources(t *testing.T) {
	s := stack(t, `{"provider": {"aws": [
		{"region": "eu-west-1", "profile": "prod"},
		{"alias": "use1", "assume_role": [{"role_arn": "arn:aws:iam::1:role/x"}], "allowed_account_ids": ["111122223333"]}
	]}}`)
	b, notes, err := ProviderOverride(s, []string{"ec2"})
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, b)
	list, _ := stackjson.Walk(doc, "provider", "aws")
	blocks := list.([]any)
	if len(blocks) != 2 {
		t.Fatalf("want 2 blocks, got %d", len(blocks))
	}
	def, alias := blocks[0].(map[string]any), blocks[1].(map[string]any)
	if v, ok := def["profile"]; !ok || v != nil {
		t.Errorf("profile should be overridden with null, got %v (present %v)", v, ok)
	}
	if alias["alias"] != "use1" {
		t.Errorf("alias block lost its alias: %v", alias)
	}
	if ar, ok := alias["assume_role"].([]any); !ok || len(ar) != 1 || ar[0].(map[string]any)["role_arn"] != "" {
		t.Errorf("assume_role should be overridden with one block with an empty role_arn (an empty list replaces nothing), got %v", alias["assume_role"])
	}
	if v, ok := alias["allowed_account_ids"]; !ok || v != nil {
		t.Errorf("allowed_account_ids should be overridden with null (offline the provider knows no account and would refuse it), got %v (present %v)", v, ok)
	}
	if _, ok := def["allowed_account_ids"]; ok {
		t.Errorf("allowed_account_ids written for a block that has none: %v", def)
	}
	if alias["region"] != "us-east-1" {
		t.Errorf("an aliased block without region should get us-east-1, got %v", alias["region"])
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"profile blanked", "aws.use1: assume_role removed", "aws.use1: allowed_account_ids blanked", "aws.use1 sets no region"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q: %v", want, notes)
		}
	}
}

func TestProviderOverrideNeedsEndpoints(t *testing.T) {
	if _, _, err := ProviderOverride(fixture(t), nil); err == nil {
		t.Error("no endpoints accepted: the provider would reach AWS")
	}
}

func TestAnswersFixture(t *testing.T) {
	as := Answers(fixture(t))
	byAddr := map[string]Answer{}
	for _, a := range as {
		byAddr[a.Address] = a
	}
	if len(as) != 3 {
		t.Fatalf("want 3 answers, got %+v", as)
	}
	if !byAddr["data.aws_iam_policy_document.compute_assume_9A8B7C6D"].Provider {
		t.Error("the IAM policy document needs no AWS call and must be read by the real provider")
	}
	ssm := byAddr["data.aws_ssm_parameter.compute_ami_5A1B2C3D"]
	if ssm.Provider || ssm.Generated || ssm.Values["value"] != "ami-0123456789abcdef0" {
		t.Errorf("SSM AMI parameter should be answered with an AMI id, got %+v", ssm)
	}
	azs := byAddr["data.aws_availability_zones.network_azs_0F1E2D3C"]
	names, _ := azs.Values["names"].([]string)
	if len(names) < 2 || names[0] != "eu-west-1a" {
		t.Errorf("AZ names should be in the stack's region (eu-west-1), got %v", azs.Values["names"])
	}
}

func TestAnswersInstancesOfAnASG(t *testing.T) {
	s := stack(t, `{"data": {"aws_instances": {"in-service": {"instance_state_names": ["running"]}}}}`)
	as := Answers(s)
	if len(as) != 1 || as[0].Generated || as[0].Provider {
		t.Fatalf("got %+v", as)
	}
	if ids, _ := as[0].Values["ids"].([]string); len(ids) == 0 || !strings.HasPrefix(ids[0], "i-") {
		t.Errorf("ids = %v", as[0].Values["ids"])
	}
}

// An override gives only what the data source computes: OpenTofu refuses an
// override of an argument the configuration sets, or of one that is never
// computed (a zone's private_zone).
func TestAnswersOverrideNoArgument(t *testing.T) {
	cases := []struct {
		name, data string
		want       []string // keys that must be there
		notWant    []string // keys that must not
	}{
		{
			name:    "zone by name",
			data:    `{"aws_route53_zone": {"zone": {"name": "example.com", "private_zone": false}}}`,
			want:    []string{"zone_id", "arn", "name_servers"},
			notWant: []string{"name", "private_zone"},
		},
		{
			name:    "role by name",
			data:    `{"aws_iam_role": {"role": {"name": "deployer"}}}`,
			want:    []string{"arn", "unique_id"},
			notWant: []string{"name"},
		},
		{
			name:    "zone without arguments",
			data:    `{"aws_route53_zone": {"zone": {}}}`,
			want:    []string{"zone_id", "name"},
			notWant: []string{"private_zone"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			as := Answers(stack(t, `{"data": `+c.data+`}`))
			if len(as) != 1 || as[0].Generated || as[0].Provider {
				t.Fatalf("got %+v", as)
			}
			for _, k := range c.want {
				if _, ok := as[0].Values[k]; !ok {
					t.Errorf("values lack %s: %v", k, as[0].Values)
				}
			}
			for _, k := range c.notWant {
				if v, ok := as[0].Values[k]; ok {
					t.Errorf("values override argument %s = %v", k, v)
				}
			}
		})
	}
}

func TestAnswersUnknownTypeIsGenerated(t *testing.T) {
	s := stack(t, `{"data": {"aws_something_new": {"x": {}}}}`)
	as := Answers(s)
	if len(as) != 1 || !as[0].Generated || as[0].Provider {
		t.Fatalf("got %+v", as)
	}
	b, err := TestFileJSON(as)
	if err != nil {
		t.Fatal(err)
	}
	od, _ := stackjson.Walk(decode(t, b), "override_data", 0)
	m, _ := od.(map[string]any)
	if m["target"] != "data.aws_something_new.x" {
		t.Errorf("override target = %v", m["target"])
	}
	if v, ok := m["values"].(map[string]any); !ok || len(v) != 0 {
		t.Errorf("values should be an empty object, got %v", m["values"])
	}
}

func TestTestFileJSON(t *testing.T) {
	b, err := TestFileJSON(Answers(fixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, b)
	if cmd, _ := stackjson.Walk(doc, "run", "offline_plan", "command"); cmd != "plan" {
		t.Errorf("run command = %v", cmd)
	}
	if r, _ := stackjson.Walk(doc, "run", "offline_plan", "plan_options", "refresh"); r != false {
		t.Errorf("refresh = %v, want false", r)
	}
	ods, _ := doc["override_data"].([]any)
	if len(ods) != 2 {
		t.Fatalf("want 2 override_data (SSM, AZs; not the policy document), got %d", len(ods))
	}
	for _, od := range ods {
		if strings.Contains(od.(map[string]any)["target"].(string), "aws_iam_policy_document") {
			t.Error("the policy document is overridden")
		}
	}
	none, err := TestFileJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := decode(t, none)["override_data"]; ok {
		t.Error("an empty override_data list was written")
	}
}

func TestCLIConfig(t *testing.T) {
	c := CLIConfig(`/cache/dir "x"`)
	for _, want := range []string{"dev_overrides", `"hashicorp/aws" = "/cache/dir \"x\""`, "disable_checkpoint = true"} {
		if !strings.Contains(c, want) {
			t.Errorf("CLI config lacks %s:\n%s", want, c)
		}
	}
	if c2 := CLIConfig("/a/${b}"); !strings.Contains(c2, `"/a/$${b}"`) {
		t.Errorf("template sequence not escaped:\n%s", c2)
	}
}

func TestRegionAndVersion(t *testing.T) {
	s := fixture(t)
	if Region(s) != "eu-west-1" {
		t.Errorf("region %q", Region(s))
	}
	if RequiredAWSVersion(s) != "5.88.0" {
		t.Errorf("version %q", RequiredAWSVersion(s))
	}
	empty := stack(t, `{}`)
	if Region(empty) != "us-east-1" || RequiredAWSVersion(empty) != "" {
		t.Errorf("defaults: %q %q", Region(empty), RequiredAWSVersion(empty))
	}
}

func TestParseValidate(t *testing.T) {
	out := `{"format_version":"1.0","valid":false,"error_count":1,"warning_count":0,"diagnostics":[
	{"severity":"error","summary":"Invalid value","detail":"expected comparison_operator to be one of [\"GreaterThanThreshold\"], got Bigger",
	 "range":{"filename":"cdk.tf.json","start":{"line":12,"column":5,"byte":1}},
	 "snippet":{"context":"resource.aws_cloudwatch_metric_alarm.a","code":"x","start_line":12}}]}`
	v, err := ParseValidate([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if v.Valid || len(v.Diagnostics) != 1 {
		t.Fatalf("got %+v", v)
	}
	d := Diagnostic(v.Diagnostics[0])
	if got := d.String(); got != `Invalid value: expected comparison_operator to be one of ["GreaterThanThreshold"], got Bigger (resource.aws_cloudwatch_metric_alarm.a cdk.tf.json:12)` {
		t.Errorf("String() = %s", got)
	}
	if _, err := ParseValidate([]byte("Error: something\n")); err == nil {
		t.Error("non-JSON output parsed")
	}
}

func TestParseTest(t *testing.T) {
	lines := []string{
		`{"@level":"info","type":"version","@message":"Terraform 1.11.4"}`,
		`{"type":"diagnostic","diagnostic":{"severity":"warning","summary":"Deprecated attribute","detail":"use x"}}`,
		`{"type":"test_plan","test_plan":{"plan_format_version":"1.2","resource_changes":[` +
			`{"address":"aws_vpc.a","mode":"managed","type":"aws_vpc","change":{"actions":["create"]}},` +
			`{"address":"aws_lb.b","mode":"managed","type":"aws_lb","change":{"actions":["delete","create"]}},` +
			`{"address":"aws_sns_topic.c","mode":"managed","type":"aws_sns_topic","change":{"actions":["update"]}},` +
			`{"address":"aws_iam_role.d","mode":"managed","type":"aws_iam_role","change":{"actions":["no-op"]}},` +
			`{"address":"data.aws_region.r","mode":"data","type":"aws_region","change":{"actions":["read"]}}]}}`,
		`{"type":"test_summary","test_summary":{"status":"pass","passed":1,"failed":0,"errored":0,"skipped":0}}`,
	}
	out, err := ParseTest([]byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if !out.Passed || out.Plan == nil || len(out.Diagnostics) != 1 {
		t.Fatalf("got %+v", out)
	}
	add, change, destroy := out.Plan.Counts()
	if add != 2 || change != 1 || destroy != 1 {
		t.Errorf("counts %d/%d/%d, want 2/1/1", add, change, destroy)
	}

	failed := `{"type":"diagnostic","diagnostic":{"severity":"error","summary":"x"}}
{"type":"test_summary","test_summary":{"status":"error","passed":0,"failed":0,"errored":1}}`
	out, err = ParseTest([]byte(failed))
	if err != nil {
		t.Fatal(err)
	}
	if out.Passed || out.Status != "error" {
		t.Errorf("an errored run passed: %+v", out)
	}
	if _, err := ParseTest([]byte("")); err == nil {
		t.Error("empty output parsed as a result")
	}
	if _, err := ParseTest([]byte("not json\n")); err == nil {
		t.Error("non-JSON output parsed")
	}
}

func TestResultSetsSetupDiagnosticsApart(t *testing.T) {
	r := &Result{}
	w := Diagnostic{Severity: "warning", Summary: "Deprecated", Detail: "x"}
	acct := Diagnostic{Severity: "warning", Summary: "AWS account ID not found for provider"}
	r.add([]Diagnostic{{Severity: "warning", Summary: "Provider development overrides are in effect"}, w, w, acct, acct, {Severity: "error", Summary: "E"}})
	if len(r.Warnings) != 1 || len(r.Errors) != 1 {
		t.Errorf("warnings %v errors %v", r.Warnings, r.Errors)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "skip_requesting_account_id") {
		t.Errorf("notes %v: want one about the account ID", r.Notes)
	}
}

func TestCopyDirLeavesOutWorkingFiles(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	for _, f := range []string{"cdk.tf.json", "assets/a/user-data.sh", ".terraform/providers/x", "terraform.tfstate", "mine.tftest.hcl"} {
		p := filepath.Join(src, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := CopyDir(src, dst); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"cdk.tf.json": true, "assets/a/user-data.sh": true, ".terraform": false, "terraform.tfstate": false, "mine.tftest.hcl": false} {
		_, err := os.Stat(filepath.Join(dst, f))
		if (err == nil) != want {
			t.Errorf("%s copied = %v, want %v", f, err == nil, want)
		}
	}
}

func TestTableAndDetails(t *testing.T) {
	res := []*Result{
		{Stack: "dev", Valid: true, Planned: true, Add: 30, Notes: []string{"shared note", "dev note"},
			Answers: []Answer{{Address: "data.aws_ssm_parameter.a", Values: map[string]any{}}}},
		{Stack: "prod", Valid: false, RequiredVersion: "5.88.0", Notes: []string{"shared note"}, Errors: []Diagnostic{
			{Severity: "error", Summary: "Extraneous JSON object property", Detail: `No argument or block type is named "x".`},
			{Severity: "error", Summary: "Invalid value", Detail: "expected y"},
		}},
	}
	var b bytes.Buffer
	Table(&b, res)
	Details(&b, res)
	out := b.String()
	for _, want := range []string{
		"| dev | valid | ok | 30 | 0 | 0 | 0 | 1 (aws_ssm_parameter) |",
		"| prod | INVALID | not run | - | - | - | 0 | none |",
		"the bindings emit this for provider 5.88.0; the provider built here (5.67.0) does not know it",
		"every stack:\n  note: shared note\n",
		"dev:\n  note: dev note\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "shared note"); n != 1 {
		t.Errorf("a note every stack has is printed %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "does not know it"); n != 1 {
		t.Errorf("%d errors marked as the version gap, want 1 (only the unknown argument):\n%s", n, out)
	}
	if gap := VersionGap(res); len(gap) != 1 || !strings.HasPrefix(gap[0], "prod: Extraneous JSON object property") {
		t.Errorf("version gap %v", gap)
	}
}

// TestAssumeRoleWarningIsANote: the provider's warning about the
// override's assume_role without role_arn becomes a note; the same summary
// about another argument stays a warning.
func TestAssumeRoleWarningIsANote(t *testing.T) {
	var r Result
	r.add([]Diagnostic{
		{Severity: "warning", Summary: "Missing required argument", Detail: `The argument "role_arn" is required, but no definition was found.`},
		{Severity: "warning", Summary: "Missing required argument", Detail: `The argument "region" is required, but no definition was found.`},
	})
	if len(r.Notes) != 1 || r.Notes[0] != assumeRoleNote {
		t.Errorf("notes = %q, want [%q]", r.Notes, assumeRoleNote)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0].Detail, `"region"`) {
		t.Errorf("warnings = %+v, want only the one about region", r.Warnings)
	}
}
