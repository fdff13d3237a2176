package config

import "slices"

// Allow-lists that validation and the synth-time policy rules
// (internal/policy) both use, so that a value one of them accepts the other
// cannot refuse.

// ModernTLSPolicies are the ALB security policies an HTTPS listener may use:
// TLS 1.2 or newer with forward secrecy only. alb.ssl_policy is validated
// against this list and policy rule EWT-ALB-3 checks the synthesized
// listeners against it. The first one is the default.
var ModernTLSPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10",
}

// IsModernTLSPolicy reports whether name is one of ModernTLSPolicies.
func IsModernTLSPolicy(name string) bool { return slices.Contains(ModernTLSPolicies, name) }

// LogRetentionDays are the retention periods CloudWatch Logs accepts, in days
// (PutRetentionPolicy), for network.flow_log_retention_days.
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
