package tests

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/simulate"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestComputeLifecycle synthesizes the fixture testdata/lifecycle (every
// compute rollout, capacity and lifecycle setting away from its default) and
// checks that each setting reaches the JSON as written, and that the
// simulator reads the refresh preferences of a real synthesized group.
func TestComputeLifecycle(t *testing.T) {
	dir := filepath.Join(repoRoot, "__tests__", "testdata", "lifecycle")
	r := synthFile(t, filepath.Join(dir, "environments.yaml"))
	userData := func(t *testing.T, s *stackjson.Stack) string {
		t.Helper()
		enc, _ := mustOne(t, s, "aws_launch_template").String("user_data")
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			t.Fatalf("user_data is not base64: %v", err)
		}
		return string(b)
	}

	t.Run("fleet", func(t *testing.T) {
		s := r.stacks["fleet"]
		asg := mustOne(t, s, "aws_autoscaling_group")
		lt := mustOne(t, s, "aws_launch_template")
		checks := []struct {
			path []any
			want any
		}{
			{[]any{"instance_refresh", "preferences", "min_healthy_percentage"}, 100.0},
			{[]any{"instance_refresh", "preferences", "max_healthy_percentage"}, 200.0},
			{[]any{"instance_refresh", "preferences", "checkpoint_percentages"}, []any{34.0, 100.0}},
			{[]any{"instance_refresh", "preferences", "checkpoint_delay"}, 600.0},
			{[]any{"instance_refresh", "preferences", "instance_warmup"}, 60.0},
			{[]any{"lifecycle", "ignore_changes"}, []any{"desired_capacity", "mixed_instances_policy[0].launch_template[0].launch_template_specification[0].version"}},
			{[]any{"default_instance_warmup"}, 90.0},
			{[]any{"termination_policies"}, []any{"OldestLaunchTemplate", "OldestInstance", "Default"}},
			{[]any{"max_instance_lifetime"}, 604800.0},
			{[]any{"capacity_rebalance"}, true},
			{[]any{"mixed_instances_policy", "instances_distribution"}, map[string]any{
				"on_demand_base_capacity": 1.0, "on_demand_percentage_above_base_capacity": 25.0, "spot_allocation_strategy": "price-capacity-optimized"}},
			{[]any{"mixed_instances_policy", "launch_template", "override"}, []any{
				map[string]any{"instance_type": "t3.small"}, map[string]any{"instance_type": "t3a.small"}, map[string]any{"instance_type": "t3.medium"}}},
			{[]any{"mixed_instances_policy", "launch_template", "launch_template_specification"}, map[string]any{
				"launch_template_id": ref(lt, "id"), "version": ref(lt, "latest_version")}},
		}
		for _, c := range checks {
			if got, _ := asg.Get(c.path...); !reflect.DeepEqual(got, c.want) {
				t.Errorf("group %v = %s, want %s", c.path, show(got), show(c.want))
			}
		}
		if _, ok := asg.Get("launch_template"); ok {
			t.Errorf("group has launch_template next to mixed_instances_policy (AWS takes one of them)")
		}
		hook := mustOne(t, s, "aws_autoscaling_lifecycle_hook")
		for k, want := range map[string]any{"lifecycle_transition": "autoscaling:EC2_INSTANCE_TERMINATING", "heartbeat_timeout": 120.0, "default_result": "CONTINUE",
			"autoscaling_group_name": ref(asg, "name"), "name": "webtier-fleet-drain"} {
			if got := hook.Attrs[k]; got != want {
				t.Errorf("lifecycle hook %s = %#v, want %#v", k, got, want)
			}
		}
		ud := userData(t, s)
		for _, want := range []string{"dnf install -y docker", `Environment="IMAGE=nginx:stable"`, `Environment="APP_PORT=8080"`, `Environment="PORT=80"`,
			"docker pull ${IMAGE}", "docker run --rm --name webapp -p ${APP_PORT}:${PORT} ${IMAGE}"} {
			if !strings.Contains(ud, want) {
				t.Errorf("user data lacks %q:\n%s", want, ud)
			}
		}
		if strings.Contains(ud, "/opt/webapp/app.py") {
			t.Errorf("user data still installs the demo app next to the container")
		}
		// The simulator refuses a mixed instances policy, naming it.
		if _, err := simulate.FromStack(s); err == nil || !strings.Contains(err.Error(), "mixed_instances_policy is set") {
			t.Errorf("simulate.FromStack: err = %v, want the mixed instances policy named", err)
		}
	})

	t.Run("own", func(t *testing.T) {
		s := r.stacks["own"]
		want, err := os.ReadFile(filepath.Join(dir, "boot", "app.sh"))
		if err != nil {
			t.Fatal(err)
		}
		if got := userData(t, s); got != string(want) {
			t.Errorf("user data = %q, want boot/app.sh exactly %q", got, want)
		}
		asg := mustOne(t, s, "aws_autoscaling_group")
		if _, ok := asg.Get("instance_refresh", "preferences", "alarm_specification"); ok {
			t.Errorf("gate_on_alarms false, but the refresh names alarms")
		}
		for _, k := range []string{"auto_rollback", "skip_matching"} {
			if got, _ := asg.Get("instance_refresh", "preferences", k); got != false {
				t.Errorf("instance_refresh.preferences.%s = %#v, want false", k, got)
			}
		}
		for _, k := range []string{"default_instance_warmup", "termination_policies", "max_instance_lifetime", "mixed_instances_policy", "capacity_rebalance"} {
			if v, ok := asg.Get(k); ok {
				t.Errorf("group sets %s = %v; want it left out at its default", k, v)
			}
		}
		for _, typ := range []string{"aws_autoscaling_notification", "aws_autoscaling_lifecycle_hook"} {
			if n := len(s.OfType(typ)); n != 0 {
				t.Errorf("%d %s, want 0 (notifications false, drain_seconds 0)", n, typ)
			}
		}
		if p, _ := mustOne(t, s, "aws_kms_key").String("policy"); strings.Contains(p, "AutoScaling") {
			t.Errorf("notifications off, but the key policy names Auto Scaling")
		}
	})

	// compute.cpu_credits reaches the launch template of a burstable type:
	// unlimited where the fixture sets it, the default standard elsewhere.
	t.Run("cpu credits", func(t *testing.T) {
		for env, want := range map[string]string{"canary": "unlimited", "own": "standard", "fleet": "standard"} {
			lt := mustOne(t, r.stacks[env], "aws_launch_template")
			if got, _ := lt.Get("credit_specification"); !reflect.DeepEqual(got, map[string]any{"cpu_credits": want}) {
				t.Errorf("%s: launch template credit_specification = %s, want {cpu_credits: %s}", env, show(got), want)
			}
		}
	})

	t.Run("canary refresh in the simulator", func(t *testing.T) {
		m, err := simulate.FromStack(r.stacks["canary"])
		if err != nil {
			t.Fatal(err)
		}
		if g := m.Group; g.TerminationHook != 90 || g.DeregistrationDelay != 30 {
			t.Errorf("termination hook %d s, deregistration delay %d s; want 90 (drain_seconds) and 30", g.TerminationHook, g.DeregistrationDelay)
		}
		rf := m.Refresh
		if rf == nil {
			t.Fatal("the simulator read no instance_refresh")
		}
		got := []any{rf.MinHealthy, rf.MaxHealthy, rf.Warmup, rf.WarmupSource, rf.Checkpoints, rf.CheckpointDelay, rf.AutoRollback, rf.SkipMatching, len(rf.Alarms)}
		want := []any{100, 150, 180, "instance_warmup", []int{34, 67}, 900, true, true, 3}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("refresh as the simulator reads it: got %v, want %v", got, want)
		}
		for i, name := range []string{"webtier-canary-alb-5xx", "webtier-canary-unhealthy-hosts", "webtier-canary-latency-p95"} {
			if i < len(rf.Alarms) && rf.Alarms[i].Name != name {
				t.Errorf("gate alarm %d = %q, want %q", i, rf.Alarms[i].Name, name)
			}
		}
	})
}
