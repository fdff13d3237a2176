package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestComputeProperties checks the launch template and the instance security
// group in both modes (dev is ec2, stage and prod are asg).
func TestComputeProperties(t *testing.T) {
	r := fixtureSynth(t)
	for _, env := range []string{"dev", "stage", "prod"} {
		t.Run(env, func(t *testing.T) {
			s := r.stacks[env]
			lt := mustOne(t, s, "aws_launch_template")
			checks := []struct {
				path []any
				want any
			}{
				{[]any{"metadata_options", "http_tokens"}, "required"},
				{[]any{"metadata_options", "http_put_response_hop_limit"}, 1.0},
				{[]any{"block_device_mappings", "ebs", "encrypted"}, "true"},
				{[]any{"block_device_mappings", "ebs", "volume_type"}, "gp3"},
				{[]any{"monitoring", "enabled"}, true},
			}
			for _, c := range checks {
				if got, _ := lt.Get(c.path...); got != c.want {
					t.Errorf("launch template %v = %v, want %v:\n%s", c.path, got, c.want, show(lt.Attrs))
				}
			}
			if _, hasKey := lt.Attrs["key_name"]; hasKey {
				t.Errorf("launch template sets an SSH key")
			}
			// What a group launches gets no provider default_tags: the
			// template's tag specifications carry them (found by make e2e).
			specs := lt.List("tag_specifications")
			if len(specs) != 2 {
				t.Fatalf("launch template has %d tag specifications, want instance and volume", len(specs))
			}
			for _, spec := range specs {
				m, _ := spec.(map[string]any)
				tags, _ := m["tags"].(map[string]any)
				for k, want := range map[string]string{"environment": env, "project": "webtier", "managed-by": "cdktf", "Name": "webtier-" + env + "-app"} {
					if got := tags[k]; got != want {
						t.Errorf("tag specification %v: tag %s = %v, want %q", m["resource_type"], k, got, want)
					}
				}
			}
			// Instance role: one inline policy, Session Manager, the SSM
			// agent's messages and the CloudWatch agent's logs and metrics
			// (TestAgentLogsAndMetrics); no managed policy (AmazonSSMManagedInstanceCore
			// would let the instances read every SSM parameter).
			if atts := s.OfType("aws_iam_role_policy_attachment"); len(atts) != 0 {
				t.Errorf("got %d role policy attachments, want none:\n%s", len(atts), show(atts))
			}
			statements := instancePolicy(t, s)
			if got, want := sids(statements), []string{"SessionManager", "AgentMessages", "CloudWatchAgentLogs", "CloudWatchAgentMetrics"}; !slices.Equal(got, want) {
				t.Errorf("instance policy statements %v, want %v:\n%s", got, want, show(statements))
			}
			// No instance boots before its role has the policy.
			var policyAddr string
			for _, p := range s.OfType("aws_iam_role_policy") {
				if p.Path == env+"/compute/policy" {
					policyAddr = p.Address()
				}
			}
			if deps := lt.List("depends_on"); policyAddr == "" || len(deps) != 1 || deps[0] != policyAddr {
				t.Errorf("launch template depends_on = %v, want [%s] (the instance role's policy)", deps, policyAddr)
			}

			// Instance SG: ingress only from the ALB SG on the app port; no port 22.
			albSG, appSG := securityGroups(t, s)
			ingress := rulesOf(s, "aws_vpc_security_group_ingress_rule", appSG.Address())
			if len(ingress) != 1 {
				t.Fatalf("instance SG has %d ingress rules, want 1:\n%s", len(ingress), show(ingress))
			}
			in := ingress[0]
			if !stackjson.RefTo(in.Attrs["referenced_security_group_id"], albSG.Address()) {
				t.Errorf("instance ingress source = %v, want the ALB security group %s", in.Attrs["referenced_security_group_id"], albSG.Address())
			}
			if _, hasCIDR := in.Attrs["cidr_ipv4"]; hasCIDR {
				t.Errorf("instance ingress has a CIDR source:\n%s", show(in.Attrs))
			}
			if p, _ := in.Number("from_port"); p != 8080 {
				t.Errorf("instance ingress port = %v, want 8080", p)
			}
			for _, rule := range s.OfType("aws_vpc_security_group_ingress_rule") {
				if from, _ := rule.Number("from_port"); from <= 22 {
					if to, _ := rule.Number("to_port"); to >= 22 {
						t.Errorf("rule %s opens port 22", rule.Where())
					}
				}
			}
			tg := mustOne(t, s, "aws_lb_target_group")
			switch env {
			case "dev":
				inst := mustOne(t, s, "aws_instance")
				if len(s.OfType("aws_autoscaling_group")) != 0 {
					t.Errorf("ec2 mode has an ASG")
				}
				if !stackjson.RefTo(inst.Attrs["launch_template"].(map[string]any)["id"], lt.Address()) {
					t.Errorf("instance does not use the launch template:\n%s", show(inst.Attrs))
				}
				subnet, _ := s.Find(stackjson.Refs(inst.Attrs["subnet_id"])[0].Address)
				if tier, _ := subnet.String("tags", "Tier"); tier != "private" {
					t.Errorf("instance subnet tier = %q, want private", tier)
				}
				att := mustOne(t, s, "aws_lb_target_group_attachment")
				if !stackjson.RefTo(att.Attrs["target_group_arn"], tg.Address()) || !stackjson.RefTo(att.Attrs["target_id"], inst.Address()) {
					t.Errorf("instance is not attached to the target group:\n%s", show(att.Attrs))
				}
			default:
				asg := mustOne(t, s, "aws_autoscaling_group")
				if len(s.OfType("aws_instance")) != 0 {
					t.Errorf("asg mode has a standalone instance")
				}
				if !stackjson.RefTo(asg.Attrs["launch_template"].(map[string]any)["id"], lt.Address()) {
					t.Errorf("ASG does not use the launch template")
				}
				tgs := asg.List("target_group_arns")
				if len(tgs) != 1 || !stackjson.RefTo(tgs[0], tg.Address()) {
					t.Errorf("ASG target_group_arns = %v, want [%s]", tgs, ref(tg, "arn"))
				}
				if hc, _ := asg.String("health_check_type"); hc != "ELB" {
					t.Errorf("ASG health_check_type = %q, want ELB", hc)
				}
				if g, ok := asg.Number("health_check_grace_period"); !ok || g <= 0 {
					t.Errorf("ASG health_check_grace_period = %v, want > 0", g)
				}
				if st, _ := asg.String("instance_refresh", "strategy"); st != "Rolling" {
					t.Errorf("instance refresh strategy = %q, want Rolling", st)
				}
				if p, _ := asg.Number("instance_refresh", "preferences", "min_healthy_percentage"); p != 90 {
					t.Errorf("instance refresh min_healthy_percentage = %v, want 90", p)
				}
				// Scaling owns desired_capacity; stage's scheduled actions
				// own min_size and max_size too (TestScheduledActions); the
				// rollout owns the launch template version.
				want := "[desired_capacity launch_template[0].version]"
				if len(s.OfType("aws_autoscaling_schedule")) > 0 {
					want = "[desired_capacity min_size max_size launch_template[0].version]"
				}
				if ign := asg.List("lifecycle", "ignore_changes"); fmt.Sprint(ign) != want {
					t.Errorf("ASG ignore_changes = %v, want %s", ign, want)
				}
				zones := asg.List("vpc_zone_identifier")
				azs := map[string]bool{}
				for _, z := range zones {
					sn, _ := s.Find(stackjson.Refs(z)[0].Address)
					if tier, _ := sn.String("tags", "Tier"); tier != "private" {
						t.Errorf("ASG subnet %s is %q, want private", sn.Where(), tier)
					}
					az, _ := sn.String("availability_zone")
					azs[az] = true
				}
				if want := len(s.OfType("aws_subnet")) / 2; len(azs) != want {
					t.Errorf("ASG spans %d AZs, want all %d", len(azs), want)
				}
			}
		})
	}
}

// securityGroups returns the ALB and instance security groups.
func securityGroups(t *testing.T, s *stackjson.Stack) (albSG, appSG stackjson.Resource) {
	t.Helper()
	for _, sg := range s.OfType("aws_security_group") {
		switch {
		case strings.Contains(sg.Path, "/alb/"):
			albSG = sg
		case strings.Contains(sg.Path, "/compute/"):
			appSG = sg
		}
	}
	if albSG.Type == "" || appSG.Type == "" {
		t.Fatalf("want one ALB and one instance security group, got %v", s.OfType("aws_security_group"))
	}
	return albSG, appSG
}

func rulesOf(s *stackjson.Stack, typ, sg string) []stackjson.Resource {
	var out []stackjson.Resource
	for _, r := range s.OfType(typ) {
		if stackjson.RefTo(r.Attrs["security_group_id"], sg) {
			out = append(out, r)
		}
	}
	return out
}

// TestALBProperties: listener forwards (HTTP) or redirects to HTTPS with a
// modern TLS policy when a certificate is configured; the ALB drops invalid
// headers, sits in the public subnets, and its target group health-checks.
func TestALBProperties(t *testing.T) {
	def := fixtureSynth(t)
	https := fixtureVariant(t,
		testfixture.Set("environments.prod.alb.https", true),
		testfixture.Set("environments.prod.alb.certificate_arn", "arn:aws:acm:us-east-1:123456789012:certificate/0b5c7a54-4f3e-4a8e-9d8e-2f1c6b3a9e10"),
		// With HTTPS, EWT-ALB-4 has nothing to suppress (a stale suppression fails synth).
		testfixture.Remove("environments.prod.suppressions.0"))
	t.Run("http forwards", func(t *testing.T) {
		for _, env := range []string{"dev", "stage", "prod"} {
			s := def.stacks[env]
			tg := mustOne(t, s, "aws_lb_target_group")
			l := mustOne(t, s, "aws_lb_listener")
			if p, _ := l.Number("port"); p != 80 {
				t.Errorf("%s listener port = %v, want 80", env, p)
			}
			if typ, _ := l.String("default_action", "type"); typ != "forward" {
				t.Errorf("%s listener action = %q, want forward", env, typ)
			}
			if a, _ := l.Get("default_action", "target_group_arn"); !stackjson.RefTo(a, tg.Address()) {
				t.Errorf("%s listener forwards to %v, want %s", env, a, ref(tg, "arn"))
			}
			if got := s.Outputs[outputs.ListenerARN].Value; !stackjson.RefTo(got, l.Address()) {
				t.Errorf("%s listener_arn output = %v, want %s", env, got, ref(l, "arn"))
			}
			lb := mustOne(t, s, "aws_lb")
			if d, _ := lb.Bool("drop_invalid_header_fields"); !d {
				t.Errorf("%s ALB drop_invalid_header_fields = false", env)
			}
			for _, sn := range lb.List("subnets") {
				subnet, _ := s.Find(stackjson.Refs(sn)[0].Address)
				if tier, _ := subnet.String("tags", "Tier"); tier != "public" {
					t.Errorf("%s ALB subnet %s is %q, want public", env, subnet.Where(), tier)
				}
			}
			if p, _ := tg.String("health_check", "path"); p != "/health" {
				t.Errorf("%s health check path = %q, want /health", env, p)
			}
			if got, want := s.Outputs[outputs.URL].Value, "http://"+ref(lb, "dns_name"); got != want {
				t.Errorf("%s url = %v, want %q", env, got, want)
			}
			if got := s.Outputs[outputs.CertificateARN].Value; got != "" {
				t.Errorf("%s certificate_arn = %v without HTTPS, want empty", env, got)
			}
			wantProtection := env == "prod"
			if d, _ := lb.Bool("enable_deletion_protection"); d != wantProtection {
				t.Errorf("%s deletion protection = %v, want %v", env, d, wantProtection)
			}
		}
	})
	t.Run("https redirects", func(t *testing.T) {
		s := https.stacks["prod"]
		tg := mustOne(t, s, "aws_lb_target_group")
		var httpsL, httpL stackjson.Resource
		for _, l := range s.OfType("aws_lb_listener") {
			switch p, _ := l.Number("port"); p {
			case 443:
				httpsL = l
			case 80:
				httpL = l
			}
		}
		if httpsL.Type == "" || httpL.Type == "" {
			t.Fatalf("want an HTTPS and an HTTP listener, got %s", show(s.OfType("aws_lb_listener")))
		}
		if pol, _ := httpsL.String("ssl_policy"); !strings.HasPrefix(pol, "ELBSecurityPolicy-TLS13") {
			t.Errorf("ssl_policy = %q, want a TLS 1.3 policy", pol)
		}
		if a, _ := httpsL.Get("default_action", "target_group_arn"); !stackjson.RefTo(a, tg.Address()) {
			t.Errorf("HTTPS listener forwards to %v, want the target group", a)
		}
		if typ, _ := httpL.String("default_action", "type"); typ != "redirect" {
			t.Errorf("HTTP listener action = %q, want redirect", typ)
		}
		if p, _ := httpL.String("default_action", "redirect", "protocol"); p != "HTTPS" {
			t.Errorf("HTTP redirect protocol = %q, want HTTPS", p)
		}
		if got := s.Outputs[outputs.ListenerARN].Value; !stackjson.RefTo(got, httpsL.Address()) {
			t.Errorf("listener_arn = %v, want the HTTPS listener", got)
		}
		if got, want := s.Outputs[outputs.URL].Value, "https://"+ref(mustOne(t, s, "aws_lb"), "dns_name"); got != want {
			t.Errorf("url = %v, want %q", got, want)
		}
		if got, want := s.Outputs[outputs.CertificateARN].Value, "arn:aws:acm:us-east-1:123456789012:certificate/0b5c7a54-4f3e-4a8e-9d8e-2f1c6b3a9e10"; got != want {
			t.Errorf("certificate_arn = %v, want the configured %s", got, want)
		}
		if a, _ := httpsL.String("certificate_arn"); a != s.Outputs[outputs.CertificateARN].Value {
			t.Errorf("HTTPS listener certificate_arn = %q, want the certificate_arn output %v", a, s.Outputs[outputs.CertificateARN].Value)
		}
		albSG, _ := securityGroups(t, s)
		ports := map[float64]bool{}
		for _, rule := range rulesOf(s, "aws_vpc_security_group_ingress_rule", albSG.Address()) {
			p, _ := rule.Number("from_port")
			ports[p] = true
		}
		if !ports[80] || !ports[443] || len(ports) != 2 {
			t.Errorf("ALB SG ingress ports = %v, want 80 and 443", ports)
		}
	})
}

// TestOutputsContract: every stack declares every contract output, with a
// description, under the same fixed name in both compute modes.
func TestOutputsContract(t *testing.T) {
	r := fixtureSynth(t)
	for _, env := range []string{"dev", "stage", "prod"} {
		s := r.stacks[env]
		if len(s.Outputs) != len(outputs.Contract) {
			t.Errorf("%s has %d outputs, want %d", env, len(s.Outputs), len(outputs.Contract))
		}
		for _, spec := range outputs.Contract {
			o, ok := s.Outputs[spec.Name]
			if !ok {
				t.Errorf("%s: output %s missing", env, spec.Name)
				continue
			}
			if o.Description == "" {
				t.Errorf("%s: output %s has no description", env, spec.Name)
			}
		}
		asgName := s.Outputs[outputs.ASGName].Value
		if mode := s.Outputs[outputs.ComputeMode].Value; mode == "ec2" && asgName != "" {
			t.Errorf("%s: asg_name = %v in ec2 mode, want empty string", env, asgName)
		} else if mode == "asg" && !stackjson.RefTo(asgName, mustOne(t, s, "aws_autoscaling_group").Address()) {
			t.Errorf("%s: asg_name = %v, want the group's name", env, asgName)
		}
	}
}

// policyStatement is one statement of an IAM policy document.
type policyStatement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource []string
}

// instancePolicy returns the statements of the one inline policy of the
// instance role (the role of the launch template's instance profile).
func instancePolicy(t *testing.T, s *stackjson.Stack) []policyStatement {
	t.Helper()
	profile := mustOne(t, s, "aws_iam_instance_profile")
	roles := stackjson.Refs(profile.Attrs["role"])
	if len(roles) != 1 {
		t.Fatalf("instance profile role = %v, want one role", profile.Attrs["role"])
	}
	var docs []string
	for _, p := range s.OfType("aws_iam_role_policy") {
		if stackjson.RefTo(p.Attrs["role"], roles[0].Address) {
			doc, _ := p.String("policy")
			docs = append(docs, doc)
		}
	}
	if len(docs) != 1 {
		t.Fatalf("instance role %s has %d inline policies, want 1", roles[0].Address, len(docs))
	}
	var d struct{ Statement []policyStatement }
	if err := json.Unmarshal([]byte(docs[0]), &d); err != nil {
		t.Fatalf("instance policy is not JSON: %v\n%s", err, docs[0])
	}
	for _, st := range d.Statement {
		for _, a := range st.Action {
			if strings.HasPrefix(a, "ssm:Get") || strings.HasSuffix(a, "*") {
				t.Errorf("instance policy grants %s on %v", a, st.Resource)
			}
		}
	}
	return d.Statement
}

func sids(statements []policyStatement) []string {
	var out []string
	for _, st := range statements {
		out = append(out, st.Sid)
	}
	return out
}
