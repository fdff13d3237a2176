package config

import "slices"

// validateLogs checks observability.logs and the rules it spans: the
// memory policy reads the agent's metric, and the agent is a package the
// instances install from Amazon Linux 2023's repositories (in S3).
func validateLogs(e *Environment, bad badFunc) {
	l := e.Observability.Logs
	if !slices.Contains(LogRetentionDays, l.RetentionDays) {
		bad("observability.logs.retention_days", "%d is not a retention CloudWatch Logs accepts; allowed: %s", l.RetentionDays, join(LogRetentionDays))
	}
	if !(l.MemoryAlarmPercent >= 1 && l.MemoryAlarmPercent <= 100) {
		bad("observability.logs.memory_alarm_percent", "%g is not allowed; want a memory percentage from 1 to 100", l.MemoryAlarmPercent)
	}
	if e.Scaling.Policy == PolicyMemory && e.ComputeMode == ComputeASG {
		switch {
		case !l.Enabled:
			bad("scaling.policy", "is memory but observability.logs.enabled is false: the memory metric (CWAgent mem_used_percent) comes from the CloudWatch agent, which runs only with logs enabled; set observability.logs.enabled: true, or choose another policy")
		case e.Compute.UserDataFile != "" || e.Compute.UserData != "":
			bad("scaling.policy", "is memory but compute.user_data_file replaces the stack's user data, which is what installs the CloudWatch agent: nothing would publish the memory metric; remove user_data_file (use compute.app), or choose another policy")
		}
	}
	if l.Enabled && e.Network.NATMode == NATNone && !e.Network.S3GatewayEndpoint {
		bad("network.s3_gateway_endpoint", "is false with nat_mode none and observability.logs.enabled true: the instances install the CloudWatch agent from Amazon Linux 2023's repositories, which are in S3 and reachable without NAT only through the S3 gateway endpoint; set s3_gateway_endpoint: true, or observability.logs.enabled: false")
	}
}
