package e2e

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

func TestFirstError(t *testing.T) {
	tests := []struct {
		name, output, want string
	}{
		{"none", "dev  Apply complete! Resources: 3 added\n", ""},
		{
			"cdktf box with detail",
			"dev  aws_vpc.network_vpc: Creating...\n" +
				"dev  ╷\n" +
				"     │ Error: creating EC2 VPC: operation error EC2: CreateVpc, https response error StatusCode: 400, api error InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid.\n" +
				"     │ \n" +
				"     │   with aws_vpc.network_vpc,\n" +
				"     │   on cdk.tf.json line 12, in resource \"aws_vpc\" \"network_vpc\":\n" +
				"     ╵\n",
			"Error: creating EC2 VPC: operation error EC2: CreateVpc, https response error StatusCode: 400, api error InvalidVpc.Range: The CIDR '10.0.0.0/8' is invalid.",
		},
		{
			"summary then detail line, colours",
			"\x1b[31m╷\x1b[0m\n\x1b[31m│\x1b[0m \x1b[1m\x1b[31mError: \x1b[0m\x1b[0m\x1b[1mError acquiring the state lock\x1b[0m\n│ \n│ Error message: operation error S3: PutObject, precondition failed\n",
			"Error: Error acquiring the state lock: Error message: operation error S3: PutObject, precondition failed",
		},
		{
			"failed synth",
			"Synth command: go run .\nError:         non-zero exit code 1\n\nCommand output on stderr:\n\n    synth: policy checks failed:\n      - prod EWT-COST-1: over budget\n    exit status 1\n",
			"synth: policy checks failed: - prod EWT-COST-1: over budget",
		},
		{
			"cdktf without the box: the indented with line is not the detail",
			"prod  Error: reading VPC Security Group Rule (sgr-5f37b16db64046253)\n" +
				"      \n" +
				"        with aws_vpc_security_group_ingress_rule.alb_ingress-80-0_954B3045 (alb/ingress-80-0),\n" +
				"        on cdk.tf.json line 1040, in resource \"aws_vpc_security_group_ingress_rule\" \"alb_ingress-80-0_954B3045\":\n",
			"Error: reading VPC Security Group Rule (sgr-5f37b16db64046253)",
		},
		{
			"first of two",
			"Error: one\n\nError: two\n",
			"Error: one",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FirstError(tt.output); got != tt.want {
				t.Errorf("FirstError:\n got  %q\n want %q", got, tt.want)
			}
		})
	}
}

func TestIsTransient(t *testing.T) {
	dropped := "operation error EC2: DescribeSecurityGroupRules, https response error StatusCode: 200, decomposing response: read tcp 127.0.0.1:56466->127.0.0.1:39177: use of closed network connection"
	tests := []struct {
		name, output string
		want         bool
	}{
		{"on the summary line", "prod  Error: reading ELBv2 Load Balancer (arn) attributes: " + dropped + "\n", true},
		{"below the address and source lines",
			"prod  Error: reading VPC Security Group Rule (sgr-1)\n      \n        with aws_vpc_security_group_ingress_rule.a (alb/a),\n" +
				"        on cdk.tf.json line 1040, in resource \"aws_vpc_security_group_ingress_rule\" \"a\":\n      1040:       },\n      \n      " + dropped + "\n", true},
		{"in a box", "     ╷\n     │ Error: reading VPC Security Group Rule (sgr-1)\n     │ \n     │ read tcp: connection reset by peer\n     ╵\n", true},
		{"an API answer", "prod  Error: deleting VPC Security Group Rule (sgr-1): api error InvalidPermission.NotFound\n", false},
		{"the marker outside any error", "prod  aws_vpc.v: Refreshing... (use of closed network connection)\nprod  Error: creating EC2 VPC: InvalidVpc.Range\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTransient(tt.output); got != tt.want {
				t.Errorf("IsTransient = %v, want %v, for\n%s", got, tt.want, tt.output)
			}
		})
	}
}

const planJSON = `{"format_version":"1.2","resource_changes":[
 {"address":"aws_launch_template.lt","mode":"managed","type":"aws_launch_template","change":{"actions":["update"],"before":{"instance_type":"t3.micro","name":"x"},"after":{"instance_type":"t3.small","name":"x"},"after_unknown":{"latest_version":true}}},
 {"address":"aws_autoscaling_group.g","mode":"managed","type":"aws_autoscaling_group","change":{"actions":["update"],"before":{"a":1},"after":{"a":1},"after_unknown":{"launch_template":true}}},
 {"address":"aws_vpc.v","mode":"managed","type":"aws_vpc","change":{"actions":["no-op"],"before":{},"after":{}}},
 {"address":"data.aws_instances.i","mode":"data","type":"aws_instances","change":{"actions":["read"]}}
]}`

func TestParsePlan(t *testing.T) {
	changes, err := ParsePlan([]byte(planJSON))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{
		"aws_autoscaling_group.g update (launch_template)",
		"aws_launch_template.lt update (instance_type, latest_version)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ParsePlan:\n got  %q\n want %q", got, want)
	}
	if _, err := ParsePlan([]byte("not json")); err == nil {
		t.Error("ParsePlan accepted text that is not JSON")
	}
}

func TestCheckUpdatePlan(t *testing.T) {
	lt := PlanChange{Address: "aws_launch_template.lt", Type: "aws_launch_template", Actions: []string{"update"}}
	group := PlanChange{Address: "aws_autoscaling_group.g", Type: "aws_autoscaling_group", Actions: []string{"update"}}
	inst := PlanChange{Address: "aws_instance.i", Type: "aws_instance", Actions: []string{"delete", "create"}}
	att := PlanChange{Address: "aws_lb_target_group_attachment.a", Type: "aws_lb_target_group_attachment", Actions: []string{"create", "delete"}}
	alarm := PlanChange{Address: "aws_cloudwatch_metric_alarm.r", Type: "aws_cloudwatch_metric_alarm", Actions: []string{"update"}}
	ltReplaced := PlanChange{Address: "aws_launch_template.lt", Type: "aws_launch_template", Actions: []string{"delete", "create"}}
	sg := PlanChange{Address: "aws_security_group.s", Type: "aws_security_group", Actions: []string{"create", "delete"}}
	tests := []struct {
		name    string
		mode    string
		changes []PlanChange
		wantErr string // "" : passes
	}{
		{"asg: the template only", "asg", []PlanChange{lt}, ""},
		{"asg: the group moved by Terraform", "asg", []PlanChange{group, lt}, "aws_autoscaling_group.g: update; want the group left alone"},
		{"asg replaces a security group", "asg", []PlanChange{lt, sg}, "aws_security_group.s: replace"},
		{"template replaced", "asg", []PlanChange{ltReplaced}, "launch template aws_launch_template.lt: replace, want update in place"},
		{"nothing", "asg", nil, "the launch template is not updated"},
		{"ec2 replaces instance and attachment", "ec2", []PlanChange{att, inst, lt, alarm}, ""},
		{"ec2 without the attachment", "ec2", []PlanChange{inst, lt}, "want exactly the instance and its target-group attachment"},
		{"ec2 instance replaced in asg mode", "asg", []PlanChange{lt, inst}, "aws_instance.i: replace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckUpdatePlan(tt.mode, tt.changes)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckUpdatePlan: %v, want it to pass", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckUpdatePlan: err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestEditEnv(t *testing.T) {
	in := []byte(`# top comment
project: webtier
defaults:
  compute: {instance_type: t3.micro}
environments:
  dev:
    compute_mode: ec2   # one instance
  prod:
    compute:
      instance_type: t3.small
`)
	out, err := EditEnv(in, "prod", []string{"compute", "instance_type"}, "t3.medium")
	if err != nil {
		t.Fatal(err)
	}
	out, err = EditEnv(out, "dev", []string{"alb", "deletion_protection"}, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err = EditEnv(out, "dev", []string{"backend"}, map[string]any{"bucket": "b", "key": "k"})
	if err != nil {
		t.Fatal(err)
	}
	if out, err = editEnv(out, "prod", []string{"suppressions"}, map[string]string{"rule": "EWT-ALB-2", "resource": "prod/alb/lb", "reason": "r"}, true); err != nil {
		t.Fatal(err)
	}
	if out, err = editEnv(out, "prod", []string{"suppressions"}, map[string]string{"rule": "EWT-X", "resource": "prod/x", "reason": "r2"}, true); err != nil {
		t.Fatal(err)
	}
	var sup struct {
		Environments map[string]struct {
			Suppressions []map[string]string
		}
	}
	if err := yaml.Unmarshal(out, &sup); err != nil {
		t.Fatal(err)
	}
	if s := sup.Environments["prod"].Suppressions; len(s) != 2 || s[0]["rule"] != "EWT-ALB-2" || s[1]["reason"] != "r2" {
		t.Errorf("prod suppressions after two appends = %v, want EWT-ALB-2 then EWT-X", s)
	}
	var got struct {
		Defaults struct {
			Compute map[string]string
		}
		Environments map[string]struct {
			ComputeMode string `yaml:"compute_mode"`
			Compute     map[string]string
			ALB         map[string]bool `yaml:"alb"`
			Backend     map[string]string
		}
	}
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatalf("edited file does not parse: %v\n%s", err, out)
	}
	checks := []struct{ what, got, want string }{
		{"prod instance_type", got.Environments["prod"].Compute["instance_type"], "t3.medium"},
		{"defaults instance_type", got.Defaults.Compute["instance_type"], "t3.micro"},
		{"dev compute_mode", got.Environments["dev"].ComputeMode, "ec2"},
		{"dev backend bucket", got.Environments["dev"].Backend["bucket"], "b"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if v, ok := got.Environments["dev"].ALB["deletion_protection"]; !ok || v {
		t.Errorf("dev alb.deletion_protection = %v (set %v), want false", v, ok)
	}
	if !bytes.Contains(out, []byte("# one instance")) || !bytes.Contains(out, []byte("# top comment")) {
		t.Errorf("comments lost:\n%s", out)
	}
	if _, err := EditEnv(in, "qa", []string{"x"}, 1); err == nil || !strings.Contains(err.Error(), `"qa"`) {
		t.Errorf("editing a missing environment: err = %v, want one naming it", err)
	}
}

// TestDropSuppressions: only the named rule's suppressions of the named
// environment go; the others, other environments and comments stay.
func TestDropSuppressions(t *testing.T) {
	in := []byte(`environments:
  dev:
    suppressions:
      - {rule: EWT-STATE-1, resource: dev, reason: keep}
  prod:
    production: true  # comment kept
    suppressions:
      - {rule: EWT-ALB-4, resource: prod/alb/lb, reason: a}
      - {rule: EWT-STATE-1, resource: prod, reason: b}
      - {rule: EWT-OBS-1, resource: prod/observability/alarm-topic, reason: c}
  stage:
    compute_mode: asg
`)
	var got struct {
		Environments map[string]struct {
			Suppressions []map[string]string
		}
	}
	rules := func(env string) string {
		var out []string
		for _, s := range got.Environments[env].Suppressions {
			out = append(out, s["rule"])
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		env, rule       string
		wantDev, wantPr string
	}{
		{"prod", "EWT-STATE-1", "EWT-STATE-1", "EWT-ALB-4,EWT-OBS-1"},
		{"prod", "EWT-NONE-1", "EWT-STATE-1", "EWT-ALB-4,EWT-STATE-1,EWT-OBS-1"},
		{"dev", "EWT-STATE-1", "", "EWT-ALB-4,EWT-STATE-1,EWT-OBS-1"},
		{"stage", "EWT-STATE-1", "EWT-STATE-1", "EWT-ALB-4,EWT-STATE-1,EWT-OBS-1"}, // no list: unchanged
	}
	for _, c := range cases {
		t.Run(c.env+"/"+c.rule, func(t *testing.T) {
			out, err := DropSuppressions(in, c.env, c.rule)
			if err != nil {
				t.Fatal(err)
			}
			got.Environments = nil
			if err := yaml.Unmarshal(out, &got); err != nil {
				t.Fatalf("edited file does not parse: %v\n%s", err, out)
			}
			if rules("dev") != c.wantDev || rules("prod") != c.wantPr {
				t.Errorf("dev %q prod %q, want dev %q prod %q", rules("dev"), rules("prod"), c.wantDev, c.wantPr)
			}
			if c.env == "prod" && !bytes.Contains(out, []byte("# comment kept")) {
				t.Errorf("comment lost:\n%s", out)
			}
		})
	}
	if _, err := DropSuppressions(in, "qa", "EWT-STATE-1"); err == nil || !strings.Contains(err.Error(), `"qa"`) {
		t.Errorf("a missing environment: err = %v, want one naming it", err)
	}
}

func TestCheckMoto(t *testing.T) {
	ctx := context.Background()
	err := CheckMoto(ctx, "/nonexistent/python3")
	if err == nil || !strings.Contains(err.Error(), "moto "+MotoVersion) || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing Python: err = %v, want one naming moto %s and the missing interpreter", err, MotoVersion)
	}
	// A Python without moto: `false` stands for an interpreter whose import fails.
	err = CheckMoto(ctx, "false")
	if err == nil || !strings.Contains(err.Error(), "is not installed") || !strings.Contains(err.Error(), "pip install 'moto[server]=="+MotoVersion+"'") {
		t.Errorf("Python without moto: err = %v, want the install hint", err)
	}
	if err := CheckMoto(ctx, "python3"); err != nil {
		t.Errorf("this machine's python3: %v (moto %s is on every machine of the project)", err, MotoVersion)
	}
}

func TestReport(t *testing.T) {
	var b bytes.Buffer
	ok := Report(&b, []*EnvResult{
		{Env: "dev", Mode: "ec2", Destroyed: true, Cells: map[string]string{StepDeploy: "80s, 40 resources", StepReplan: "no changes"}},
		{Env: "prod", Mode: "asg", Destroyed: true, Cells: map[string]string{StepReplan: "FAILED"},
			Failure: &StepError{Env: "prod", Step: StepReplan, Err: errString("the plan right after apply is not empty")}},
	})
	out := b.String()
	if ok != 1 {
		t.Errorf("Report counted %d passing, want 1", ok)
	}
	for _, want := range []string{
		"FAIL prod: step re-plan: the plan right after apply is not empty",
		"e2e: 1 of 2 environments deployed, checked and destroyed\n",
		"80s, 40 resources",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestParseSetting(t *testing.T) {
	tests := []struct {
		in      string
		want    string // Setting.String(), or "" when refused
		value   any
		wantErr string
	}{
		{in: "stage.network.interface_endpoints=true", want: "stage.network.interface_endpoints=true", value: true},
		{in: "prod.compute.max_size=12", want: "prod.compute.max_size=12", value: 12},
		{in: "dev.compute.instance_type=t3.small", want: "dev.compute.instance_type=t3.small", value: "t3.small"},
		{in: "stage=true", wantErr: "want ENV.KEY"},
		{in: "stage.network.interface_endpoints", wantErr: "want ENV.KEY"},
		{in: "stage..x=1", wantErr: "want ENV.KEY"},
		{in: "stage.x=[1", wantErr: "not YAML"},
	}
	for _, tc := range tests {
		s, err := ParseSetting(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), tc.in) {
				t.Errorf("ParseSetting(%q) error = %v, want one naming the setting and %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSetting(%q): %v", tc.in, err)
			continue
		}
		if s.String() != tc.want || s.Value != tc.value {
			t.Errorf("ParseSetting(%q) = %s (value %#v), want %s (value %#v)", tc.in, s, s.Value, tc.want, tc.value)
		}
	}
}

// TestApplySettings: the default settings turn stage's interface endpoints
// on in a copy of the library's fixture (internal/testfixture: the sample as
// shipped, which keeps them off), the copy still loads, and a setting for an
// environment the file lacks is skipped.
func TestApplySettings(t *testing.T) {
	var settings []Setting
	for _, raw := range append(DefaultSettings, "qa.compute.max_size=3") {
		s, err := ParseSetting(raw)
		if err != nil {
			t.Fatal(err)
		}
		settings = append(settings, s)
	}
	out := filepath.Join(t.TempDir(), "environments.yaml")
	fixture := testfixture.EnvironmentsFile(t)
	applied, skipped, err := applySettings(fixture, out, settings)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(DefaultSettings) || len(skipped) != 1 || skipped[0].Env != "qa" {
		t.Errorf("applied %v, skipped %v; want the defaults applied and qa skipped", applied, skipped)
	}
	committed, err := config.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	edited, err := config.Load(out)
	if err != nil {
		t.Fatalf("the edited file does not load: %v", err)
	}
	for i, e := range edited.Environments {
		want, wantNAT := committed.Environments[i].Network.InterfaceEndpoints, committed.Environments[i].Network.NATMode
		if e.Name == "stage" {
			want, wantNAT = true, config.NATNone
		}
		if e.Network.InterfaceEndpoints != want || e.Network.NATMode != wantNAT {
			t.Errorf("%s network.interface_endpoints = %v, nat_mode = %s; want %v, %s", e.Name, e.Network.InterfaceEndpoints, e.Network.NATMode, want, wantNAT)
		}
	}
	if committed.Environments[1].Name != "stage" || committed.Environments[1].Network.InterfaceEndpoints {
		t.Errorf("the fixture's stage should keep interface endpoints off (the harness turns them on)")
	}
}
