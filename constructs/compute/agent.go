package compute

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/template"

	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
)

// The CloudWatch agent (observability.logs). Amazon Linux 2023 writes logs
// to the systemd journal only, and the agent reads files, not the journal:
// two fixed units copy the journal into files the agent ships, the app's
// unit (webapp.service) to AgentAppLogFile and the whole journal to
// AgentSystemLogFile; logrotate keeps each below 50 MB (copytruncate,
// which the agent follows). The agent's configuration is rendered in Go
// with encoding/json and written by a heredoc with a quoted delimiter, so
// no value of it is ever read by the shell.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html

// Where the agent's files are on the instances.
const (
	AgentAppLogFile    = "/var/log/webapp/app.log"
	AgentSystemLogFile = "/var/log/webapp/system.log"
	AgentConfigFile    = "/opt/aws/amazon-cloudwatch-agent/etc/webtier.json"
	// AgentNamespace is where the agent publishes its metrics, the only
	// namespace the instance role may publish to.
	AgentNamespace = "CWAgent"
	// AgentMemoryMetric and AgentDiskMetric are the metrics it publishes.
	AgentMemoryMetric = "mem_used_percent"
	AgentDiskMetric   = "disk_used_percent"
)

// AgentMetrics are the metrics the agent publishes, one series each per
// group (or per instance in compute_mode ec2): what the cost model prices.
var AgentMetrics = []string{AgentMemoryMetric, AgentDiskMetric}

// AgentConfig is what the agent's configuration says.
type AgentConfig struct {
	// AppLogGroup and SystemLogGroup are the log group names, e.g. /webtier-prod/app.
	AppLogGroup, SystemLogGroup string
	// Dimension is the dimension the metrics carry: AutoScalingGroupName
	// (with GroupName, known at synth) or InstanceId (read by the agent
	// from the instance metadata).
	Dimension string
	// GroupName is the Auto Scaling group's name (Dimension AutoScalingGroupName).
	GroupName string
}

// agentJSON renders the agent's configuration. The group's name is
// written as the metrics' own dimension (append_dimensions of mem and
// disk): known at synth, it needs no ec2:DescribeTags at run time. The
// host dimension is left out (omit_hostname), so an instance replaced does
// not start new metric series.
func agentJSON(c AgentConfig) (string, error) {
	if c.AppLogGroup == "" || c.SystemLogGroup == "" {
		return "", fmt.Errorf("agent: both log group names are required")
	}
	type obj = map[string]any
	mem := obj{"measurement": []string{AgentMemoryMetric}}
	disk := obj{"measurement": []string{"used_percent"}, "resources": []string{"/"}, "drop_device": true}
	metrics := obj{"namespace": AgentNamespace, "metrics_collected": obj{"mem": mem, "disk": disk}}
	switch c.Dimension {
	case "AutoScalingGroupName":
		if c.GroupName == "" {
			return "", fmt.Errorf("agent: the group's name is required with dimension AutoScalingGroupName")
		}
		dims := obj{"AutoScalingGroupName": c.GroupName}
		mem["append_dimensions"], disk["append_dimensions"] = dims, dims
	case "InstanceId":
		metrics["append_dimensions"] = obj{"InstanceId": "${aws:InstanceId}"}
	default:
		return "", fmt.Errorf("agent: dimension %q: want AutoScalingGroupName or InstanceId", c.Dimension)
	}
	file := func(path, group string) obj {
		return obj{"file_path": path, "log_group_name": group, "log_stream_name": "{instance_id}", "timezone": "UTC"}
	}
	doc := obj{
		"agent":   obj{"metrics_collection_interval": 60, "omit_hostname": true},
		"metrics": metrics,
		"logs": obj{"logs_collected": obj{"files": obj{"collect_list": []obj{
			file(AgentAppLogFile, c.AppLogGroup),
			file(AgentSystemLogFile, c.SystemLogGroup),
		}}}},
	}
	b, err := json.Marshal(doc)
	return string(b), err
}

// agentDelimiter ends the heredoc that writes the agent's configuration;
// the configuration is one line of JSON, which never equals it.
const agentDelimiter = "AGENTCONFIG"

// agentTemplate installs the agent and logrotate, writes the journal
// copies' units, their rotation and the agent's configuration, and starts
// them. It runs after the app has started: without a way to the package
// repositories the app still serves.
var agentTemplate = template.Must(template.New("agent").Parse(`# The CloudWatch agent: the app's journal and the system journal as files it ships, memory and disk metrics.
dnf install -y amazon-cloudwatch-agent logrotate
cat > /etc/systemd/system/webapp-journal-app.service <<'UNIT'
[Unit]
Description=Copy the app's journal to ` + AgentAppLogFile + ` for the CloudWatch agent
After=systemd-journald.service

[Service]
LogsDirectory=webapp
StateDirectory=webapp-logs
ExecStart=/usr/bin/journalctl --follow --lines=all --output=short-iso --unit=webapp.service --cursor-file=/var/lib/webapp-logs/app.cursor
StandardOutput=append:` + AgentAppLogFile + `
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/systemd/system/webapp-journal-system.service <<'UNIT'
[Unit]
Description=Copy the system journal to ` + AgentSystemLogFile + ` for the CloudWatch agent
After=systemd-journald.service

[Service]
LogsDirectory=webapp
StateDirectory=webapp-logs
ExecStart=/usr/bin/journalctl --follow --lines=all --output=short-iso --cursor-file=/var/lib/webapp-logs/system.cursor
StandardOutput=append:` + AgentSystemLogFile + `
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
cat > /etc/logrotate.d/webapp-journal <<'ROTATE'
` + AgentAppLogFile + ` ` + AgentSystemLogFile + ` {
    size 50M
    rotate 2
    copytruncate
    missingok
    notifempty
}
ROTATE
cat > ` + AgentConfigFile + ` <<'` + agentDelimiter + `'
{{.Config}}
` + agentDelimiter + `
systemctl daemon-reload
systemctl enable --now webapp-journal-app.service webapp-journal-system.service logrotate.timer
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:` + AgentConfigFile + `
`))

// AgentScript renders the boot script's part that runs the CloudWatch
// agent with configuration c (appended to the stack's user data).
func AgentScript(c AgentConfig) (string, error) {
	cfg, err := agentJSON(c)
	if err != nil {
		return "", err
	}
	if strings.Contains(cfg, "\n") || cfg == agentDelimiter {
		return "", fmt.Errorf("agent: the configuration must be one line of JSON")
	}
	return render(agentTemplate, struct{ Config string }{cfg})
}

// AgentLogActions are what the agent does in its log groups: make its
// stream (one per instance) and put events; DescribeLogStreams is what
// agents before the end of sequence tokens call first. They are granted
// on the stack's two log groups only (the group and its streams).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/create-iam-roles-for-cloudwatch-agent.html
var AgentLogActions = []string{"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"}

// AgentMetricAction publishes the agent's metrics. It takes no resource
// narrower than "*"; the condition keeps it to AgentNamespace.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
const AgentMetricAction = "cloudwatch:PutMetricData"

// agentStatements are the agent's permissions on the log groups of ARNs
// (the log group resources' arn attribute, without ":*").
func agentStatements(logGroupARNs []string) []policydoc.Statement {
	var res []string
	for _, a := range logGroupARNs {
		res = append(res, a, a+":*")
	}
	logs := policydoc.Allow(AgentLogActions, res...)
	logs.Sid = "CloudWatchAgentLogs"
	metrics := policydoc.Allow([]string{AgentMetricAction}, "*")
	metrics.Sid = "CloudWatchAgentMetrics"
	metrics.Condition = map[string]map[string]string{"StringEquals": {"cloudwatch:namespace": AgentNamespace}}
	return []policydoc.Statement{logs, metrics}
}
