package tests

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/simulate"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// agentLogGroup returns the CloudWatch agent's log group of s at
// <env>/compute/<id> (app-logs, system-logs).
func agentLogGroup(t *testing.T, s *stackjson.Stack, env, id string) stackjson.Resource {
	t.Helper()
	for _, lg := range s.OfType("aws_cloudwatch_log_group") {
		if lg.Path == env+"/compute/"+id {
			return lg
		}
	}
	t.Fatalf("%s: no log group at %s/compute/%s", env, env, id)
	return stackjson.Resource{}
}

// agentStatements are the instance policy's statements for the agent of s
// (what compute.InstancePolicyWithAgent writes, less the condition).
func agentStatements(t *testing.T, s *stackjson.Stack, env string) []policyStatement {
	app, sys := ref(agentLogGroup(t, s, env, "app-logs"), "arn"), ref(agentLogGroup(t, s, env, "system-logs"), "arn")
	return []policyStatement{
		{"CloudWatchAgentLogs", "Allow", []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}, []string{app, app + ":*", sys, sys + ":*"}},
		{"CloudWatchAgentMetrics", "Allow", []string{"cloudwatch:PutMetricData"}, []string{"*"}},
	}
}

// TestAgentLogsAndMetrics: with observability.logs (on by default) every
// environment has the two log groups (retention, the environment's key),
// the agent in the user data with its configuration as JSON, the agent's
// statements (PutMetricData only to CWAgent), the memory alarm on the
// instances' dimension, the error filter on the app's group and the
// dashboard's memory, disk, errors and log widgets.
func TestAgentLogsAndMetrics(t *testing.T) {
	r := fixtureSynth(t)
	for _, c := range []struct {
		env, dim  string
		retention float64
	}{{"dev", "InstanceId", 30}, {"stage", "AutoScalingGroupName", 30}, {"prod", "AutoScalingGroupName", 30}} {
		t.Run(c.env, func(t *testing.T) {
			s := r.stacks[c.env]
			key := mustOne(t, s, "aws_kms_key")
			for id, name := range map[string]string{"app-logs": "/webtier-" + c.env + "/app", "system-logs": "/webtier-" + c.env + "/system"} {
				lg := agentLogGroup(t, s, c.env, id)
				if got, _ := lg.String("name"); got != name {
					t.Errorf("%s name = %q, want %q", lg.Where(), got, name)
				}
				if got, _ := lg.Number("retention_in_days"); got != c.retention {
					t.Errorf("%s retention_in_days = %v, want %v", lg.Where(), got, c.retention)
				}
				if !stackjson.RefTo(lg.Attrs["kms_key_id"], key.Address()) {
					t.Errorf("%s kms_key_id = %v, want the environment's key %s", lg.Where(), lg.Attrs["kms_key_id"], key.Address())
				}
			}
			// The policy: the agent's statements after Session Manager's.
			got := instancePolicy(t, s)
			if len(got) != 4 {
				t.Fatalf("instance policy has %d statements, want 4:\n%s", len(got), show(got))
			}
			if want := agentStatements(t, s, c.env); show(got[2:]) != show(want) {
				t.Errorf("agent statements:\n%s\nwant:\n%s", show(got[2:]), show(want))
			}
			var doc struct {
				Statement []struct {
					Sid       string
					Condition map[string]map[string]string
				}
			}
			for _, p := range s.OfType("aws_iam_role_policy") {
				if p.Path == c.env+"/compute/policy" {
					txt, _ := p.String("policy")
					if err := json.Unmarshal([]byte(txt), &doc); err != nil {
						t.Fatal(err)
					}
				}
			}
			if n := len(doc.Statement); n != 4 || doc.Statement[3].Condition["StringEquals"]["cloudwatch:namespace"] != "CWAgent" {
				t.Errorf("PutMetricData is not limited to the CWAgent namespace: %+v", doc.Statement)
			}
			// The user data runs the agent with its configuration.
			enc, _ := mustOne(t, s, "aws_launch_template").String("user_data")
			ud, err := base64.StdEncoding.DecodeString(enc)
			if err != nil {
				t.Fatal(err)
			}
			_, rest, ok := strings.Cut(string(ud), "<<'AGENTCONFIG'\n")
			cfg, _, ok2 := strings.Cut(rest, "\nAGENTCONFIG\n")
			var agent struct {
				Metrics struct {
					Namespace        string
					AppendDimensions map[string]string `json:"append_dimensions"`
					MetricsCollected struct {
						Mem struct {
							AppendDimensions map[string]string `json:"append_dimensions"`
						}
					} `json:"metrics_collected"`
				}
				Logs struct {
					LogsCollected struct {
						Files struct {
							CollectList []struct {
								LogGroupName string `json:"log_group_name"`
							} `json:"collect_list"`
						}
					} `json:"logs_collected"`
				}
			}
			if !ok || !ok2 || json.Unmarshal([]byte(cfg), &agent) != nil {
				t.Fatalf("user data writes no JSON agent configuration:\n%s", ud)
			}
			dims := agent.Metrics.MetricsCollected.Mem.AppendDimensions
			if c.dim == "InstanceId" {
				dims = agent.Metrics.AppendDimensions
			}
			if want := map[string]string{"AutoScalingGroupName": "webtier-" + c.env + "-asg", "InstanceId": "${aws:InstanceId}"}[c.dim]; agent.Metrics.Namespace != "CWAgent" || dims[c.dim] != want {
				t.Errorf("agent metrics: namespace %q, dimensions %v; want CWAgent and %s=%s", agent.Metrics.Namespace, dims, c.dim, want)
			}
			groups := agent.Logs.LogsCollected.Files.CollectList
			if len(groups) != 2 || groups[0].LogGroupName != "/webtier-"+c.env+"/app" || groups[1].LogGroupName != "/webtier-"+c.env+"/system" {
				t.Errorf("agent ships to %+v, want the app and system groups", groups)
			}
			if !strings.Contains(string(ud), "amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:") {
				t.Errorf("user data does not start the agent")
			}
			// The memory alarm and the error filter.
			var memory stackjson.Resource
			for _, a := range s.OfType("aws_cloudwatch_metric_alarm") {
				if a.Path == c.env+"/observability/memory" {
					memory = a
				}
			}
			ns, _ := memory.String("namespace")
			metric, _ := memory.String("metric_name")
			th, _ := memory.Number("threshold")
			if ns != "CWAgent" || metric != "mem_used_percent" || th != 90 || memory.Attrs["dimensions"].(map[string]any)[c.dim] == nil {
				t.Errorf("memory alarm = %s, want CWAgent mem_used_percent > 90 on %s", show(memory.Attrs), c.dim)
			}
			filter := mustOne(t, s, "aws_cloudwatch_log_metric_filter")
			if !stackjson.RefTo(filter.Attrs["log_group_name"], agentLogGroup(t, s, c.env, "app-logs").Address()) {
				t.Errorf("error filter on %v, want the app's log group", filter.Attrs["log_group_name"])
			}
			// The dashboard.
			body, _ := mustOne(t, s, "aws_cloudwatch_dashboard").String("dashboard_body")
			for _, w := range []string{`"Memory used (CloudWatch agent)"`, `"Disk used, / (CloudWatch agent)"`, `"App error lines"`, `"type":"log"`, `SOURCE '${aws_cloudwatch_log_group.`} {
				if !strings.Contains(body, w) {
					t.Errorf("dashboard lacks %s", w)
				}
			}
		})
	}
}

// TestLogsOff: with observability.logs.enabled false nothing of the agent
// is made: no log groups but the flow logs', no agent in the user data or
// the policy, no memory alarm, filter, widgets or monitoring endpoint.
func TestLogsOff(t *testing.T) {
	r := fixtureVariant(t, testfixture.Set("environments.stage.observability", map[string]any{"logs": map[string]any{"enabled": false}}),
		testfixture.Set("environments.stage.network.interface_endpoints", true))
	s := r.stacks["stage"]
	if n := len(s.OfType("aws_cloudwatch_log_group")); n != 1 {
		t.Errorf("%d log groups, want the flow logs' only", n)
	}
	if got := sids(instancePolicy(t, s)); strings.Join(got, ",") != "SessionManager,AgentMessages" {
		t.Errorf("instance policy statements %v, want Session Manager's only", got)
	}
	enc, _ := mustOne(t, s, "aws_launch_template").String("user_data")
	if ud, _ := base64.StdEncoding.DecodeString(enc); strings.Contains(string(ud), "amazon-cloudwatch-agent") {
		t.Error("user data installs the agent")
	}
	for _, typ := range []string{"aws_cloudwatch_log_metric_filter"} {
		if n := len(s.OfType(typ)); n != 0 {
			t.Errorf("%d %s, want none", n, typ)
		}
	}
	for _, a := range s.OfType("aws_cloudwatch_metric_alarm") {
		if strings.HasSuffix(a.Path, "/memory") {
			t.Errorf("memory alarm %s made", a.Where())
		}
	}
	for _, ep := range s.OfType("aws_vpc_endpoint") {
		if svc, _ := ep.String("service_name"); strings.HasSuffix(svc, ".monitoring") {
			t.Errorf("monitoring endpoint %s made without the agent", ep.Where())
		}
	}
	if body, _ := mustOne(t, s, "aws_cloudwatch_dashboard").String("dashboard_body"); strings.Contains(body, "CWAgent") || strings.Contains(body, `"type":"log"`) {
		t.Error("dashboard shows the agent's metrics or logs")
	}
}

// TestMemoryPolicy: scaling.policy memory is one target-tracking policy on
// the group's CWAgent mem_used_percent, with no CPU alarm pair, and the
// simulator reads it as a memory load.
func TestMemoryPolicy(t *testing.T) {
	r := fixtureVariant(t, testfixture.Set("environments.stage.scaling.policy", "memory"), testfixture.Set("environments.stage.scaling.target_memory", 60))
	s := r.stacks["stage"]
	p := mustOne(t, s, "aws_autoscaling_policy")
	asg := mustOne(t, s, "aws_autoscaling_group")
	spec, _ := p.Get("target_tracking_configuration", "customized_metric_specification")
	m, _ := spec.(map[string]any)
	tv, _ := p.Number("target_tracking_configuration", "target_value")
	dims, _ := m["metric_dimension"].([]any)
	if tv != 60 || m["namespace"] != "CWAgent" || m["metric_name"] != "mem_used_percent" || m["statistic"] != "Average" || len(dims) != 1 ||
		!stackjson.RefTo(dims[0].(map[string]any)["value"], asg.Address()) {
		t.Errorf("memory policy = %s, want target 60 on CWAgent mem_used_percent Average of %s", show(p.Attrs), asg.Address())
	}
	for _, a := range s.OfType("aws_cloudwatch_metric_alarm") {
		if strings.Contains(a.Path, "/scaling/") {
			t.Errorf("alarm %s made next to the memory policy", a.Where())
		}
	}
	model, err := simulate.FromStack(s)
	if err != nil {
		t.Fatal(err)
	}
	if model.Metric != simulate.MetricMemory {
		t.Errorf("simulated metric %q, want %q", model.Metric, simulate.MetricMemory)
	}
}

// TestCostCountsTheAgentsMetrics: the cost model prices as many metric
// series per group or instance as the agent's configuration publishes.
func TestCostCountsTheAgentsMetrics(t *testing.T) {
	if got, want := cost.AgentMetrics, len(compute.AgentMetrics); got != want {
		t.Errorf("cost.AgentMetrics = %d, the agent publishes %d metrics (compute.AgentMetrics %v)", got, want, compute.AgentMetrics)
	}
}
