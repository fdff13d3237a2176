package tests

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestEncryptionAccessLogsWAF: the alarm topic and flow log group are
// encrypted with the environment's rotating customer-managed key, whose policy
// lets CloudWatch use it; the ALB writes access logs to a private, encrypted,
// TLS-only bucket; a WAF web ACL protects the ALB.
func TestEncryptionAccessLogsWAF(t *testing.T) {
	r := fixtureSynth(t)
	for _, env := range []string{"dev", "prod"} {
		s := r.stacks[env]
		key := mustOne(t, s, "aws_kms_key")
		if rot, _ := key.Bool("enable_key_rotation"); !rot {
			t.Errorf("%s: key rotation off", env)
		}
		pol, _ := key.String("policy")
		for _, want := range []string{`"Service":"cloudwatch.amazonaws.com"`, `"Service":"logs.us-east-1.amazonaws.com"`, "kms:EncryptionContext:aws:logs:arn"} {
			if !strings.Contains(pol, want) {
				t.Errorf("%s: key policy lacks %s:\n%s", env, want, pol)
			}
		}
		if strings.Contains(pol, `"kms:*"`) {
			t.Errorf("%s: key policy grants kms:*", env)
		}
		if v := mustOne(t, s, "aws_sns_topic").Attrs["kms_master_key_id"]; !stackjson.RefTo(v, key.Address()) {
			t.Errorf("%s: alarm topic kms_master_key_id = %v, want the key", env, v)
		}
		if lgs := s.OfType("aws_cloudwatch_log_group"); len(lgs) != 3 {
			t.Errorf("%s: %d log groups, want 3 (flow logs, the agent's app and system)", env, len(lgs))
		}
		for _, lg := range s.OfType("aws_cloudwatch_log_group") {
			if v := lg.Attrs["kms_key_id"]; !stackjson.RefTo(v, key.Address()) {
				t.Errorf("%s: log group %s kms_key_id = %v, want the key", env, lg.Where(), v)
			}
		}

		lb := mustOne(t, s, "aws_lb")
		bucket := mustOne(t, s, "aws_s3_bucket")
		if on, _ := lb.Bool("access_logs", "enabled"); !on || !stackjson.RefTo(lb.Attrs["access_logs"].(map[string]any)["bucket"], bucket.Address()) {
			t.Errorf("%s: ALB access logs not on to the bucket:\n%s", env, show(lb.Attrs["access_logs"]))
		}
		pab := mustOne(t, s, "aws_s3_bucket_public_access_block")
		for _, k := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
			if v, _ := pab.Bool(k); !v {
				t.Errorf("%s: bucket %s = false", env, k)
			}
		}
		if alg, _ := mustOne(t, s, "aws_s3_bucket_server_side_encryption_configuration").String("rule", "apply_server_side_encryption_by_default", "sse_algorithm"); alg != "AES256" {
			t.Errorf("%s: bucket encryption = %q, want AES256 (the only one ALB logs support)", env, alg)
		}
		bp, _ := mustOne(t, s, "aws_s3_bucket_policy").String("policy")
		if !strings.Contains(bp, `"aws:SecureTransport":"false"`) || !strings.Contains(bp, "/alb/AWSLogs/") {
			t.Errorf("%s: bucket policy lacks the TLS-only deny or the log prefix:\n%s", env, bp)
		}
		if deps := lb.List("depends_on"); len(deps) != 1 || !strings.HasPrefix(deps[0].(string), "aws_s3_bucket_policy.") {
			t.Errorf("%s: ALB depends_on = %v, want the bucket policy (ELB checks write access on create)", env, deps)
		}

		acl := mustOne(t, s, "aws_wafv2_web_acl")
		if scope, _ := acl.String("scope"); scope != "REGIONAL" || len(acl.List("rule")) != 3 {
			t.Errorf("%s: web ACL scope %q with %d rules, want REGIONAL with 3", env, scope, len(acl.List("rule")))
		}
		assoc := mustOne(t, s, "aws_wafv2_web_acl_association")
		if !stackjson.RefTo(assoc.Attrs["resource_arn"], lb.Address()) || !stackjson.RefTo(assoc.Attrs["web_acl_arn"], acl.Address()) {
			t.Errorf("%s: WAF association = %s, want the ACL on the ALB", env, show(assoc.Attrs))
		}
	}
	if v, ok := mustOne(t, r.stacks["dev"], "aws_instance").Bool("associate_public_ip_address"); !ok || v {
		t.Errorf("dev instance associate_public_ip_address = %v (set %v), want explicitly false", v, ok)
	}
}
