package policy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// productionDoc is testdata/production.tf.json: a production stack "live"
// that passes every rule.
func productionDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/production.tf.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func liveFile(production bool, sup ...config.Suppression) *config.File {
	return &config.File{Project: "webtier", Environments: []*config.Environment{{Name: "live", Production: production, Suppressions: sup}}}
}

// resource returns the body of one resource of the raw document.
func resource(t *testing.T, doc map[string]any, typ, name string) map[string]any {
	t.Helper()
	body, ok := doc["resource"].(map[string]any)[typ].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("the fixture has no %s.%s", typ, name)
	}
	return body
}

// TestProductionRules: each case turns off one production safeguard in the
// fixture. In a production environment exactly its rule fires, on the
// resource named, with the detail given; a suppression with a reason on
// that resource silences it; in an environment without production: true
// nothing fires.
func TestProductionRules(t *testing.T) {
	cases := []struct {
		name   string
		rule   string
		where  string // the resource path of the finding, or "live" for the whole stack
		detail string // a part of the finding's detail
		break_ func(t *testing.T, d map[string]any)
	}{
		{"waf off: no association", "EWT-ALB-5", "live/alb/lb", "no aws_wafv2_web_acl_association", func(t *testing.T, d map[string]any) {
			delete(d["resource"].(map[string]any), "aws_wafv2_web_acl_association")
			delete(d["resource"].(map[string]any), "aws_wafv2_web_acl")
		}},
		{"waf on another resource", "EWT-ALB-5", "live/alb/lb", "no aws_wafv2_web_acl_association", func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_wafv2_web_acl_association", "alb_waf-association")["resource_arn"] = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod"
		}},
		{"access logs off: no block", "EWT-ALB-6", "live/alb/lb", "access_logs.enabled is not true", func(t *testing.T, d map[string]any) {
			delete(resource(t, d, "aws_lb", "alb_lb"), "access_logs")
		}},
		{"access logs disabled", "EWT-ALB-6", "live/alb/lb", "access_logs.enabled is not true", func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_lb", "alb_lb")["access_logs"].(map[string]any)["enabled"] = false
		}},
		{"desync monitor", "EWT-ALB-7", "live/alb/lb", `desync_mitigation_mode = "monitor"`, func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_lb", "alb_lb")["desync_mitigation_mode"] = "monitor"
		}},
		{"no alarm subscriber", "EWT-OBS-1", "live/observability/alarm-topic", "no aws_sns_topic_subscription", func(t *testing.T, d map[string]any) {
			delete(d["resource"].(map[string]any), "aws_sns_topic_subscription")
		}},
		{"subscriber of another topic", "EWT-OBS-1", "live/observability/alarm-topic", "no aws_sns_topic_subscription", func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_sns_topic_subscription", "obs_email")["topic_arn"] = "arn:aws:sns:us-east-1:123456789012:elsewhere"
		}},
		{"alarms notify no topic", "EWT-OBS-1", "live", "no alarm of the stack notifies an SNS topic", func(t *testing.T, d map[string]any) {
			delete(resource(t, d, "aws_cloudwatch_metric_alarm", "obs_5xx"), "alarm_actions")
		}},
		{"local state", "EWT-STATE-1", "live", "the state backend is local", func(t *testing.T, d map[string]any) {
			d["terraform"] = map[string]any{"backend": map[string]any{"local": map[string]any{"path": "terraform.live.tfstate"}}}
		}},
		{"no backend declared", "EWT-STATE-1", "live", "none declared (local)", func(t *testing.T, d map[string]any) {
			delete(d, "terraform")
		}},
	}
	t.Run("baseline passes", func(t *testing.T) {
		res := Evaluate(liveFile(true), []*stackjson.Stack{stackOf(t, "live", productionDoc(t))})
		if len(res.Violations) != 0 || len(res.Warnings) != 0 || len(res.Problems) != 0 {
			t.Fatalf("the fixture: got violations %v warnings %v problems %v, want none", res.Violations, res.Warnings, res.Problems)
		}
	})
	for _, c := range cases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			doc := productionDoc(t)
			c.break_(t, doc)
			stack := stackOf(t, "live", doc)

			res := Evaluate(liveFile(true), []*stackjson.Stack{stack})
			if got := ruleIDs(res.Violations); len(got) != 1 || got[0] != c.rule {
				t.Fatalf("production: got violations %v, want exactly [%s]:\n%v", got, c.rule, res.Violations)
			}
			v := res.Violations[0]
			if !strings.HasPrefix(v.Where, c.where) || !strings.Contains(v.Detail, c.detail) {
				t.Errorf("production: got %q: %q, want the finding on %s with %q", v.Where, v.Detail, c.where, c.detail)
			}
			if v.Rule.Reason == "" || v.Rule.Fix == "" || !strings.Contains(v.String(), "fix: ") {
				t.Errorf("violation lacks a reason or a fix: %s", v)
			}

			sup := config.Suppression{Rule: c.rule, Resource: c.where, Reason: "covered elsewhere: " + c.name}
			res = Evaluate(liveFile(true, sup), []*stackjson.Stack{stack})
			if len(res.Violations) != 0 || len(res.Problems) != 0 {
				t.Errorf("suppressed on %s: got violations %v problems %v, want none", c.where, res.Violations, res.Problems)
			}
			if sp := suppressionsOf(res, c.rule); len(sp) != 1 || sp[0].Reason != sup.Reason {
				t.Errorf("suppressed on %s: got %+v, want the suppression applied with its reason", c.where, res.Suppressed)
			}

			res = Evaluate(liveFile(false), []*stackjson.Stack{stack})
			if len(res.Violations) != 0 {
				t.Errorf("not production: got violations %v, want none", res.Violations)
			}
		})
	}
}

// TestProductionRulesAccept: the other allowed values pass.
func TestProductionRulesAccept(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, d map[string]any)
	}{
		{"desync defensive written out", func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_lb", "alb_lb")["desync_mitigation_mode"] = "defensive"
		}},
		{"desync strictest", func(t *testing.T, d map[string]any) {
			resource(t, d, "aws_lb", "alb_lb")["desync_mitigation_mode"] = "strictest"
		}},
		{"an HTTPS subscriber instead of e-mail", func(t *testing.T, d map[string]any) {
			sub := resource(t, d, "aws_sns_topic_subscription", "obs_email")
			sub["protocol"], sub["endpoint"] = "https", "https://events.example.com/sns"
		}},
		{"a network load balancer (no WAF, access logs of its own kind)", func(t *testing.T, d map[string]any) {
			lb := resource(t, d, "aws_lb", "alb_lb")
			lb["load_balancer_type"] = "network"
			delete(lb, "access_logs")
			delete(d["resource"].(map[string]any), "aws_wafv2_web_acl_association")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := productionDoc(t)
			c.change(t, doc)
			res := Evaluate(liveFile(true), []*stackjson.Stack{stackOf(t, "live", doc)})
			if len(res.Violations) != 0 {
				t.Errorf("got violations %v, want none", res.Violations)
			}
		})
	}
}
