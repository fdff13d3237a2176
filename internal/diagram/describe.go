package diagram

import (
	"fmt"
	"path"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// describe returns the label lines of a node from its own resource and what
// is folded into it.
func (b *builder) describe(n *Node) []string {
	var own []*stackjson.Resource
	for _, a := range n.Resources {
		if b.root(a) == a {
			own = append(own, b.res[a])
		}
	}
	if len(own) == 0 {
		return []string{n.ID}
	}
	r := own[0]
	id := path.Base(b.localPath(r))
	str := func(r *stackjson.Resource, p ...any) string { s, _ := r.String(p...); return s }
	num := func(r *stackjson.Resource, p ...any) string {
		if v, ok := r.Number(p...); ok {
			return fmt.Sprintf("%g", v)
		}
		if s, ok := r.String(p...); ok {
			return s
		}
		return "?"
	}
	switch r.Type {
	case "aws_lb", "aws_alb":
		title := "Load Balancer"
		switch str(r, "load_balancer_type") {
		case "", "application":
			title = "Application Load Balancer"
		case "network":
			title = "Network Load Balancer"
		}
		var flags []string
		if internal, _ := r.Bool("internal"); internal {
			flags = append(flags, "internal")
		} else {
			flags = append(flags, "internet-facing")
		}
		if dp, _ := r.Bool("enable_deletion_protection"); dp {
			flags = append(flags, "deletion protection")
		}
		lines := compact(title, str(r, "name"), strings.Join(flags, " · "))
		for _, l := range append(b.folded(n, "aws_lb_listener"), b.folded(n, "aws_alb_listener")...) {
			lines = append(lines, listenerLine(l))
		}
		return lines
	case "aws_lb_listener", "aws_alb_listener":
		title := fmt.Sprintf("listener %s :%s", str(r, "protocol"), num(r, "port"))
		return compact(title, str(r, "default_action", "type"), str(r, "ssl_policy"))
	case "aws_lb_target_group", "aws_alb_target_group":
		return compact("target group", fmt.Sprintf("%s :%s", str(r, "protocol"), num(r, "port")),
			healthLine(r))
	case "aws_autoscaling_group":
		lines := []string{"Auto Scaling group",
			fmt.Sprintf("min %s · desired %s · max %s", num(r, "min_size"), num(r, "desired_capacity"), num(r, "max_size"))}
		if t := b.instanceType(n); t != "" {
			lines = append(lines, t+" instances")
		}
		if alarms := r.List("instance_refresh", "preferences", "alarm_specification", "alarms"); len(alarms) > 0 {
			gate := fmt.Sprintf("refresh gated on %d alarms", len(alarms))
			if rb, _ := r.Get("instance_refresh", "preferences", "auto_rollback"); rb == true {
				gate += " · rollback"
			}
			lines = append(lines, gate)
		}
		if len(b.folded(n, "aws_autoscaling_notification")) > 0 {
			lines = append(lines, "launch and terminate events to SNS")
		}
		for _, h := range b.folded(n, "aws_autoscaling_lifecycle_hook") {
			lines = append(lines, "drain hook "+num(h, "heartbeat_timeout")+"s")
		}
		// Scheduled actions fold into their group: one line each, e.g.
		// "0 8 * * 1-5 America/New_York: 2..4, desired 2".
		for _, sa := range b.folded(n, "aws_autoscaling_schedule") {
			lines = append(lines, scheduleLine(sa))
		}
		return lines
	case "aws_instance":
		t := str(r, "instance_type")
		if t == "" {
			t = b.instanceType(n)
		}
		return compact("EC2 instance", t)
	case "aws_subnet":
		return compact("subnet "+id, str(r, "cidr_block"))
	case "aws_nat_gateway":
		return compact("NAT gateway", id)
	case "aws_internet_gateway":
		return []string{"Internet gateway"}
	case "aws_egress_only_internet_gateway":
		return []string{"Egress-only internet gateway", "IPv6 out only"}
	case "aws_vpc_endpoint":
		svc := str(r, "service_name")
		if i := strings.LastIndex(svc, "."); i >= 0 {
			svc = svc[i+1:]
		}
		return compact(strings.ToUpper(svc)+" "+strings.ToLower(str(r, "vpc_endpoint_type"))+" endpoint", "")
	case "aws_flow_log":
		dest := str(r, "log_destination_type")
		if dest == "cloud-watch-logs" || dest == "" {
			dest = "CloudWatch Logs"
		}
		line := str(r, "traffic_type") + " to " + dest
		for _, f := range b.folded(n, "aws_cloudwatch_log_group") {
			if d, ok := f.Number("retention_in_days"); ok {
				line += fmt.Sprintf(", %g days", d)
			}
		}
		return compact("VPC flow logs", line)
	case "aws_autoscaling_policy":
		if str(r, "policy_type") == "TargetTrackingScaling" {
			if str(r, "target_tracking_configuration", "predefined_metric_specification", "predefined_metric_type") == "ALBRequestCountPerTarget" {
				return compact("target tracking", fmt.Sprintf("%s requests per target per minute", num(r, "target_tracking_configuration", "target_value")))
			}
			return compact("target tracking", fmt.Sprintf("average CPU %s%%", num(r, "target_tracking_configuration", "target_value")))
		}
		if str(r, "policy_type") == "PredictiveScaling" {
			c := []any{"predictive_scaling_configuration"}
			what := fmt.Sprintf("CPU target %s%%", num(r, append(c, "metric_specification", "target_value")...))
			if str(r, append(c, "metric_specification", "predefined_metric_pair_specification", "predefined_metric_type")...) == "ALBRequestCount" {
				what = fmt.Sprintf("%s requests per instance per minute", num(r, append(c, "metric_specification", "target_value")...))
			}
			return compact("predictive "+str(r, append(c, "mode")...), what)
		}
		// One step's adjustment, or each step's (+1/+3/+6).
		var adjs []string
		for i := range r.List("step_adjustment") {
			adj := num(r, "step_adjustment", i, "scaling_adjustment")
			if !strings.HasPrefix(adj, "-") {
				adj = "+" + adj
			}
			adjs = append(adjs, adj)
		}
		if len(adjs) == 0 {
			adjs = []string{"?"}
		}
		lines := []string{fmt.Sprintf("%s %s", id, strings.Join(adjs, "/"))}
		for _, al := range b.folded(n, "aws_cloudwatch_metric_alarm") {
			lines = append(lines, review.AlarmLine(al, true))
		}
		return lines
	case "aws_cloudwatch_metric_alarm":
		if len(own) == 1 {
			lines := compact("alarm "+id, review.AlarmLine(r, true))
			for _, act := range r.List("alarm_actions") {
				if s, ok := act.(string); ok && strings.HasSuffix(s, ":ec2:recover") {
					lines = append(lines, "recovers the instance")
				}
			}
			return lines
		}
		lines := []string{fmt.Sprintf("%d CloudWatch alarms", len(own))}
		for _, al := range own {
			lines = append(lines, path.Base(b.localPath(al))+": "+review.AlarmLine(al, false))
		}
		return lines
	case "aws_sns_topic":
		lines := compact("SNS topic", str(r, "name"))
		for _, s := range b.folded(n, "aws_sns_topic_subscription") {
			lines = append(lines, str(s, "protocol")+" subscription")
		}
		return lines
	case "aws_cloudwatch_dashboard":
		return compact("CloudWatch dashboard", str(r, "dashboard_name"))
	case "aws_s3_bucket":
		return b.bucketLines(n, r)
	case "aws_wafv2_web_acl":
		return compact("WAF web ACL", review.RuleGroupsLine(r))
	case "aws_acm_certificate":
		name := str(r, "domain_name")
		if sans := len(r.List("subject_alternative_names")); sans > 0 {
			name += fmt.Sprintf(" + %d names", sans)
		}
		method := strings.ToUpper(str(r, "validation_method"))
		if records := len(b.folded(n, "aws_route53_record")); records > 0 {
			method += fmt.Sprintf(" validated · %d record%s", records, map[bool]string{true: "s"}[records > 1])
		}
		return compact("ACM certificate", name, method)
	case "data.aws_route53_zone":
		return compact("Route53 hosted zone", str(r, "name"), "looked up by name")
	case "aws_route53_record":
		line := str(r, "type") + " " + str(r, "name")
		if _, alias := r.Get("alias"); alias {
			line = "alias " + line
		}
		flags := ""
		if eth, _ := r.Bool("alias", "evaluate_target_health"); eth {
			flags = "evaluates target health"
		}
		return compact("Route53 record", line, flags)
	case "aws_kms_key":
		var flags []string
		for _, al := range b.folded(n, "aws_kms_alias") {
			flags = append(flags, str(al, "name"))
		}
		if rot, _ := r.Bool("enable_key_rotation"); rot {
			flags = append(flags, "rotation on")
		} else {
			flags = append(flags, "rotation off")
		}
		return compact("KMS key", strings.Join(flags, " · "))
	}
	return compact(strings.TrimPrefix(strings.TrimPrefix(r.Type, "data."), "aws_"), id)
}

// bucketLines describes a bucket from its configuration resources: "ALB
// access logs" when a load balancer writes its access logs there, then
// "versioned · SSE-S3" and "expires after 90 days".
func (b *builder) bucketLines(n *Node, r *stackjson.Resource) []string {
	title := "S3 bucket"
	name := stringOf(r, "bucket")
	for _, ref := range b.referrers[r.Address()] {
		lb := b.res[ref]
		if (lb.Type == "aws_lb" || lb.Type == "aws_alb") && review.RefersTo(lb.Attrs["access_logs"], r.Address()) {
			switch stringOf(lb, "load_balancer_type") {
			case "", "application":
				title = "ALB access logs"
			case "network":
				title = "NLB access logs"
			default:
				title = "load balancer access logs"
			}
			name = ""
		}
	}
	var flags []string
	for _, v := range b.folded(n, "aws_s3_bucket_versioning") {
		switch stringOf(v, "versioning_configuration", "status") {
		case "Enabled":
			flags = append(flags, "versioned")
		case "Suspended":
			flags = append(flags, "versioning suspended")
		}
	}
	for _, e := range b.folded(n, "aws_s3_bucket_server_side_encryption_configuration") {
		switch alg := stringOf(e, "rule", "apply_server_side_encryption_by_default", "sse_algorithm"); alg {
		case "AES256":
			flags = append(flags, "SSE-S3")
		case "aws:kms":
			flags = append(flags, "SSE-KMS")
		case "aws:kms:dsse":
			flags = append(flags, "DSSE-KMS")
		case "":
		default:
			flags = append(flags, alg)
		}
	}
	for _, pab := range b.folded(n, "aws_s3_bucket_public_access_block") {
		all := true
		for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if on, _ := pab.Bool(k); !on {
				all = false
			}
		}
		if all {
			flags = append(flags, "no public access")
		}
	}
	expiry := ""
	for _, lc := range b.folded(n, "aws_s3_bucket_lifecycle_configuration") {
		if d := review.ExpiryDays(lc); d != "" && expiry == "" {
			expiry = "expires after " + d + " days"
		}
	}
	return compact(title, name, strings.Join(flags, " · "), expiry)
}

// listenerLine describes a listener folded into its load balancer:
// "HTTP :80 redirects to HTTPS :443".
func listenerLine(r *stackjson.Resource) string {
	line := fmt.Sprintf("%s :%s", stringOf(r, "protocol"), numberOf(r, "port"))
	switch t := stringOf(r, "default_action", "type"); t {
	case "redirect":
		return line + fmt.Sprintf(" redirects to %s :%s", stringOf(r, "default_action", "redirect", "protocol"), numberOf(r, "default_action", "redirect", "port"))
	case "fixed-response":
		return line + " answers " + numberOf(r, "default_action", "fixed_response", "status_code")
	default:
		return line + " " + t
	}
}

// compact drops empty lines.
func compact(lines ...string) []string {
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// folded returns the resources of type typ folded into n.
func (b *builder) folded(n *Node, typ string) []*stackjson.Resource {
	var out []*stackjson.Resource
	for _, a := range n.Resources {
		if b.root(a) != a && b.res[a].Type == typ {
			out = append(out, b.res[a])
		}
	}
	return out
}

// instanceType reads the instance type of the launch template folded into n.
func (b *builder) instanceType(n *Node) string {
	for _, lt := range b.folded(n, "aws_launch_template") {
		if t, ok := lt.String("instance_type"); ok {
			return t
		}
	}
	return ""
}

func healthLine(r *stackjson.Resource) string {
	p, ok := r.String("health_check", "path")
	if !ok {
		return ""
	}
	line := "health " + p
	if i, ok := r.Number("health_check", "interval"); ok {
		line += fmt.Sprintf(" every %gs", i)
	}
	return line
}

func stringOf(r *stackjson.Resource, p ...any) string { s, _ := r.String(p...); return s }

// scheduleLine describes a scheduled action: when, and the sizes it sets
// ("-" for one it leaves unchanged).
func scheduleLine(r *stackjson.Resource) string {
	size := func(k string) string {
		if v, ok := r.Number(k); ok && v == -1 {
			return "-"
		}
		return numberOf(r, k)
	}
	when := stringOf(r, "recurrence")
	if tz := stringOf(r, "time_zone"); tz != "" {
		when += " " + tz
	}
	return fmt.Sprintf("%s: %s..%s, desired %s", when, size("min_size"), size("max_size"), size("desired_capacity"))
}

func numberOf(r *stackjson.Resource, p ...any) string {
	if v, ok := r.Number(p...); ok {
		return fmt.Sprintf("%g", v)
	}
	s, _ := r.String(p...)
	return s
}
