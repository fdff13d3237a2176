package config_test

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestLogsProblems: each case is a valid file with observability.logs (or a
// setting it spans) wrong; it wants exactly one problem, on field, with
// each of the want texts.
func TestLogsProblems(t *testing.T) {
	cases := []struct {
		name  string
		sets  []string
		field string
		want  []string
	}{
		{name: "retention not allowed", sets: []string{"observability.logs.retention_days", "10"},
			field: "observability.logs.retention_days", want: []string{"10 is not a retention CloudWatch Logs accepts", "7, 14, 30"}},
		{name: "retention zero", sets: []string{"observability.logs.retention_days", "0"},
			field: "observability.logs.retention_days", want: []string{"0 is not a retention"}},
		{name: "memory alarm above 100", sets: []string{"observability.logs.memory_alarm_percent", "101"},
			field: "observability.logs.memory_alarm_percent", want: []string{"101 is not allowed", "1 to 100"}},
		{name: "memory alarm zero", sets: []string{"observability.logs.memory_alarm_percent", "0"},
			field: "observability.logs.memory_alarm_percent", want: []string{"0 is not allowed"}},
		{name: "memory target 100", sets: []string{"scaling.target_memory", "100"},
			field: "scaling.target_memory", want: []string{"100 is not allowed", "above 0 and below 100"}},
		{name: "memory policy without the agent", sets: []string{"compute_mode", "asg", "scaling.policy", "memory", "observability.logs.enabled", "false"},
			field: "scaling.policy", want: []string{"is memory but observability.logs.enabled is false", "CWAgent mem_used_percent"}},
		{name: "agent without a way to its package", sets: []string{"network.nat_mode", "none", "network.interface_endpoints", "true", "network.s3_gateway_endpoint", "false"},
			field: "network.s3_gateway_endpoint", want: []string{"nat_mode none", "S3 gateway endpoint", "observability.logs.enabled: false"}},
		{name: "memory policy with max minutes to full", sets: []string{"compute_mode", "asg", "scaling.policy", "memory", "scaling.max_minutes_to_full", "10"},
			field: "scaling.max_minutes_to_full", want: []string{"scaling.policy is memory", "step policies only"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, "", c.sets...)
			_, ce := problemsOf(t, data)
			if ce == nil {
				t.Fatalf("accepted; want a problem on %q\n%s", c.field, data)
			}
			if len(ce.Problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(ce.Problems), ce)
			}
			p := ce.Problems[0]
			if p.Field != c.field {
				t.Errorf("got the problem on %q, want %q: %v", p.Field, c.field, p)
			}
			for _, w := range c.want {
				if !strings.Contains(p.String(), w) {
					t.Errorf("problem %q does not contain %q", p.String(), w)
				}
			}
		})
	}
}

// TestLogsAccepted: the settings the rules above allow load.
func TestLogsAccepted(t *testing.T) {
	cases := []struct {
		name string
		sets []string
	}{
		{name: "memory policy", sets: []string{"compute_mode", "asg", "scaling.policy", "memory", "scaling.target_memory", "60"}},
		{name: "memory policy in ec2 mode without the agent", sets: []string{"compute_mode", "ec2", "scaling.policy", "memory", "observability.logs.enabled", "false"}},
		{name: "logs off without a way to the repositories", sets: []string{"network.nat_mode", "none", "network.interface_endpoints", "true", "network.s3_gateway_endpoint", "false", "observability.logs.enabled", "false"}},
		{name: "longest retention", sets: []string{"observability.logs.retention_days", "3653", "observability.logs.memory_alarm_percent", "100"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, ce := problemsOf(t, build(t, "", c.sets...)); ce != nil {
				t.Fatalf("refused: %v", ce)
			}
		})
	}
}

// TestMemoryPolicyNeedsTheStacksUserData: the Go path refuses the memory
// policy next to user data of the caller's own, which runs no agent.
func TestMemoryPolicyNeedsTheStacksUserData(t *testing.T) {
	e := config.Builtin()
	e.Name, e.Region, e.AvailabilityZones = "dev", "us-east-1", []string{"us-east-1a", "us-east-1b"}
	e.Network.CIDR = "10.0.0.0/16"
	e.Scaling.Policy = config.PolicyMemory
	e.Compute.UserData = "#!/bin/bash\necho hi\n"
	e.ApplyDerivedDefaults("webtier")
	err := e.Validate("webtier")
	if err == nil {
		t.Fatal("accepted; want a problem on scaling.policy")
	}
	if want := "scaling.policy: is memory but compute.user_data_file replaces the stack's user data"; !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want it to contain %q", err, want)
	}
}
