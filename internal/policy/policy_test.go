package policy

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// The reviewed golden stacks of the library's fixture (internal/testfixture,
// a copy of the sample as shipped) are the passing baseline; each case
// breaks one thing in a copy and expects exactly its rule to fire.
func golden(t testing.TB, env string) map[string]any {
	t.Helper()
	b := testfixture.Golden(t, env)
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func stackOf(t testing.TB, env string, doc map[string]any) *stackjson.Stack {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := stackjson.Parse(env, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// each returns every resource body of a type in the raw document.
func each(doc map[string]any, typ string) []map[string]any {
	byName, _ := doc["resource"].(map[string]any)[typ].(map[string]any)
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []map[string]any
	for _, n := range names {
		out = append(out, byName[n].(map[string]any))
	}
	return out
}

// policyWith returns the aws_iam_role_policy whose document holds text.
func policyWith(t *testing.T, doc map[string]any, text string) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, p := range each(doc, "aws_iam_role_policy") {
		if strings.Contains(p["policy"].(string), text) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d aws_iam_role_policy documents hold %s, want 1", len(found), text)
	}
	return found[0]
}

func addResource(doc map[string]any, typ, name string, body map[string]any) {
	res := doc["resource"].(map[string]any)
	if res[typ] == nil {
		res[typ] = map[string]any{}
	}
	body["//"] = map[string]any{"metadata": map[string]any{"path": "test/" + name}}
	res[typ].(map[string]any)[name] = body
}

// sgRef returns "${aws_security_group.<name>.id}" of the SG whose path contains part.
func sgRef(t *testing.T, doc map[string]any, part string) string {
	t.Helper()
	for name, body := range doc["resource"].(map[string]any)["aws_security_group"].(map[string]any) {
		path, _ := stackjson.Walk(body, "//", "metadata", "path")
		if strings.Contains(path.(string), part) {
			return "${aws_security_group." + name + ".id}"
		}
	}
	t.Fatalf("no security group with %q in its path", part)
	return ""
}

func ruleIDs(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule.ID)
	}
	sort.Strings(out)
	return out
}

// prodNoHTTPS is the suppression the fixture's prod carries (as the sample
// environments.yaml ships): it has no real zone, so no HTTPS (EWT-ALB-4).
var prodNoHTTPS = config.Suppression{Rule: "EWT-ALB-4", Resource: "prod/alb/lb", Reason: "no real Route53 zone in the committed config"}

// suppressionsOf returns the applied suppressions of one rule.
func suppressionsOf(res Result, rule string) []Suppression {
	var out []Suppression
	for _, s := range res.Suppressed {
		if s.Rule == rule {
			out = append(out, s)
		}
	}
	return out
}

// prodNoSubscriber and prodLocalState are the other two: the committed
// config cannot know the on-call address (EWT-OBS-1) or the state bucket
// (EWT-STATE-1).
var (
	prodNoSubscriber = config.Suppression{Rule: "EWT-OBS-1", Resource: "prod/observability/alarm-topic", Reason: "the committed config cannot know the on-call address"}
	prodLocalState   = config.Suppression{Rule: "EWT-STATE-1", Resource: "prod", Reason: "the committed config has no state bucket"}
)

func prodFile() *config.File {
	return &config.File{Project: "webtier", Environments: []*config.Environment{
		{Name: "dev"}, {Name: "stage"}, {Name: "prod", Production: true, Suppressions: []config.Suppression{prodNoHTTPS, prodNoSubscriber, prodLocalState}},
	}}
}

func TestRealStacksPass(t *testing.T) {
	var stacks []*stackjson.Stack
	for _, env := range []string{"dev", "stage", "prod"} {
		stacks = append(stacks, stackOf(t, env, golden(t, env)))
	}
	res := Evaluate(prodFile(), stacks)
	if len(res.Violations) != 0 || len(res.Problems) != 0 {
		t.Fatalf("the fixture's stacks violate policy: %v %v", res.Violations, res.Problems)
	}
}

func TestEachRuleBreaksAndPasses(t *testing.T) {
	cases := []struct {
		rule   string
		env    string
		break_ func(t *testing.T, doc map[string]any)
		count  int // violations of the rule expected
	}{
		{"EWT-EC2-1", "prod", func(t *testing.T, d map[string]any) {
			each(d, "aws_launch_template")[0]["metadata_options"].(map[string]any)["http_tokens"] = "optional"
		}, 1},
		{"EWT-EC2-1", "dev", func(t *testing.T, d map[string]any) { // instance and its template both allow IMDSv1
			each(d, "aws_launch_template")[0]["metadata_options"].(map[string]any)["http_tokens"] = "optional"
			each(d, "aws_instance")[0]["metadata_options"].(map[string]any)["http_tokens"] = "optional"
		}, 2},
		{"EWT-EBS-1", "stage", func(t *testing.T, d map[string]any) {
			each(d, "aws_launch_template")[0]["block_device_mappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)["encrypted"] = "false"
		}, 1},
		{"EWT-EBS-1", "dev", func(t *testing.T, d map[string]any) {
			addResource(d, "aws_ebs_volume", "data", map[string]any{"availability_zone": "us-east-1a", "size": 10})
		}, 1},
		{"EWT-SG-1", "prod", func(t *testing.T, d map[string]any) { // the ALB SG opened on another port
			addResource(d, "aws_vpc_security_group_ingress_rule", "alb8443", map[string]any{
				"security_group_id": sgRef(t, d, "/alb/"), "ip_protocol": "tcp", "from_port": 8443, "to_port": 8443, "cidr_ipv4": "0.0.0.0/0"})
		}, 1},
		{"EWT-SG-1", "prod", func(t *testing.T, d map[string]any) { // any SG open to ::/0 via an inline rule
			addResource(d, "aws_security_group", "bastion", map[string]any{
				"ingress": []any{map[string]any{"protocol": "tcp", "from_port": 22, "to_port": 22, "ipv6_cidr_blocks": []any{"::/0"}}}})
		}, 1},
		{"EWT-SG-3", "dev", func(t *testing.T, d map[string]any) { // dual-stack, the listener rule from 0.0.0.0/0 has no ::/0 twin
			each(d, "aws_lb")[0]["ip_address_type"] = "dualstack"
		}, 1},
		{"EWT-SG-3", "prod", func(t *testing.T, d map[string]any) { // without public IPv4, ::/0 on 80 only: 443 is missing
			each(d, "aws_lb")[0]["ip_address_type"] = "dualstack-without-public-ipv4"
			addResource(d, "aws_vpc_security_group_ingress_rule", "v6on80", map[string]any{
				"security_group_id": sgRef(t, d, "/alb/"), "ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv6": "::/0"})
			addResource(d, "aws_vpc_security_group_ingress_rule", "v4on443", map[string]any{
				"security_group_id": sgRef(t, d, "/alb/"), "ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"})
		}, 1},
		{"EWT-SG-2", "stage", func(t *testing.T, d map[string]any) {
			addResource(d, "aws_vpc_security_group_ingress_rule", "vpcwide", map[string]any{
				"security_group_id": sgRef(t, d, "/compute/"), "ip_protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_ipv4": "10.0.0.0/8"})
		}, 1},
		{"EWT-EC2-2", "dev", func(t *testing.T, d map[string]any) {
			each(d, "aws_instance")[0]["associate_public_ip_address"] = true
		}, 1},
		{"EWT-EC2-2", "stage", func(t *testing.T, d map[string]any) { // ASG subnets that hand out public IPs: one finding per subnet
			for _, sn := range each(d, "aws_subnet") {
				sn["map_public_ip_on_launch"] = true
			}
		}, 2},
		{"EWT-ALB-1", "dev", func(t *testing.T, d map[string]any) {
			each(d, "aws_lb")[0]["drop_invalid_header_fields"] = false
		}, 1},
		{"EWT-ALB-2", "prod", func(t *testing.T, d map[string]any) {
			each(d, "aws_lb")[0]["enable_deletion_protection"] = false
		}, 1},
		{"EWT-ALB-4", "prod", func(t *testing.T, d map[string]any) { // a second production load balancer, HTTP only
			addResource(d, "aws_lb", "second", map[string]any{"drop_invalid_header_fields": true, "enable_deletion_protection": true,
				"access_logs": map[string]any{"bucket": "logs", "enabled": true}})
			addResource(d, "aws_wafv2_web_acl_association", "second_waf", map[string]any{"resource_arn": "${aws_lb.second.arn}", "web_acl_arn": "arn"})
			addResource(d, "aws_lb_listener", "second_http", map[string]any{"protocol": "HTTP", "port": 80, "load_balancer_arn": "${aws_lb.second.arn}"})
		}, 1},
		{"EWT-VPC-1", "stage", func(t *testing.T, d map[string]any) {
			delete(d["resource"].(map[string]any), "aws_flow_log")
		}, 1},
		{"EWT-LOGS-1", "stage", func(t *testing.T, d map[string]any) { // a log group kept forever, unencrypted: two findings
			addResource(d, "aws_cloudwatch_log_group", "forever", map[string]any{"name": "/forever"})
		}, 2},
		{"EWT-LOGS-1", "prod", func(t *testing.T, d map[string]any) {
			addResource(d, "aws_cloudwatch_log_group", "no_retention", map[string]any{"name": "/x", "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/1", "retention_in_days": 0})
		}, 1},
		{"EWT-ALB-3", "prod", func(t *testing.T, d map[string]any) {
			addResource(d, "aws_lb_listener", "legacy", map[string]any{"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-2016-08"})
		}, 1},
		{"EWT-IAM-1", "dev", func(t *testing.T, d map[string]any) {
			p := policyWith(t, d, `"logs:CreateLogStream","logs:PutLogEvents"`) // the flow logs' role
			p["policy"] = strings.Replace(p["policy"].(string), `"logs:CreateLogStream"`, `"logs:*"`, 1)
		}, 1},
		{"EWT-IAM-2", "dev", func(t *testing.T, d map[string]any) { // what the instance role had before: every parameter of the account
			addResource(d, "aws_iam_role_policy_attachment", "ssm_core", map[string]any{"policy_arn": "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"})
		}, 1},
		{"EWT-IAM-2", "stage", func(t *testing.T, d map[string]any) { // the instance policy reading parameters on "*"
			p := policyWith(t, d, `"ssm:UpdateInstanceInformation"`)
			p["policy"] = strings.Replace(p["policy"].(string), `"ssm:UpdateInstanceInformation"`, `"ssm:UpdateInstanceInformation","ssm:GetParameter*"`, 1)
		}, 1},
		{"EWT-IAM-2", "prod", func(t *testing.T, d map[string]any) { // one statement, single values, every parameter of every account by ARN
			addResource(d, "aws_iam_policy", "reader", map[string]any{"policy": `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"SSM:Get*","Resource":"arn:aws:ssm:*:*:parameter/*"}}`})
		}, 1},
		{"EWT-IAM-1", "dev", func(t *testing.T, d map[string]any) {
			addResource(d, "aws_iam_role_policy_attachment", "admin", map[string]any{"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})
		}, 1},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+c.env, func(t *testing.T) {
			doc := golden(t, c.env)
			pass := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, c.env, doc)})
			if len(pass.Violations) != 0 {
				t.Fatalf("baseline %s fails: %v", c.env, pass.Violations)
			}
			c.break_(t, doc)
			res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, c.env, doc)})
			got := ruleIDs(res.Violations)
			want := make([]string, c.count)
			for i := range want {
				want[i] = c.rule
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("violations = %v, want %v:\n%v", got, want, res.Violations)
			}
			for _, v := range res.Violations {
				if v.Where == "" || !strings.Contains(v.String(), c.rule) || v.Rule.Fix == "" {
					t.Errorf("violation lacks rule ID, resource or fix: %s", v)
				}
			}
		})
	}
}

func TestDeletionProtectionOnlyForProduction(t *testing.T) {
	doc := golden(t, "dev")
	each(doc, "aws_lb")[0]["enable_deletion_protection"] = false
	if res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, "dev", doc)}); len(res.Violations) != 0 {
		t.Errorf("dev (not production) without deletion protection: got %v, want no violation", res.Violations)
	}
}

// TestHTTPSForProduction: EWT-ALB-4 fails a production environment whose
// load balancer has no HTTPS listener, unless suppressed; an HTTPS
// listener on it passes, and other environments are not checked.
func TestHTTPSForProduction(t *testing.T) {
	lbOf := func(doc map[string]any) string {
		for name := range doc["resource"].(map[string]any)["aws_lb"].(map[string]any) {
			return "aws_lb." + name
		}
		return ""
	}
	unsuppressed := &config.File{Project: "webtier", Environments: []*config.Environment{{Name: "prod", Production: true,
		Suppressions: []config.Suppression{prodNoSubscriber, prodLocalState}}}}
	doc := golden(t, "prod")
	res := Evaluate(unsuppressed, []*stackjson.Stack{stackOf(t, "prod", doc)})
	if got := ruleIDs(res.Violations); len(got) != 1 || got[0] != "EWT-ALB-4" || !strings.Contains(res.Violations[0].Where, "prod/alb/lb") {
		t.Errorf("prod without HTTPS or suppression: violations %v, want EWT-ALB-4 on prod/alb/lb", res.Violations)
	}
	if res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, "prod", doc)}); len(res.Violations) != 0 || len(suppressionsOf(res, "EWT-ALB-4")) != 1 {
		t.Errorf("prod with the fixture's suppression: violations %v suppressed %+v, want EWT-ALB-4 suppressed", res.Violations, res.Suppressed)
	}
	addResource(doc, "aws_lb_listener", "tls", map[string]any{"protocol": "HTTPS", "port": 443, "ssl_policy": config.ModernTLSPolicies[0],
		"load_balancer_arn": "${" + lbOf(doc) + ".arn}"})
	if res := Evaluate(unsuppressed, []*stackjson.Stack{stackOf(t, "prod", doc)}); len(res.Violations) != 0 {
		t.Errorf("prod with an HTTPS listener: violations %v, want none", res.Violations)
	}
	dev := &config.File{Project: "webtier", Environments: []*config.Environment{{Name: "dev"}}}
	if res := Evaluate(dev, []*stackjson.Stack{stackOf(t, "dev", golden(t, "dev"))}); len(res.Violations) != 0 {
		t.Errorf("dev (not production) without HTTPS: violations %v, want none", res.Violations)
	}
}

func TestSuppressions(t *testing.T) {
	doc := golden(t, "prod")
	each(doc, "aws_lb")[0]["enable_deletion_protection"] = false
	lbPath := "prod/alb/lb"
	f := prodFile()
	prod := f.Environments[2]

	t.Run("yaml suppression with reason silences exactly that resource", func(t *testing.T) {
		prod.Suppressions = []config.Suppression{prodNoHTTPS, prodNoSubscriber, prodLocalState, {Rule: "EWT-ALB-2", Resource: lbPath, Reason: "load test environment torn down nightly"}}
		res := Evaluate(f, []*stackjson.Stack{stackOf(t, "prod", doc)})
		if len(res.Violations) != 0 || len(res.Problems) != 0 {
			t.Fatalf("got violations %v problems %v, want none", res.Violations, res.Problems)
		}
		if sp := suppressionsOf(res, "EWT-ALB-2"); len(res.Suppressed) != 4 || len(sp) != 1 || sp[0].Reason == "" || sp[0].Source != "environments.yaml" {
			t.Errorf("suppressed = %+v, want the four yaml suppressions listed, one of EWT-ALB-2", res.Suppressed)
		}
	})
	t.Run("suppression of another rule does not silence", func(t *testing.T) {
		prod.Suppressions = []config.Suppression{prodNoHTTPS, prodNoSubscriber, prodLocalState, {Rule: "EWT-ALB-1", Resource: lbPath, Reason: "x"}}
		res := Evaluate(f, []*stackjson.Stack{stackOf(t, "prod", doc)})
		if got := ruleIDs(res.Violations); len(got) != 1 || got[0] != "EWT-ALB-2" {
			t.Errorf("violations = %v, want [EWT-ALB-2]", got)
		}
		if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "matches no finding") {
			t.Errorf("problems = %v, want the stale EWT-ALB-1 suppression reported", res.Problems)
		}
	})
	t.Run("unknown rule and unknown resource are problems", func(t *testing.T) {
		prod.Suppressions = []config.Suppression{prodNoHTTPS, prodNoSubscriber, prodLocalState,
			{Rule: "EWT-NOPE-9", Resource: lbPath, Reason: "x"},
			{Rule: "EWT-ALB-2", Resource: "prod/alb/nothing", Reason: "x"},
		}
		res := Evaluate(f, []*stackjson.Stack{stackOf(t, "prod", doc)})
		if len(res.Problems) != 2 || !strings.Contains(strings.Join(res.Problems, "\n"), "unknown rule \"EWT-NOPE-9\"") ||
			!strings.Contains(strings.Join(res.Problems, "\n"), "prod/alb/nothing") {
			t.Errorf("problems = %v, want unknown rule and unknown resource", res.Problems)
		}
	})
	t.Run("code suppression from resource metadata", func(t *testing.T) {
		prod.Suppressions = []config.Suppression{prodNoHTTPS, prodNoSubscriber, prodLocalState}
		lb := each(doc, "aws_lb")[0]
		lb["//"].(map[string]any)[CodeSuppressionKey] = []any{map[string]any{"rule": "EWT-ALB-2", "reason": "recreated by the DR drill"}}
		res := Evaluate(f, []*stackjson.Stack{stackOf(t, "prod", doc)})
		if sp := suppressionsOf(res, "EWT-ALB-2"); len(res.Violations) != 0 || len(res.Suppressed) != 4 || len(sp) != 1 || sp[0].Source != "code" {
			t.Errorf("violations %v suppressed %+v, want the code suppression applied", res.Violations, res.Suppressed)
		}
		delete(lb["//"].(map[string]any), CodeSuppressionKey)
	})
}

func TestRulesAreDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.ID == "" || r.Reason == "" || r.Fix == "" || r.Check == nil || seen[r.ID] {
			t.Errorf("rule %+v lacks an ID, reason, fix or check, or is duplicated", r.ID)
		}
		seen[r.ID] = true
	}
	if len(seen) != 24 {
		t.Errorf("got %d rules, want 24: the first 10, the 5 across settings, EWT-ALB-4, the 5 production safeguards of production.go, EWT-IAM-2 (no role reads every SSM parameter), EWT-LOGS-1 (log groups encrypted and expiring) and EWT-SG-3 (dual-stack ::/0)", len(seen))
	}
}

// TestParameterReads: EWT-IAM-2 judges the action and resource patterns of
// IAM statements as IAM matches them.
func TestParameterReads(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"get parameter on *", `{"Statement":[{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":["*"]}]}`, []string{"ssm:GetParameter on *"}},
		{"wildcard action, one statement", `{"Statement":{"Effect":"Allow","Action":"ssm:Get*","Resource":"*"}}`, []string{"ssm:Get* on *"}},
		{"question mark", `{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameter?","Resource":"*"}]}`, []string{"ssm:GetParameter? on *"}},
		{"every ssm action (EWT-IAM-1's)", `{"Statement":{"Effect":"Allow","Action":"ssm:*","Resource":"*"}}`, nil},
		{"every action (EWT-IAM-1's)", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, nil},
		{"case", `{"Statement":[{"Effect":"Allow","Action":"ssm:getparametersbypath","Resource":"*"}]}`, []string{"ssm:getparametersbypath on *"}},
		{"every parameter by ARN", `{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/*"}]}`,
			[]string{"ssm:GetParameters on arn:aws:ssm:us-east-1:123456789012:parameter/*"}},
		{"every ssm resource", `{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameters","Resource":"arn:aws:ssm:*:*:*"}]}`, []string{"ssm:GetParameters on arn:aws:ssm:*:*:*"}},
		{"one parameter", `{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/app/db-url"}]}`, nil},
		{"a path of parameters", `{"Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-1:123456789012:parameter/app/*"}]}`, nil},
		{"deny", `{"Statement":[{"Effect":"Deny","Action":"ssm:GetParameter","Resource":"*"}]}`, nil},
		{"session manager only", `{"Statement":[{"Effect":"Allow","Action":["ssm:UpdateInstanceInformation","ssmmessages:OpenDataChannel"],"Resource":"*"}]}`, nil},
		{"other service", `{"Statement":[{"Effect":"Allow","Action":"ssm-contacts:GetContact","Resource":"*"}]}`, nil},
		{"not JSON (a token)", `${data.aws_iam_policy_document.x.json}`, nil},
	}
	for _, c := range cases {
		if got := parameterReads(c.doc); !slices.Equal(got, c.want) {
			t.Errorf("%s: parameterReads = %q, want %q", c.name, got, c.want)
		}
	}
	// ParameterReads (the e2e harness's) also names what EWT-IAM-1 reports.
	for doc, want := range map[string][]string{
		`{"Statement":{"Effect":"Allow","Action":"ssm:*","Resource":"*"}}`:                                                    {"ssm:* on *"},
		`{"Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]}`:                                                  {"* on *"},
		`{"Statement":[{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":["arn:aws:ssm:us-east-1:1:parameter/a"]}]}`: nil,
	} {
		if got := ParameterReads(doc); !slices.Equal(got, want) {
			t.Errorf("ParameterReads(%s) = %q, want %q", doc, got, want)
		}
	}
	for arn, want := range map[string]bool{
		"arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore":          true,
		"arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM":      true,
		"arn:aws:iam::aws:policy/ReadOnlyAccess":                        true,
		"arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy":           false,
		"arn:aws:iam::aws:policy/AdministratorAccess":                   false, // EWT-IAM-1's
		"arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore": false, // a customer policy of that name: its document is in the stack or not ours to judge
	} {
		if got := readsAllParameters(arn); got != want {
			t.Errorf("readsAllParameters(%s) = %v, want %v", arn, got, want)
		}
	}
}

// TestDualStackWithIPv6RulesPasses: a dual-stack load balancer whose group
// admits ::/0 on every port it admits 0.0.0.0/0 passes EWT-SG-3; one whose
// ipv4 type is unchanged is not judged.
func TestDualStackWithIPv6RulesPasses(t *testing.T) {
	doc := golden(t, "dev")
	each(doc, "aws_lb")[0]["ip_address_type"] = "dualstack"
	addResource(doc, "aws_vpc_security_group_ingress_rule", "v6on80", map[string]any{
		"security_group_id": sgRef(t, doc, "/alb/"), "ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv6": "::/0"})
	res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, "dev", doc)})
	if len(res.Violations) != 0 {
		t.Errorf("violations = %v, want none", res.Violations)
	}
	each(doc, "aws_lb")[0]["ip_address_type"] = "ipv4"
	delete(doc["resource"].(map[string]any)["aws_vpc_security_group_ingress_rule"].(map[string]any), "v6on80")
	if res := Evaluate(prodFile(), []*stackjson.Stack{stackOf(t, "dev", doc)}); len(res.Violations) != 0 {
		t.Errorf("ipv4 load balancer: violations = %v, want none", res.Violations)
	}
}
