package compute

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestLaunchHookStatement: the instance role may complete lifecycle
// actions of its own group only: one action, on the group's ARN in the
// stack's region and account (the group ID, unknown before it exists, is
// the wildcard AWS's ARN format has for it), nothing else.
func TestLaunchHookStatement(t *testing.T) {
	cases := []struct {
		region, account, group string
		want                   string
	}{
		{"us-east-1", "123456789012", "webtier-prod-asg", "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/webtier-prod-asg"},
		{"eu-west-1", "${data.aws_caller_identity.x.account_id}", "shop-stage-asg", "arn:aws:autoscaling:eu-west-1:${data.aws_caller_identity.x.account_id}:autoScalingGroup:*:autoScalingGroupName/shop-stage-asg"},
	}
	for _, c := range cases {
		doc := instancePolicy(nil, nil, hookStatement(c.region, c.account, c.group))
		sts := statementsOf(t, doc)
		if len(sts) != 3 {
			t.Fatalf("%s: got %d statements, want Session Manager, agent messages and the hook's:\n%s", c.group, len(sts), doc)
		}
		got := sts[2]
		want := statement{"CompleteOwnLaunchHook", "Allow", []string{"autoscaling:CompleteLifecycleAction"}, []string{c.want}}
		if got.Sid != want.Sid || got.Effect != want.Effect || !slices.Equal(got.Action, want.Action) || !slices.Equal(got.Resource, want.Resource) {
			t.Errorf("%s: got %+v, want %+v", c.group, got, want)
		}
	}
}

// TestReadySectionIsData: with a launch hook, the demo app's and the
// container's user data write the same fixed readiness script whatever the
// settings, and every setting reaches the readiness unit only as one
// Environment= assignment (the shell sees no value; bash parses the
// script, go-systemd the units). Without a hook the user data is as before.
func TestReadySectionIsData(t *testing.T) {
	benign, err := demoUserData(8080, "/health", &LaunchHook{Name: "webtier-prod-launch", GroupName: "webtier-prod-asg", Timeout: 600})
	if err != nil {
		t.Fatal(err)
	}
	benignShape, err := parseScript(benign)
	if err != nil {
		t.Fatalf("benign: %v", err)
	}
	cases := []struct {
		name, path string
		hook       LaunchHook
	}{
		{"benign", "/health", LaunchHook{Name: "webtier-prod-launch", GroupName: "webtier-prod-asg", Timeout: 600}},
		{"hostile names", "/h,=@+:", LaunchHook{Name: "x\"; aws iam create-user --user-name y; #", GroupName: "$(reboot)\nUNIT\nSCRIPT\n", Timeout: 30}},
		{"percent and backslash", "/a%20b", LaunchHook{Name: `a\b%n`, GroupName: "'quoted'", Timeout: 7200}},
	}
	for _, c := range cases {
		for _, kind := range []string{"demo", "container"} {
			var ud string
			var err error
			if kind == "demo" {
				ud, err = demoUserData(9090, c.path, &c.hook)
			} else {
				ud, err = containerUserData("nginx:stable", 80, 9090, c.path, &c.hook)
			}
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, kind, err)
			}
			s, err := parseScript(ud)
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, kind, err)
			}
			if kind == "demo" && s.shape != benignShape.shape {
				t.Errorf("%s: the script's commands changed:\n%s\nwant:\n%s", c.name, s.shape, benignShape.shape)
			}
			n := len(s.heredocs)
			if n < 3 || s.heredocs[n-2] != readyScript {
				t.Fatalf("%s %s: the readiness script is not the fixed one (heredocs %d)", c.name, kind, n)
			}
			u, err := parseUnit(s.heredocs[n-1])
			if err != nil {
				t.Fatalf("%s %s: %v", c.name, kind, err)
			}
			want := [][2]string{{"APP_PORT", "9090"}, {"HEALTH_PATH", c.path}, {"GROUP_NAME", c.hook.GroupName}, {"HOOK_NAME", c.hook.Name}, {"HOOK_TIMEOUT", strconv.Itoa(c.hook.Timeout)}}
			if !slices.Equal(u.env, want) {
				t.Errorf("%s %s: the readiness unit's environment is %q, want %q", c.name, kind, u.env, want)
			}
			for _, line := range []string{"systemctl enable webapp-ready.service", "systemctl start --no-block webapp-ready.service"} {
				if !strings.Contains(ud, "\n"+line+"\n") {
					t.Errorf("%s %s: no line %q", c.name, kind, line)
				}
			}
		}
	}
	plain, err := UserData(8080, "/health")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain, "webapp-ready") || strings.Contains(plain, "complete-lifecycle-action") {
		t.Errorf("user data without a hook mentions the readiness unit:\n%s", plain)
	}
}
