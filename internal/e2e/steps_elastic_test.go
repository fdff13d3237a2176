package e2e

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// TestPickStepAdjustment: prod's steps (0..15 +1, 15..25 +3, 25.. +6
// above the threshold); the scale step's metric is 15 above it: +3.
func TestPickStepAdjustment(t *testing.T) {
	steps := []asgtypes.StepAdjustment{
		{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(15), ScalingAdjustment: aws.Int32(1)},
		{MetricIntervalLowerBound: aws.Float64(15), MetricIntervalUpperBound: aws.Float64(25), ScalingAdjustment: aws.Int32(3)},
		{MetricIntervalLowerBound: aws.Float64(25), ScalingAdjustment: aws.Int32(6)},
	}
	cases := []struct {
		delta    float64
		adj      int
		interval string
		ok       bool
	}{
		{0, 1, "0..15", true}, {14.9, 1, "0..15", true}, {15, 3, "15..25", true}, {25, 6, "25..+inf", true}, {-1, 0, "", false},
	}
	for _, c := range cases {
		adj, iv, all, ok := pickStepAdjustment(steps, c.delta)
		if adj != c.adj || iv != c.interval || ok != c.ok || all != "0..15: +1; 15..25: +3; 25..+inf: +6" {
			t.Errorf("delta %g: got %+d %q %v (%s), want %+d %q %v", c.delta, adj, iv, ok, all, c.adj, c.interval, c.ok)
		}
	}
}

// TestWithAccount: the stack's account ID reference in the instance policy
// (the launch hook's group ARN) resolves to the role's account.
func TestWithAccount(t *testing.T) {
	doc := `{"Resource":["arn:aws:autoscaling:us-east-1:${data.aws_caller_identity.encryption_account_9F69CF1C.account_id}:autoScalingGroup:*:autoScalingGroupName/webtier-prod-asg"]}`
	cases := []struct{ role, want string }{
		{"arn:aws:iam::123456789012:role/webtier-prod-app-1", `{"Resource":["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/webtier-prod-asg"]}`},
		{"", doc},
	}
	for _, c := range cases {
		if got := withAccount(doc, c.role); got != c.want {
			t.Errorf("role %q: got %s, want %s", c.role, got, c.want)
		}
	}
}
