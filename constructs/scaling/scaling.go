// Package scaling is the scaling construct. In asg mode: two CloudWatch alarms
// on the group's average CPUUtilization drive step scaling policies (scale out
// above 70% for 2 periods, scale in below 30% for 5 periods, by default), or a
// single target-tracking policy on average CPU or on the requests per target
// of the load balancer (ALBRequestCountPerTarget), and the scheduled actions
// (aws_autoscaling_schedule) of scaling.schedules. In ec2 mode: an EC2 auto-recovery alarm on
// StatusCheckFailed_System instead. The settings are config.Scaling.
package scaling

import (
	"fmt"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingschedule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Wiring is what the stack hands the construct besides its settings
// (config.Scaling, defaulted and validated by internal/config).
type Wiring struct {
	// Name prefixes alarm and policy names, e.g. webtier-prod.
	Name string
	// ASGName is the group to scale (asg mode).
	ASGName *string
	// InstanceID is the single instance to auto-recover (ec2 mode).
	InstanceID *string
	// Region of the stack, for the EC2 recover action ARN (ec2 mode).
	Region string
	// NotifyARNs are extra alarm actions (the SNS alarm topic).
	NotifyARNs []*string
	// ALBARNSuffix and TargetGroupARNSuffix (the load balancer's and the
	// target group's arn_suffix) make the resource label of the
	// request_count policy: the requests counted are this group's.
	ALBARNSuffix, TargetGroupARNSuffix *string
}

// Scaling is what the construct exposes. Fields that do not apply in a mode are empty strings.
type Scaling struct {
	// Scope holds the alarms and policies.
	Scope constructs.Construct
	// ScaleOutAlarmARN and ScaleInAlarmARN of the CPU alarms (step policy).
	ScaleOutAlarmARN, ScaleInAlarmARN *string
	// ScaleOutPolicyARN and ScaleInPolicyARN (both the target-tracking
	// policy with target_tracking and request_count).
	ScaleOutPolicyARN, ScaleInPolicyARN *string
	// RecoveryAlarmARN of the auto-recovery alarm (ec2 mode).
	RecoveryAlarmARN *string
}

// New builds the scaling construct for mode: in asg mode the policy cfg
// names (step: the alarm pair and step policies; target_tracking and
// request_count: one policy), in ec2 mode the auto-recovery alarm. It trusts cfg
// (internal/config has defaulted and validated it): every value, zero
// included, goes into the JSON as it is.
func New(scope constructs.Construct, id string, mode config.ComputeMode, cfg config.Scaling, w Wiring) (*Scaling, error) {
	s := constructs.NewConstruct(scope, ptr.S(id))
	sc := &Scaling{Scope: s, ScaleOutAlarmARN: ptr.S(""), ScaleInAlarmARN: ptr.S(""), ScaleOutPolicyARN: ptr.S(""), ScaleInPolicyARN: ptr.S(""), RecoveryAlarmARN: ptr.S("")}
	switch {
	case mode == config.ComputeEC2:
		if w.InstanceID == nil || w.Region == "" {
			return nil, fmt.Errorf("instance_id and region must be set in ec2 mode")
		}
		alarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(s, ptr.S("recover"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          ptr.S(w.Name + "-auto-recover"),
			AlarmDescription:   ptr.S("Recover the instance onto healthy hardware when the system status check fails"),
			Namespace:          ptr.S("AWS/EC2"),
			MetricName:         ptr.S("StatusCheckFailed_System"),
			Dimensions:         &map[string]*string{"InstanceId": w.InstanceID},
			Statistic:          ptr.S("Maximum"),
			Period:             ptr.N(60),
			EvaluationPeriods:  ptr.N(2),
			DatapointsToAlarm:  ptr.N(2),
			ComparisonOperator: ptr.S("GreaterThanThreshold"),
			Threshold:          ptr.N(0),
			TreatMissingData:   ptr.S("missing"),
			AlarmActions:       ptr.L(append([]*string{ptr.S("arn:" + config.Partition + ":automate:" + w.Region + ":ec2:recover")}, w.NotifyARNs...)...),
		})
		sc.RecoveryAlarmARN = alarm.Arn()
		return sc, nil
	case mode != config.ComputeASG:
		return nil, fmt.Errorf("compute mode %q is not handled", mode)
	case w.ASGName == nil:
		return nil, fmt.Errorf("asg_name must be set in asg mode")
	}
	for _, sc := range cfg.Schedules {
		schedule(s, w, sc)
	}
	switch cfg.Policy {
	case config.PolicyTargetTracking:
		sc.ScaleOutPolicyARN = targetTracking(s, w, "target-tracking", "-cpu-target", cfg.TargetCPU,
			&autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: ptr.S("ASGAverageCPUUtilization"),
			})
		sc.ScaleInPolicyARN = sc.ScaleOutPolicyARN
		return sc, nil
	case config.PolicyRequestCount:
		if w.ALBARNSuffix == nil || w.TargetGroupARNSuffix == nil {
			return nil, fmt.Errorf("alb_arn_suffix and target_group_arn_suffix must be set for the request_count policy")
		}
		// ALBRequestCountPerTarget's resource label is
		// app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>: the two ARN
		// suffixes joined by "/".
		// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricSpecification.html
		sc.ScaleOutPolicyARN = targetTracking(s, w, "request-count", "-requests-target", float64(cfg.TargetRequestsPerTarget),
			&autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
				PredefinedMetricType: ptr.S("ALBRequestCountPerTarget"),
				ResourceLabel:        ptr.S(*w.ALBARNSuffix + "/" + *w.TargetGroupARNSuffix),
			})
		sc.ScaleInPolicyARN = sc.ScaleOutPolicyARN
		return sc, nil
	case config.PolicyStep:
	default:
		return nil, fmt.Errorf("scaling policy %q is not handled", cfg.Policy)
	}

	// Step scaling: while an alarm stays in ALARM, EC2 Auto Scaling keeps
	// evaluating it and the warm-up keeps launching instances from being counted
	// twice; a simple policy would stop reacting for its whole cooldown.
	out := stepPolicy(s, "scale-out", w.Name+"-scale-out", w.ASGName, cfg.ScaleOut.Adjustment, cfg.WarmupSeconds)
	in := stepPolicy(s, "scale-in", w.Name+"-scale-in", w.ASGName, cfg.ScaleIn.Adjustment, cfg.WarmupSeconds)
	sc.ScaleOutPolicyARN, sc.ScaleInPolicyARN = out.Arn(), in.Arn()

	sc.ScaleOutAlarmARN = cpuAlarm(s, "scale-out-alarm", w, cfg.Period, cfg.ScaleOut, "GreaterThanThreshold", "missing", sc.ScaleOutPolicyARN,
		fmt.Sprintf("Scale out by %d when average CPU > %g%% for %d of %d periods of %ds", cfg.ScaleOut.Adjustment, cfg.ScaleOut.Threshold, cfg.ScaleOut.DatapointsToAlarm, cfg.ScaleOut.EvaluationPeriods, cfg.Period)).Arn()
	// notBreaching: missing CPU data (no instances reporting) never scales in.
	sc.ScaleInAlarmARN = cpuAlarm(s, "scale-in-alarm", w, cfg.Period, cfg.ScaleIn, "LessThanThreshold", "notBreaching", sc.ScaleInPolicyARN,
		fmt.Sprintf("Scale in by %d when average CPU < %g%% for %d of %d periods of %ds", -cfg.ScaleIn.Adjustment, cfg.ScaleIn.Threshold, cfg.ScaleIn.DatapointsToAlarm, cfg.ScaleIn.EvaluationPeriods, cfg.Period)).Arn()
	return sc, nil
}

// scheduleTimeLayout is how the provider takes start_time and end_time (UTC).
const scheduleTimeLayout = "2006-01-02T15:04:05Z"

// schedule adds one scheduled action. A size the action leaves unchanged is
// -1: the provider sends a size it is given, and an absent one as 0.
func schedule(scope constructs.Construct, w Wiring, sc config.Schedule) {
	size := func(v *int) *float64 {
		if v == nil {
			return ptr.N(-1)
		}
		return ptr.N(*v)
	}
	at := func(v string) *string {
		if v == "" {
			return nil
		}
		t, _ := time.Parse(time.RFC3339, v) // validated by internal/config
		return ptr.S(t.UTC().Format(scheduleTimeLayout))
	}
	c := &autoscalingschedule.AutoscalingScheduleConfig{
		AutoscalingGroupName: w.ASGName,
		ScheduledActionName:  ptr.S(w.Name + "-" + sc.Name),
		Recurrence:           ptr.S(sc.Cron),
		MinSize:              size(sc.MinSize),
		MaxSize:              size(sc.MaxSize),
		DesiredCapacity:      size(sc.DesiredCapacity),
		StartTime:            at(sc.Start),
		EndTime:              at(sc.End),
	}
	if sc.TimeZone != "" {
		c.TimeZone = ptr.S(sc.TimeZone)
	}
	autoscalingschedule.NewAutoscalingSchedule(scope, ptr.S("schedule-"+sc.Name), c)
}

func stepPolicy(scope constructs.Construct, id, name string, asg *string, adjustment, warmup int) autoscalingpolicy.AutoscalingPolicy {
	step := &autoscalingpolicy.AutoscalingPolicyStepAdjustment{ScalingAdjustment: ptr.N(adjustment)}
	if adjustment > 0 {
		step.MetricIntervalLowerBound = ptr.S("0") // from the threshold upwards
	} else {
		step.MetricIntervalUpperBound = ptr.S("0") // from the threshold downwards
	}
	return autoscalingpolicy.NewAutoscalingPolicy(scope, ptr.S(id), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name:                    ptr.S(name),
		AutoscalingGroupName:    asg,
		PolicyType:              ptr.S("StepScaling"),
		AdjustmentType:          ptr.S("ChangeInCapacity"),
		MetricAggregationType:   ptr.S("Average"),
		EstimatedInstanceWarmup: ptr.N(warmup),
		StepAdjustment:          &[]*autoscalingpolicy.AutoscalingPolicyStepAdjustment{step},
	})
}

func cpuAlarm(scope constructs.Construct, id string, w Wiring, period int, r config.Rule, op, missing string, policyARN *string, desc string) cloudwatchmetricalarm.CloudwatchMetricAlarm {
	suffix := map[string]string{"GreaterThanThreshold": "-cpu-high", "LessThanThreshold": "-cpu-low"}[op]
	return cloudwatchmetricalarm.NewCloudwatchMetricAlarm(scope, ptr.S(id), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          ptr.S(w.Name + suffix),
		AlarmDescription:   ptr.S(desc),
		Namespace:          ptr.S("AWS/EC2"),
		MetricName:         ptr.S("CPUUtilization"),
		Dimensions:         &map[string]*string{"AutoScalingGroupName": w.ASGName},
		Statistic:          ptr.S("Average"),
		Period:             ptr.N(period),
		EvaluationPeriods:  ptr.N(r.EvaluationPeriods),
		DatapointsToAlarm:  ptr.N(r.DatapointsToAlarm),
		ComparisonOperator: ptr.S(op),
		Threshold:          ptr.N(r.Threshold),
		TreatMissingData:   ptr.S(missing),
		AlarmActions:       ptr.L(append([]*string{policyARN}, w.NotifyARNs...)...),
	})
}

// targetTracking makes the group's one target-tracking policy (it scales
// both out and in) on a predefined metric, and returns its ARN.
func targetTracking(s constructs.Construct, w Wiring, id, nameSuffix string, target float64, metric *autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification) *string {
	return autoscalingpolicy.NewAutoscalingPolicy(s, ptr.S(id), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name:                 ptr.S(w.Name + nameSuffix),
		AutoscalingGroupName: w.ASGName,
		PolicyType:           ptr.S("TargetTrackingScaling"),
		TargetTrackingConfiguration: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfiguration{
			TargetValue:                   ptr.N(target),
			PredefinedMetricSpecification: metric,
		},
	}).Arn()
}
