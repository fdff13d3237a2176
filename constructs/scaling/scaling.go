// Package scaling is the scaling construct. In asg mode: two CloudWatch alarms
// on the group's average CPUUtilization drive step scaling policies (scale out
// above 70% for 2 periods, scale in below 30% for 5 periods, by default), or a
// single target-tracking policy. In ec2 mode: an EC2 auto-recovery alarm on
// StatusCheckFailed_System instead.
package scaling

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchmetricalarm"

	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Policy kinds.
const (
	PolicyStep           = "step"
	PolicyTargetTracking = "target_tracking"
)

// Rule is one CPU alarm and the adjustment it triggers.
type Rule struct {
	// Threshold in percent CPU.
	Threshold float64
	// EvaluationPeriods the alarm looks at.
	EvaluationPeriods int
	// DatapointsToAlarm of those that must breach.
	DatapointsToAlarm int
	// Adjustment in instances (+ out, - in).
	Adjustment int
}

// Config is the scaling construct's input.
type Config struct {
	// Name prefixes alarm and policy names, e.g. webtier-prod. Required.
	Name string
	// ASGName is the group to scale (asg mode). Required unless InstanceID is set.
	ASGName *string
	// InstanceID is the single instance to auto-recover (ec2 mode).
	InstanceID *string
	// Region of the stack, for the EC2 recover action ARN (ec2 mode).
	Region string
	// Policy is step or target_tracking. Default: step.
	Policy string
	// Period of the alarms in seconds. Default: 60.
	Period int
	// ScaleOut rule. Default: > 70 for 2 of 2 periods, +1.
	ScaleOut Rule
	// ScaleIn rule. Default: < 30 for 5 of 5 periods, -1.
	ScaleIn Rule
	// WarmupSeconds is the step policies' estimated instance warm-up. Default: 120.
	WarmupSeconds int
	// TargetCPU of the target-tracking policy. Default: 50.
	TargetCPU float64
	// NotifyARNs are extra alarm actions (the SNS alarm topic). Default: none.
	NotifyARNs []*string
}

// Scaling is what the construct exposes. Fields that do not apply in a mode are empty strings.
type Scaling struct {
	// Scope holds the alarms and policies.
	Scope constructs.Construct
	// ScaleOutAlarmARN and ScaleInAlarmARN of the CPU alarms (step policy).
	ScaleOutAlarmARN, ScaleInAlarmARN *string
	// ScaleOutPolicyARN and ScaleInPolicyARN (both the target-tracking policy in that mode).
	ScaleOutPolicyARN, ScaleInPolicyARN *string
	// RecoveryAlarmARN of the auto-recovery alarm (ec2 mode).
	RecoveryAlarmARN *string
}

func withDefaults(cfg Config) Config {
	if cfg.Policy == "" {
		cfg.Policy = PolicyStep
	}
	if cfg.Period == 0 {
		cfg.Period = 60
	}
	if cfg.ScaleOut == (Rule{}) {
		cfg.ScaleOut = Rule{Threshold: 70, EvaluationPeriods: 2, DatapointsToAlarm: 2, Adjustment: 1}
	}
	if cfg.ScaleIn == (Rule{}) {
		cfg.ScaleIn = Rule{Threshold: 30, EvaluationPeriods: 5, DatapointsToAlarm: 5, Adjustment: -1}
	}
	if cfg.WarmupSeconds == 0 {
		cfg.WarmupSeconds = 120
	}
	if cfg.TargetCPU == 0 {
		cfg.TargetCPU = 50
	}
	return cfg
}

// Check validates a configuration (after defaults) the way New does.
func Check(cfg Config) error {
	cfg = withDefaults(cfg)
	switch {
	case cfg.Policy != PolicyStep && cfg.Policy != PolicyTargetTracking:
		return fmt.Errorf("policy (%q) must be step or target_tracking", cfg.Policy)
	case cfg.Period < 60 || cfg.Period%60 != 0:
		return fmt.Errorf("period (%d) must be a multiple of 60 seconds", cfg.Period)
	case cfg.ScaleIn.Threshold >= cfg.ScaleOut.Threshold:
		return fmt.Errorf("scale_in.threshold (%g) must be < scale_out.threshold (%g)", cfg.ScaleIn.Threshold, cfg.ScaleOut.Threshold)
	case cfg.ScaleOut.Adjustment <= 0:
		return fmt.Errorf("scale_out.adjustment (%d) must be > 0", cfg.ScaleOut.Adjustment)
	case cfg.ScaleIn.Adjustment >= 0:
		return fmt.Errorf("scale_in.adjustment (%d) must be < 0", cfg.ScaleIn.Adjustment)
	case cfg.ScaleOut.DatapointsToAlarm > cfg.ScaleOut.EvaluationPeriods:
		return fmt.Errorf("scale_out.datapoints_to_alarm (%d) must be <= evaluation_periods (%d)", cfg.ScaleOut.DatapointsToAlarm, cfg.ScaleOut.EvaluationPeriods)
	case cfg.ScaleIn.DatapointsToAlarm > cfg.ScaleIn.EvaluationPeriods:
		return fmt.Errorf("scale_in.datapoints_to_alarm (%d) must be <= evaluation_periods (%d)", cfg.ScaleIn.DatapointsToAlarm, cfg.ScaleIn.EvaluationPeriods)
	}
	return nil
}

// New builds the scaling construct: asg policies when ASGName is set, else
// the auto-recovery alarm for InstanceID.
func New(scope constructs.Construct, id string, cfg Config) (*Scaling, error) {
	cfg = withDefaults(cfg)
	s := constructs.NewConstruct(scope, ptr.S(id))
	sc := &Scaling{Scope: s, ScaleOutAlarmARN: ptr.S(""), ScaleInAlarmARN: ptr.S(""), ScaleOutPolicyARN: ptr.S(""), ScaleInPolicyARN: ptr.S(""), RecoveryAlarmARN: ptr.S("")}
	if cfg.ASGName == nil {
		if cfg.InstanceID == nil || cfg.Region == "" {
			return nil, fmt.Errorf("asg_name or instance_id and region must be set")
		}
		alarm := cloudwatchmetricalarm.NewCloudwatchMetricAlarm(s, ptr.S("recover"), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
			AlarmName:          ptr.S(cfg.Name + "-auto-recover"),
			AlarmDescription:   ptr.S("Recover the instance onto healthy hardware when the system status check fails"),
			Namespace:          ptr.S("AWS/EC2"),
			MetricName:         ptr.S("StatusCheckFailed_System"),
			Dimensions:         &map[string]*string{"InstanceId": cfg.InstanceID},
			Statistic:          ptr.S("Maximum"),
			Period:             ptr.N(60),
			EvaluationPeriods:  ptr.N(2),
			DatapointsToAlarm:  ptr.N(2),
			ComparisonOperator: ptr.S("GreaterThanThreshold"),
			Threshold:          ptr.N(0),
			TreatMissingData:   ptr.S("missing"),
			AlarmActions:       ptr.L(append([]*string{ptr.S("arn:aws:automate:" + cfg.Region + ":ec2:recover")}, cfg.NotifyARNs...)...),
		})
		sc.RecoveryAlarmARN = alarm.Arn()
		return sc, nil
	}
	if err := Check(cfg); err != nil {
		return nil, err
	}
	if cfg.Policy == PolicyTargetTracking {
		p := autoscalingpolicy.NewAutoscalingPolicy(s, ptr.S("target-tracking"), &autoscalingpolicy.AutoscalingPolicyConfig{
			Name:                 ptr.S(cfg.Name + "-cpu-target"),
			AutoscalingGroupName: cfg.ASGName,
			PolicyType:           ptr.S("TargetTrackingScaling"),
			TargetTrackingConfiguration: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfiguration{
				TargetValue: ptr.N(cfg.TargetCPU),
				PredefinedMetricSpecification: &autoscalingpolicy.AutoscalingPolicyTargetTrackingConfigurationPredefinedMetricSpecification{
					PredefinedMetricType: ptr.S("ASGAverageCPUUtilization"),
				},
			},
		})
		sc.ScaleOutPolicyARN, sc.ScaleInPolicyARN = p.Arn(), p.Arn()
		return sc, nil
	}

	// Step scaling: while an alarm stays in ALARM, EC2 Auto Scaling keeps
	// evaluating it and the warm-up keeps launching instances from being counted
	// twice; a simple policy would stop reacting for its whole cooldown.
	out := stepPolicy(s, "scale-out", cfg.Name+"-scale-out", cfg.ASGName, cfg.ScaleOut.Adjustment, cfg.WarmupSeconds)
	in := stepPolicy(s, "scale-in", cfg.Name+"-scale-in", cfg.ASGName, cfg.ScaleIn.Adjustment, cfg.WarmupSeconds)
	sc.ScaleOutPolicyARN, sc.ScaleInPolicyARN = out.Arn(), in.Arn()

	sc.ScaleOutAlarmARN = cpuAlarm(s, "scale-out-alarm", cfg, cfg.ScaleOut, "GreaterThanThreshold", "missing", out.Arn(),
		fmt.Sprintf("Scale out by %d when average CPU > %g%% for %d of %d periods of %ds", cfg.ScaleOut.Adjustment, cfg.ScaleOut.Threshold, cfg.ScaleOut.DatapointsToAlarm, cfg.ScaleOut.EvaluationPeriods, cfg.Period)).Arn()
	// notBreaching: missing CPU data (no instances reporting) never scales in.
	sc.ScaleInAlarmARN = cpuAlarm(s, "scale-in-alarm", cfg, cfg.ScaleIn, "LessThanThreshold", "notBreaching", in.Arn(),
		fmt.Sprintf("Scale in by %d when average CPU < %g%% for %d of %d periods of %ds", -cfg.ScaleIn.Adjustment, cfg.ScaleIn.Threshold, cfg.ScaleIn.DatapointsToAlarm, cfg.ScaleIn.EvaluationPeriods, cfg.Period)).Arn()
	return sc, nil
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

func cpuAlarm(scope constructs.Construct, id string, cfg Config, r Rule, op, missing string, policyARN *string, desc string) cloudwatchmetricalarm.CloudwatchMetricAlarm {
	suffix := map[string]string{"GreaterThanThreshold": "-cpu-high", "LessThanThreshold": "-cpu-low"}[op]
	return cloudwatchmetricalarm.NewCloudwatchMetricAlarm(scope, ptr.S(id), &cloudwatchmetricalarm.CloudwatchMetricAlarmConfig{
		AlarmName:          ptr.S(cfg.Name + suffix),
		AlarmDescription:   ptr.S(desc),
		Namespace:          ptr.S("AWS/EC2"),
		MetricName:         ptr.S("CPUUtilization"),
		Dimensions:         &map[string]*string{"AutoScalingGroupName": cfg.ASGName},
		Statistic:          ptr.S("Average"),
		Period:             ptr.N(cfg.Period),
		EvaluationPeriods:  ptr.N(r.EvaluationPeriods),
		DatapointsToAlarm:  ptr.N(r.DatapointsToAlarm),
		ComparisonOperator: ptr.S(op),
		Threshold:          ptr.N(r.Threshold),
		TreatMissingData:   ptr.S(missing),
		AlarmActions:       ptr.L(append([]*string{policyARN}, cfg.NotifyARNs...)...),
	})
}
