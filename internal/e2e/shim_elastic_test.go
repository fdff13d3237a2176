package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestShimsElasticity: what compute.warm_pool and scaling.predictive need
// from the emulator. A group created with a launch hook
// (LifecycleHookSpecificationList) has it (plain moto 5.2.1 answers no
// hooks: the shim create_group_lifecycle_hooks); moto itself keeps a warm
// pool (Put, Describe, Delete, and WarmPoolConfiguration on the group) and
// a predictive policy's configuration as written.
func TestShimsElasticity(t *testing.T) {
	a := startShim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	amis, err := a.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(amis.Images) == 0 {
		t.Fatalf("no AMI in the emulator: %v", err)
	}
	lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("elastic"),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: amis.Images[0].ImageId, InstanceType: ec2types.InstanceTypeT3Small}})
	if err != nil {
		t.Fatal(err)
	}
	const group = "elastic"
	if _, err := a.ASG.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(group), MinSize: aws.Int32(0), MaxSize: aws.Int32(9), DesiredCapacity: aws.Int32(0),
		LaunchTemplate:    &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
		AvailabilityZones: []string{"us-east-1a"},
		LifecycleHookSpecificationList: []asgtypes.LifecycleHookSpecification{{
			LifecycleHookName: aws.String("launch"), LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_LAUNCHING"),
			HeartbeatTimeout: aws.Int32(600), DefaultResult: aws.String("ABANDON"),
		}},
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("launch hook at creation", func(t *testing.T) {
		h, err := a.ASG.DescribeLifecycleHooks(ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String(group)})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.LifecycleHooks) != 1 {
			t.Fatalf("got %d hooks, want the one the group was created with", len(h.LifecycleHooks))
		}
		hk := h.LifecycleHooks[0]
		if aws.ToString(hk.LifecycleHookName) != "launch" || aws.ToString(hk.LifecycleTransition) != "autoscaling:EC2_INSTANCE_LAUNCHING" ||
			aws.ToInt32(hk.HeartbeatTimeout) != 600 || aws.ToString(hk.DefaultResult) != "ABANDON" || hk.RoleARN != nil || hk.NotificationTargetARN != nil {
			t.Errorf("hook read back as %+v; want launch, EC2_INSTANCE_LAUNCHING, 600 s, ABANDON, no role or target", hk)
		}
	})

	t.Run("warm pool", func(t *testing.T) {
		if _, err := a.ASG.PutWarmPool(ctx, &autoscaling.PutWarmPoolInput{AutoScalingGroupName: aws.String(group),
			MaxGroupPreparedCapacity: aws.Int32(-1), PoolState: asgtypes.WarmPoolStateStopped,
			InstanceReusePolicy: &asgtypes.InstanceReusePolicy{ReuseOnScaleIn: aws.Bool(true)}}); err != nil {
			t.Fatalf("PutWarmPool: %v", err)
		}
		g, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{group}})
		if err != nil {
			t.Fatal(err)
		}
		wp := g.AutoScalingGroups[0].WarmPoolConfiguration
		if wp == nil || wp.PoolState != asgtypes.WarmPoolStateStopped || aws.ToInt32(wp.MaxGroupPreparedCapacity) != -1 || wp.InstanceReusePolicy == nil || !aws.ToBool(wp.InstanceReusePolicy.ReuseOnScaleIn) {
			t.Errorf("group's warm pool %+v; want Stopped, -1, reuse on scale-in", wp)
		}
		d, err := a.ASG.DescribeWarmPool(ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String(group)})
		if err != nil || d.WarmPoolConfiguration == nil {
			t.Fatalf("DescribeWarmPool: %v, %+v", err, d)
		}
		if _, err := a.ASG.DeleteWarmPool(ctx, &autoscaling.DeleteWarmPoolInput{AutoScalingGroupName: aws.String(group), ForceDelete: aws.Bool(true)}); err != nil {
			t.Fatalf("DeleteWarmPool: %v", err)
		}
		g, err = a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{group}})
		if err != nil || g.AutoScalingGroups[0].WarmPoolConfiguration != nil {
			t.Errorf("after DeleteWarmPool: %v, warm pool %+v; want none", err, g.AutoScalingGroups[0].WarmPoolConfiguration)
		}
	})

	t.Run("predictive policy", func(t *testing.T) {
		if _, err := a.ASG.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String(group), PolicyName: aws.String("predictive"),
			PolicyType: aws.String("PredictiveScaling"),
			PredictiveScalingConfiguration: &asgtypes.PredictiveScalingConfiguration{
				Mode: asgtypes.PredictiveScalingModeForecastOnly, SchedulingBufferTime: aws.Int32(300),
				MaxCapacityBreachBehavior: asgtypes.PredictiveScalingMaxCapacityBreachBehaviorHonorMaxCapacity,
				MetricSpecifications: []asgtypes.PredictiveScalingMetricSpecification{{TargetValue: aws.Float64(50),
					PredefinedMetricPairSpecification: &asgtypes.PredictiveScalingPredefinedMetricPair{PredefinedMetricType: asgtypes.PredefinedMetricPairTypeASGCPUUtilization}}},
			}}); err != nil {
			t.Fatal(err)
		}
		d, err := a.ASG.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String(group), PolicyNames: []string{"predictive"}})
		if err != nil || len(d.ScalingPolicies) != 1 {
			t.Fatalf("DescribePolicies: %v, %d policies", err, len(d.ScalingPolicies))
		}
		c := d.ScalingPolicies[0].PredictiveScalingConfiguration
		if c == nil || c.Mode != asgtypes.PredictiveScalingModeForecastOnly || aws.ToInt32(c.SchedulingBufferTime) != 300 || len(c.MetricSpecifications) != 1 ||
			aws.ToFloat64(c.MetricSpecifications[0].TargetValue) != 50 || c.MetricSpecifications[0].PredefinedMetricPairSpecification == nil {
			t.Errorf("predictive configuration read back as %+v", c)
		}
	})
}
