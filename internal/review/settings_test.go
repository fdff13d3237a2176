package review

import (
	"testing"
)

func settingsMap(ss []Setting) map[string]string {
	m := map[string]string{}
	for _, s := range ss {
		m[s.Name] = s.Value
	}
	return m
}

func TestSettingsOfGoldenStacks(t *testing.T) {
	tests := []struct {
		env, name, want string
	}{
		{"dev", "compute mode", "ec2"},
		{"dev", "availability zones", "2: us-east-1a, us-east-1b"},
		{"dev", "NAT gateways", "1"},
		{"dev", "instance type", "t3.micro"},
		{"dev", "scaling policy", "none"},
		{"dev", "EC2 auto-recovery", "on"},
		{"dev", "ASG size", ""},
		{"dev", "VPC flow logs", "ALL, 7 days"},
		{"stage", "ASG size", "min 2, desired 2, max 4"},
		{"prod", "compute mode", "asg"},
		{"prod", "region", "us-east-1"},
		{"prod", "availability zones", "3: us-east-1a, us-east-1b, us-east-1c"},
		{"prod", "subnets", "3 private, 3 public"},
		{"prod", "VPC CIDR", "10.30.0.0/16"},
		{"prod", "NAT gateways", "3"},
		{"prod", "VPC endpoints", "s3 gateway"},
		{"prod", "instance type", "t3.small"},
		{"prod", "AMI", "SSM /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"},
		{"prod", "metadata tokens (IMDS)", "required"},
		{"prod", "root volume", "8 GiB gp3, encrypted"},
		{"prod", "app port", "8080"},
		{"prod", "ASG size", "min 3, desired 3, max 9"},
		{"prod", "ASG health check", "ELB, grace 120s"},
		{"prod", "instance refresh", "Rolling, min healthy 90%"},
		{"prod", "scaling policy", "step"},
		{"prod", "scale out", "+1 when CPU > 70% · 2 of 2 × 60s, warm-up 120s"},
		{"prod", "scale in", "-1 when CPU < 30% · 5 of 5 × 60s, warm-up 120s"},
		{"prod", "EC2 auto-recovery", "off"},
		{"prod", "load balancer", "internet-facing, idle timeout 60s"},
		{"prod", "deletion protection", "on"},
		{"prod", "listeners", "HTTP :80 forward"},
		{"prod", "HTTPS", "off"},
		{"prod", "ingress CIDRs", "0.0.0.0/0"},
		{"prod", "target health check", "HTTP /health every 15s, timeout 5s, healthy 2, unhealthy 3, matcher 200"},
		{"prod", "deregistration delay", "30s"},
		{"prod", "alarm alb-5xx", "HTTPCode_ELB_5XX_Count > 10 · 3 of 3 × 60s"},
		{"prod", "alarm latency-p95", "TargetResponseTime > 1s · 5 of 5 × 60s"},
		{"prod", "alarm subscriptions", "none"},
		{"prod", "backend", "local"},
		{"prod", "default tags", "managed-by=cdktf, project=webtier"},
		{"prod", "ALB access logs", "on, expire after 90 days"},
		{"prod", "WAF", "on, 3 AWS managed rule groups"},
		{"prod", "WAF rule groups", "AmazonIpReputationList, CommonRuleSet, KnownBadInputsRuleSet"},
		{"prod", "KMS key", "rotation on, deletion window 30 days"},
		{"prod", "KMS key encrypts", "compute/app-logs, compute/system-logs, network/flow-log-group, observability/alarm-topic"},
		{"dev", "ALB access logs", "on, expire after 90 days"},
		{"dev", "KMS key", "rotation on, deletion window 30 days"},
	}
	for _, tt := range tests {
		t.Run(tt.env+"/"+tt.name, func(t *testing.T) {
			got, ok := settingsMap(Settings(goldenStack(t, tt.env)))[tt.name]
			if tt.want == "" && ok {
				t.Errorf("got %q, want no such setting", got)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSettingsSynthetic(t *testing.T) {
	tests := []struct {
		name string
		rs   []res
		raw  func(s map[string]any)
		want map[string]string
		// absent are settings that must not be listed.
		absent []string
	}{
		{
			name: "HTTPS listener",
			rs: []res{{"aws_lb_listener", "https", "alb/https", map[string]any{
				"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06",
				"default_action": []any{map[string]any{"type": "forward"}},
			}}},
			want: map[string]string{"HTTPS": "on, ELBSecurityPolicy-TLS13-1-3-2021-06", "listeners": "HTTPS :443 forward"},
		},
		{
			name: "target tracking",
			rs: []res{{"aws_autoscaling_policy", "tt", "scaling/tt", map[string]any{
				"policy_type": "TargetTrackingScaling", "target_tracking_configuration": map[string]any{"target_value": 50},
			}}},
			want: map[string]string{"scaling policy": "target tracking", "target CPU": "50%"},
		},
		{
			name: "nothing: settings say off or none",
			want: map[string]string{
				"compute mode": "none", "NAT gateways": "0", "VPC flow logs": "off", "VPC endpoints": "none",
				"HTTPS": "off", "scaling policy": "none", "backend": "local (default)", "alarm subscriptions": "none",
			},
		},
		{
			name: "instance with its own root volume, unencrypted, pinned AMI",
			rs: []res{{"aws_instance", "i", "compute/i", map[string]any{
				"instance_type": "m7g.large", "ami": "ami-0123",
				"root_block_device": map[string]any{"volume_size": 20, "volume_type": "gp3", "encrypted": false},
			}}},
			want: map[string]string{"compute mode": "ec2", "instance type": "m7g.large", "AMI": "ami-0123", "root volume": "20 GiB gp3, not encrypted"},
		},
		{
			name: "email subscription",
			rs:   []res{{"aws_sns_topic_subscription", "s", "obs/email", map[string]any{"protocol": "email"}}},
			want: map[string]string{"alarm subscriptions": "email"},
		},
		{
			name:   "load balancer without access logs or WAF; no KMS key",
			rs:     []res{{"aws_lb", "lb", "alb/lb", map[string]any{"access_logs": map[string]any{"enabled": false, "bucket": "b"}}}},
			want:   map[string]string{"ALB access logs": "off", "WAF": "off", "KMS key": "none"},
			absent: []string{"WAF rule groups", "KMS key encrypts"},
		},
		{
			name: "access logs without expiry, a WAF of other vendors' groups, two keys",
			rs: []res{
				{"aws_lb", "lb", "alb/lb", map[string]any{"access_logs": map[string]any{"enabled": true, "bucket": ref("aws_s3_bucket.b", "id")}}},
				{"aws_s3_bucket", "b", "alb/b", nil},
				{"aws_wafv2_web_acl", "w", "alb/waf", map[string]any{"rule": []any{
					map[string]any{"statement": map[string]any{"managed_rule_group_statement": map[string]any{"name": "Bots", "vendor_name": "Acme"}}},
					map[string]any{"statement": map[string]any{"managed_rule_group_statement": map[string]any{"name": "AWSManagedRulesSQLiRuleSet", "vendor_name": "AWS"}}},
				}}},
				{"aws_wafv2_web_acl_association", "a", "alb/waf-association", map[string]any{
					"web_acl_arn": ref("aws_wafv2_web_acl.w", "arn"), "resource_arn": ref("aws_lb.lb", "arn")}},
				{"aws_kms_key", "k1", "enc/k1", map[string]any{"enable_key_rotation": true}},
				{"aws_kms_key", "k2", "enc/k2", map[string]any{"deletion_window_in_days": 7}},
				{"aws_kms_alias", "a1", "enc/a1", map[string]any{"target_key_id": ref("aws_kms_key.k1", "key_id")}},
				{"aws_iam_role_policy", "p", "app/p", map[string]any{"policy": ref("aws_kms_key.k1", "arn")}},
				{"aws_s3_bucket_server_side_encryption_configuration", "sse", "alb/sse", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
					"rule": []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key.k1", "arn")}}}}},
			},
			want: map[string]string{
				"ALB access logs": "on", "WAF": "on, 1 AWS managed rule group · 1 Acme managed rule group",
				"WAF rule groups": "Acme/Bots, SQLiRuleSet",
				"KMS key 1":       "rotation on", "KMS key 1 encrypts": "alb/sse",
				"KMS key 2": "rotation off, deletion window 7 days", "KMS key 2 encrypts": "none",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := settingsMap(Settings(mkStack(t, "x", tt.rs...)))
			for k, want := range tt.want {
				if got[k] != want {
					t.Errorf("%s: got %q, want %q", k, got[k], want)
				}
			}
			for _, k := range tt.absent {
				if v, ok := got[k]; ok {
					t.Errorf("%s: got %q, want no such setting", k, v)
				}
			}
		})
	}
}

func TestSettingsS3Backend(t *testing.T) {
	s := mkStack(t, "x")
	s.Backend.Type = "s3"
	s.Backend.Config = map[string]any{"bucket": "state", "key": "web/x.tfstate", "encrypt": true, "use_lockfile": true}
	if got, want := settingsMap(Settings(s))["backend"], "s3 state/web/x.tfstate, encrypted, lock file"; got != want {
		t.Errorf("backend: got %q, want %q", got, want)
	}
}

func TestComputeModeFromOutput(t *testing.T) {
	s := mkStack(t, "x", res{"aws_instance", "i", "compute/i", nil})
	if got := ComputeMode(s); got != "ec2" {
		t.Errorf("without output: got %q, want ec2", got)
	}
	s.Outputs["compute_mode"] = outputOf("asg")
	if got := ComputeMode(s); got != "asg" {
		t.Errorf("with output asg: got %q, want asg", got)
	}
}
