package e2e

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// refreshWorld is a group of 3 on a launch template with versions 1 (t3.micro)
// and 2 (t3.small), registered in a target group, and a gate alarm.
type refreshWorld struct {
	a           *AWS
	group, lt   string
	tg, alarm   string
	healthyMins []int // the target group's healthy targets, sampled on every tick
}

func newRefreshWorld(t *testing.T, ctx context.Context, a *AWS, name string) *refreshWorld {
	return newRefreshWorldOf(t, ctx, a, name, false)
}

// newRefreshWorldOf makes the world; mixed: the group has a mixed instances
// policy (as compute.spot makes) instead of a launch template.
func newRefreshWorldOf(t *testing.T, ctx context.Context, a *AWS, name string, mixed bool) *refreshWorld {
	t.Helper()
	vpc, err := a.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.8.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := a.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId, CidrBlock: aws.String("10.8.1.0/24"), AvailabilityZone: aws.String("us-east-1a")})
	if err != nil {
		t.Fatal(err)
	}
	amis, err := a.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{})
	if err != nil || len(amis.Images) == 0 {
		t.Fatalf("no AMI in the emulator: %v", err)
	}
	ami := amis.Images[0].ImageId
	lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro}})
	if err != nil {
		t.Fatal(err)
	}
	ltID := aws.ToString(lt.LaunchTemplate.LaunchTemplateId)
	if _, err := a.EC2.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: aws.String(ltID),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: ami, InstanceType: ec2types.InstanceTypeT3Small}}); err != nil {
		t.Fatal(err)
	}
	tg, err := a.ELB.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(8080), VpcId: vpc.Vpc.VpcId, TargetType: elbtypes.TargetTypeEnumInstance})
	if err != nil {
		t.Fatal(err)
	}
	tgARN := aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	in := &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(3), MaxSize: aws.Int32(6), DesiredCapacity: aws.Int32(3),
		VPCZoneIdentifier: sub.Subnet.SubnetId, TargetGroupARNs: []string{tgARN}, HealthCheckGracePeriod: aws.Int32(60),
	}
	spec := &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(ltID), Version: aws.String("1")}
	if mixed {
		in.MixedInstancesPolicy = &asgtypes.MixedInstancesPolicy{
			LaunchTemplate: &asgtypes.LaunchTemplate{LaunchTemplateSpecification: spec,
				Overrides: []asgtypes.LaunchTemplateOverrides{{InstanceType: aws.String("t3.small")}}},
			InstancesDistribution: &asgtypes.InstancesDistribution{OnDemandBaseCapacity: aws.Int32(1)},
		}
	} else {
		in.LaunchTemplate = spec
	}
	if _, err := a.ASG.CreateAutoScalingGroup(ctx, in); err != nil {
		t.Fatal(err)
	}
	alarm := name + "-5xx"
	if _, err := a.CW.PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{AlarmName: aws.String(alarm), Namespace: aws.String("AWS/ApplicationELB"),
		MetricName: aws.String("HTTPCode_ELB_5XX_Count"), Statistic: cwtypes.StatisticSum, Period: aws.Int32(60), EvaluationPeriods: aws.Int32(1),
		Threshold: aws.Float64(10), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold}); err != nil {
		t.Fatal(err)
	}
	return &refreshWorld{a: a, group: name, lt: ltID, tg: tgARN, alarm: alarm}
}

func (w *refreshWorld) start(ctx context.Context, version string, prefs asgtypes.RefreshPreferences) (string, error) {
	in := &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group), Preferences: &prefs}
	if version != "" {
		in.DesiredConfiguration = &asgtypes.DesiredConfiguration{LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.lt), Version: aws.String(version)}}
	}
	out, err := w.a.ASG.StartInstanceRefresh(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.InstanceRefreshId), nil
}

// tick describes the refresh (one tick) and samples the healthy targets.
func (w *refreshWorld) tick(t *testing.T, ctx context.Context) asgtypes.InstanceRefresh {
	t.Helper()
	d, err := w.a.ASG.DescribeInstanceRefreshes(ctx, &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(w.group)})
	if err != nil {
		t.Fatalf("DescribeInstanceRefreshes: %v", err)
	}
	if len(d.InstanceRefreshes) == 0 {
		t.Fatal("DescribeInstanceRefreshes: no refresh")
	}
	h, err := w.a.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(w.tg)})
	if err != nil {
		t.Fatal(err)
	}
	healthy := 0
	for _, d := range h.TargetHealthDescriptions {
		if d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			healthy++
		}
	}
	w.healthyMins = append(w.healthyMins, healthy)
	return d.InstanceRefreshes[0]
}

// until ticks until the refresh ends (at most 30 ticks).
func (w *refreshWorld) until(t *testing.T, ctx context.Context) asgtypes.InstanceRefresh {
	t.Helper()
	for range 30 {
		r := w.tick(t, ctx)
		switch r.Status {
		case asgtypes.InstanceRefreshStatusSuccessful, asgtypes.InstanceRefreshStatusFailed, asgtypes.InstanceRefreshStatusCancelled,
			asgtypes.InstanceRefreshStatusRollbackSuccessful, asgtypes.InstanceRefreshStatusRollbackFailed:
			return r
		}
	}
	t.Fatal("the refresh did not end within 30 ticks")
	return asgtypes.InstanceRefresh{}
}

// versions is the group's template version and each in-service instance's.
func (w *refreshWorld) versions(t *testing.T, ctx context.Context) (string, []string) {
	t.Helper()
	g, err := w.a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{w.group}})
	if err != nil || len(g.AutoScalingGroups) != 1 {
		t.Fatalf("DescribeAutoScalingGroups: %v", err)
	}
	grp := g.AutoScalingGroups[0]
	version := ""
	if grp.LaunchTemplate != nil {
		version = aws.ToString(grp.LaunchTemplate.Version)
	} else if m := grp.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil && m.LaunchTemplate.LaunchTemplateSpecification != nil {
		version = aws.ToString(m.LaunchTemplate.LaunchTemplateSpecification.Version)
	}
	var vs []string
	for _, i := range grp.Instances {
		if i.LifecycleState == asgtypes.LifecycleStateInService && i.LaunchTemplate != nil {
			vs = append(vs, aws.ToString(i.LaunchTemplate.Version))
		}
	}
	return version, vs
}

func (w *refreshWorld) setAlarm(t *testing.T, ctx context.Context, state cwtypes.StateValue) {
	t.Helper()
	if _, err := w.a.CW.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(w.alarm), StateValue: state, StateReason: aws.String("shim test")}); err != nil {
		t.Fatal(err)
	}
}

func all(vs []string, v string) bool {
	for _, x := range vs {
		if x != v {
			return false
		}
	}
	return len(vs) > 0
}

// TestShimInstanceRefresh: StartInstanceRefresh / DescribeInstanceRefreshes /
// RollbackInstanceRefresh / CancelInstanceRefresh answer like AWS (each
// fails on plain moto 5.2.1, which has none of them).
func TestShimInstanceRefresh(t *testing.T) {
	a := startShim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	gated := func(w *refreshWorld) asgtypes.RefreshPreferences {
		return asgtypes.RefreshPreferences{AutoRollback: aws.Bool(true), SkipMatching: aws.Bool(true), MinHealthyPercentage: aws.Int32(66),
			MaxHealthyPercentage: aws.Int32(100), AlarmSpecification: &asgtypes.AlarmSpecification{Alarms: []string{w.alarm}}}
	}

	t.Run("SuccessInBatches", func(t *testing.T) {
		w := newRefreshWorld(t, ctx, a, "ok")
		if _, err := w.start(ctx, "2", gated(w)); err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		if _, err := w.start(ctx, "2", gated(w)); err == nil || !strings.Contains(err.Error(), "InstanceRefreshInProgress") {
			t.Errorf("a second StartInstanceRefresh: err = %v, want InstanceRefreshInProgress", err)
		}
		// 3 desired, min healthy 66 % (2 instances), max 100 %: one at a time.
		newCount := 0
		for range 30 {
			r := w.tick(t, ctx)
			_, vs := w.versions(t, ctx)
			n := 0
			for _, v := range vs {
				if v == "2" {
					n++
				}
			}
			if n-newCount > 1 {
				t.Errorf("%d instances replaced in one tick, want at most 1 (min healthy 66 %% of 3)", n-newCount)
			}
			newCount = n
			if r.Status == asgtypes.InstanceRefreshStatusSuccessful {
				break
			}
		}
		group, vs := w.versions(t, ctx)
		if group != "2" || !all(vs, "2") || len(vs) != 3 {
			t.Errorf("after a successful refresh: group on %s, instances on %v, want the group and 3 instances on 2", group, vs)
		}
		for i, h := range w.healthyMins {
			if h < 2 {
				t.Errorf("tick %d: %d healthy targets, want at least 2 (min healthy)", i, h)
			}
		}
		// The replaced instances drain out of the target group: healthy are
		// the 3 in service only.
		if h := w.healthyMins[len(w.healthyMins)-1]; h != 3 {
			t.Errorf("%d healthy targets after the refresh, want 3 (the replaced instances deregistered)", h)
		}
	})

	// The order the rollout command uses: the group still on 1 when the
	// refresh to 2 starts. A gate alarm in ALARM rolls it back to 1.
	t.Run("AlarmRollsBackToSaved", func(t *testing.T) {
		w := newRefreshWorld(t, ctx, a, "back")
		if _, err := w.start(ctx, "2", gated(w)); err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		w.tick(t, ctx) // Pending -> InProgress
		r := w.tick(t, ctx)
		if _, vs := w.versions(t, ctx); !strings.Contains(strings.Join(vs, ","), "2") {
			t.Fatalf("after the first batch (%s) no instance on 2: %v", r.Status, vs)
		}
		w.setAlarm(t, ctx, cwtypes.StateValueAlarm)
		r = w.until(t, ctx)
		if r.Status != asgtypes.InstanceRefreshStatusRollbackSuccessful || r.RollbackDetails == nil ||
			!strings.Contains(aws.ToString(r.RollbackDetails.RollbackReason), w.alarm) {
			t.Errorf("refresh ended %s (%s), rollback details %+v, want RollbackSuccessful naming %s", r.Status, aws.ToString(r.StatusReason), r.RollbackDetails, w.alarm)
		}
		if group, vs := w.versions(t, ctx); group != "1" || !all(vs, "1") || len(vs) != 3 {
			t.Errorf("after the rollback: group on %s, instances on %v, want the group and 3 instances on 1", group, vs)
		}
		for i, h := range w.healthyMins {
			if h == 0 {
				t.Errorf("tick %d: no healthy target", i)
			}
		}
	})

	// A group with a mixed instances policy (compute.spot): the desired
	// configuration is the policy at the new version; a gate alarm rolls
	// back to 1, a retry succeeds and saves the policy at 2 on the group.
	t.Run("MixedPolicy", func(t *testing.T) {
		w := newRefreshWorldOf(t, ctx, a, "mixed", true)
		g, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{w.group}})
		if err != nil {
			t.Fatal(err)
		}
		policy := *g.AutoScalingGroups[0].MixedInstancesPolicy
		lt := *policy.LaunchTemplate
		lt.LaunchTemplateSpecification = &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.lt), Version: aws.String("2")}
		policy.LaunchTemplate = &lt
		start := func() {
			t.Helper()
			p := gated(w)
			if _, err := a.ASG.StartInstanceRefresh(ctx, &autoscaling.StartInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group),
				DesiredConfiguration: &asgtypes.DesiredConfiguration{MixedInstancesPolicy: &policy}, Preferences: &p}); err != nil {
				t.Fatalf("StartInstanceRefresh: %v", err)
			}
		}
		start()
		w.tick(t, ctx)
		w.tick(t, ctx)
		w.setAlarm(t, ctx, cwtypes.StateValueAlarm)
		if r := w.until(t, ctx); r.Status != asgtypes.InstanceRefreshStatusRollbackSuccessful {
			t.Errorf("refresh ended %s, want RollbackSuccessful", r.Status)
		}
		if group, vs := w.versions(t, ctx); group != "1" || !all(vs, "1") || len(vs) != 3 {
			t.Errorf("after the rollback: group on %s, instances on %v, want the group and 3 instances on 1", group, vs)
		}
		w.setAlarm(t, ctx, cwtypes.StateValueOk)
		start()
		if r := w.until(t, ctx); r.Status != asgtypes.InstanceRefreshStatusSuccessful {
			t.Errorf("refresh ended %s, want Successful", r.Status)
		}
		if group, vs := w.versions(t, ctx); group != "2" || !all(vs, "2") || len(vs) != 3 {
			t.Errorf("after the refresh: group on %s, instances on %v, want the group and 3 instances on 2", group, vs)
		}
	})

	// The provider's order (hashicorp/terraform-provider-aws#34189): the group
	// is moved to 2 before the refresh starts, so the saved configuration is
	// 2 and the rollback reinstalls 2.
	t.Run("ProviderOrderRollsBackToNew", func(t *testing.T) {
		w := newRefreshWorld(t, ctx, a, "provider")
		if _, err := a.ASG.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String(w.group),
			LaunchTemplate: &asgtypes.LaunchTemplateSpecification{LaunchTemplateId: aws.String(w.lt), Version: aws.String("2")}}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.start(ctx, "2", gated(w)); err != nil {
			t.Fatalf("StartInstanceRefresh: %v", err)
		}
		w.tick(t, ctx)
		w.tick(t, ctx)
		w.setAlarm(t, ctx, cwtypes.StateValueAlarm)
		if r := w.until(t, ctx); r.Status != asgtypes.InstanceRefreshStatusRollbackSuccessful {
			t.Errorf("refresh ended %s, want RollbackSuccessful", r.Status)
		}
		// The rollback replaced the instance the refresh had replaced with
		// one from the saved configuration, 2 again; the two it had not
		// reached stay on 1, and every launch from now on is 2.
		group, vs := w.versions(t, ctx)
		slices.Sort(vs)
		if group != "2" || strings.Join(vs, ",") != "1,1,2" {
			t.Errorf("after the rollback: group on %s, instances on %v, want the group on 2 (the configuration saved when it started), one instance on 2, two on 1", group, vs)
		}
	})

	t.Run("ManualRollbackCancelAndErrors", func(t *testing.T) {
		w := newRefreshWorld(t, ctx, a, "manual")
		if _, err := a.ASG.RollbackInstanceRefresh(ctx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group)}); err == nil || !strings.Contains(err.Error(), "ActiveInstanceRefreshNotFound") {
			t.Errorf("RollbackInstanceRefresh with none active: err = %v, want ActiveInstanceRefreshNotFound", err)
		}
		if _, err := w.start(ctx, "", asgtypes.RefreshPreferences{AutoRollback: aws.Bool(true)}); err == nil || !strings.Contains(err.Error(), "desired configuration") {
			t.Errorf("AutoRollback without a desired configuration: err = %v, want a ValidationError naming the desired configuration", err)
		}
		// Without a desired configuration: no rollback, but a cancel.
		if _, err := w.start(ctx, "", asgtypes.RefreshPreferences{}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ASG.RollbackInstanceRefresh(ctx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group)}); err == nil || !strings.Contains(err.Error(), "IrreversibleInstanceRefresh") {
			t.Errorf("RollbackInstanceRefresh without a desired configuration: err = %v, want IrreversibleInstanceRefresh", err)
		}
		if _, err := a.ASG.CancelInstanceRefresh(ctx, &autoscaling.CancelInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group)}); err != nil {
			t.Errorf("CancelInstanceRefresh of the active refresh: %v", err)
		}
		if r := w.until(t, ctx); r.Status != asgtypes.InstanceRefreshStatusCancelled {
			t.Errorf("cancelled refresh ended %s, want Cancelled", r.Status)
		}
		// A manual rollback after the first batch.
		id, err := w.start(ctx, "2", asgtypes.RefreshPreferences{MinHealthyPercentage: aws.Int32(66)})
		if err != nil {
			t.Fatal(err)
		}
		w.tick(t, ctx)
		w.tick(t, ctx)
		rb, err := a.ASG.RollbackInstanceRefresh(ctx, &autoscaling.RollbackInstanceRefreshInput{AutoScalingGroupName: aws.String(w.group)})
		if err != nil || aws.ToString(rb.InstanceRefreshId) != id {
			t.Fatalf("RollbackInstanceRefresh: %v (id %s, want %s)", err, aws.ToString(rb.InstanceRefreshId), id)
		}
		if r := w.until(t, ctx); r.Status != asgtypes.InstanceRefreshStatusRollbackSuccessful {
			t.Errorf("manually rolled back refresh ended %s, want RollbackSuccessful", r.Status)
		}
		if group, vs := w.versions(t, ctx); group != "1" || !all(vs, "1") {
			t.Errorf("after the manual rollback: group on %s, instances on %v, want 1", group, vs)
		}
	})
}
