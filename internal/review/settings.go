package review

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Setting is one reviewable setting of a stack, read from its synthesized
// JSON: what a reviewer compares between environments, without JSON noise.
type Setting struct {
	// Name is stable, e.g. "compute mode", "alarm alb-5xx".
	Name string
	// Value is a short text; "" means the setting does not apply (no such resource).
	Value string
}

// ComputeMode is the stack's compute mode: the compute_mode output when
// there is one, else "asg" with an Auto Scaling group, "ec2" with an
// instance, "none" with neither.
func ComputeMode(s *stackjson.Stack) string {
	if o, ok := s.Outputs["compute_mode"]; ok {
		if v, ok := o.Value.(string); ok && !strings.Contains(v, "${") {
			return v
		}
	}
	switch {
	case len(s.OfType("aws_autoscaling_group")) > 0:
		return "asg"
	case len(s.OfType("aws_instance")) > 0:
		return "ec2"
	}
	return "none"
}

// onOff renders a flag.
func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Settings reads the reviewable settings of a stack, in a fixed order.
func Settings(s *stackjson.Stack) []Setting {
	var out []Setting
	add := func(name, value string) { out = append(out, Setting{name, value}) }
	first := func(typ string) *stackjson.Resource {
		if rs := s.OfType(typ); len(rs) > 0 {
			return &rs[0]
		}
		return nil
	}

	add("compute mode", ComputeMode(s))
	region, _ := stackjson.Walk(s.Raw, "provider", "aws", "region")
	add("region", fmt.Sprint(orEmpty(region)))

	// Network.
	var azs []string
	seen := map[string]bool{}
	for _, sn := range s.OfType("aws_subnet") {
		if az, ok := sn.String("availability_zone"); ok && !seen[az] {
			seen[az] = true
			azs = append(azs, az)
		}
	}
	sort.Strings(azs)
	add("availability zones", fmt.Sprintf("%d: %s", len(azs), strings.Join(azs, ", ")))
	tiers := map[string]int{}
	for _, sn := range s.OfType("aws_subnet") {
		if t, ok := sn.String("tags", "Tier"); ok {
			tiers[t]++
		}
	}
	var ts []string
	for _, t := range slices.Sorted(maps.Keys(tiers)) {
		ts = append(ts, fmt.Sprintf("%d %s", tiers[t], t))
	}
	add("subnets", strings.Join(ts, ", "))
	if v := first("aws_vpc"); v != nil {
		add("VPC CIDR", stringOf(v, "cidr_block"))
	}
	add("NAT gateways", fmt.Sprint(len(s.OfType("aws_nat_gateway"))))
	flow := "off"
	if fl := first("aws_flow_log"); fl != nil {
		flow = stringOf(fl, "traffic_type")
		for _, lg := range s.OfType("aws_cloudwatch_log_group") {
			if stackjson.RefTo(fl.Attrs["log_destination"], lg.Address()) {
				if d := numberOf(&lg, "retention_in_days"); d != "" {
					flow += ", " + d + " days"
				}
			}
		}
	}
	add("VPC flow logs", flow)
	var endpoints []string
	for _, ep := range s.OfType("aws_vpc_endpoint") {
		svc := stringOf(&ep, "service_name")
		endpoints = append(endpoints, svc[strings.LastIndex(svc, ".")+1:]+" "+strings.ToLower(stringOf(&ep, "vpc_endpoint_type")))
	}
	sort.Strings(endpoints)
	add("VPC endpoints", orNone(strings.Join(endpoints, ", ")))

	// Compute.
	lt := first("aws_launch_template")
	inst := first("aws_instance")
	itype := ""
	if inst != nil {
		itype = stringOf(inst, "instance_type")
	}
	if itype == "" && lt != nil {
		itype = stringOf(lt, "instance_type")
	}
	add("instance type", itype)
	if lt != nil || inst != nil {
		src := lt
		if src == nil {
			src = inst
		}
		add("AMI", amiOf(s, src))
		add("metadata tokens (IMDS)", stringOf(src, "metadata_options", "http_tokens"))
		add("root volume", volumeOf(src))
	}
	if tg := first("aws_lb_target_group"); tg != nil {
		add("app port", numberOf(tg, "port"))
	}
	if asg := first("aws_autoscaling_group"); asg != nil {
		add("ASG size", fmt.Sprintf("min %s, desired %s, max %s", numberOf(asg, "min_size"), numberOf(asg, "desired_capacity"), numberOf(asg, "max_size")))
		add("ASG health check", fmt.Sprintf("%s, grace %ss", stringOf(asg, "health_check_type"), numberOf(asg, "health_check_grace_period")))
		if st := stringOf(asg, "instance_refresh", "strategy"); st != "" {
			add("instance refresh", fmt.Sprintf("%s, min healthy %s%%", st, numberOf(asg, "instance_refresh", "preferences", "min_healthy_percentage")))
		}
	}

	// Scaling.
	policies := s.OfType("aws_autoscaling_policy")
	kinds := map[string]bool{}
	for _, p := range policies {
		kinds[stringOf(&p, "policy_type")] = true
	}
	switch {
	case len(policies) == 0:
		add("scaling policy", "none")
	case kinds["TargetTrackingScaling"]:
		add("scaling policy", "target tracking")
	default:
		add("scaling policy", "step")
	}
	alarms := s.OfType("aws_cloudwatch_metric_alarm")
	for _, p := range policies {
		if stringOf(&p, "policy_type") == "TargetTrackingScaling" {
			if stringOf(&p, "target_tracking_configuration", "predefined_metric_specification", "predefined_metric_type") == "ALBRequestCountPerTarget" {
				add("target requests", numberOf(&p, "target_tracking_configuration", "target_value")+" per target per minute")
				continue
			}
			add("target CPU", numberOf(&p, "target_tracking_configuration", "target_value")+"%")
			continue
		}
		adj := numberOf(&p, "step_adjustment", "scaling_adjustment")
		name := "scale out"
		if strings.HasPrefix(adj, "-") {
			name = "scale in"
		} else {
			adj = "+" + adj
		}
		line := adj
		for _, al := range alarms {
			for _, act := range al.List("alarm_actions") {
				if stackjson.RefTo(act, p.Address()) {
					line += " when " + AlarmLine(&al, true)
				}
			}
		}
		if w := numberOf(&p, "estimated_instance_warmup"); w != "" {
			line += ", warm-up " + w + "s"
		}
		add(name, line)
	}
	for _, sa := range s.OfType("aws_autoscaling_schedule") {
		size := func(k string) string {
			if v, ok := sa.Number(k); ok && v == -1 {
				return "-"
			}
			return numberOf(&sa, k)
		}
		when := stringOf(&sa, "recurrence")
		if tz := stringOf(&sa, "time_zone"); tz != "" {
			when += " (" + tz + ")"
		}
		// <project>-<env>-<name>: the name alone, so environments compare.
		name := stringOf(&sa, "scheduled_action_name")
		if _, after, ok := strings.Cut(name, "-"+s.Name+"-"); ok {
			name = after
		}
		add("schedule "+name, fmt.Sprintf("%s: min %s, desired %s, max %s", when, size("min_size"), size("desired_capacity"), size("max_size")))
	}
	autoRecover := "off"
	for _, al := range alarms {
		for _, act := range al.List("alarm_actions") {
			if a, ok := act.(string); ok && strings.HasSuffix(a, ":ec2:recover") {
				autoRecover = "on"
			}
		}
	}
	add("EC2 auto-recovery", autoRecover)

	// Load balancer.
	if lb := first("aws_lb"); lb != nil {
		scheme := "internet-facing"
		if internal, _ := lb.Bool("internal"); internal {
			scheme = "internal"
		}
		add("load balancer", fmt.Sprintf("%s, idle timeout %ss", scheme, numberOf(lb, "idle_timeout")))
		dp, _ := lb.Bool("enable_deletion_protection")
		add("deletion protection", onOff(dp))
	}
	var listeners []string
	https := "off"
	for _, l := range s.OfType("aws_lb_listener") {
		desc := fmt.Sprintf("%s :%s %s", stringOf(&l, "protocol"), numberOf(&l, "port"), stringOf(&l, "default_action", "type"))
		listeners = append(listeners, desc)
		if stringOf(&l, "protocol") == "HTTPS" {
			https = "on, " + stringOf(&l, "ssl_policy")
		}
	}
	sort.Strings(listeners)
	if len(listeners) > 0 {
		add("listeners", strings.Join(listeners, "; "))
	}
	add("HTTPS", https)
	add("custom domain", DomainLine(s))
	add("certificate", CertificateLine(s))
	if tg := first("aws_lb_target_group"); tg != nil {
		add("target routing", RoutingLine(tg))
	}
	if lb := first("aws_lb"); lb != nil {
		desync, http2 := stringOf(lb, "desync_mitigation_mode"), "on"
		if desync == "" {
			desync = "defensive"
		}
		if v, ok := lb.Bool("enable_http2"); ok && !v {
			http2 = "off"
		}
		add("desync mitigation, HTTP/2", desync+", "+http2)
	}
	var cidrs []string
	seen = map[string]bool{}
	for _, r := range s.OfType("aws_vpc_security_group_ingress_rule") {
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			if c := stringOf(&r, k); c != "" && !seen[c] {
				seen[c] = true
				cidrs = append(cidrs, c)
			}
		}
	}
	sort.Strings(cidrs)
	add("ingress CIDRs", orNone(strings.Join(cidrs, ", ")))
	if tg := first("aws_lb_target_group"); tg != nil {
		add("target health check", fmt.Sprintf("%s %s every %ss, timeout %ss, healthy %s, unhealthy %s, matcher %s",
			stringOf(tg, "health_check", "protocol"), stringOf(tg, "health_check", "path"), numberOf(tg, "health_check", "interval"),
			numberOf(tg, "health_check", "timeout"), numberOf(tg, "health_check", "healthy_threshold"),
			numberOf(tg, "health_check", "unhealthy_threshold"), stringOf(tg, "health_check", "matcher")))
		add("deregistration delay", numberOf(tg, "deregistration_delay")+"s")
	}

	if lb := first("aws_lb"); lb != nil {
		add("ALB access logs", accessLogs(s, lb))
		waf := "off"
		var groups []string
		for _, as := range s.OfType("aws_wafv2_web_acl_association") {
			if !stackjson.RefTo(as.Attrs["resource_arn"], lb.Address()) {
				continue
			}
			for _, acl := range s.OfType("aws_wafv2_web_acl") {
				if stackjson.RefTo(as.Attrs["web_acl_arn"], acl.Address()) {
					waf = "on, " + RuleGroupsLine(&acl)
					groups = append(groups, ruleGroups(&acl)...)
				}
			}
		}
		add("WAF", waf)
		if waf != "off" {
			add("WAF rule groups", orNone(strings.Join(groups, ", ")))
		}
	}

	// Observability: alarms that do not drive scaling (those are above).
	for _, al := range alarms {
		drives := false
		for _, act := range al.List("alarm_actions") {
			for _, ref := range stackjson.Refs(act) {
				if strings.HasPrefix(ref.Address, "aws_autoscaling_policy.") {
					drives = true
				}
			}
		}
		if drives {
			continue
		}
		name := al.Name
		if al.Path != "" {
			name = al.Path[strings.LastIndex(al.Path, "/")+1:]
		}
		add("alarm "+name, AlarmLine(&al, true))
	}
	var subs []string
	for _, sub := range s.OfType("aws_sns_topic_subscription") {
		subs = append(subs, stringOf(&sub, "protocol"))
	}
	sort.Strings(subs)
	add("alarm subscriptions", orNone(strings.Join(subs, ", ")))

	// Encryption at rest with a customer managed key.
	keys := s.OfType("aws_kms_key")
	if len(keys) == 0 {
		add("KMS key", "none")
	}
	for i, k := range keys {
		name := "KMS key"
		if len(keys) > 1 {
			name = fmt.Sprintf("KMS key %d", i+1)
		}
		rot, _ := k.Bool("enable_key_rotation")
		v := "rotation " + onOff(rot)
		if d := numberOf(&k, "deletion_window_in_days"); d != "" {
			v += ", deletion window " + d + " days"
		}
		add(name, v)
		var users []string
		for _, list := range [][]stackjson.Resource{s.Resources, s.Data} {
			for _, r := range list {
				if !kmsRef(r.Attrs, k.Address()) {
					continue
				}
				users = append(users, localPath(s, &r))
			}
		}
		sort.Strings(users)
		add(name+" encrypts", orNone(strings.Join(users, ", ")))
	}

	// State and tags.
	backend := s.Backend.Type
	if backend == "" {
		backend = "local (default)"
	}
	if backend == "s3" {
		backend = fmt.Sprintf("s3 %v/%v", s.Backend.Config["bucket"], s.Backend.Config["key"])
		if e, _ := s.Backend.Config["encrypt"].(bool); e {
			backend += ", encrypted"
		}
		if l, _ := s.Backend.Config["use_lockfile"].(bool); l {
			backend += ", lock file"
		}
	}
	add("backend", backend)
	if tags, ok := stackjson.Walk(s.Raw, "provider", "aws", "default_tags", "tags"); ok {
		if m, ok := tags.(map[string]any); ok {
			var kv []string
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if k == "environment" {
					continue // differs by definition
				}
				kv = append(kv, fmt.Sprintf("%s=%v", k, m[k]))
			}
			add("default tags", orNone(strings.Join(kv, ", ")))
		}
	}
	return out
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// amiOf says where the AMI comes from: an SSM parameter or a pinned ID.
func amiOf(s *stackjson.Stack, r *stackjson.Resource) string {
	img := stringOf(r, "image_id")
	if img == "" {
		img = stringOf(r, "ami")
	}
	refs := stackjson.Refs(img)
	if len(refs) == 0 {
		return img
	}
	addr := refs[0].Address
	if d, ok := s.Find(addr); ok && d.Type == "data.aws_ssm_parameter" {
		return "SSM " + stringOf(&d, "name")
	}
	return addr
}

// volumeOf describes the root volume: "8 GiB gp3, encrypted".
func volumeOf(r *stackjson.Resource) string {
	size, typ := numberOf(r, "block_device_mappings", "ebs", "volume_size"), stringOf(r, "block_device_mappings", "ebs", "volume_type")
	enc := numberOf(r, "block_device_mappings", "ebs", "encrypted")
	if size == "" {
		size, typ = numberOf(r, "root_block_device", "volume_size"), stringOf(r, "root_block_device", "volume_type")
		if e, ok := r.Bool("root_block_device", "encrypted"); ok {
			enc = fmt.Sprint(e)
		}
	}
	if b, ok := r.Bool("block_device_mappings", "ebs", "encrypted"); ok {
		enc = fmt.Sprint(b)
	}
	if size == "" {
		return "AMI default"
	}
	out := size + " GiB " + typ
	if enc == "true" {
		out += ", encrypted"
	} else {
		out += ", not encrypted"
	}
	return out
}

// accessLogs describes the load balancer's access logs: "on, 90 days" (the
// bucket's expiration), "on" or "off".
func accessLogs(s *stackjson.Stack, lb *stackjson.Resource) string {
	if on, _ := lb.Bool("access_logs", "enabled"); !on {
		return "off"
	}
	out := "on"
	for _, ref := range stackjson.Refs(lb.Attrs["access_logs"]) {
		for _, lc := range s.OfType("aws_s3_bucket_lifecycle_configuration") {
			if stackjson.RefTo(lc.Attrs["bucket"], ref.Address) {
				if d := ExpiryDays(&lc); d != "" {
					out += ", expire after " + d + " days"
				}
			}
		}
	}
	return out
}

// ruleGroups names the rule groups of a web ACL, AWS's without their
// "AWSManagedRules" prefix and other vendors' as vendor/name.
func ruleGroups(acl *stackjson.Resource) []string {
	var out []string
	for _, rule := range acl.List("rule") {
		name, ok := stackjson.Walk(rule, "statement", "managed_rule_group_statement", "name")
		if !ok {
			continue
		}
		vendor, _ := stackjson.Walk(rule, "statement", "managed_rule_group_statement", "vendor_name")
		n := fmt.Sprint(name)
		if vendor == "AWS" {
			n = strings.TrimPrefix(n, "AWSManagedRules")
		} else {
			n = fmt.Sprint(vendor) + "/" + n
		}
		out = append(out, n)
	}
	return out
}

// localPath is a resource's construct path without the stack name, or its address.
func localPath(s *stackjson.Stack, r *stackjson.Resource) string {
	if r.Path == "" {
		return r.Address()
	}
	return strings.TrimPrefix(r.Path, s.Name+"/")
}

// kmsRef reports whether v names the key at address under a KMS attribute
// (kms_key_id, kms_master_key_id, ...), at any depth: what the key encrypts,
// not who may use it.
func kmsRef(v any, address string) bool {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if strings.Contains(k, "kms") && RefersTo(x, address) || kmsRef(x, address) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if kmsRef(x, address) {
				return true
			}
		}
	}
	return false
}

// DomainNames are the names of the certificate the stack makes (the domain
// first) and the zone of its records: its name, or the zone ID given.
func DomainNames(s *stackjson.Stack) (names []string, zone string) {
	certs := s.OfType("aws_acm_certificate")
	if len(certs) == 0 {
		return nil, ""
	}
	names = []string{stringOf(&certs[0], "domain_name")}
	for _, n := range certs[0].List("subject_alternative_names") {
		if v, ok := n.(string); ok {
			names = append(names, v)
		}
	}
	for _, z := range s.OfType("data.aws_route53_zone") {
		zone = stringOf(&z, "name")
	}
	for _, r := range s.OfType("aws_route53_record") {
		if id := stringOf(&r, "zone_id"); zone == "" && id != "" && !strings.Contains(id, "${") {
			zone = id
		}
	}
	return names, zone
}

// DomainLine names the stack's custom domain: the certificate's names and
// their zone ("none" without a certificate made here).
func DomainLine(s *stackjson.Stack) string {
	names, zone := DomainNames(s)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ") + " in zone " + zone
}

// CertificateLine says where the HTTPS listener's certificate comes from:
// made and DNS-validated in the stack, or given by ARN; "none" without HTTPS.
func CertificateLine(s *stackjson.Stack) string {
	for _, l := range s.OfType("aws_lb_listener") {
		if stringOf(&l, "protocol") != "HTTPS" {
			continue
		}
		arn := stringOf(&l, "certificate_arn")
		for _, r := range stackjson.Refs(arn) {
			if strings.HasPrefix(r.Address, "aws_acm_certificate_validation.") {
				return "ACM, DNS-validated in the stack"
			}
		}
		return "given: " + arn
	}
	return "none"
}

// RoutingLine is the target group's routing: algorithm, stickiness and slow start.
func RoutingLine(tg *stackjson.Resource) string {
	algorithm := stringOf(tg, "load_balancing_algorithm_type")
	if algorithm == "" {
		algorithm = "round_robin"
	}
	sticky := "no stickiness"
	if on, _ := tg.Bool("stickiness", "enabled"); on {
		sticky = fmt.Sprintf("%s stickiness %ss", stringOf(tg, "stickiness", "type"), numberOf(tg, "stickiness", "cookie_duration"))
	}
	slow := "no slow start"
	if v, ok := tg.Number("slow_start"); ok && v > 0 {
		slow = fmt.Sprintf("slow start %gs", v)
	}
	return algorithm + ", " + sticky + ", " + slow
}
