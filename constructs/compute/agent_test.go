package compute

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestAgentConfig: the rendered agent configuration is JSON with the
// agent, metrics and logs sections the stack relies on: memory and disk of
// / in CWAgent with the group's (or the instance's) dimension and no host
// dimension, the two files to the two log groups.
func TestAgentConfig(t *testing.T) {
	logs := map[string]any{"logs_collected": map[string]any{"files": map[string]any{"collect_list": []any{
		map[string]any{"file_path": AgentAppLogFile, "log_group_name": "/webtier-prod/app", "log_stream_name": "{instance_id}", "timezone": "UTC"},
		map[string]any{"file_path": AgentSystemLogFile, "log_group_name": "/webtier-prod/system", "log_stream_name": "{instance_id}", "timezone": "UTC"},
	}}}}
	agent := map[string]any{"metrics_collection_interval": float64(60), "omit_hostname": true}
	groupDims := map[string]any{"AutoScalingGroupName": "webtier-prod-asg"}
	cases := []struct {
		name string
		cfg  AgentConfig
		want map[string]any
	}{
		{"group", AgentConfig{AppLogGroup: "/webtier-prod/app", SystemLogGroup: "/webtier-prod/system", Dimension: "AutoScalingGroupName", GroupName: "webtier-prod-asg"},
			map[string]any{"agent": agent, "logs": logs, "metrics": map[string]any{"namespace": "CWAgent", "metrics_collected": map[string]any{
				"mem":  map[string]any{"measurement": []any{"mem_used_percent"}, "append_dimensions": groupDims},
				"disk": map[string]any{"measurement": []any{"used_percent"}, "resources": []any{"/"}, "drop_device": true, "append_dimensions": groupDims},
			}}}},
		{"instance", AgentConfig{AppLogGroup: "/webtier-prod/app", SystemLogGroup: "/webtier-prod/system", Dimension: "InstanceId"},
			map[string]any{"agent": agent, "logs": logs, "metrics": map[string]any{"namespace": "CWAgent",
				"append_dimensions": map[string]any{"InstanceId": "${aws:InstanceId}"},
				"metrics_collected": map[string]any{
					"mem":  map[string]any{"measurement": []any{"mem_used_percent"}},
					"disk": map[string]any{"measurement": []any{"used_percent"}, "resources": []any{"/"}, "drop_device": true},
				}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, err := agentJSON(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(doc), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, doc)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got\n%v\nwant\n%v", got, c.want)
			}
		})
	}
}

// TestAgentConfigRefused: a configuration the agent could not use is an error.
func TestAgentConfigRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  AgentConfig
		want string
	}{
		{"no app log group", AgentConfig{SystemLogGroup: "/a/system", Dimension: "InstanceId"}, "both log group names"},
		{"group without its name", AgentConfig{AppLogGroup: "/a/app", SystemLogGroup: "/a/system", Dimension: "AutoScalingGroupName"}, "group's name is required"},
		{"unknown dimension", AgentConfig{AppLogGroup: "/a/app", SystemLogGroup: "/a/system", Dimension: "host"}, `dimension "host"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := AgentScript(c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestAgentUserData: the demo app's and the container's boot scripts start
// the agent after the app, from the configuration written as data (a
// quoted heredoc holding exactly agentJSON), whatever the log group names
// hold; the units that copy the journal parse as systemd units; a
// user_data_file is left exactly as it is.
func TestAgentUserData(t *testing.T) {
	benign := AgentConfig{AppLogGroup: "/webtier-stage/app", SystemLogGroup: "/webtier-stage/system", Dimension: "AutoScalingGroupName", GroupName: "webtier-stage-asg"}
	hostile := AgentConfig{AppLogGroup: "/x'$(touch /tmp/pwned)`id`\n" + agentDelimiter + "\nrm -rf /", SystemLogGroup: "\"; reboot; #", Dimension: "AutoScalingGroupName", GroupName: "a\nUNIT\nb"}
	demo := config.DefaultCompute()
	app := config.DefaultCompute()
	app.App = &config.App{Image: "nginx:stable", Port: 80}
	for _, c := range []struct {
		name string
		cfg  config.Compute
	}{{"demo app", demo}, {"container", app}} {
		t.Run(c.name, func(t *testing.T) {
			plain, err := userData(c.cfg, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var shape string
			for i, ac := range []AgentConfig{benign, hostile} {
				ud, err := userData(c.cfg, &ac, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(ud, plain) {
					t.Fatalf("the agent's part does not follow the app's script unchanged:\n%s", ud)
				}
				s, err := parseScript(ud)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					shape = s.shape
				} else if s.shape != shape {
					t.Errorf("hostile log group names change the script's commands:\n%s\nwant\n%s", s.shape, shape)
				}
				want, _ := agentJSON(ac)
				found := false
				for _, h := range s.heredocs {
					if h == want+"\n" {
						found = true
						var v map[string]any
						if err := json.Unmarshal([]byte(h), &v); err != nil {
							t.Errorf("the configuration the shell writes is not JSON: %v", err)
						}
					}
				}
				if !found {
					t.Errorf("no heredoc writes the configuration %s exactly; heredocs %q", want, s.heredocs)
				}
				start := strings.Index(s.shape, "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:"+AgentConfigFile)
				app := strings.Index(s.shape, "systemctl enable --now webapp.service")
				if start < 0 || app < 0 || start < app {
					t.Errorf("the agent must start (at %d) after the app (at %d):\n%s", start, app, s.shape)
				}
				for _, w := range []string{"dnf install -y amazon-cloudwatch-agent logrotate", "systemctl enable --now webapp-journal-app.service webapp-journal-system.service logrotate.timer"} {
					if !strings.Contains(s.shape, w) {
						t.Errorf("script lacks %q:\n%s", w, s.shape)
					}
				}
			}
		})
	}
	t.Run("journal units", func(t *testing.T) {
		ud, err := userData(demo, &benign, nil)
		if err != nil {
			t.Fatal(err)
		}
		s, err := parseScript(ud)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{
			"app":    "[Service] ExecStart=/usr/bin/journalctl --follow --lines=all --output=short-iso --unit=webapp.service --cursor-file=/var/lib/webapp-logs/app.cursor",
			"system": "[Service] ExecStart=/usr/bin/journalctl --follow --lines=all --output=short-iso --cursor-file=/var/lib/webapp-logs/system.cursor",
		}
		for name, exec := range want {
			found := false
			for _, h := range s.heredocs {
				u, err := parseUnit(h)
				if err != nil || !strings.Contains(h, "Copy the") {
					continue
				}
				for _, d := range u.directives {
					if d == exec {
						found = true
						file := map[string]string{"app": AgentAppLogFile, "system": AgentSystemLogFile}[name]
						if !containsStr(u.directives, "[Service] StandardOutput=append:"+file) {
							t.Errorf("%s unit does not append to %s: %q", name, file, u.directives)
						}
					}
				}
			}
			if !found {
				t.Errorf("no unit runs %q", exec)
			}
		}
	})
	t.Run("user data file", func(t *testing.T) {
		f := config.DefaultCompute()
		f.UserData = "#!/bin/bash\necho mine\n"
		ud, err := userData(f, &benign, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ud != f.UserData {
			t.Errorf("got %q, want the file's contents exactly %q", ud, f.UserData)
		}
	})
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInstancePolicyWithAgent: the agent may make streams and put events
// in its two log groups only, and publish metrics to CWAgent only; nothing
// else is added (no log group creation, no ec2:DescribeTags, no SSM read).
func TestInstancePolicyWithAgent(t *testing.T) {
	doc := InstancePolicyWithAgent(nil, []string{"arn:aws:logs:us-east-1:123456789012:log-group:/w-p/app", "arn:aws:logs:us-east-1:123456789012:log-group:/w-p/system"})
	var d struct {
		Statement []struct {
			Sid       string
			Action    []string
			Resource  []string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Statement) != 4 {
		t.Fatalf("got %d statements, want 4 (Session Manager, messages, logs, metrics):\n%s", len(d.Statement), doc)
	}
	logs, metrics := d.Statement[2], d.Statement[3]
	wantRes := []string{"arn:aws:logs:us-east-1:123456789012:log-group:/w-p/app", "arn:aws:logs:us-east-1:123456789012:log-group:/w-p/app:*",
		"arn:aws:logs:us-east-1:123456789012:log-group:/w-p/system", "arn:aws:logs:us-east-1:123456789012:log-group:/w-p/system:*"}
	if logs.Sid != "CloudWatchAgentLogs" || !reflect.DeepEqual(logs.Action, []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}) || !reflect.DeepEqual(logs.Resource, wantRes) {
		t.Errorf("logs statement = %+v, want CloudWatchAgentLogs with the three actions on %v", logs, wantRes)
	}
	wantCond := map[string]map[string]string{"StringEquals": {"cloudwatch:namespace": "CWAgent"}}
	if metrics.Sid != "CloudWatchAgentMetrics" || !reflect.DeepEqual(metrics.Action, []string{"cloudwatch:PutMetricData"}) || !reflect.DeepEqual(metrics.Resource, []string{"*"}) || !reflect.DeepEqual(metrics.Condition, wantCond) {
		t.Errorf("metrics statement = %+v, want cloudwatch:PutMetricData on * with %v", metrics, wantCond)
	}
	if InstancePolicyWithAgent(nil, nil) != InstancePolicy(nil) {
		t.Error("without log groups the policy must be InstancePolicy's")
	}
}
