package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// The shims against the real emulator (moto is on every machine of the
// project): each test fails on plain moto 5.2.1 and passes with the shim.

func startShim(t *testing.T) *AWS {
	t.Helper()
	ctx := context.Background()
	if err := CheckMoto(ctx, "python3"); err != nil {
		t.Fatal(err)
	}
	emu, err := StartEmulator(ctx, "python3", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Stop)
	return NewAWS(emu.URL, "us-east-1")
}

func TestShims(t *testing.T) {
	a := startShim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	vpc, err := a.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	sub, err := a.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.9.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	if err != nil {
		t.Fatal(err)
	}
	subID := aws.ToString(sub.Subnet.SubnetId)
	amis, err := a.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(amis.Images) == 0 {
		t.Fatalf("no AMI in the emulator: %v", err)
	}
	ami := amis.Images[0].ImageId

	t.Run("MonitorInstances", func(t *testing.T) {
		run, err := a.EC2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: ami, MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subID)})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(run.Instances[0].InstanceId)
		out, err := a.EC2.MonitorInstances(ctx, &ec2.MonitorInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatalf("MonitorInstances: %v", err)
		}
		if len(out.InstanceMonitorings) != 1 || out.InstanceMonitorings[0].Monitoring.State != ec2types.MonitoringStatePending {
			t.Errorf("MonitorInstances answered %+v, want the instance with state pending", out.InstanceMonitorings)
		}
		d, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{id}})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Reservations[0].Instances[0].Monitoring.State; got != ec2types.MonitoringStateEnabled {
			t.Errorf("monitoring state after MonitorInstances = %s, want enabled", got)
		}
		if _, err := a.EC2.UnmonitorInstances(ctx, &ec2.UnmonitorInstancesInput{InstanceIds: []string{id}}); err != nil {
			t.Fatalf("UnmonitorInstances: %v", err)
		}
	})

	t.Run("DeleteVpcEndpoints", func(t *testing.T) {
		ep, err := a.EC2.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpcID), ServiceName: aws.String("com.amazonaws.us-east-1.s3"), VpcEndpointType: ec2types.VpcEndpointTypeGateway})
		if err != nil {
			t.Fatal(err)
		}
		id := aws.ToString(ep.VpcEndpoint.VpcEndpointId)
		if _, err := a.EC2.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: []string{id}}); err != nil {
			t.Fatal(err)
		}
		_, err = a.EC2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{id}})
		if err == nil || !strings.Contains(err.Error(), "NotFound") {
			t.Errorf("describing a deleted endpoint: err = %v, want InvalidVpcEndpointId.NotFound", err)
		}
	})

	t.Run("DeletionProtection", func(t *testing.T) {
		sub2, err := a.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String("10.9.2.0/24"), AvailabilityZone: aws.String("us-east-1b")})
		if err != nil {
			t.Fatal(err)
		}
		lb, err := a.ELB.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("shim-test"), Subnets: []string{subID, aws.ToString(sub2.Subnet.SubnetId)}})
		if err != nil {
			t.Fatal(err)
		}
		arn := lb.LoadBalancers[0].LoadBalancerArn
		if _, err := a.ELB.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
			Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
		_, err = a.ELB.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: arn})
		if err == nil || !strings.Contains(err.Error(), "OperationNotPermitted") {
			t.Errorf("deleting a protected load balancer: err = %v, want OperationNotPermitted", err)
		}
		if _, err := a.ELB.ModifyLoadBalancerAttributes(ctx, &elbv2.ModifyLoadBalancerAttributesInput{LoadBalancerArn: arn,
			Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("deletion_protection.enabled"), Value: aws.String("false")}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ELB.DeleteLoadBalancer(ctx, &elbv2.DeleteLoadBalancerInput{LoadBalancerArn: arn}); err != nil {
			t.Errorf("deleting after lifting the protection: %v", err)
		}
	})

	t.Run("StepScaling", func(t *testing.T) {
		lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("shim"),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.ASG.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String("shim"), MinSize: aws.Int32(1), MaxSize: aws.Int32(3), DesiredCapacity: aws.Int32(1),
			LaunchTemplate:    &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
			VPCZoneIdentifier: aws.String(subID),
		}); err != nil {
			t.Fatal(err)
		}
		pol, err := a.ASG.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{
			AutoScalingGroupName: aws.String("shim"), PolicyName: aws.String("out"), PolicyType: aws.String("StepScaling"),
			AdjustmentType: aws.String("ChangeInCapacity"),
			StepAdjustments: []asgtypes.StepAdjustment{
				{MetricIntervalLowerBound: aws.Float64(0), MetricIntervalUpperBound: aws.Float64(20), ScalingAdjustment: aws.Int32(1)},
				{MetricIntervalLowerBound: aws.Float64(20), ScalingAdjustment: aws.Int32(5)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.ASG.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("shim")})
		if err != nil {
			t.Fatal(err)
		}
		if p := d.ScalingPolicies[0]; !aws.ToBool(p.Enabled) || p.PredictiveScalingConfiguration != nil {
			t.Errorf("policy read back with Enabled=%v, predictive %+v; want enabled and no predictive block", aws.ToBool(p.Enabled), p.PredictiveScalingConfiguration)
		}
		// 70 + 10 - 70 = 10 lies in [0, 20): +1. By ARN, as Terraform outputs it.
		if _, err := a.ASG.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("shim"),
			PolicyName: pol.PolicyARN, MetricValue: aws.Float64(80), BreachThreshold: aws.Float64(70)}); err != nil {
			t.Fatalf("ExecutePolicy on a step policy: %v", err)
		}
		// 70 + 40: +5, held at max 3.
		if _, err := a.ASG.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("shim"),
			PolicyName: aws.String("out"), MetricValue: aws.Float64(110), BreachThreshold: aws.Float64(70)}); err != nil {
			t.Fatalf("ExecutePolicy on a step policy: %v", err)
		}
		g, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"shim"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToInt32(g.AutoScalingGroups[0].DesiredCapacity); got != 3 {
			t.Errorf("desired capacity after +1 then +5 (max 3) = %d, want 3", got)
		}
		_, err = a.ASG.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{AutoScalingGroupName: aws.String("shim"), PolicyName: aws.String("out")})
		if err == nil || !strings.Contains(err.Error(), "MetricValue") {
			t.Errorf("ExecutePolicy on a step policy without MetricValue: err = %v, want a ValidationError naming MetricValue", err)
		}
		acts, err := a.ASG.DescribeScalingActivities(ctx, &autoscaling.DescribeScalingActivitiesInput{AutoScalingGroupName: aws.String("shim")})
		if err != nil {
			t.Fatal(err)
		}
		// One launch at creation, one for +1, one for the capped +5.
		if len(acts.Activities) != 3 {
			t.Fatalf("%d activities, want 3 launches: %+v", len(acts.Activities), acts.Activities)
		}
		for _, act := range acts.Activities {
			if !strings.HasPrefix(aws.ToString(act.Description), "Launching a new EC2 instance: i-") || act.StatusCode != asgtypes.ScalingActivityStatusCodeSuccessful {
				t.Errorf("activity %q (%s), want a successful launch", aws.ToString(act.Description), act.StatusCode)
			}
		}
		if c := aws.ToString(acts.Activities[0].Cause); !strings.Contains(c, "executed policy out changing the desired capacity from 2 to 3") {
			t.Errorf("newest activity's cause = %q, want the capped policy execution 2 -> 3", c)
		}
	})
}
