package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
)

// replan requires a plan without resource changes; when exact, without
// output changes either (terraform plan -detailed-exitcode exits 0). After a
// change made out of band, outputs may change value (instance_ids in asg
// mode is the group's membership when apply finished, by contract); the cell
// says which did.
func (r *envRun) replan(ctx context.Context, step string, exact bool) (string, error) {
	changes, outs, err := r.plan(ctx, step)
	if err != nil {
		return "", err
	}
	if len(changes) > 0 {
		return "", fmt.Errorf("the plan is not empty: %s", describeChanges(changes))
	}
	if exact && len(outs) > 0 {
		return "", fmt.Errorf("the plan changes outputs %s (terraform plan -detailed-exitcode exits 2)", strings.Join(outs, ", "))
	}
	cell := "no changes"
	if len(outs) > 0 {
		cell = "no resource changes (outputs " + strings.Join(outs, ", ") + " refresh)"
	}
	r.h.logf(r.name, "%s: %s", step, cell)
	return cell, nil
}

func describeChanges(changes []PlanChange) string {
	var s []string
	for _, c := range changes {
		s = append(s, c.String())
	}
	return strings.Join(s, "; ")
}

// drift changes the group's desired capacity as scaling would and requires
// the next plan to stay empty.
func (r *envRun) drift(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	name := r.outputs.String(outputs.ASGName)
	g, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	from := int(aws.ToInt32(g.DesiredCapacity))
	to := from + 1
	if to > int(aws.ToInt32(g.MaxSize)) {
		to = from - 1
	}
	if _, err := r.aws.ASG.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
		AutoScalingGroupName: aws.String(name), DesiredCapacity: aws.Int32(int32(to)), HonorCooldown: aws.Bool(false),
	}); err != nil {
		return "", fmt.Errorf("SetDesiredCapacity: %s", apiErr(err))
	}
	r.h.logf(r.name, "drift: desired capacity %d -> %d out of band", from, to)
	cell, err := r.replan(ctx, StepDrift, false)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("desired %d->%d: %s", from, to, cell), nil
}

func (r *envRun) group(ctx context.Context, name string) (*groupView, error) {
	out, err := r.aws.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("DescribeAutoScalingGroups %s: %s", name, apiErr(err))
	}
	if len(out.AutoScalingGroups) != 1 {
		return nil, fmt.Errorf("group %s not found", name)
	}
	g := out.AutoScalingGroups[0]
	return &groupView{AutoScalingGroup: g, ids: groupInstances(g)}, nil
}

type groupView struct {
	asgtypes.AutoScalingGroup
	ids []string
}

// scale executes the scale-out policy while cmd/stress --watch reads the
// emulator's Auto Scaling and ELBv2 APIs, and requires the activity and the
// new targets to show.
func (r *envRun) scale(ctx context.Context) (string, error) {
	if r.exp.Mode != "asg" {
		return "n/a (ec2)", nil
	}
	name := r.outputs.String(outputs.ASGName)
	tg := r.outputs.String(outputs.TargetGroupARN)
	before, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	// The load goes to a local stand-in: the emulator's load balancer serves
	// no traffic. What --watch reads is the emulator's real API.
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Instance-Id", "i-e2e-local")
		fmt.Fprintln(w, "i-e2e-local")
	}))
	defer backend.Close()
	reportFile := filepath.Join(r.dir, "stress.json")
	stressCmd := exec.CommandContext(ctx, r.h.stress, "-t", "8s", "-q", "20", "-c", "2", "-json", "-no-progress",
		"-watch", "-watch-interval", "500ms", "-aws-endpoint", r.emu.URL, "-region", r.region,
		"-asg", name, "-target-group", tg, backend.URL+"/")
	stressCmd.Env = r.checkEnv() // it watches the group where the stack deployed it
	report, err := os.Create(reportFile)
	if err != nil {
		return "", err
	}
	defer report.Close()
	logf, err := os.Create(r.logPath(StepScale))
	if err != nil {
		return "", err
	}
	defer logf.Close()
	stressCmd.Stdout, stressCmd.Stderr = report, logf
	if err := stressCmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- stressCmd.Wait() }()

	select {
	case <-time.After(2500 * time.Millisecond): // the watcher's first poll sees the group as it was
	case err := <-done:
		return "", fmt.Errorf("cmd/stress ended early: %v (%s)", err, tail(r.logPath(StepScale), 3))
	}
	how, want, err := r.executeScaleOut(ctx, name, before)
	if err != nil {
		_ = stressCmd.Process.Kill()
		<-done
		return "", err
	}
	if err := <-done; err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			return "", fmt.Errorf("cmd/stress: %v (%s)", err, tail(r.logPath(StepScale), 3))
		}
	}
	after, err := r.group(ctx, name)
	if err != nil {
		return "", err
	}
	var rep struct {
		Events []struct {
			Kind, Target, State, Previous, Description string
		} `json:"events"`
	}
	data, _ := os.ReadFile(reportFile)
	if err := json.Unmarshal(data, &rep); err != nil {
		return "", fmt.Errorf("the cmd/stress report: %v", err)
	}
	activities, newTargets := 0, map[string]bool{}
	for _, e := range rep.Events {
		switch {
		case e.Kind == "scaling":
			activities++
		case e.Kind == "target":
			id, _, _ := strings.Cut(e.Target, ":") // "i-...:8080"
			if !slices.Contains(before.ids, id) {
				newTargets[id] = true
			}
		}
	}
	fromN, toN := int(aws.ToInt32(before.DesiredCapacity)), int(aws.ToInt32(after.DesiredCapacity))
	var added []string
	for _, id := range after.ids {
		if !slices.Contains(before.ids, id) {
			added = append(added, id)
		}
	}
	var p Problems
	if toN <= fromN || toN != want {
		p.addf("desired capacity %d -> %d after the scale-out policy (%s), want %d", fromN, toN, how, want)
	}
	if activities == 0 {
		p.addf("cmd/stress --watch saw no scaling activity")
	}
	for _, id := range added {
		if !newTargets[id] {
			p.addf("cmd/stress --watch did not see new instance %s as a target", id)
		}
	}
	if len(added) == 0 {
		p.addf("no new instance in group %s", name)
	}
	if regs, err := registered(ctx, r.aws, tg); err != nil || !sameSet(regs, after.ids) {
		p.addf("target group has %v registered, want the group's %v (%v)", regs, after.ids, err)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	r.h.logf(r.name, "scale: %s: desired %d -> %d, %d activities and %d new targets seen by cmd/stress --watch", how, fromN, toN, activities, len(newTargets))
	return fmt.Sprintf("%d->%d: %d activities, %d new targets", fromN, toN, activities, len(newTargets)), nil
}

// executeScaleOut makes the scale-out policy act: ExecutePolicy with a metric
// value above the alarm's threshold for step policies; for target tracking
// (which ExecutePolicy does not take) what the policy would do, one more instance.
// It returns what it did and the desired capacity that must follow: the
// group's before, plus the adjustment of the step whose interval holds the
// metric (of several, when the policy has them), within max_size.
func (r *envRun) executeScaleOut(ctx context.Context, group string, before *groupView) (string, int, error) {
	from, maxSize := int(aws.ToInt32(before.DesiredCapacity)), int(aws.ToInt32(before.MaxSize))
	if r.exp.Policy != "step" {
		g, err := r.group(ctx, group)
		if err != nil {
			return "", 0, err
		}
		_, err = r.aws.ASG.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
			AutoScalingGroupName: aws.String(group), DesiredCapacity: aws.Int32(aws.ToInt32(g.DesiredCapacity) + 1)})
		return "target tracking: one instance more", min(from+1, maxSize), err
	}
	alarmARN := r.outputs.String(outputs.ScaleOutAlarmARN)
	al, err := r.aws.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	if err != nil {
		return "", 0, fmt.Errorf("DescribeAlarms: %s", apiErr(err))
	}
	threshold := -1.0
	for _, m := range al.MetricAlarms {
		if aws.ToString(m.AlarmArn) == alarmARN {
			threshold = aws.ToFloat64(m.Threshold)
		}
	}
	if threshold < 0 {
		return "", 0, fmt.Errorf("scale-out alarm %s not found", alarmARN)
	}
	policy := r.outputs.String(outputs.ScaleOutPolicyARN)
	metric := threshold + 15
	adj, interval, steps, err := r.stepFor(ctx, group, policy, metric-threshold)
	if err != nil {
		return "", 0, err
	}
	if _, err := r.aws.ASG.ExecutePolicy(ctx, &autoscaling.ExecutePolicyInput{
		AutoScalingGroupName: aws.String(group), PolicyName: aws.String(policy),
		MetricValue: aws.Float64(metric), BreachThreshold: aws.Float64(threshold), HonorCooldown: aws.Bool(false),
	}); err != nil {
		return "", 0, fmt.Errorf("ExecutePolicy %s: %s", policy, apiErr(err))
	}
	return fmt.Sprintf("ExecutePolicy scale-out at CPU %.0f%% (threshold %.0f%%): step %s of [%s], %+d", metric, threshold, interval, steps, adj), min(from+adj, maxSize), nil
}

// update changes instance_type, asserts the plan, deploys and re-plans.
func (r *envRun) update(ctx context.Context) (string, error) {
	lts := r.stack.OfType("aws_launch_template")
	if len(lts) != 1 {
		return "", fmt.Errorf("%d launch templates in the stack, want 1", len(lts))
	}
	cur, _ := lts[0].String("instance_type")
	// A neighbour of about the same price, so the change stays within the
	// environment's budget (synth checks it).
	next := map[string]string{"t3.micro": "t3.small", "t3.small": "t3.micro"}[cur]
	if next == "" {
		next = "t3.micro"
	}
	before, err := os.ReadFile(r.envFile)
	if err != nil {
		return "", err
	}
	if err := editEnvFile(r.envFile, r.name, []string{"compute", "instance_type"}, next); err != nil {
		return "", err
	}
	applied := false
	defer func() {
		if !applied { // the destroy that follows a failure deploys the config that is in place
			_ = os.WriteFile(r.envFile, before, 0o644)
		}
	}()
	r.h.logf(r.name, "update: instance_type %s -> %s", cur, next)
	res, err := r.h.cdktf(ctx, r.env(), r.logPath(StepUpdate), 5*time.Minute, "synth", "--output", r.out)
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("%s synth exited %d: %s", r.h.cliName(), res.ExitCode, FirstError(res.Output))
	}
	if err != nil {
		return "", err
	}
	if err := r.init(ctx, StepUpdate); err != nil {
		return "", err
	}
	changes, _, err := r.plan(ctx, StepUpdate)
	if err != nil {
		return "", err
	}
	summary, err := CheckUpdatePlan(r.exp.Mode, changes)
	if err != nil {
		return "", err
	}
	var oldIDs []string
	if r.exp.Mode == "ec2" {
		oldIDs = r.outputs.List(outputs.InstanceIDs)
	}
	if _, err := r.deploy(ctx, StepUpdate); err != nil {
		return "", err
	}
	applied = true
	var p Problems
	lt := r.outputs.String(outputs.LaunchTemplateID)
	v, err := r.aws.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(lt), Versions: []string{"$Latest"}})
	switch {
	case err != nil:
		p.addf("launch template %s: %s", lt, apiErr(err))
	case len(v.LaunchTemplateVersions) != 1 || v.LaunchTemplateVersions[0].LaunchTemplateData == nil:
		p.addf("launch template %s has no latest version", lt)
	case string(v.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType) != next:
		p.addf("launch template %s latest version has instance type %s, want %s", lt, v.LaunchTemplateVersions[0].LaunchTemplateData.InstanceType, next)
	}
	if r.exp.Mode == "ec2" {
		ids := r.outputs.List(outputs.InstanceIDs)
		if len(ids) != 1 || slices.Contains(oldIDs, ids[0]) {
			p.addf("instance_ids %v after the update, want one new instance (was %v)", ids, oldIDs)
		} else if regs, err := registered(ctx, r.aws, r.outputs.String(outputs.TargetGroupARN)); err != nil || !sameSet(regs, ids) {
			p.addf("target group has %v registered after the update, want %v", regs, ids)
		}
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	cell, err := r.replan(ctx, StepUpdate+"-replan", true)
	if err != nil {
		return "", err
	}
	return summary + "; then " + cell, nil
}

// CheckUpdatePlan asserts the plan of an instance_type change: the launch
// template is updated in place; in asg mode nothing is replaced, created or
// deleted, and the group is not updated (its template version is the
// rollout's); in ec2 mode exactly the instance and its target-group
// attachment are replaced. It returns a one-line summary.
func CheckUpdatePlan(mode string, changes []PlanChange) (string, error) {
	var p Problems
	ltUpdated := false
	var replaced, updated []string
	for _, c := range changes {
		switch v := c.Verb(); {
		case c.Type == "aws_launch_template":
			if v != "update" {
				p.addf("launch template %s: %s, want update in place", c.Address, v)
			}
			ltUpdated = true
		case v == "update":
			updated = append(updated, c.Address)
		case v == "replace" && mode == "ec2" && (c.Type == "aws_instance" || c.Type == "aws_lb_target_group_attachment"):
			replaced = append(replaced, c.Type)
		default:
			p.addf("%s: %s (only the launch template%s may change)", c.Address, v,
				map[string]string{"ec2": ", the instance and its attachment", "asg": ""}[mode])
		}
	}
	if !ltUpdated {
		p.addf("the launch template is not updated")
	}
	if mode == "ec2" {
		sort.Strings(replaced)
		if strings.Join(replaced, ",") != "aws_instance,aws_lb_target_group_attachment" {
			p.addf("replaced %v, want exactly the instance and its target-group attachment", replaced)
		}
	}
	if mode == "asg" {
		for _, u := range updated {
			if strings.HasPrefix(u, "aws_autoscaling_group.") {
				p.addf("%s: update; want the group left alone: the rollout command (cmd/rollout) moves it to the new template version, so that a rollback restores the old one", u)
			}
		}
	}
	if err := p.Err(); err != nil {
		return "", fmt.Errorf("update plan: %w (plan: %s)", err, describeChanges(changes))
	}
	s := fmt.Sprintf("template updated in place, %d other updates", len(updated))
	if mode == "ec2" {
		s = fmt.Sprintf("template updated, instance + attachment replaced, %d other updates", len(updated))
	}
	return s, nil
}

// destroy runs `npx cdktf destroy` (lifting deletion protection first, as a
// user must) and requires the emulator to hold nothing of the environment.
func (r *envRun) destroy(ctx context.Context) (string, error) {
	note := ""
	if r.exp.Deletion {
		r.h.logf(r.name, "destroy: lifting the load balancer's deletion protection first (alb.deletion_protection: false with a suppression of EWT-ALB-2, deploy)")
		if err := editEnvFile(r.envFile, r.name, []string{"alb", "deletion_protection"}, false); err != nil {
			return "", err
		}
		// A production load balancer without deletion protection fails the
		// policy check (EWT-ALB-2) unless the file says why.
		if err := appendEnvFile(r.envFile, r.name, "suppressions", map[string]string{
			"rule": "EWT-ALB-2", "resource": r.name + "/alb/lb",
			"reason": "decommissioning: deletion protection lifted to destroy the environment",
		}); err != nil {
			return "", err
		}
		if _, err := r.deploy(ctx, StepDestroy); err != nil {
			return "", err
		}
		note = " (deletion protection lifted first)"
	}
	r.h.logf(r.name, "destroy (%s destroy %s)", r.h.cliName(), r.name)
	res, err := r.retryTransient(ctx, StepDestroy, func() (Result, error) {
		return r.h.cdktf(ctx, r.env(), r.logPath(StepDestroy), 15*time.Minute, "destroy", r.name, "--auto-approve", "--skip-provider-lock", "--output", r.out)
	})
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("%s destroy exited %d", r.h.cliName(), res.ExitCode)
	}
	if err != nil {
		return "", &StepError{Env: r.name, Step: StepDestroy, Err: err, TFError: FirstError(res.Output), Log: r.logPath(StepDestroy)}
	}
	var keep []string
	if r.bucket != "" {
		keep = append(keep, r.bucket)
	}
	left, err := r.aws.Leftovers(ctx, keep...)
	if err != nil {
		return "", err
	}
	left, lost := splitOrphans(left, r.orphans)
	for _, l := range lost {
		r.h.logf(r.name, "destroy: %s is left by a create whose answer the emulator dropped (Terraform never learnt of it; not counted)", l)
	}
	if len(left) > 0 {
		return "", fmt.Errorf("%d resources left in the emulator after destroy: %s", len(left), strings.Join(left, ", "))
	}
	if r.base != nil && r.base != r.aws { // through assume_role: nothing was made with the engine's own account either
		if left, err = r.base.Leftovers(ctx, keep...); err != nil {
			return "", err
		}
		if len(left) > 0 {
			return "", fmt.Errorf("%d resources in the engine's own account, not the assumed role's, after destroy: %s", len(left), strings.Join(left, ", "))
		}
	}
	r.h.logf(r.name, "destroyed in %.0fs: nothing left", res.Elapsed.Seconds())
	return "clean" + note, nil
}

// splitOrphans separates from the leftovers ("kind id") those whose id is
// one of orphans, the resources made by a create whose answer the emulator
// dropped.
func splitOrphans(left, orphans []string) (kept, lost []string) {
	for _, l := range left {
		_, id, _ := strings.Cut(l, " ")
		if slices.Contains(orphans, id) {
			lost = append(lost, l)
			continue
		}
		kept = append(kept, l)
	}
	return kept, lost
}
