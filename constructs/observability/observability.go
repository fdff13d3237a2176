// Package observability is the operator's view of an environment: an SNS
// topic every alarm notifies (optionally with an email subscription), health
// alarms on the load balancer (5xx count, unhealthy hosts, p95 response time)
// and a CloudWatch dashboard of the traffic path and the scaling signal.
package observability

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchdashboard"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchlogmetricfilter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopicsubscription"

	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the observability construct: its settings
// (config.Observability, with the defaults and rules of environments.yaml's
// observability block) and what it watches. Start from DefaultProps.
type Props struct {
	config.Observability
	// Name prefixes the topic, alarm and dashboard names, e.g. webtier-prod. Required.
	Name string
	// Region of the stack (dashboard widgets need it). Required.
	Region string
	// LoadBalancer whose 5xx, target health and response time are watched,
	// e.g. an *alb.ALB. Required.
	LoadBalancer LoadBalancer
	// Compute whose CPU (and group capacity, or instance status checks)
	// the dashboard shows: a *compute.Group or *compute.Instance. Required.
	Compute compute.Compute
	// TopicKMSKeyARN encrypts the alarm topic; it must be a customer-managed
	// key whose policy lets cloudwatch.amazonaws.com use it (e.g.
	// encryption.Key's ARN). Default: nil (unencrypted).
	TopicKMSKeyARN *string
	// CPUThresholds are drawn as lines on the CPU widget: where a scaling
	// policy acts on average CPU (ScalingThresholds). Leave them out where
	// nothing scales on CPU. Default: none.
	CPUThresholds []Threshold
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Threshold is a horizontal line on the CPU widget.
type Threshold struct {
	// Label names the line, e.g. "scale out > 70%".
	Label string
	// Value in percent CPU, 0-100.
	Value float64
	// Color of the line, e.g. #d62728. Default: CloudWatch's.
	Color string
}

// ScalingThresholds are the lines that show where the scaling policy sc
// acts on average CPU: the alarm pair's thresholds of a step policy
// ("scale out > 70%", "scale in < 30%"), the target of a target-tracking
// policy ("target 50%"); none for request_count, whose target is requests
// per target, not CPU. A group without a scaling policy (or one instance)
// has none: pass nil.
func ScalingThresholds(sc config.Scaling) []Threshold {
	switch sc.Policy {
	case config.PolicyStep:
		return []Threshold{
			{Label: fmt.Sprintf("scale out > %g%%", sc.ScaleOut.Threshold), Value: sc.ScaleOut.Threshold, Color: "#d62728"},
			{Label: fmt.Sprintf("scale in < %g%%", sc.ScaleIn.Threshold), Value: sc.ScaleIn.Threshold, Color: "#2ca02c"},
		}
	case config.PolicyTargetTracking:
		return []Threshold{{Label: fmt.Sprintf("target %g%%", sc.TargetCPU), Value: sc.TargetCPU, Color: "#ff7f0e"}}
	}
	return nil
}

// DefaultProps returns the documented defaults (config.DefaultObservability,
// no CPU thresholds); set Name, Region, LoadBalancer and Compute.
func DefaultProps() Props {
	return Props{Observability: config.DefaultObservability()}
}

// LoadBalancer is the load balancer and target group the alarms watch.
type LoadBalancer interface {
	// ARNSuffix is the load balancer's CloudWatch dimension value.
	ARNSuffix() *string
	// TargetGroupARNSuffix is the target group's CloudWatch dimension value.
	TargetGroupARNSuffix() *string
}

// Observability is what the construct exposes.
type Observability struct {
	// Scope holds the topic, alarms and dashboard.
	Scope constructs.Construct
	// Topic is the alarm topic, Alarms the health alarms by short name
	// (HealthAlarms), Dashboard the dashboard (resources, for overrides).
	Topic     snstopic.SnsTopic
	Alarms    map[string]cloudwatchmetricalarm.CloudwatchMetricAlarm
	Dashboard cloudwatchdashboard.CloudwatchDashboard
	// ErrorFilter counts the app's error lines (observability.logs; else nil).
	ErrorFilter cloudwatchlogmetricfilter.CloudwatchLogMetricFilter
	// DashboardName of the environment's dashboard.
	DashboardName string
	// AlarmARNs of the health alarms by short name (alb-5xx, unhealthy-hosts,
	// latency-p95) and, with observability.logs, of the memory alarm (memory).
	AlarmARNs map[string]*string
	// HealthAlarmNames are the alarm names of the health alarms, in the
	// order of HealthAlarms (references, so what names them depends on them).
	HealthAlarmNames []*string
	// GateAlarmNames are the same alarm names as plain strings (known at
	// synth), for what reads them outside Terraform: the rollout's alarm
	// specification (compute's GateRefreshOn).
	GateAlarmNames []string

	id       string
	topicARN *string
}

// TopicARN returns the alarm topic's ARN.
func (o *Observability) TopicARN() *string { return o.topicARN }

// PeerID is the construct's id: a group's notification resource for the
// topic is named after it (compute's NotifyTo).
func (o *Observability) PeerID() string { return o.id }

// ErrorTerms are the words that make a line of the app's log an error
// line, case as written: the metric filter's terms and the log widget's
// query.
var ErrorTerms = []string{"ERROR", "Error", "error", "FATAL", "Fatal", "CRITICAL", "Critical", "Traceback"}

// ErrorFilterPattern matches a log event holding any of ErrorTerms
// (CloudWatch Logs filter syntax: "?" ORs the terms).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
var ErrorFilterPattern = "?" + strings.Join(ErrorTerms, " ?")

// ErrorMetric is the metric the error filter publishes, in ErrorNamespace.
const ErrorMetric = "AppErrorLines"

// ErrorNamespace is the error metric's namespace for the name prefix name,
// e.g. webtier-prod/app.
func ErrorNamespace(name string) string { return name + "/app" }

// HealthAlarms are the short names of the health alarms, in order.
var HealthAlarms = []string{"alb-5xx", "unhealthy-hosts", "latency-p95"}

// New builds the topic, the health alarms and the dashboard as id in
// scope. It validates props first (the rules of environments.yaml's
// observability block, and the wiring) and returns every problem at once as
// *config.Errors, having made nothing.
func New(scope constructs.Construct, id string, props Props) (*Observability, error) {
	var problems check.Problems
	problems.Settings(props.Observability.Validate())
	problems.Require(props.Name != "", "name", "the name prefix of the resources, e.g. webtier-prod")
	problems.Settings(config.ValidateRegionName(props.Region))
	problems.Require(props.LoadBalancer != nil, "load_balancer", "the load balancer to watch, e.g. an *alb.ALB")
	problems.Require(props.Compute != nil, "compute", "the instances to watch, a *compute.Group or *compute.Instance")
	if props.Logs.Enabled && props.Compute != nil && props.Compute.AppLogGroupName() == nil {
		problems.Add("compute", "runs no CloudWatch agent but observability.logs.enabled is true: the memory alarm, the error filter and the log widgets need it; give the compute construct Props.Agent, or set Logs.Enabled false")
	}
	for i, t := range props.CPUThresholds {
		f := fmt.Sprintf("cpu_thresholds[%d]", i)
		if t.Label == "" {
			problems.Add(f+".label", "is missing; want the line's name, e.g. \"scale out > 70%%\"")
		}
		if !(t.Value >= 0 && t.Value <= 100) {
			problems.Add(f+".value", "(%g) must be a CPU percentage, 0-100", t.Value)
		}
		if t.Color != "" && !colorRE.MatchString(t.Color) {
			problems.Add(f+".color", "(%q) must be a color #rrggbb, e.g. #d62728", t.Color)
		}
	}
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	cfg := props.Observability
	w := wiring{Name: props.Name, Region: props.Region, ALBARNSuffix: props.LoadBalancer.ARNSuffix(), TargetGroupARNSuffix: props.LoadBalancer.TargetGroupARNSuffix()}
	w.Dimension, w.DimensionValue = props.Compute.MetricDimension()
	s := constructs.NewConstruct(scope, jsii.String(id))
	o := &Observability{Scope: s, id: id, DashboardName: w.Name, AlarmARNs: map[string]*string{}, Alarms: map[string]cloudwatchmetricalarm.CloudwatchMetricAlarm{}}

	topic := snstopic.NewSnsTopic(s, jsii.String("alarm-topic"), &snstopic.SnsTopicConfig{
		Name:           jsii.String(w.Name + "-alarms"),
		KmsMasterKeyId: props.TopicKMSKeyARN,
	})
	o.Topic = topic
	o.topicARN = topic.Arn()
	if cfg.AlarmEmail != "" {
		snstopicsubscription.NewSnsTopicSubscription(s, jsii.String("alarm-email"), &snstopicsubscription.SnsTopicSubscriptionConfig{
			TopicArn: o.topicARN,
			Protocol: jsii.String("email"),
			Endpoint: jsii.String(cfg.AlarmEmail),
		})
	}

	albDims := &map[string]*string{"LoadBalancer": w.ALBARNSuffix}
	tgDims := &map[string]*string{"LoadBalancer": w.ALBARNSuffix, "TargetGroup": w.TargetGroupARNSuffix}
	alarms := []struct {
		id, name, desc, metric, stat, ext, op string
		dims                                  *map[string]*string
		threshold                             float64
		periods                               int
	}{
		{"alb-5xx", "-alb-5xx", fmt.Sprintf("The load balancer answered more than %d 5xx responses a minute for 3 minutes", cfg.ALB5xxThreshold),
			"HTTPCode_ELB_5XX_Count", "Sum", "", "GreaterThanThreshold", albDims, float64(cfg.ALB5xxThreshold), 3},
		{"unhealthy-hosts", "-unhealthy-hosts", fmt.Sprintf("At least one target was unhealthy for %d minutes", cfg.UnhealthyHostMinutes),
			"UnHealthyHostCount", "Maximum", "", "GreaterThanThreshold", tgDims, 0, cfg.UnhealthyHostMinutes},
		{"latency-p95", "-latency-p95", fmt.Sprintf("p95 target response time above %gs for 5 minutes", cfg.LatencyP95Seconds),
			"TargetResponseTime", "", "p95", "GreaterThanThreshold", tgDims, cfg.LatencyP95Seconds, 5},
	}
	for _, a := range alarms {
		c := &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          jsii.String(w.Name + a.name),
			AlarmDescription:   jsii.String(a.desc),
			Namespace:          jsii.String("AWS/ApplicationELB"),
			MetricName:         jsii.String(a.metric),
			Dimensions:         a.dims,
			Period:             jsii.Number(60),
			EvaluationPeriods:  jsii.Number(a.periods),
			DatapointsToAlarm:  jsii.Number(a.periods),
			ComparisonOperator: jsii.String(a.op),
			Threshold:          jsii.Number(a.threshold),
			TreatMissingData:   jsii.String("notBreaching"),
			AlarmActions:       ptr.L(o.topicARN),
			OkActions:          ptr.L(o.topicARN),
		}
		if a.ext != "" {
			c.ExtendedStatistic = jsii.String(a.ext)
		} else {
			c.Statistic = jsii.String(a.stat)
		}
		alarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(s, jsii.String(a.id), c)
		o.Alarms[a.id] = alarm
		o.AlarmARNs[a.id] = alarm.Arn()
		o.HealthAlarmNames = append(o.HealthAlarmNames, alarm.AlarmName())
		o.GateAlarmNames = append(o.GateAlarmNames, w.Name+a.name)
	}

	if cfg.Logs.Enabled {
		w.AppLogGroup = props.Compute.AppLogGroupName()
		memory := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(s, jsii.String("memory"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          jsii.String(w.Name + "-memory"),
			AlarmDescription:   jsii.String(fmt.Sprintf("Average memory used above %g%% for 5 minutes (CloudWatch agent)", cfg.Logs.MemoryAlarmPercent)),
			Namespace:          jsii.String(compute.AgentNamespace),
			MetricName:         jsii.String(compute.AgentMemoryMetric),
			Dimensions:         &map[string]*string{w.Dimension: w.DimensionValue},
			Statistic:          jsii.String("Average"),
			Period:             jsii.Number(60),
			EvaluationPeriods:  jsii.Number(5),
			DatapointsToAlarm:  jsii.Number(5),
			ComparisonOperator: jsii.String("GreaterThanThreshold"),
			Threshold:          jsii.Number(cfg.Logs.MemoryAlarmPercent),
			TreatMissingData:   jsii.String("notBreaching"),
			AlarmActions:       ptr.L(o.topicARN),
			OkActions:          ptr.L(o.topicARN),
		})
		o.Alarms["memory"] = memory
		o.AlarmARNs["memory"] = memory.Arn()
		// One per error line of the app; 0 in minutes with lines and none
		// of them errors.
		o.ErrorFilter = cloudwatchlogmetricfilter.NewCloudwatchLogMetricFilter(s, jsii.String("app-errors"), &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterConfig{
			Name:         jsii.String(w.Name + "-app-errors"),
			LogGroupName: w.AppLogGroup,
			Pattern:      jsii.String(ErrorFilterPattern),
			MetricTransformation: &cloudwatchlogmetricfilter.CloudwatchLogMetricFilterMetricTransformation{
				Name:         jsii.String(ErrorMetric),
				Namespace:    jsii.String(ErrorNamespace(w.Name)),
				Value:        jsii.String("1"),
				DefaultValue: jsii.String("0"),
			},
		})
	}

	body, err := dashboardBody(w, props.CPUThresholds)
	if err != nil {
		return nil, err
	}
	o.Dashboard = cloudwatchdashboard.NewCloudwatchDashboard(s, jsii.String("dashboard"), &cloudwatchdashboard.CloudwatchDashboardConfig{
		DashboardName: jsii.String(o.DashboardName),
		DashboardBody: jsii.String(body),
	})
	return o, nil
}

type widget struct {
	Type       string      `json:"type"`
	X          int         `json:"x"`
	Y          int         `json:"y"`
	Width      int         `json:"width"`
	Height     int         `json:"height"`
	Properties widgetProps `json:"properties"`
}

type widgetProps struct {
	Title       string       `json:"title"`
	Region      string       `json:"region"`
	View        string       `json:"view"`
	Stat        string       `json:"stat"`
	Period      int          `json:"period"`
	Metrics     [][]any      `json:"metrics"`
	Annotations *annotations `json:"annotations,omitempty"`
	YAxis       *yAxis       `json:"yAxis,omitempty"`
}

type annotations struct {
	Horizontal []hline `json:"horizontal"`
}

type hline struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Color string  `json:"color,omitempty"`
}

type yAxis struct {
	Left struct {
		Min float64 `json:"min"`
		Max float64 `json:"max"`
	} `json:"left"`
}

// wiring is what the dashboard and alarms read from the props.
type wiring struct {
	Name, Region                       string
	ALBARNSuffix, TargetGroupARNSuffix *string
	// Dimension and DimensionValue select the instances' EC2 metrics (and
	// the CloudWatch agent's).
	Dimension      string
	DimensionValue *string
	// AppLogGroup is the app's log group (nil without observability.logs).
	AppLogGroup *string
}

// logWidget is a CloudWatch Logs Insights query on the dashboard.
type logWidget struct {
	Type       string    `json:"type"`
	X          int       `json:"x"`
	Y          int       `json:"y"`
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	Properties logsProps `json:"properties"`
}

type logsProps struct {
	Title  string `json:"title"`
	Region string `json:"region"`
	View   string `json:"view"`
	Query  string `json:"query"`
}

// errorsQuery is the Logs Insights query of the app's recent error lines
// in logGroup.
func errorsQuery(logGroup string) string {
	return "SOURCE '" + logGroup + "' | fields @timestamp, @logStream, @message | filter @message like /" +
		strings.Join(ErrorTerms, "|") + "/ | sort @timestamp desc | limit 50"
}

// dashboardBody renders the dashboard JSON. Dimension values are CDKTF tokens
// that resolve to this stack's load balancer, target group and group.
func dashboardBody(w wiring, thresholds []Threshold) (string, error) {
	alb := *w.ALBARNSuffix
	tg := *w.TargetGroupARNSuffix
	mk := func(i int, title, stat string, metrics [][]any) widget {
		return widget{Type: "metric", X: (i % 2) * 12, Y: (i / 2) * 6, Width: 12, Height: 6,
			Properties: widgetProps{Title: title, Region: w.Region, View: "timeSeries", Stat: stat, Period: 60, Metrics: metrics}}
	}
	ws := []widget{
		mk(0, "Requests", "Sum", [][]any{{"AWS/ApplicationELB", "RequestCount", "LoadBalancer", alb}}),
		mk(1, "Target response time (p95, p50)", "p95", [][]any{
			{"AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg, map[string]string{"stat": "p95"}},
			{"AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg, map[string]string{"stat": "p50"}},
		}),
		mk(2, "5xx responses (load balancer, targets)", "Sum", [][]any{
			{"AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb},
			{"AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", alb},
		}),
		mk(3, "Healthy and unhealthy hosts", "Maximum", [][]any{
			{"AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", alb, "TargetGroup", tg},
			{"AWS/ApplicationELB", "UnHealthyHostCount", "LoadBalancer", alb, "TargetGroup", tg},
		}),
	}
	var cpu widget
	cpuTitle := "Average CPU"
	if len(thresholds) > 0 {
		cpuTitle = "Average CPU with scaling thresholds"
	}
	if w.Dimension == "AutoScalingGroupName" {
		asg := *w.DimensionValue
		ws = append(ws, mk(4, "Group capacity (in service, desired)", "Average", [][]any{
			{"AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", asg},
			{"AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName", asg},
		}))
		cpu = mk(5, cpuTitle, "Average", [][]any{{"AWS/EC2", "CPUUtilization", "AutoScalingGroupName", asg}})
	} else {
		ws = append(ws, mk(4, "Instance status checks", "Maximum", [][]any{{"AWS/EC2", "StatusCheckFailed", w.Dimension, *w.DimensionValue}}))
		cpu = mk(5, cpuTitle, "Average", [][]any{{"AWS/EC2", "CPUUtilization", w.Dimension, *w.DimensionValue}})
	}
	if len(thresholds) > 0 {
		cpu.Properties.Annotations = &annotations{}
		for _, t := range thresholds {
			cpu.Properties.Annotations.Horizontal = append(cpu.Properties.Annotations.Horizontal, hline(t))
		}
	}
	cpu.Properties.YAxis = &yAxis{}
	cpu.Properties.YAxis.Left.Max = 100
	ws = append(ws, cpu)
	all := make([]any, len(ws))
	for i := range ws {
		all[i] = ws[i]
	}
	if w.AppLogGroup != nil {
		dim, v := w.Dimension, *w.DimensionValue
		mem := mk(6, "Memory used (CloudWatch agent)", "Average", [][]any{{compute.AgentNamespace, compute.AgentMemoryMetric, dim, v}})
		disk := mk(7, "Disk used, / (CloudWatch agent)", "Maximum", [][]any{{map[string]any{
			"id": "disk", "label": "disk used %",
			"expression": fmt.Sprintf(`SEARCH('{%s,%s,fstype,path} MetricName="%s" %s="%s" path="/"', 'Maximum', 60)`, compute.AgentNamespace, dim, compute.AgentDiskMetric, dim, v),
		}}})
		for _, m := range []*widget{&mem, &disk} {
			m.Properties.YAxis = &yAxis{}
			m.Properties.YAxis.Left.Max = 100
		}
		all = append(all, mem, disk)
		all = append(all, mk(8, "App error lines", "Sum", [][]any{{ErrorNamespace(w.Name), ErrorMetric}}))
		all = append(all, logWidget{Type: "log", X: 12, Y: 24, Width: 12, Height: 6, Properties: logsProps{
			Title: "Recent app errors", Region: w.Region, View: "table", Query: errorsQuery(*w.AppLogGroup),
		}})
	}
	b, err := json.Marshal(map[string]any{"widgets": all})
	return string(b), err
}
