package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

var rules = []Rule{
	{
		ID:     "EWT-EC2-1",
		Reason: "IMDSv2 must be required: IMDSv1 lets SSRF bugs read instance credentials",
		Fix:    "set metadata_options.http_tokens = \"required\" on the launch template (and instance)",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, lt := range c.Stack.OfType("aws_launch_template") {
				if !imdsRequired(lt) {
					v, _ := lt.String("metadata_options", "http_tokens")
					out = append(out, Finding{lt, fmt.Sprintf("metadata_options.http_tokens = %q", v)})
				}
			}
			for _, in := range c.Stack.OfType("aws_instance") {
				lt, hasLT := launchTemplateOf(c.Stack, in)
				if !imdsRequired(in) && !(hasLT && imdsRequired(lt)) {
					v, _ := in.String("metadata_options", "http_tokens")
					out = append(out, Finding{in, fmt.Sprintf("metadata_options.http_tokens = %q and no launch template requiring IMDSv2", v)})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-EBS-1",
		Reason: "EBS volumes must be encrypted at rest",
		Fix:    "set encrypted = true on every block device (launch template ebs.encrypted = \"true\")",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, lt := range c.Stack.OfType("aws_launch_template") {
				if !allEncrypted(lt) {
					out = append(out, Finding{lt, "a block device mapping is not encrypted, or none is mapped (the root volume then takes the AMI's default)"})
				}
			}
			for _, in := range c.Stack.OfType("aws_instance") {
				lt, hasLT := launchTemplateOf(c.Stack, in)
				if v, _ := in.Bool("root_block_device", "encrypted"); !v && !(hasLT && allEncrypted(lt)) {
					out = append(out, Finding{in, "root_block_device.encrypted is not true and no launch template encrypts it"})
				}
			}
			for _, v := range c.Stack.OfType("aws_ebs_volume") {
				if e, _ := v.Bool("encrypted"); !e {
					out = append(out, Finding{v, "encrypted is not true"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-SG-1",
		Reason: "nothing may be reachable from the whole internet except the load balancer's 80 and 443",
		Fix:    "restrict the rule's CIDR, or put the service behind the ALB",
		Check: func(c *Context) []Finding {
			albSGs := loadBalancerSGs(c.Stack)
			var out []Finding
			for _, r := range ingressRules(c.Stack) {
				if !r.open {
					continue
				}
				if albSGs[r.sg] && r.from == r.to && (r.from == 80 || r.from == 443) {
					continue
				}
				out = append(out, Finding{r.res, fmt.Sprintf("ingress from %s on ports %d-%d", r.source, r.from, r.to)})
			}
			return out
		},
	},
	{
		ID:     "EWT-SG-2",
		Reason: "instances take traffic only through the load balancer",
		Fix:    "use compute.AllowFrom(alb): ingress with referenced_security_group_id = the ALB security group",
		Check: func(c *Context) []Finding {
			albSGs := loadBalancerSGs(c.Stack)
			instSGs := instanceSGs(c.Stack)
			var out []Finding
			for _, r := range ingressRules(c.Stack) {
				if !instSGs[r.sg] {
					continue
				}
				if r.peerSG == "" || !albSGs[r.peerSG] {
					out = append(out, Finding{r.res, fmt.Sprintf("instance security group ingress from %s", r.source)})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-EC2-2",
		Reason: "instances live in private subnets and get no public IP",
		Fix:    "drop associate_public_ip_address and place instances in the private subnets",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, in := range c.Stack.OfType("aws_instance") {
				if v, _ := in.Bool("associate_public_ip_address"); v {
					out = append(out, Finding{in, "associate_public_ip_address = true"})
				}
				for _, sn := range refsOfType(c.Stack, in.Attrs["subnet_id"], "aws_subnet") {
					if v, _ := sn.Bool("map_public_ip_on_launch"); v {
						out = append(out, Finding{in, "its subnet " + sn.Where() + " maps public IPs on launch"})
					}
				}
			}
			for _, lt := range c.Stack.OfType("aws_launch_template") {
				for _, ni := range lt.List("network_interfaces") {
					if v, _ := stackjson.Walk(ni, "associate_public_ip_address"); v == true || v == "true" {
						out = append(out, Finding{lt, "network_interfaces.associate_public_ip_address = true"})
					}
				}
			}
			for _, g := range c.Stack.OfType("aws_autoscaling_group") {
				for _, sn := range refsOfType(c.Stack, g.Attrs["vpc_zone_identifier"], "aws_subnet") {
					if v, _ := sn.Bool("map_public_ip_on_launch"); v {
						out = append(out, Finding{g, "its subnet " + sn.Where() + " maps public IPs on launch"})
					}
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-1",
		Reason: "the load balancer must drop invalid HTTP header fields (request smuggling)",
		Fix:    "set drop_invalid_header_fields = true",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, lb := range c.Stack.OfType("aws_lb") {
				if t, ok := lb.String("load_balancer_type"); ok && t != "application" {
					continue
				}
				if v, _ := lb.Bool("drop_invalid_header_fields"); !v {
					out = append(out, Finding{lb, "drop_invalid_header_fields is not true"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-2",
		Reason: "a production load balancer must not be deletable by one apply",
		Fix:    "set alb.deletion_protection: true for environments with production: true",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			var out []Finding
			for _, lb := range c.Stack.OfType("aws_lb") {
				if v, _ := lb.Bool("enable_deletion_protection"); !v {
					out = append(out, Finding{lb, "enable_deletion_protection is not true in a production environment"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-VPC-1",
		Reason: "VPC flow logs must be on for incident response",
		Fix:    "set network.flow_logs: true",
		Check: func(c *Context) []Finding {
			logged := map[string]bool{}
			for _, fl := range c.Stack.OfType("aws_flow_log") {
				for _, r := range stackjson.Refs(fl.Attrs["vpc_id"]) {
					logged[r.Address] = true
				}
			}
			var out []Finding
			for _, v := range c.Stack.OfType("aws_vpc") {
				if !logged[v.Address()] {
					out = append(out, Finding{v, "no aws_flow_log references this VPC"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-LOGS-1",
		Reason: "log groups hold what the instances and the network did: they must be encrypted with a customer-managed KMS key and expire (a log group kept forever grows its bill without bound)",
		Fix:    "set kms_key_id and retention_in_days (observability.logs.retention_days, network.flow_log_retention_days)",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, lg := range c.Stack.OfType("aws_cloudwatch_log_group") {
				if k, _ := lg.Get("kms_key_id"); k == nil || k == "" {
					out = append(out, Finding{lg, "kms_key_id is not set"})
				}
				if d, ok := lg.Get("retention_in_days"); !ok || d == nil || d == float64(0) {
					out = append(out, Finding{lg, "retention_in_days is not set: the logs never expire"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-3",
		Reason: "HTTPS listeners must use a modern TLS policy (TLS 1.2+, forward secrecy)",
		Fix:    "set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 (alb.ssl_policy)",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, l := range c.Stack.OfType("aws_lb_listener") {
				if p, _ := l.String("protocol"); p != "HTTPS" {
					continue
				}
				pol, _ := l.String("ssl_policy")
				if !config.IsModernTLSPolicy(pol) { // the list alb.ssl_policy is validated against
					out = append(out, Finding{l, fmt.Sprintf("ssl_policy = %q", pol)})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-4",
		Reason: "a production load balancer must serve HTTPS: over plain HTTP anyone on the path reads and changes the traffic",
		Fix:    "set alb.domain (a validated certificate, HTTPS and DNS records) or alb.https with alb.certificate_arn; or suppress it on <env>/alb/lb with a reason",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			https := map[string]bool{}
			for _, l := range c.Stack.OfType("aws_lb_listener") {
				if p, _ := l.String("protocol"); p == "HTTPS" {
					for _, r := range stackjson.Refs(l.Attrs["load_balancer_arn"]) {
						https[r.Address] = true
					}
				}
			}
			var out []Finding
			for _, lb := range c.Stack.OfType("aws_lb") {
				if !https[lb.Address()] {
					out = append(out, Finding{lb, "no HTTPS listener in a production environment"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-IAM-1",
		Reason: "IAM policies must not grant wildcard actions",
		Fix:    "list the actions the role needs (least privilege)",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, typ := range []string{"aws_iam_role_policy", "aws_iam_policy"} {
				for _, p := range c.Stack.OfType(typ) {
					doc, _ := p.String("policy")
					for _, a := range wildcardActions(doc) {
						out = append(out, Finding{p, fmt.Sprintf("grants action %q", a)})
					}
				}
			}
			for _, role := range c.Stack.OfType("aws_iam_role") {
				for _, ip := range role.List("inline_policy") {
					doc, _ := stackjson.Walk(ip, "policy")
					s, _ := doc.(string)
					for _, a := range wildcardActions(s) {
						out = append(out, Finding{role, fmt.Sprintf("inline policy grants action %q", a)})
					}
				}
			}
			for _, att := range c.Stack.OfType("aws_iam_role_policy_attachment") {
				arn, _ := att.String("policy_arn")
				if strings.HasSuffix(arn, ":policy/AdministratorAccess") || strings.HasSuffix(arn, ":policy/PowerUserAccess") {
					out = append(out, Finding{att, "attaches " + arn})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-IAM-2",
		Reason: "no role may read every SSM parameter: Parameter Store holds the account's secrets, and an instance's credentials are one SSRF or code execution away from an attacker",
		Fix:    "grant ssm:GetParameter* only on the parameters needed (arn:aws:ssm:<region>:<account>:parameter/<path>); for Session Manager use the inline policy of constructs/compute (InstancePolicy), not AmazonSSMManagedInstanceCore",
		Check: func(c *Context) []Finding {
			var out []Finding
			for _, typ := range []string{"aws_iam_role_policy", "aws_iam_policy"} {
				for _, p := range c.Stack.OfType(typ) {
					doc, _ := p.String("policy")
					for _, g := range parameterReads(doc) {
						out = append(out, Finding{p, "grants " + g})
					}
				}
			}
			for _, role := range c.Stack.OfType("aws_iam_role") {
				for _, ip := range role.List("inline_policy") {
					doc, _ := stackjson.Walk(ip, "policy")
					s, _ := doc.(string)
					for _, g := range parameterReads(s) {
						out = append(out, Finding{role, "inline policy grants " + g})
					}
				}
				for _, arn := range role.List("managed_policy_arns") {
					if s, _ := arn.(string); readsAllParameters(s) {
						out = append(out, Finding{role, "attaches " + s})
					}
				}
			}
			for _, typ := range []string{"aws_iam_role_policy_attachment", "aws_iam_policy_attachment"} {
				for _, att := range c.Stack.OfType(typ) {
					if arn, _ := att.String("policy_arn"); readsAllParameters(arn) {
						out = append(out, Finding{att, "attaches " + arn})
					}
				}
			}
			return out
		},
	},
}

// parameterReadingManagedPolicies are AWS managed policies that allow
// ssm:GetParameter or ssm:GetParameters on "*" (their documents in the AWS
// Managed Policy Reference Guide,
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/).
var parameterReadingManagedPolicies = []string{
	"AmazonSSMManagedInstanceCore",     // ssm:GetParameter, ssm:GetParameters
	"service-role/AmazonEC2RoleforSSM", // ssm:GetParameters
	"AmazonEC2RoleforSSM",              // (the same, without its path)
	"AmazonSSMReadOnlyAccess",          // ssm:Get*
	"AmazonSSMFullAccess",              // ssm:*
	"ReadOnlyAccess",                   // ssm:Get*
	// AdministratorAccess and PowerUserAccess too: EWT-IAM-1 reports them.
}

// readsAllParameters says whether a managed policy ARN is one of
// parameterReadingManagedPolicies.
func readsAllParameters(arn string) bool {
	for _, name := range parameterReadingManagedPolicies {
		if strings.HasSuffix(arn, ":iam::aws:policy/"+name) {
			return true
		}
	}
	return false
}

// ssmParameterReads are the actions that read parameter values.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
var ssmParameterReads = []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}

// parameterReads returns "action on resource" for each Allow statement of
// doc that reads every SSM parameter (ParameterReads), but "*" and "ssm:*",
// which EWT-IAM-1 reports.
func parameterReads(doc string) []string {
	var out []string
	for _, g := range ParameterReads(doc) {
		if a, _, _ := strings.Cut(g, " on "); a != "*" && !strings.HasSuffix(a, ":*") {
			out = append(out, g)
		}
	}
	return out
}

// ParameterReads returns "action on resource" for each action and resource
// pattern of the Allow statements of a policy document that together read
// every SSM parameter: an action pattern covering a parameter read
// (ssm:GetParameter, ssm:Get*, ssm:*, * ...) on a resource pattern covering
// every parameter ("*", or a parameter/* ARN of any account or region).
// The e2e harness checks the deployed instance role with it.
func ParameterReads(doc string) []string {
	var out []string
	for _, st := range statements(doc) {
		if st.effect != "Allow" {
			continue
		}
		for _, a := range st.actions {
			if !slices.ContainsFunc(ssmParameterReads, func(read string) bool { return globMatch(a, read) }) {
				continue
			}
			for _, r := range st.resources {
				if coversAllParameters(r) {
					out = append(out, fmt.Sprintf("%s on %s", a, r))
				}
			}
		}
	}
	return out
}

// coversAllParameters says whether an IAM resource pattern matches every
// parameter: "*", or an ARN pattern whose service matches ssm and whose
// resource part matches any parameter name.
func coversAllParameters(r string) bool {
	if r == "*" {
		return true
	}
	f := strings.SplitN(r, ":", 6)
	return len(f) == 6 && globMatch(f[2], "ssm") && globMatch(f[5], "parameter/ewt-any-name/secret")
}

// globMatch matches an IAM pattern (* any run, ? one character; action
// names case-insensitively, which also suits the lower-case service names).
func globMatch(pattern, s string) bool {
	re := "(?i)^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*"), `\?`, ".") + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// statement is the part of an IAM statement the rules read.
type statement struct {
	effect             string
	actions, resources []string
}

// statements reads the statements of a policy document; Statement, Action
// and Resource may each be one value or a list. A document that is not
// JSON (a CDKTF token) has none.
func statements(doc string) []statement {
	var d struct {
		Statement json.RawMessage
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return nil
	}
	var raw []map[string]any
	if json.Unmarshal(d.Statement, &raw) != nil {
		var one map[string]any
		if json.Unmarshal(d.Statement, &one) != nil {
			return nil
		}
		raw = []map[string]any{one}
	}
	strs := func(v any) []string {
		switch t := v.(type) {
		case string:
			return []string{t}
		case []any:
			var out []string
			for _, x := range t {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	var out []statement
	for _, s := range raw {
		e, _ := s["Effect"].(string)
		out = append(out, statement{effect: e, actions: strs(s["Action"]), resources: strs(s["Resource"])})
	}
	return out
}

// wildcardActions returns the "*" or "service:*" actions of Allow statements.
func wildcardActions(doc string) []string {
	var out []string
	for _, st := range statements(doc) {
		if st.effect != "Allow" {
			continue
		}
		for _, a := range st.actions {
			if a == "*" || strings.HasSuffix(a, ":*") {
				out = append(out, a)
			}
		}
	}
	return out
}

// launchTemplateOf returns the launch template an instance is launched from.
func launchTemplateOf(s *stackjson.Stack, in stackjson.Resource) (stackjson.Resource, bool) {
	id, _ := in.Get("launch_template", "id")
	for _, lt := range refsOfType(s, id, "aws_launch_template") {
		return lt, true
	}
	return stackjson.Resource{}, false
}

func imdsRequired(lt stackjson.Resource) bool {
	v, _ := lt.String("metadata_options", "http_tokens")
	return v == "required"
}

// allEncrypted reports whether a launch template maps block devices and encrypts every one.
func allEncrypted(lt stackjson.Resource) bool {
	bdms := lt.List("block_device_mappings")
	for _, b := range bdms {
		if e, _ := stackjson.Walk(b, "ebs", "encrypted"); e != "true" && e != true {
			return false
		}
	}
	return len(bdms) > 0
}

func refsOfType(s *stackjson.Stack, v any, typ string) []stackjson.Resource {
	var out []stackjson.Resource
	for _, r := range stackjson.Refs(v) {
		if res, ok := s.Find(r.Address); ok && res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// loadBalancerSGs are the security groups (addresses) attached to load balancers.
func loadBalancerSGs(s *stackjson.Stack) map[string]bool {
	out := map[string]bool{}
	for _, lb := range s.OfType("aws_lb") {
		for _, sg := range refsOfType(s, lb.Attrs["security_groups"], "aws_security_group") {
			out[sg.Address()] = true
		}
	}
	return out
}

// instanceSGs are the security groups used by launch templates and instances.
func instanceSGs(s *stackjson.Stack) map[string]bool {
	out := map[string]bool{}
	for _, typ := range []string{"aws_launch_template", "aws_instance"} {
		for _, r := range s.OfType(typ) {
			for _, k := range []string{"vpc_security_group_ids", "security_groups"} {
				for _, sg := range refsOfType(s, r.Attrs[k], "aws_security_group") {
					out[sg.Address()] = true
				}
			}
		}
	}
	return out
}

type ingressRule struct {
	res      stackjson.Resource
	sg       string // security group address the rule belongs to
	open     bool   // from 0.0.0.0/0 or ::/0
	source   string
	peerSG   string
	from, to int
}

// ingressRules normalizes the three ways to write ingress: standalone
// aws_vpc_security_group_ingress_rule, aws_security_group_rule (type ingress)
// and inline ingress blocks.
func ingressRules(s *stackjson.Stack) []ingressRule {
	var out []ingressRule
	sgOf := func(v any) string {
		for _, sg := range refsOfType(s, v, "aws_security_group") {
			return sg.Address()
		}
		return ""
	}
	ports := func(m any) (int, int) {
		f, _ := stackjson.Walk(m, "from_port")
		t, _ := stackjson.Walk(m, "to_port")
		ff, _ := f.(float64)
		tf, _ := t.(float64)
		proto, _ := stackjson.Walk(m, "ip_protocol")
		if proto == nil {
			proto, _ = stackjson.Walk(m, "protocol")
		}
		if proto == "-1" || proto == "all" {
			return 0, 65535
		}
		return int(ff), int(tf)
	}
	add := func(res stackjson.Resource, sg string, m any, cidrKeys ...string) {
		r := ingressRule{res: res, sg: sg}
		r.from, r.to = ports(m)
		for _, k := range cidrKeys {
			v, _ := stackjson.Walk(m, k)
			var list []any
			switch x := v.(type) {
			case string:
				list = []any{x}
			case []any:
				list = x
			}
			for _, c := range list {
				cs, _ := c.(string)
				if cs == "0.0.0.0/0" || cs == "::/0" {
					r.open = true
				}
				if cs != "" {
					r.source = strings.TrimPrefix(r.source+","+cs, ",")
				}
			}
		}
		for _, k := range []string{"referenced_security_group_id", "source_security_group_id", "security_groups"} {
			if v, ok := stackjson.Walk(m, k); ok {
				r.peerSG = sgOf(v)
				if r.peerSG != "" {
					r.source = "security group " + r.peerSG
				} else {
					r.source = fmt.Sprint(v)
				}
			}
		}
		if r.source == "" {
			r.source = "an unrestricted source"
		}
		out = append(out, r)
	}
	for _, r := range s.OfType("aws_vpc_security_group_ingress_rule") {
		add(r, sgOf(r.Attrs["security_group_id"]), r.Attrs, "cidr_ipv4", "cidr_ipv6")
	}
	for _, r := range s.OfType("aws_security_group_rule") {
		if t, _ := r.String("type"); t == "ingress" {
			add(r, sgOf(r.Attrs["security_group_id"]), r.Attrs, "cidr_blocks", "ipv6_cidr_blocks")
		}
	}
	for _, sg := range s.OfType("aws_security_group") {
		for _, in := range sg.List("ingress") {
			add(sg, sg.Address(), in, "cidr_blocks", "ipv6_cidr_blocks")
		}
	}
	return out
}

// The rules across settings and the budget gate live in cross.go, the
// production safeguards in production.go.
func init() {
	rules = append(rules, crossRules...)
	rules = append(rules, productionRules...)
}
