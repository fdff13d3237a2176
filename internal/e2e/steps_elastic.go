package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// stepFor reads the step scaling policy policyARN of group and returns the
// adjustment of the step whose interval holds delta (metric - threshold;
// lower bound inclusive, upper exclusive, a missing bound infinite), that
// interval, and every interval with its adjustment.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StepAdjustment.html
func (r *envRun) stepFor(ctx context.Context, group, policyARN string, delta float64) (int, string, string, error) {
	out, err := r.aws.ASG.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String(group)})
	if err != nil {
		return 0, "", "", fmt.Errorf("DescribePolicies: %s", apiErr(err))
	}
	for _, p := range out.ScalingPolicies {
		if aws.ToString(p.PolicyARN) != policyARN {
			continue
		}
		adj, interval, all, ok := pickStepAdjustment(p.StepAdjustments, delta)
		if !ok {
			return 0, "", all, fmt.Errorf("policy %s: no step holds %g above the threshold (steps %s)", policyARN, delta, all)
		}
		return adj, interval, all, nil
	}
	return 0, "", "", fmt.Errorf("scale-out policy %s is not a policy of group %s", policyARN, group)
}

// pickStepAdjustment is the adjustment of the step holding delta.
func pickStepAdjustment(steps []asgtypes.StepAdjustment, delta float64) (adj int, interval, all string, ok bool) {
	bound := func(v *float64, inf string) string {
		if v == nil {
			return inf
		}
		return strconv.FormatFloat(*v, 'g', -1, 64)
	}
	var parts []string
	for _, s := range steps {
		iv := bound(s.MetricIntervalLowerBound, "-inf") + ".." + bound(s.MetricIntervalUpperBound, "+inf")
		parts = append(parts, fmt.Sprintf("%s: %+d", iv, aws.ToInt32(s.ScalingAdjustment)))
		if !ok && (s.MetricIntervalLowerBound == nil || delta >= *s.MetricIntervalLowerBound) && (s.MetricIntervalUpperBound == nil || delta < *s.MetricIntervalUpperBound) {
			adj, interval, ok = int(aws.ToInt32(s.ScalingAdjustment)), iv, true
		}
	}
	return adj, interval, strings.Join(parts, "; "), ok
}
