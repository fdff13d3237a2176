package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/rollout"
)

// watched is the Auto Scaling API the rollout library gets in the rollout
// and rollback steps: on every DescribeInstanceRefreshes (one tick of the
// emulator's refresh) it samples the target group's healthy targets, and
// onTick may act (set a gate alarm).
type watched struct {
	*autoscaling.Client
	r       *envRun
	tg      string
	onTick  func(ctx context.Context, ticks int, refresh []asgtypes.InstanceRefresh) error
	mu      sync.Mutex
	ticks   int
	healthy []int
	err     error
}

func (w *watched) DescribeInstanceRefreshes(ctx context.Context, in *autoscaling.DescribeInstanceRefreshesInput, opts ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	out, err := w.Client.DescribeInstanceRefreshes(ctx, in, opts...)
	if err != nil || len(in.InstanceRefreshIds) == 0 { // the rollout's first look, before it starts
		return out, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ticks++
	h, herr := healthyTargets(ctx, w.r.aws, w.tg)
	if herr != nil && w.err == nil {
		w.err = herr
	}
	w.healthy = append(w.healthy, h)
	if w.onTick != nil {
		if terr := w.onTick(ctx, w.ticks, out.InstanceRefreshes); terr != nil && w.err == nil {
			w.err = terr
		}
	}
	return out, nil
}

func healthyTargets(ctx context.Context, a *AWS, tg string) (int, error) {
	th, err := a.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		return 0, fmt.Errorf("DescribeTargetHealth: %s", apiErr(err))
	}
	n := 0
	for _, d := range th.TargetHealthDescriptions {
		if d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			n++
		}
	}
	return n, nil
}

// versions is the group's launch template version and its in-service
// instances' versions.
func (r *envRun) versions(ctx context.Context, group string) (string, []string, error) {
	g, err := r.group(ctx, group)
	if err != nil {
		return "", nil, err
	}
	v := ""
	switch {
	case g.LaunchTemplate != nil:
		v = aws.ToString(g.LaunchTemplate.Version)
	case g.MixedInstancesPolicy != nil && g.MixedInstancesPolicy.LaunchTemplate != nil && g.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification != nil:
		v = aws.ToString(g.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version)
	}
	var vs []string
	for _, i := range g.Instances {
		if i.LifecycleState == asgtypes.LifecycleStateInService && i.LaunchTemplate != nil {
			vs = append(vs, aws.ToString(i.LaunchTemplate.Version))
		}
	}
	return v, vs, nil
}

func allOn(vs []string, v string) bool {
	for _, x := range vs {
		if x != v {
			return false
		}
	}
	return len(vs) > 0
}

// rolloutTarget reads the rollout's target from the deploy's outputs and
// requires that the deploy left the group on its old version: Terraform
// must not move it (the rollout does, so that a rollback restores it).
func (r *envRun) rolloutTarget(ctx context.Context) (rollout.Target, string, error) {
	if err := r.ensureNewVersion(ctx); err != nil {
		return rollout.Target{}, "", err
	}
	t, err := rollout.TargetFromOutputs(r.outputs)
	if err != nil {
		return rollout.Target{}, "", err
	}
	from, vs, err := r.versions(ctx, t.Group)
	if err != nil {
		return rollout.Target{}, "", err
	}
	if from == t.Version {
		return rollout.Target{}, "", fmt.Errorf("after the deploy of template version %s the group is on it already: Terraform moved the group (it must not; the rollout moves it, so that AWS's rollback restores the configuration saved on the group when the refresh started)", t.Version)
	}
	if !allOn(vs, from) {
		return rollout.Target{}, "", fmt.Errorf("before the rollout the group is on version %s but its instances are on %v, want all on %s", from, vs, from)
	}
	return t, from, nil
}

// ensureNewVersion deploys a new launch template version (the update step)
// unless one is already deployed and not rolled out.
func (r *envRun) ensureNewVersion(ctx context.Context) error {
	if r.res.Cells[StepUpdate] != "" {
		return nil
	}
	cell, err := r.update(ctx)
	if err != nil {
		return fmt.Errorf("deploying a new template version (the update step): %w", err)
	}
	r.res.Cells[StepUpdate] = cell
	return nil
}

func (r *envRun) watch(onTick func(context.Context, int, []asgtypes.InstanceRefresh) error) *watched {
	return &watched{Client: r.aws.ASG, r: r, tg: r.outputs.String(outputs.TargetGroupARN), onTick: onTick}
}

func minOf(xs []int) int {
	m := -1
	for _, x := range xs {
		if m < 0 || x < m {
			m = x
		}
	}
	return m
}

// rollback: with template version B deployed and the group on A, the
// rollout starts a refresh to B; after its first batch a gate alarm goes to
// ALARM (SetAlarmState). Required: the refresh ends RollbackSuccessful, the
// group and every instance in service are on A, the target group holds a
// healthy target on every tick, and the next plan is empty (ignore_changes
// keeps the group on A; the template at B is already applied), and the
// rollout run again refuses without -retry, naming A and B.
func (r *envRun) rollback(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	t, err := rollout.TargetFromOutputs(r.outputs)
	if err != nil {
		return "", err
	}
	p := t.Preferences
	if p.AlarmSpecification == nil || len(p.AlarmSpecification.Alarms) == 0 || !aws.ToBool(p.AutoRollback) {
		return "n/a (no gated refresh with auto rollback)", nil
	}
	t, from, err := r.rolloutTarget(ctx)
	if err != nil {
		return "", err
	}
	gate := t.Preferences.AlarmSpecification.Alarms[0]
	alarmAt := 0
	w := r.watch(func(ctx context.Context, ticks int, rs []asgtypes.InstanceRefresh) error {
		if alarmAt > 0 || len(rs) == 0 || aws.ToInt32(rs[0].PercentageComplete) == 0 {
			return nil
		}
		alarmAt = ticks
		_, err := r.aws.CW.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(gate), StateValue: cwtypes.StateValueAlarm,
			StateReason: aws.String("e2e: the new version answers 5xx")})
		return err
	})
	var log strings.Builder
	out, rerr := rollout.Run(ctx, w, t, rollout.Options{Poll: 50 * time.Millisecond, Timeout: 2 * time.Minute}, &log)
	r.h.logf(r.name, "rollback: %s", strings.TrimSpace(strings.ReplaceAll(log.String(), "\n", "; ")))
	if _, err := r.aws.CW.SetAlarmState(ctx, &cloudwatch.SetAlarmStateInput{AlarmName: aws.String(gate), StateValue: cwtypes.StateValueOk, StateReason: aws.String("e2e: back to normal")}); err != nil {
		return "", err
	}
	if w.err != nil {
		return "", w.err
	}
	var pr Problems
	if alarmAt == 0 {
		pr.addf("the refresh never completed a batch, so the gate alarm was never set (outcome %+v, %v)", out, rerr)
	}
	if !errors.Is(rerr, rollout.ErrRolledBack) || out.Status != string(asgtypes.InstanceRefreshStatusRollbackSuccessful) {
		pr.addf("the refresh ended %s (%v), want RollbackSuccessful after %s went to ALARM", out.Status, rerr, gate)
	}
	group, vs, err := r.versions(ctx, t.Group)
	if err != nil {
		return "", err
	}
	if group != from || !allOn(vs, from) {
		pr.addf("after the rollback the group is on version %s and its instances on %v, want all on %s (the version before the rollout)", group, vs, from)
	}
	if m := minOf(w.healthy); m < 1 {
		pr.addf("the target group had %d healthy targets on a tick (samples %v), want at least 1", m, w.healthy)
	}
	if err := pr.Err(); err != nil {
		return "", err
	}
	// The plan after a rollback: empty. The template at B is applied and the
	// group's version is ignore_changes; nothing re-applies B by itself.
	cell, err := r.replan(ctx, StepRollback+"-replan", false)
	if err != nil {
		return "", fmt.Errorf("the plan after the rollback: %w", err)
	}
	// The rollout again, without -retry: it reports and starts nothing.
	var again strings.Builder
	o2, err2 := rollout.Run(ctx, r.aws.ASG, t, rollout.Options{Poll: 50 * time.Millisecond, Timeout: time.Minute}, &again)
	if !errors.Is(err2, rollout.ErrRolledBack) || o2.RefreshID != out.RefreshID || !strings.Contains(again.String(), fmt.Sprintf("on version %s, template at %s: rolled back", from, t.Version)) {
		return "", fmt.Errorf("the rollout run again after the rollback: %v, %q (refresh %s), want it to report the rollback of %s and start nothing", err2, again.String(), o2.RefreshID, out.RefreshID)
	}
	return fmt.Sprintf("%s to ALARM at tick %d: RollbackSuccessful, group and %d instances on v%s (template v%s); healthy targets >= %d; re-plan: %s; again without -retry: refused",
		gate, alarmAt, len(vs), from, t.Version, minOf(w.healthy), cell), nil
}

// rolloutStep: the rollout (with -retry, after the rollback step) ends
// Successful: the group and every instance in service on the template's
// latest version, a healthy target on every tick, the next plan without
// resource changes, and the rollout run again does nothing.
func (r *envRun) rolloutStep(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	t, from, err := r.rolloutTarget(ctx)
	if err != nil {
		return "", err
	}
	w := r.watch(nil)
	var log strings.Builder
	out, rerr := rollout.Run(ctx, w, t, rollout.Options{Retry: true, Poll: 50 * time.Millisecond, Timeout: 2 * time.Minute}, &log)
	r.h.logf(r.name, "rollout: %s", strings.TrimSpace(strings.ReplaceAll(log.String(), "\n", "; ")))
	if w.err != nil {
		return "", w.err
	}
	var pr Problems
	if rerr != nil || out.Status != string(asgtypes.InstanceRefreshStatusSuccessful) {
		pr.addf("the refresh ended %s (%v), want Successful", out.Status, rerr)
	}
	group, vs, err := r.versions(ctx, t.Group)
	if err != nil {
		return "", err
	}
	if group != t.Version || !allOn(vs, t.Version) {
		pr.addf("after the rollout the group is on version %s and its instances on %v, want all on %s", group, vs, t.Version)
	}
	if m := minOf(w.healthy); m < 1 {
		pr.addf("the target group had %d healthy targets on a tick (samples %v), want at least 1", m, w.healthy)
	}
	if err := pr.Err(); err != nil {
		return "", err
	}
	cell, err := r.replan(ctx, StepRollout+"-replan", false)
	if err != nil {
		return "", fmt.Errorf("the plan after the rollout: %w", err)
	}
	o2, err := rollout.Run(ctx, r.aws.ASG, t, rollout.Options{Poll: 50 * time.Millisecond, Timeout: time.Minute}, &strings.Builder{})
	if err != nil || o2.Status != rollout.UpToDate {
		return "", fmt.Errorf("the rollout run again: %s (%v), want %s (nothing started)", o2.Status, err, rollout.UpToDate)
	}
	return fmt.Sprintf("v%s -> v%s Successful in %d ticks, %d instances; healthy targets >= %d; re-plan: %s; again: nothing to do",
		from, t.Version, w.ticks, len(vs), minOf(w.healthy), cell), nil
}
