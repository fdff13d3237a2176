package scaling

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingpolicy"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// bound renders a step bound relative to the alarm threshold, as the
// provider takes it (a string).
func bound(cpu, threshold float64) *string {
	return jsii.String(strconv.FormatFloat(cpu-threshold, 'f', -1, 64))
}

// outSteps are the scale-out policy's step adjustments: one from the
// threshold upwards adding r.Adjustment, or one per interval of r.Steps,
// bounds relative to the threshold (lower inclusive, upper exclusive; the
// last one open).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html
func outSteps(r config.Rule) []*autoscalingpolicy.AutoscalingPolicyStepAdjustment {
	if len(r.Steps) == 0 {
		return []*autoscalingpolicy.AutoscalingPolicyStepAdjustment{{ScalingAdjustment: jsii.Number(r.Adjustment), MetricIntervalLowerBound: jsii.String("0")}}
	}
	steps := make([]*autoscalingpolicy.AutoscalingPolicyStepAdjustment, len(r.Steps))
	for i, st := range r.Steps {
		steps[i] = &autoscalingpolicy.AutoscalingPolicyStepAdjustment{ScalingAdjustment: jsii.Number(st.Adjustment), MetricIntervalLowerBound: bound(st.From, r.Threshold)}
		if st.To != nil {
			steps[i].MetricIntervalUpperBound = bound(*st.To, r.Threshold)
		}
	}
	return steps
}

// outBy says what the scale-out alarm's policy adds, for its description:
// "1", or "1 (70-85%), 3 (85-95%), 6 (95%+)" with steps.
func outBy(r config.Rule) string {
	if len(r.Steps) == 0 {
		return strconv.Itoa(r.Adjustment)
	}
	parts := make([]string, len(r.Steps))
	for i, st := range r.Steps {
		if st.To == nil {
			parts[i] = fmt.Sprintf("%d (%g%%+)", st.Adjustment, st.From)
		} else {
			parts[i] = fmt.Sprintf("%d (%g-%g%%)", st.Adjustment, st.From, *st.To)
		}
	}
	return strings.Join(parts, ", ")
}

// predictive makes the predictive scaling policy: a forecast of the group's
// CPU (ASGCPUUtilization) or of its target group's requests
// (ALBRequestCount, labelled like ALBRequestCountPerTarget), the target per
// instance, the mode, the scheduling buffer and what to do when the
// forecast is above max_size.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html
func predictive(s constructs.Construct, w wiring, p config.Predictive, lb LoadBalancer) autoscalingpolicy.AutoscalingPolicy {
	pair := &autoscalingpolicy.AutoscalingPolicyPredictiveScalingConfigurationMetricSpecificationPredefinedMetricPairSpecification{
		PredefinedMetricType: jsii.String("ASGCPUUtilization"),
	}
	if p.Metric == config.PredictiveRequestCount {
		pair.PredefinedMetricType = jsii.String("ALBRequestCount")
		pair.ResourceLabel = jsii.String(*lb.ARNSuffix() + "/" + *lb.TargetGroupARNSuffix())
	}
	c := &autoscalingpolicy.AutoscalingPolicyPredictiveScalingConfiguration{
		Mode:                      jsii.String(string(p.Mode)),
		SchedulingBufferTime:      jsii.String(strconv.Itoa(p.SchedulingBufferSeconds)),
		MaxCapacityBreachBehavior: jsii.String(string(p.MaxCapacityBreach)),
		MetricSpecification: &autoscalingpolicy.AutoscalingPolicyPredictiveScalingConfigurationMetricSpecification{
			TargetValue:                       jsii.Number(p.Target),
			PredefinedMetricPairSpecification: pair,
		},
	}
	if p.MaxCapacityBreach == config.IncreaseMaxCapacity {
		c.MaxCapacityBuffer = jsii.String(strconv.Itoa(p.MaxCapacityBuffer))
	}
	return autoscalingpolicy.NewAutoscalingPolicy(s, jsii.String("predictive"), &autoscalingpolicy.AutoscalingPolicyConfig{
		Name:                           jsii.String(w.Name + "-predictive"),
		AutoscalingGroupName:           w.ASGName,
		PolicyType:                     jsii.String("PredictiveScaling"),
		PredictiveScalingConfiguration: c,
	})
}
