package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/cost"
)

// TestComputeLifecycleAccepted: the edges of the compute rollout, capacity
// and lifecycle settings load, with the values (and the defaults inside a
// block the file only starts) they should have.
func TestComputeLifecycleAccepted(t *testing.T) {
	ip := func(v int) *int { return &v }
	cases := []acceptedCase{
		{"max healthy 200 with min healthy 100", []string{"compute.instance_refresh.max_healthy_percentage", "200", "compute.min_healthy_percentage", "100"}, "compute.instance_refresh.max_healthy_percentage", 200},
		{"max healthy 100 with min healthy 0", []string{"compute.min_healthy_percentage", "0"}, "compute.instance_refresh.max_healthy_percentage", 100},
		{"checkpoints 1 and 100", []string{"compute.instance_refresh.checkpoints", "[1, 100]"}, "compute.instance_refresh.checkpoints", []int{1, 100}},
		{"checkpoint delay 0", []string{"compute.instance_refresh.checkpoints", "[50]", "compute.instance_refresh.checkpoint_delay", "0"}, "compute.instance_refresh.checkpoint_delay", ip(0)},
		{"checkpoint delay 2 days", []string{"compute.instance_refresh.checkpoints", "[50]", "compute.instance_refresh.checkpoint_delay", "172800"}, "compute.instance_refresh.checkpoint_delay", ip(172800)},
		{"refresh warmup 0", []string{"compute.instance_refresh.instance_warmup", "0"}, "compute.instance_refresh.instance_warmup", ip(0)},
		{"default instance warmup 0", []string{"compute.default_instance_warmup", "0"}, "compute.default_instance_warmup", ip(0)},
		{"refresh switches off", []string{"compute.instance_refresh", "{auto_rollback: false, skip_matching: false, gate_on_alarms: false}"}, "compute.instance_refresh",
			config.InstanceRefresh{MaxHealthyPercentage: 100}},
		{"notifications off", []string{"compute.notifications", "false"}, "compute.notifications", false},
		{"every termination policy, Default last", []string{"compute.termination_policies", "[AllocationStrategy, OldestLaunchTemplate, ClosestToNextInstanceHour, NewestInstance, OldestInstance, Default]"},
			"compute.termination_policies", []string{"AllocationStrategy", "OldestLaunchTemplate", "ClosestToNextInstanceHour", "NewestInstance", "OldestInstance", "Default"}},
		{"max instance lifetime 1 day", []string{"compute.max_instance_lifetime", "86400"}, "compute.max_instance_lifetime", 86400},
		{"max instance lifetime 365 days", []string{"compute.max_instance_lifetime", "31536000"}, "compute.max_instance_lifetime", 31536000},
		{"drain equal to the deregistration delay", []string{"compute.drain_seconds", "30"}, "compute.drain_seconds", 30},
		{"drain 7200", []string{"compute.drain_seconds", "7200", "alb.deregistration_delay", "3600"}, "compute.drain_seconds", 7200},
		{"drain 30 with deregistration delay 0", []string{"compute.drain_seconds", "30", "alb.deregistration_delay", "0"}, "compute.drain_seconds", 30},
		{"spot defaults", []string{"compute.spot", "{instance_types: [t3.small, t3a.small]}"}, "compute.spot",
			&config.Spot{InstanceTypes: []string{"t3.small", "t3a.small"}, AllocationStrategy: config.SpotPriceCapacityOptimized}},
		{"spot all on-demand, base max size", []string{"compute.spot", "{instance_types: [t3.small], on_demand_base_capacity: 6, on_demand_percentage_above_base: 100, allocation_strategy: lowest-price}"}, "compute.spot",
			&config.Spot{OnDemandBaseCapacity: 6, OnDemandPercentageAboveBase: 100, InstanceTypes: []string{"t3.small"}, AllocationStrategy: config.SpotLowestPrice}},
		{"app", []string{"compute.app", "{image: nginx:stable, port: 80}"}, "compute.app", &config.App{Image: "nginx:stable", Port: 80}},
		{"app from a registry with a digest", []string{"compute.app", "{image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + ", port: 65535}"}, "compute.app.port", 65535},
	}
	checkAccepted(t, cases)
}

// TestSpotDefaultsFromDefaultsBlock: a spot block in defaults gets the
// built-in allocation strategy, and an environment's own spot keys merge
// over it without reaching another environment.
func TestSpotDefaultsFromDefaultsBlock(t *testing.T) {
	f := mustParse(t, `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  compute:
    spot: {instance_types: [t3.small, t3a.small]}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
    compute:
      spot: {on_demand_base_capacity: 1}
  two:
    network: {cidr: 10.2.0.0/16}
`)
	want := map[string]*config.Spot{
		"one": {OnDemandBaseCapacity: 1, InstanceTypes: []string{"t3.small", "t3a.small"}, AllocationStrategy: config.SpotPriceCapacityOptimized},
		"two": {InstanceTypes: []string{"t3.small", "t3a.small"}, AllocationStrategy: config.SpotPriceCapacityOptimized},
	}
	for name, w := range want {
		if got := env(t, f, name).Compute.Spot; !reflect.DeepEqual(got, w) {
			t.Errorf("%s: compute.spot = %+v, want %+v", name, got, w)
		}
	}
}

// TestUserDataFile: the file is read relative to the environments file (not
// the working directory), its contents become Compute.UserData, and the
// 16 KB limit after base64 is exact.
func TestUserDataFile(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/bash\necho custom > /tmp/app\n"
	if err := os.MkdirAll(filepath.Join(dir, "boot"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "boot", "app.sh"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := config.Parse(filepath.Join(dir, "environments.yaml"), build(t, "", "compute.user_data_file", "boot/app.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Environments[0].Compute.UserData; got != script {
		t.Errorf("UserData = %q, want the file's contents %q", got, script)
	}
	// At the limit: 12288 bytes are 16384 in base64; one more byte is refused (TestValidationProblems).
	f, err = config.Parse("t.yaml", build(t, "", "compute.user_data_file", "testdata/userdata-12288.sh"))
	if err != nil {
		t.Fatalf("12288 bytes (16384 in base64) refused: %v", err)
	}
	if got := len(f.Environments[0].Compute.UserData); got != 12288 {
		t.Errorf("UserData is %d bytes, want 12288", got)
	}
	// Relative to the environments file: the same relative path from another directory is not found.
	if _, err := config.Parse(filepath.Join(dir, "environments.yaml"), build(t, "", "compute.user_data_file", "testdata/userdata.sh")); err == nil {
		t.Errorf("testdata/userdata.sh resolved against the working directory, want against %s", dir)
	}
}

// TestInstanceTypesOfTheSDK: compute.instance_type and the Spot list take
// every type of the AWS SDK for Go v2's EC2 enum (a sample of it: the first,
// the last and types newer than the price table), and every type the price
// table of internal/cost prices, so no priced type is refused.
func TestInstanceTypesOfTheSDK(t *testing.T) {
	values := ec2types.InstanceType("").Values()
	if len(values) < 500 {
		t.Fatalf("the SDK lists %d instance types; want the whole EC2 enum", len(values))
	}
	sample := []string{string(values[0]), string(values[len(values)-1]), "m7i.large", "c7g.medium", "t4g.nano", "u-12tb1.112xlarge"}
	for _, r := range cost.Regions() {
		sample = append(sample, cost.InstanceTypes(r)...)
	}
	for _, it := range sample {
		if !config.IsInstanceType(it) {
			t.Errorf("IsInstanceType(%q) = false, want true", it)
		}
		if _, ce := problemsOf(t, build(t, "", "compute.instance_type", it, "compute.spot", "{instance_types: ["+it+"]}")); ce != nil {
			t.Errorf("%s refused: %v", it, ce)
		}
	}
}
