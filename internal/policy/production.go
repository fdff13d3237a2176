package policy

// Rules for environments with production: true: what a production web tier
// must have besides deletion protection (EWT-ALB-2) and HTTPS (EWT-ALB-4).
// Each reads the synthesized JSON, so a setting that turns a safeguard off
// (alb.waf, alb.access_logs, alb.desync_mitigation_mode,
// observability.alarm_email, backend) fails synth for production unless it
// is suppressed with a reason.

import (
	"fmt"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

var productionRules = []Rule{
	{
		ID:     "EWT-ALB-5",
		Reason: "a production load balancer must sit behind a WAF web ACL (IP reputation, common exploits, known bad inputs)",
		Fix:    "set alb.waf: true (the default); or suppress it on <env>/alb/lb with a reason (e.g. a web ACL managed elsewhere, such as Firewall Manager)",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			protected := map[string]bool{}
			for _, a := range c.Stack.OfType("aws_wafv2_web_acl_association") {
				for _, r := range stackjson.Refs(a.Attrs["resource_arn"]) {
					protected[r.Address] = true
				}
			}
			var out []Finding
			for _, lb := range applicationLBs(c.Stack) {
				if !protected[lb.Address()] {
					out = append(out, Finding{lb, "no aws_wafv2_web_acl_association names this load balancer in a production environment"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-6",
		Reason: "a production load balancer must write access logs: without them an incident has no record of who sent what",
		Fix:    "set alb.access_logs: true (the default); or suppress it on <env>/alb/lb with a reason",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			var out []Finding
			for _, lb := range applicationLBs(c.Stack) {
				if on, _ := lb.Bool("access_logs", "enabled"); !on {
					out = append(out, Finding{lb, "access_logs.enabled is not true in a production environment"})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-ALB-7",
		Reason: "a production load balancer must block ambiguous requests (HTTP desync, request smuggling), not only record them",
		Fix:    "set alb.desync_mitigation_mode to defensive (the default) or strictest; or suppress it on <env>/alb/lb with a reason",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			var out []Finding
			for _, lb := range applicationLBs(c.Stack) {
				mode, set := lb.String("desync_mitigation_mode")
				if !set {
					continue // AWS's default: defensive
				}
				if mode != string(config.DesyncDefensive) && mode != string(config.DesyncStrictest) {
					out = append(out, Finding{lb, fmt.Sprintf("desync_mitigation_mode = %q in a production environment; want %s or %s", mode, config.DesyncDefensive, config.DesyncStrictest)})
				}
			}
			return out
		},
	},
	{
		ID:     "EWT-OBS-1",
		Reason: "a production alarm must reach someone: an alarm topic without a subscriber notifies nobody",
		Fix:    "set observability.alarm_email; or subscribe your own endpoint (HTTPS, SQS, Lambda, AWS Chatbot) to the alarm_topic_arn output outside this stack and suppress it on <env>/observability/alarm-topic with a reason naming that subscription",
		Check: func(c *Context) []Finding {
			if !c.Production {
				return nil
			}
			subscribed := map[string]bool{}
			for _, sub := range c.Stack.OfType("aws_sns_topic_subscription") {
				for _, r := range stackjson.Refs(sub.Attrs["topic_arn"]) {
					subscribed[r.Address] = true
				}
			}
			var out []Finding
			for _, topic := range alarmTopics(c.Stack) {
				if !subscribed[topic.Address()] {
					out = append(out, Finding{topic, "the alarms notify this topic, and no aws_sns_topic_subscription of the stack subscribes to it"})
				}
			}
			if len(alarmTopics(c.Stack)) == 0 && len(c.Stack.OfType("aws_cloudwatch_metric_alarm")) > 0 {
				out = append(out, Finding{Detail: "no alarm of the stack notifies an SNS topic"})
			}
			return out
		},
	},
	{
		ID:     "EWT-STATE-1",
		Reason: "production state must live in S3 (encrypted, locked, shared): local state is lost with the machine and lets two applies race",
		Fix:    "set backend: {bucket: <state bucket>} (key defaults to <project>/<env>/terraform.tfstate); or suppress it with resource: <env> and a reason",
		Check: func(c *Context) []Finding {
			if !c.Production || c.Stack.Backend.Type == "s3" {
				return nil
			}
			kind := c.Stack.Backend.Type
			if kind == "" {
				kind = "none declared (local)"
			}
			return []Finding{{Detail: fmt.Sprintf("the state backend is %s in a production environment; want s3", kind)}}
		},
	},
}

// applicationLBs are the stack's application load balancers.
func applicationLBs(s *stackjson.Stack) []stackjson.Resource {
	var out []stackjson.Resource
	for _, lb := range s.OfType("aws_lb") {
		if t, ok := lb.String("load_balancer_type"); ok && t != "application" {
			continue
		}
		out = append(out, lb)
	}
	return out
}

// alarmTopics are the SNS topics the stack's alarms notify (alarm_actions),
// in stack order.
func alarmTopics(s *stackjson.Stack) []stackjson.Resource {
	seen := map[string]bool{}
	var out []stackjson.Resource
	for _, al := range s.OfType("aws_cloudwatch_metric_alarm") {
		for _, topic := range refsOfType(s, al.Attrs["alarm_actions"], "aws_sns_topic") {
			if !seen[topic.Address()] {
				seen[topic.Address()] = true
				out = append(out, topic)
			}
		}
	}
	return out
}
