// Package scaling is the scaling construct. For a group (New): two
// CloudWatch alarms on the group's average CPUUtilization drive step scaling
// policies (scale out above 70% for 2 periods, scale in below 30% for 5
// periods, by default; scale_out.steps give the scale-out several CPU
// intervals), or a single target-tracking policy on average CPU, on the
// requests per target of the load balancer (ALBRequestCountPerTarget) or on
// the CloudWatch agent's memory metric (CWAgent mem_used_percent); the
// scheduled actions (aws_autoscaling_schedule) of scaling.schedules; and a
// predictive scaling policy (scaling.predictive). A single instance does
// not scale: NewRecovery gives it an EC2 auto-recovery alarm on
// StatusCheckFailed_System instead. The settings are config.Scaling.
package scaling

import (
	"fmt"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingschedule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the scaling of a group: its settings (config.Scaling,
// with the defaults and rules of environments.yaml's scaling block) and the
// group. Start from DefaultProps.
type Props struct {
	config.Scaling
	// Name prefixes alarm, policy and scheduled action names, e.g. webtier-prod. Required.
	Name string
	// Group is the Auto Scaling group to scale. Required.
	Group *compute.Group
	// NotifyARNs are extra actions of the CPU alarms, e.g. the SNS alarm
	// topic. Default: none.
	NotifyARNs []*string
	// LoadBalancer whose target group's requests the request_count policy
	// counts (its resource label), e.g. an *alb.ALB. Required with policy
	// request_count.
	LoadBalancer LoadBalancer
}

// DefaultProps returns the documented defaults (config.DefaultScaling); set
// Name and Group.
func DefaultProps() Props { return Props{Scaling: config.DefaultScaling()} }

// LoadBalancer is the load balancer and target group whose requests the
// request_count policy counts.
type LoadBalancer interface {
	// ARNSuffix of the load balancer.
	ARNSuffix() *string
	// TargetGroupARNSuffix of the target group.
	TargetGroupARNSuffix() *string
}

// Scaling is what the construct exposes: the resources of the policy in use
// (nil for the others, and their ARNs nil).
type Scaling struct {
	// Scope holds the alarms, policies and scheduled actions.
	Scope constructs.Construct
	// ScaleOutAlarm and ScaleInAlarm are the CPU alarms, ScaleOutPolicy and
	// ScaleInPolicy the step policies (step).
	ScaleOutAlarm, ScaleInAlarm   cloudwatchmetricalarm.CloudwatchMetricAlarm
	ScaleOutPolicy, ScaleInPolicy autoscalingpolicy.AutoscalingPolicy
	// TargetTrackingPolicy scales both ways (target_tracking, request_count).
	TargetTrackingPolicy autoscalingpolicy.AutoscalingPolicy
	// PredictivePolicy is the predictive scaling policy (scaling.predictive; else nil).
	PredictivePolicy autoscalingpolicy.AutoscalingPolicy
	// Schedules are the scheduled actions, in the order of scaling.schedules.
	Schedules []autoscalingschedule.AutoscalingSchedule

	scaleOutAlarmARN, scaleInAlarmARN   *string
	scaleOutPolicyARN, scaleInPolicyARN *string
}

// ScaleOutAlarmARN returns the high-CPU alarm's ARN (step; else nil).
func (sc *Scaling) ScaleOutAlarmARN() *string { return sc.scaleOutAlarmARN }

// ScaleInAlarmARN returns the low-CPU alarm's ARN (step; else nil).
func (sc *Scaling) ScaleInAlarmARN() *string { return sc.scaleInAlarmARN }

// ScaleOutPolicyARN returns the scale-out policy's ARN: the step policy,
// or the target-tracking policy.
func (sc *Scaling) ScaleOutPolicyARN() *string { return sc.scaleOutPolicyARN }

// ScaleInPolicyARN returns the scale-in policy's ARN: the step policy, or
// the target-tracking policy.
func (sc *Scaling) ScaleInPolicyARN() *string { return sc.scaleInPolicyARN }

// New builds the scaling of props.Group as id in scope: the policy
// props.Policy names (step: the alarm pair and step policies;
// target_tracking and request_count: one policy) and the scheduled actions.
// It validates props first (the rules of environments.yaml's scaling block,
// and the wiring) and returns every problem at once as *config.Errors,
// having made nothing.
func New(scope constructs.Construct, id string, props Props) (*Scaling, error) {
	var problems check.Problems
	problems.Settings(props.Scaling.Validate())
	problems.Require(props.Name != "", "name", "the name prefix of the resources, e.g. webtier-prod")
	problems.Require(props.Group != nil, "group", "the *compute.Group to scale")
	if props.Policy == config.PolicyMemory && props.Group != nil && props.Group.AppLogGroupName() == nil {
		problems.Add("group", "runs no CloudWatch agent but the memory policy scales on its metric (CWAgent mem_used_percent): give the compute construct Props.Agent, or choose another policy")
	}
	if props.Predictive != nil && props.Predictive.Metric == config.PredictiveRequestCount && props.LoadBalancer == nil {
		problems.Add("load_balancer", "is missing; predictive scaling on request_count forecasts the requests of a load balancer's target group: want e.g. an *alb.ALB")
	}
	if props.Policy == config.PolicyRequestCount && props.LoadBalancer == nil {
		problems.Add("load_balancer", "is missing; the request_count policy counts the requests of a load balancer's target group: want e.g. an *alb.ALB")
	}
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	cfg := props.Scaling
	w := wiring{Name: props.Name, ASGName: props.Group.GroupName(), NotifyARNs: props.NotifyARNs}
	s := constructs.NewConstruct(scope, jsii.String(id))
	sc := &Scaling{Scope: s}
	for _, sched := range cfg.Schedules {
		sc.Schedules = append(sc.Schedules, schedule(s, w, sched))
	}
	if p := cfg.Predictive; p != nil {
		sc.PredictivePolicy = predictive(s, w, *p, props.LoadBalancer)
	}
	switch cfg.Policy {
	case config.PolicyTargetTracking:
		sc.TargetTrackingPolicy = targetTracking(s, w, "target-tracking", "-cpu-target", cfg.TargetCPU,
			&autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: jsii.String("ASGAverageCPUUtilization"),
			})
		sc.scaleOutPolicyARN = sc.TargetTrackingPolicy.Arn()
		sc.scaleInPolicyARN = sc.scaleOutPolicyARN
		return sc, nil
	case config.PolicyRequestCount:
		// ALBRequestCountPerTarget's resource label is
		// app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>: the two ARN
		// suffixes joined by "/".
		// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricSpecification.html
		sc.TargetTrackingPolicy = targetTracking(s, w, "request-count", "-requests-target", float64(cfg.TargetRequestsPerTarget),
			&autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: jsii.String("ALBRequestCountPerTarget"),
				ResourceLabel:        jsii.String(*props.LoadBalancer.ARNSuffix() + "/" + *props.LoadBalancer.TargetGroupARNSuffix()),
			})
		sc.scaleOutPolicyARN = sc.TargetTrackingPolicy.Arn()
		sc.scaleInPolicyARN = sc.scaleOutPolicyARN
		return sc, nil
	case config.PolicyMemory:
		// The CloudWatch agent's memory metric of the group: every instance
		// publishes mem_used_percent with the group's name as its dimension,
		// and the average over them is the group's.
		// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-target-tracking-metric-math.html
		sc.TargetTrackingPolicy = autoscalingpolicy.NewAutoscalingPolicy(s, jsii.String("memory"), &autoscalingpolicy.AutoscalingPolicyConfig{
			Name:                 jsii.String(w.Name + "-memory-target"),
			AutoscalingGroupName: w.ASGName,
			PolicyType:           jsii.String("TargetTrackingScaling"),
			TargetTrackingConfiguration: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfiguration{
				TargetValue: jsii.Number(cfg.TargetMemory),
				CustomizedMetricSpecification: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationCustomizedMetricSpecification{
					Namespace:  jsii.String(compute.AgentNamespace),
					MetricName: jsii.String(compute.AgentMemoryMetric),
					Statistic:  jsii.String("Average"),
					MetricDimension: &[]*autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricDimension{
						{Name: jsii.String("AutoScalingGroupName"), Value: w.ASGName},
					},
				},
			},
		})
		sc.scaleOutPolicyARN = sc.TargetTrackingPolicy.Arn()
		sc.scaleInPolicyARN = sc.scaleOutPolicyARN
		return sc, nil
	}

	// Step scaling: while an alarm stays in ALARM, EC2 Auto Scaling keeps
	// evaluating it and the warm-up keeps launching instances from being counted
	// twice; a simple policy would stop reacting for its whole cooldown.
	sc.ScaleOutPolicy = stepPolicy(s, "scale-out", w.Name+"-scale-out", w.ASGName, outSteps(cfg.ScaleOut), cfg.WarmupSeconds)
	sc.ScaleInPolicy = stepPolicy(s, "scale-in", w.Name+"-scale-in", w.ASGName, []*autoscalingpolicy.AutoscalingPolicyStepAdjustment{
		{ScalingAdjustment: jsii.Number(cfg.ScaleIn.Adjustment), MetricIntervalUpperBound: jsii.String("0")}, // from the threshold downwards
	}, cfg.WarmupSeconds)
	sc.scaleOutPolicyARN, sc.scaleInPolicyARN = sc.ScaleOutPolicy.Arn(), sc.ScaleInPolicy.Arn()

	sc.ScaleOutAlarm = cpuAlarm(s, "scale-out-alarm", w, cfg.Period, cfg.ScaleOut, "GreaterThanThreshold", "missing", sc.scaleOutPolicyARN,
		fmt.Sprintf("Scale out by %s when average CPU > %g%% for %d of %d periods of %ds", outBy(cfg.ScaleOut), cfg.ScaleOut.Threshold, cfg.ScaleOut.DatapointsToAlarm, cfg.ScaleOut.EvaluationPeriods, cfg.Period))
	sc.scaleOutAlarmARN = sc.ScaleOutAlarm.Arn()
	// notBreaching: missing CPU data (no instances reporting) never scales in.
	sc.ScaleInAlarm = cpuAlarm(s, "scale-in-alarm", w, cfg.Period, cfg.ScaleIn, "LessThanThreshold", "notBreaching", sc.scaleInPolicyARN,
		fmt.Sprintf("Scale in by %d when average CPU < %g%% for %d of %d periods of %ds", -cfg.ScaleIn.Adjustment, cfg.ScaleIn.Threshold, cfg.ScaleIn.DatapointsToAlarm, cfg.ScaleIn.EvaluationPeriods, cfg.Period))
	sc.scaleInAlarmARN = sc.ScaleInAlarm.Arn()
	return sc, nil
}

// wiring is what the policies, alarms and actions read from the props.
type wiring struct {
	Name       string
	ASGName    *string
	NotifyARNs []*string
}

// scheduleTimeLayout is how the provider takes start_time and end_time (UTC).
const scheduleTimeLayout = "2006-01-02T15:04:05Z"

// schedule adds one scheduled action. A size the action leaves unchanged is
// -1: the provider sends a size it is given, and an absent one as 0.
func schedule(scope constructs.Construct, w wiring, sc config.Schedule) autoscalingschedule.AutoscalingSchedule {
	size := func(v *int) *float64 {
		if v == nil {
			return jsii.Number(-1)
		}
		return jsii.Number(*v)
	}
	at := func(v string) *string {
		if v == "" {
			return nil
		}
		t, _ := time.Parse(time.RFC3339, v) // validated (config.Scaling.Validate)
		return jsii.String(t.UTC().Format(scheduleTimeLayout))
	}
	c := &autoscalingschedule.AutoscalingScheduleConfig{
		AutoscalingGroupName: w.ASGName,
		ScheduledActionName:  jsii.String(w.Name + "-" + sc.Name),
		Recurrence:           jsii.String(sc.Cron),
		MinSize:              size(sc.MinSize),
		MaxSize:              size(sc.MaxSize),
		DesiredCapacity:      size(sc.DesiredCapacity),
		StartTime:            at(sc.Start),
		EndTime:              at(sc.End),
	}
	if sc.TimeZone != "" {
		c.TimeZone = jsii.String(sc.TimeZone)
	}
	return autoscalingschedule.NewAutoscalingSchedule(scope, jsii.String("schedule-"+sc.Name), c)
}

func stepPolicy(scope constructs.Construct, id, name string, asg *string, steps []*autoscalingpolicy.AutoscalingPolicyStepAdjustment, warmup int) autoscalingpolicy.AutoscalingPolicy {
	return autoscalingpolicy.NewAutoscalingPolicy(scope, jsii.String(id), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name:                    jsii.String(name),
		AutoscalingGroupName:    asg,
		PolicyType:              jsii.String("StepScaling"),
		AdjustmentType:          jsii.String("ChangeInCapacity"),
		MetricAggregationType:   jsii.String("Average"),
		EstimatedInstanceWarmup: jsii.Number(warmup),
		StepAdjustment:          &steps,
	})
}

func cpuAlarm(scope constructs.Construct, id string, w wiring, period int, r config.Rule, op, missing string, policyARN *string, desc string) cloudwatchmetricalarm.CloudwatchMetricAlarm {
	suffix := map[string]string{"GreaterThanThreshold": "-cpu-high", "LessThanThreshold": "-cpu-low"}[op]
	return cloudwatchmetricalarm.NewCloudwatchMetricAlarm(scope, jsii.String(id), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          jsii.String(w.Name + suffix),
		AlarmDescription:   jsii.String(desc),
		Namespace:          jsii.String("AWS/EC2"),
		MetricName:         jsii.String("CPUUtilization"),
		Dimensions:         &map[string]*string{"AutoScalingGroupName": w.ASGName},
		Statistic:          jsii.String("Average"),
		Period:             jsii.Number(period),
		EvaluationPeriods:  jsii.Number(r.EvaluationPeriods),
		DatapointsToAlarm:  jsii.Number(r.DatapointsToAlarm),
		ComparisonOperator: jsii.String(op),
		Threshold:          jsii.Number(r.Threshold),
		TreatMissingData:   jsii.String(missing),
		AlarmActions:       ptr.L(append([]*string{policyARN}, w.NotifyARNs...)...),
	})
}

// targetTracking makes the group's one target-tracking policy (it scales
// both out and in) on a predefined metric.
func targetTracking(s constructs.Construct, w wiring, id, nameSuffix string, target float64, metric *autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification) autoscalingpolicy.AutoscalingPolicy {
	return autoscalingpolicy.NewAutoscalingPolicy(s, jsii.String(id), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name:                 jsii.String(w.Name + nameSuffix),
		AutoscalingGroupName: w.ASGName,
		PolicyType:           jsii.String("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfiguration{
			TargetValue:                   jsii.Number(target),
			PredefinedMetricSpecification: metric,
		},
	})
}

// RecoveryProps configure the auto-recovery of a single instance. Start
// from DefaultRecoveryProps.
type RecoveryProps struct {
	// Name prefixes the alarm's name, e.g. webtier-dev. Required.
	Name string
	// Instance to recover. Required.
	Instance *compute.Instance
	// Region of the stack (the recover action's ARN has it). Required.
	Region string
	// NotifyARNs are extra actions of the alarm, e.g. the SNS alarm topic.
	// Default: none.
	NotifyARNs []*string
}

// DefaultRecoveryProps returns the documented defaults; set Name, Instance
// and Region.
func DefaultRecoveryProps() RecoveryProps { return RecoveryProps{} }

// Recovery is the auto-recovery alarm of a single instance.
type Recovery struct {
	// Scope holds the alarm.
	Scope constructs.Construct
	// Alarm is the alarm resource (for overrides).
	Alarm cloudwatchmetricalarm.CloudwatchMetricAlarm

	alarmARN *string
}

// AlarmARN returns the alarm's ARN.
func (r *Recovery) AlarmARN() *string { return r.alarmARN }

// NewRecovery builds, as id in scope, the alarm that recovers the instance
// onto healthy hardware when its system status check fails (what a single
// instance gets instead of scaling). It checks props first and returns
// every problem at once as *config.Errors, having made nothing.
func NewRecovery(scope constructs.Construct, id string, props RecoveryProps) (*Recovery, error) {
	var problems check.Problems
	problems.Require(props.Name != "", "name", "the name prefix of the resources, e.g. webtier-dev")
	problems.Require(props.Instance != nil, "instance", "the *compute.Instance to recover")
	problems.Settings(config.ValidateRegionName(props.Region))
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	s := constructs.NewConstruct(scope, jsii.String(id))
	r := &Recovery{Scope: s}
	r.Alarm = cloudwatchmetricalarm.NewCloudwatchMetricAlarm(s, jsii.String("recover"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          jsii.String(props.Name + "-auto-recover"),
		AlarmDescription:   jsii.String("Recover the instance onto healthy hardware when the system status check fails"),
		Namespace:          jsii.String("AWS/EC2"),
		MetricName:         jsii.String("StatusCheckFailed_System"),
		Dimensions:         &map[string]*string{"InstanceId": props.Instance.InstanceID()},
		Statistic:          jsii.String("Maximum"),
		Period:             jsii.Number(60),
		EvaluationPeriods:  jsii.Number(2),
		DatapointsToAlarm:  jsii.Number(2),
		ComparisonOperator: jsii.String("GreaterThanThreshold"),
		Threshold:          jsii.Number(0),
		TreatMissingData:   jsii.String("missing"),
		AlarmActions:       ptr.L(append([]*string{jsii.String("arn:" + config.Partition + ":automate:" + props.Region + ":ec2:recover")}, props.NotifyARNs...)...),
	})
	r.alarmARN = r.Alarm.Arn()
	return r, nil
}
