package e2e

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
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

	t.Run("RuleDescription", func(t *testing.T) {
		a1, err := a.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("a"), Description: aws.String("a"), VpcId: aws.String(vpcID)})
		if err != nil {
			t.Fatal(err)
		}
		b1, err := a.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("b"), Description: aws.String("b"), VpcId: aws.String(vpcID)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: a1.GroupId,
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(8080), ToPort: aws.Int32(8080),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: b1.GroupId, Description: aws.String("app from alb")}}}}}); err != nil {
			t.Fatal(err)
		}
		rules, err := a.EC2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
			Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{aws.ToString(a1.GroupId)}}}})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rules.SecurityGroupRules {
			if r.ReferencedGroupInfo != nil {
				found = true
				if got := aws.ToString(r.Description); got != "app from alb" {
					t.Errorf("description of a rule referencing a group = %q, want %q", got, "app from alb")
				}
			}
		}
		if !found {
			t.Errorf("no rule referencing a group in %+v", rules.SecurityGroupRules)
		}
	})

	t.Run("RevokeUnknownRuleID", func(t *testing.T) {
		g, err := a.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("revoke"), Description: aws.String("revoke"), VpcId: aws.String(vpcID)})
		if err != nil {
			t.Fatal(err)
		}
		in, err := a.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId,
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.9.0.0/16")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := a.EC2.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: g.GroupId,
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.8.0.0/16")}}}}})
		if err != nil {
			t.Fatal(err)
		}
		inID := aws.ToString(in.SecurityGroupRules[0].SecurityGroupRuleId)
		outID := aws.ToString(out.SecurityGroupRules[0].SecurityGroupRuleId)
		// The first revoke of each goes through; the second (the SDK's retry
		// after a dropped answer) must say the rule ID is unknown.
		for i, want := range []string{"", "InvalidSecurityGroupRuleId.NotFound"} {
			_, errIn := a.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, SecurityGroupRuleIds: []string{inID}})
			_, errOut := a.EC2.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: g.GroupId, SecurityGroupRuleIds: []string{outID}})
			for name, err := range map[string]error{"ingress": errIn, "egress": errOut} {
				if got := errorCode(err); got != want {
					t.Errorf("revoke %s #%d: error code %q (%v), want %q", name, i+1, got, err, want)
				}
			}
		}
	})

	t.Run("LaunchTemplateTagsAndRunInstances", func(t *testing.T) {
		lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("tags"),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeLaunchTemplate, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("lt")}}}},
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro,
				MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{HttpTokens: ec2types.LaunchTemplateHttpTokensStateRequired},
				Monitoring:      &ec2types.LaunchTemplatesMonitoringRequest{Enabled: aws.Bool(true)},
				TagSpecifications: []ec2types.LaunchTemplateTagSpecificationRequest{{ResourceType: ec2types.ResourceTypeInstance,
					Tags: []ec2types.Tag{{Key: aws.String("environment"), Value: aws.String("e2e")}}}}}})
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId})
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range v.LaunchTemplateVersions[0].LaunchTemplateData.TagSpecifications {
			if spec.ResourceType == ec2types.ResourceTypeLaunchTemplate {
				t.Errorf("the template's own tags are in its data: %+v", spec)
			}
		}
		if n := len(v.LaunchTemplateVersions[0].LaunchTemplateData.TagSpecifications); n != 1 {
			t.Errorf("%d tag specifications in the template data, want the instance one", n)
		}
		// What RunInstances leaves out comes from the template (as for a group's launches).
		run, err := a.EC2.RunInstances(ctx, &ec2.RunInstancesInput{MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subID),
			LaunchTemplate:    &ec2types.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
			NetworkInterfaces: nil})
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(run.Instances[0].InstanceId)}})
		if err != nil {
			t.Fatal(err)
		}
		i := d.Reservations[0].Instances[0]
		if i.MetadataOptions == nil || i.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
			t.Errorf("instance from a template requiring IMDSv2: metadata options %+v", i.MetadataOptions)
		}
		if i.Monitoring == nil || i.Monitoring.State != ec2types.MonitoringStateEnabled {
			t.Errorf("instance from a template with detailed monitoring: %+v", i.Monitoring)
		}
		if tag(i.Tags, "environment") != "e2e" {
			t.Errorf("instance tags %+v lack the template's environment tag", i.Tags)
		}
		// A private instance has no public address and no Association block.
		for _, ni := range i.NetworkInterfaces {
			if ni.Association != nil {
				t.Errorf("interface %s of a private instance has an Association %+v", aws.ToString(ni.NetworkInterfaceId), ni.Association)
			}
		}
	})

	t.Run("EBSDefaultKeyIsAWSManaged", func(t *testing.T) {
		if _, err := a.EC2.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String("us-east-1a"), Size: aws.Int32(8), Encrypted: aws.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		d, err := a.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/ebs")})
		if err != nil {
			t.Fatal(err)
		}
		if d.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
			t.Errorf("aws/ebs key manager = %s, want AWS", d.KeyMetadata.KeyManager)
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

	t.Run("GroupSettingsAndLifecycleHook", func(t *testing.T) {
		lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("lifecycle"),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.ASG.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String("lifecycle"), MinSize: aws.Int32(0), MaxSize: aws.Int32(1), DesiredCapacity: aws.Int32(0),
			LaunchTemplate:      &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
			VPCZoneIdentifier:   aws.String(subID),
			MaxInstanceLifetime: aws.Int32(604800), DefaultInstanceWarmup: aws.Int32(120),
		}); err != nil {
			t.Fatal(err)
		}
		group := func() asgtypes.AutoScalingGroup {
			d, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"lifecycle"}})
			if err != nil || len(d.AutoScalingGroups) != 1 {
				t.Fatalf("DescribeAutoScalingGroups: %v", err)
			}
			return d.AutoScalingGroups[0]
		}
		if g := group(); aws.ToInt32(g.MaxInstanceLifetime) != 604800 || aws.ToInt32(g.DefaultInstanceWarmup) != 120 {
			t.Errorf("after create: max_instance_lifetime %v, default_instance_warmup %v; want 604800, 120", g.MaxInstanceLifetime, g.DefaultInstanceWarmup)
		}
		if _, err := a.ASG.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("lifecycle"), MaxInstanceLifetime: aws.Int32(86400)}); err != nil {
			t.Fatal(err)
		}
		if g := group(); aws.ToInt32(g.MaxInstanceLifetime) != 86400 || aws.ToInt32(g.DefaultInstanceWarmup) != 120 {
			t.Errorf("after update: max_instance_lifetime %v, default_instance_warmup %v; want 86400, 120 (kept)", g.MaxInstanceLifetime, g.DefaultInstanceWarmup)
		}
		if _, err := a.ASG.PutLifecycleHook(ctx, &autoscaling.PutLifecycleHookInput{AutoScalingGroupName: aws.String("lifecycle"), LifecycleHookName: aws.String("drain"),
			LifecycleTransition: aws.String("autoscaling:EC2_INSTANCE_TERMINATING"), HeartbeatTimeout: aws.Int32(60), DefaultResult: aws.String("CONTINUE")}); err != nil {
			t.Fatal(err)
		}
		h, err := a.ASG.DescribeLifecycleHooks(ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String("lifecycle")})
		if err != nil || len(h.LifecycleHooks) != 1 {
			t.Fatalf("DescribeLifecycleHooks: %v %+v", err, h)
		}
		if hk := h.LifecycleHooks[0]; hk.RoleARN != nil || hk.NotificationTargetARN != nil || aws.ToInt32(hk.HeartbeatTimeout) != 60 {
			t.Errorf("hook read back with role %q, target %q, heartbeat %v; want no role, no target, 60", aws.ToString(hk.RoleARN), aws.ToString(hk.NotificationTargetARN), hk.HeartbeatTimeout)
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

		// A new template version (user data included) and a refresh onto it:
		// every instance is replaced from the new version.
		if _, err := a.EC2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId,
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Small, UserData: aws.String("IyEvYmluL3NoCg==")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.EC2.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId, DefaultVersion: aws.String("2")}); err != nil {
			t.Fatal(err)
		}
		before := groupInstances(g.AutoScalingGroups[0])
		ref, err := a.ASG.StartInstanceRefresh(ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String("shim")})
		if err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		// Each DescribeInstanceRefreshes is a tick: one batch, or a wait.
		var d2 *autoscaling.DescribeInstanceRefreshesOutput
		for range 20 {
			if d2, err = a.ASG.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String("shim")}); err != nil {
				t.Fatal(err)
			}
			if len(d2.InstanceRefreshes) > 0 && d2.InstanceRefreshes[0].Status == asgtypes.InstanceRefreshStatusSuccessful {
				break
			}
		}
		if len(d2.InstanceRefreshes) != 1 || aws.ToString(d2.InstanceRefreshes[0].InstanceRefreshId) != aws.ToString(ref.InstanceRefreshId) ||
			d2.InstanceRefreshes[0].Status != asgtypes.InstanceRefreshStatusSuccessful {
			t.Errorf("DescribeInstanceRefreshes = %+v, want the one refresh, Successful within 20 ticks", d2.InstanceRefreshes)
		}
		g2, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"shim"}})
		if err != nil {
			t.Fatal(err)
		}
		after := groupInstances(g2.AutoScalingGroups[0])
		if len(after) != 3 {
			t.Errorf("%d instances after the refresh, want 3", len(after))
		}
		if len(after) > 0 {
			d, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: after})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range d.Reservations {
				for _, i := range r.Instances {
					if i.InstanceType != ec2types.InstanceTypeT3Small {
						t.Errorf("instance %s after the refresh is %s, want the new version's t3.small", aws.ToString(i.InstanceId), i.InstanceType)
					}
				}
			}
		}
		for _, id := range after {
			if slices.Contains(before, id) {
				t.Errorf("instance %s survived the refresh", id)
			}
		}
		if _, err := a.ASG.CancelInstanceRefresh(ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String("shim")}); err == nil || !strings.Contains(err.Error(), "ActiveInstanceRefreshNotFound") {
			t.Errorf("CancelInstanceRefresh with none in progress: err = %v, want ActiveInstanceRefreshNotFound", err)
		}
	})

	t.Run("ACMDNSValidation", func(t *testing.T) {
		zone, err := a.R53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("example.test"), CallerReference: aws.String("shim")})
		if err != nil {
			t.Fatal(err)
		}
		req, err := a.ACM.RequestCertificate(ctx, &acm.RequestCertificateInput{DomainName: aws.String("app.example.test"),
			SubjectAlternativeNames: []string{"*.app.example.test", "www.example.test"}, ValidationMethod: acmtypes.ValidationMethodDns})
		if err != nil {
			t.Fatal(err)
		}
		status := func() (acmtypes.CertificateStatus, map[string]acmtypes.ResourceRecord) {
			t.Helper()
			d, err := a.ACM.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: req.CertificateArn})
			if err != nil {
				t.Fatal(err)
			}
			records := map[string]acmtypes.ResourceRecord{}
			for _, o := range d.Certificate.DomainValidationOptions {
				if o.ResourceRecord != nil {
					records[aws.ToString(o.ResourceRecord.Name)] = *o.ResourceRecord
				}
			}
			return d.Certificate.Status, records
		}
		st, records := status()
		if st != acmtypes.CertificateStatusPendingValidation || len(records) != 2 {
			t.Fatalf("requested: status %s with %d distinct validation records, want PENDING_VALIDATION with 2 (*.app and app share one)", st, len(records))
		}
		upsert := func(name string, rr acmtypes.ResourceRecord) {
			t.Helper()
			if _, err := a.R53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id,
				ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
					Name: aws.String(name), Type: r53types.RRType(rr.Type), TTL: aws.Int64(60),
					ResourceRecords: []r53types.ResourceRecord{{Value: rr.Value}}}}}}}); err != nil {
				t.Fatal(err)
			}
		}
		names := slices.Sorted(maps.Keys(records))
		upsert(names[0], records[names[0]])
		upsert(names[1], acmtypes.ResourceRecord{Type: records[names[1]].Type, Value: aws.String("_wrong.acm-validations.aws.")})
		if st, _ := status(); st != acmtypes.CertificateStatusPendingValidation {
			t.Errorf("one record right, one with a wrong value: status %s, want PENDING_VALIDATION", st)
		}
		upsert(names[1], records[names[1]])
		if st, _ := status(); st != acmtypes.CertificateStatusIssued {
			t.Errorf("every validation record in the zone: status %s, want ISSUED", st)
		}
	})

	t.Run("NotificationConfiguration", func(t *testing.T) {
		lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String("notify"),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro}})
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"notify-a", "notify-b"} {
			if _, err := a.ASG.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
				AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(0), MaxSize: aws.Int32(1), DesiredCapacity: aws.Int32(0),
				LaunchTemplate:    &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: lt.LaunchTemplate.LaunchTemplateId},
				VPCZoneIdentifier: aws.String(subID),
			}); err != nil {
				t.Fatal(err)
			}
		}
		const topic = "arn:aws:sns:us-east-1:123456789012:notify"
		put := func(group string, types ...string) error {
			_, err := a.ASG.PutNotificationConfiguration(ctx, &autoscaling.PutNotificationConfigurationInput{
				AutoScalingGroupName: aws.String(group), TopicARN: aws.String(topic), NotificationTypes: types})
			return err
		}
		if err := put("notify-a", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_LAUNCH"); err != nil {
			t.Fatalf("PutNotificationConfiguration: %v", err)
		}
		// A second put for the same topic overwrites the first.
		if err := put("notify-a", "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR"); err != nil {
			t.Fatal(err)
		}
		if err := put("notify-b", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"); err != nil {
			t.Fatal(err)
		}
		if err := put("notify-a", "autoscaling:EC2_INSTANCE_REBOOT"); errorCode(err) != "ValidationError" {
			t.Errorf("an unknown notification type: err = %v, want ValidationError", err)
		}
		if err := put("no-such-group", "autoscaling:EC2_INSTANCE_LAUNCH"); errorCode(err) != "ValidationError" {
			t.Errorf("a group that does not exist: err = %v, want ValidationError", err)
		}
		describe := func(groups ...string) []string {
			t.Helper()
			d, err := a.ASG.DescribeNotificationConfigurations(ctx, &autoscaling.DescribeNotificationConfigurationsInput{AutoScalingGroupNames: groups})
			if err != nil {
				t.Fatalf("DescribeNotificationConfigurations: %v", err)
			}
			var got []string
			for _, c := range d.NotificationConfigurations {
				got = append(got, aws.ToString(c.AutoScalingGroupName)+" "+aws.ToString(c.TopicARN)+" "+aws.ToString(c.NotificationType))
			}
			return got
		}
		want := []string{"notify-a " + topic + " autoscaling:EC2_INSTANCE_LAUNCH", "notify-a " + topic + " autoscaling:EC2_INSTANCE_LAUNCH_ERROR"}
		if got := describe("notify-a"); !slices.Equal(got, want) {
			t.Errorf("notify-a's configurations = %q, want %q", got, want)
		}
		if got := describe(); len(got) != 3 {
			t.Errorf("every group's configurations = %q, want 3", got)
		}
		if _, err := a.ASG.DeleteNotificationConfiguration(ctx, &autoscaling.DeleteNotificationConfigurationInput{
			AutoScalingGroupName: aws.String("notify-a"), TopicARN: aws.String(topic)}); err != nil {
			t.Fatalf("DeleteNotificationConfiguration: %v", err)
		}
		if got := describe("notify-a", "notify-b"); !slices.Equal(got, []string{"notify-b " + topic + " autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}) {
			t.Errorf("after deleting notify-a's: %q, want notify-b's only", got)
		}
	})
}

// errorCode is an API error's code, "" for no error.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return err.Error()
}
