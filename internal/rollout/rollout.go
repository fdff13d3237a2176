// Package rollout rolls an Auto Scaling group to its launch template's
// latest version with an instance refresh that can really roll back.
//
// AWS rolls a refresh back to "the configuration that you last saved on the
// Auto Scaling group before starting the instance refresh" (EC2 Auto Scaling
// user guide, "Undo changes with a rollback"). The stacks therefore create
// the group at the template's latest version and let Terraform never move it
// (ignore_changes), and Run starts the refresh with a DesiredConfiguration
// naming the new version while the group still holds the old one: a
// rollback restores the old version, a success saves the new one on the
// group. cmd/rollout is the command; the deploy workflows run it after
// `cdktf deploy`.
package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
)

// API is the part of the Auto Scaling client Run uses (*autoscaling.Client).
type API interface {
	DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error)
	DescribeInstanceRefreshes(context.Context, *autoscaling.DescribeInstanceRefreshesInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error)
	StartInstanceRefresh(context.Context, *autoscaling.StartInstanceRefreshInput, ...func(*autoscaling.Options)) (*autoscaling.StartInstanceRefreshOutput, error)
}

// Target is what to roll out: the stack outputs the command reads.
type Target struct {
	// Group is the Auto Scaling group's name (asg_name).
	Group string
	// TemplateID and Version are the launch template and its latest
	// version (launch_template_id, launch_template_version).
	TemplateID, Version string
	// Preferences of the refresh (instance_refresh_preferences).
	Preferences types.RefreshPreferences
}

// ErrNotASG says the stack is in ec2 mode: there is no group to roll out.
var ErrNotASG = errors.New("compute_mode is ec2: no Auto Scaling group to roll out (a new template version replaces the instance in the deploy)")

// TargetFromOutputs reads the Target from one stack's outputs (the object
// `cdktf deploy --outputs-file` writes per stack), every problem at once.
// In ec2 mode it returns ErrNotASG.
func TargetFromOutputs(outs map[string]any) (Target, error) {
	str := func(name string) (string, bool) {
		v, ok := outs[name].(string)
		return v, ok
	}
	if mode, _ := str(outputs.ComputeMode); mode == "ec2" {
		return Target{}, ErrNotASG
	}
	var t Target
	var problems []string
	need := func(name string, dst *string) {
		v, ok := str(name)
		raw, present := outs[name]
		switch {
		case !present:
			problems = append(problems, fmt.Sprintf("output %s is missing (deploy the stack with this version of the project first)", name))
		case !ok:
			problems = append(problems, fmt.Sprintf("output %s (%v) must be a string", name, raw))
		case v == "":
			problems = append(problems, fmt.Sprintf("output %s is empty; want a value in asg mode", name))
		default:
			*dst = v
		}
	}
	// The provider's latest_version is a number: a stack that outputs it
	// without tostring() gives a number in the outputs file.
	if f, ok := outs[outputs.LaunchTemplateVersion].(float64); ok && f == math.Trunc(f) && f >= 1 {
		outs = maps.Clone(outs)
		outs[outputs.LaunchTemplateVersion] = strconv.FormatFloat(f, 'f', -1, 64)
	}
	var prefs string
	if mode, ok := str(outputs.ComputeMode); !ok || mode != "asg" {
		problems = append(problems, fmt.Sprintf("output %s (%v) must be asg or ec2", outputs.ComputeMode, outs[outputs.ComputeMode]))
	}
	need(outputs.ASGName, &t.Group)
	need(outputs.LaunchTemplateID, &t.TemplateID)
	need(outputs.LaunchTemplateVersion, &t.Version)
	need(outputs.RefreshPreferences, &prefs)
	if t.Version != "" {
		if t.Version == "$Latest" || t.Version == "$Default" || strings.Trim(t.Version, "0123456789") != "" {
			problems = append(problems, fmt.Sprintf("output %s (%s) must be a version number", outputs.LaunchTemplateVersion, t.Version))
		}
	}
	if prefs != "" {
		dec := json.NewDecoder(strings.NewReader(prefs))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&t.Preferences); err != nil {
			problems = append(problems, fmt.Sprintf("output %s (%s) is not AWS RefreshPreferences JSON: %v", outputs.RefreshPreferences, prefs, err))
		}
	}
	if len(problems) > 0 {
		return Target{}, errors.New(strings.Join(problems, "\n"))
	}
	return t, nil
}

// Options tune Run.
type Options struct {
	// Retry starts the refresh again after the last one to this version
	// ended without success (rolled back, failed or cancelled). Without it,
	// Run reports that and returns ErrRolledBack.
	Retry bool
	// Poll is the time between two DescribeInstanceRefreshes (default 15 s).
	Poll time.Duration
	// Timeout bounds the wait for the refresh (default 2 h).
	Timeout time.Duration
}

// Outcome is what Run saw.
type Outcome struct {
	// Status is the refresh's final status, or UpToDate when the group
	// already held the version and nothing was started.
	Status string
	// RefreshID is the refresh started (or the last one, when not started).
	RefreshID string
	// From and To are the group's version before, and the version rolled to.
	From, To string
	// GroupVersion is the group's launch template version at the end.
	GroupVersion string
}

// UpToDate is Outcome.Status when nothing needed rolling out.
const UpToDate = "UpToDate"

// ErrRolledBack wraps every outcome but a successful (or needless) rollout:
// the refresh rolled back, failed or was cancelled, now or on an earlier run.
var ErrRolledBack = errors.New("the rollout did not complete")

// terminal refresh statuses.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_InstanceRefresh.html
var terminal = map[types.InstanceRefreshStatus]bool{
	types.InstanceRefreshStatusSuccessful: true, types.InstanceRefreshStatusFailed: true,
	types.InstanceRefreshStatusCancelled: true, types.InstanceRefreshStatusRollbackSuccessful: true,
	types.InstanceRefreshStatusRollbackFailed: true,
}

// Run rolls t.Group to t.Version of t.TemplateID and reports to w. It does
// nothing when the group already holds the version; it refuses to start
// while another refresh is active, and after a refresh to this version that
// did not succeed unless opt.Retry. It returns an error wrapping
// ErrRolledBack when the refresh ends other than Successful.
func Run(ctx context.Context, api API, t Target, opt Options, w io.Writer) (Outcome, error) {
	if opt.Poll <= 0 {
		opt.Poll = 15 * time.Second
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Hour
	}
	g, err := describeGroup(ctx, api, t.Group)
	if err != nil {
		return Outcome{}, err
	}
	spec := templateOf(g)
	if spec == nil {
		return Outcome{}, fmt.Errorf("group %s has no launch template", t.Group)
	}
	if id := aws.ToString(spec.LaunchTemplateId); id != t.TemplateID {
		return Outcome{}, fmt.Errorf("group %s launches from template %s, want %s (launch_template_id)", t.Group, id, t.TemplateID)
	}
	from := aws.ToString(spec.Version)
	out := Outcome{From: from, To: t.Version, GroupVersion: from}
	last, err := lastRefresh(ctx, api, t.Group, "")
	if err != nil {
		return out, err
	}
	if last != nil && !terminal[last.Status] {
		return out, fmt.Errorf("group %s: refresh %s is %s; wait for it to end (or cancel it) and run again", t.Group, aws.ToString(last.InstanceRefreshId), last.Status)
	}
	if from == t.Version {
		out.Status = UpToDate
		fmt.Fprintf(w, "group %s is on launch template %s version %s: nothing to roll out\n", t.Group, t.TemplateID, from)
		return out, nil
	}
	if last != nil && last.Status != types.InstanceRefreshStatusSuccessful && desiredVersion(last) == t.Version && !opt.Retry {
		out.Status, out.RefreshID = string(last.Status), aws.ToString(last.InstanceRefreshId)
		fmt.Fprintf(w, "group %s on version %s, template at %s: rolled back (refresh %s ended %s: %s)\n", t.Group, from, t.Version, out.RefreshID, last.Status, aws.ToString(last.StatusReason))
		fmt.Fprintf(w, "the group stays on version %s; fix the template and deploy, or run again with -retry to roll out version %s again\n", from, t.Version)
		return out, fmt.Errorf("group %s: %w: an earlier refresh to version %s ended %s", t.Group, ErrRolledBack, t.Version, last.Status)
	}
	in := &autoscaling.StartInstanceRefreshInput{
		AutoScalingGroupName: aws.String(t.Group),
		Strategy:             types.RefreshStrategyRolling,
		DesiredConfiguration: desired(g, t),
		Preferences:          &t.Preferences,
	}
	started, err := api.StartInstanceRefresh(ctx, in)
	if err != nil {
		return out, fmt.Errorf("StartInstanceRefresh %s: %w", t.Group, err)
	}
	out.RefreshID = aws.ToString(started.InstanceRefreshId)
	var alarms []string
	if t.Preferences.AlarmSpecification != nil {
		alarms = t.Preferences.AlarmSpecification.Alarms
	}
	fmt.Fprintf(w, "group %s: refresh %s from version %s to %s started (auto rollback %t, gate alarms %s)\n",
		t.Group, out.RefreshID, from, t.Version, aws.ToBool(t.Preferences.AutoRollback), strings.Join(alarms, ", "))

	deadline := time.Now().Add(opt.Timeout)
	seen := ""
	for {
		r, err := lastRefresh(ctx, api, t.Group, out.RefreshID)
		if err != nil {
			return out, err
		}
		if r == nil {
			return out, fmt.Errorf("group %s: refresh %s not found", t.Group, out.RefreshID)
		}
		line := fmt.Sprintf("%s %d%%", r.Status, aws.ToInt32(r.PercentageComplete))
		if line != seen {
			fmt.Fprintf(w, "  %s %s\n", line, aws.ToString(r.StatusReason))
			seen = line
		}
		if terminal[r.Status] {
			out.Status = string(r.Status)
			break
		}
		if time.Now().After(deadline) {
			return out, fmt.Errorf("group %s: refresh %s still %s after %s", t.Group, out.RefreshID, r.Status, opt.Timeout)
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(opt.Poll):
		}
	}
	if g, err = describeGroup(ctx, api, t.Group); err != nil {
		return out, err
	}
	if s := templateOf(g); s != nil {
		out.GroupVersion = aws.ToString(s.Version)
	}
	if out.Status == string(types.InstanceRefreshStatusSuccessful) {
		fmt.Fprintf(w, "group %s: rolled out, on version %s\n", t.Group, out.GroupVersion)
		return out, nil
	}
	fmt.Fprintf(w, "group %s on version %s, template at %s: rolled back (refresh %s ended %s)\n", t.Group, out.GroupVersion, t.Version, out.RefreshID, out.Status)
	return out, fmt.Errorf("group %s: %w: refresh %s ended %s", t.Group, ErrRolledBack, out.RefreshID, out.Status)
}

func describeGroup(ctx context.Context, api API, name string) (types.AutoScalingGroup, error) {
	out, err := api.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
	if err != nil {
		return types.AutoScalingGroup{}, fmt.Errorf("DescribeAutoScalingGroups %s: %w", name, err)
	}
	if len(out.AutoScalingGroups) != 1 {
		return types.AutoScalingGroup{}, fmt.Errorf("group %s not found (asg_name)", name)
	}
	return out.AutoScalingGroups[0], nil
}

// templateOf is the group's launch template: its own, or its mixed
// instances policy's.
func templateOf(g types.AutoScalingGroup) *types.LaunchTemplateSpecification {
	if g.LaunchTemplate != nil {
		return g.LaunchTemplate
	}
	if m := g.MixedInstancesPolicy; m != nil && m.LaunchTemplate != nil {
		return m.LaunchTemplate.LaunchTemplateSpecification
	}
	return nil
}

// desired is the refresh's DesiredConfiguration: the template at
// t.Version; for a group with a mixed instances policy, that policy with
// the template's version changed (a desired configuration replaces the
// group's whole policy).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DesiredConfiguration.html
func desired(g types.AutoScalingGroup, t Target) *types.DesiredConfiguration {
	spec := &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String(t.TemplateID), Version: aws.String(t.Version)}
	m := g.MixedInstancesPolicy
	if m == nil || m.LaunchTemplate == nil {
		return &types.DesiredConfiguration{LaunchTemplate: spec}
	}
	policy := *m
	lt := *m.LaunchTemplate
	lt.LaunchTemplateSpecification = spec
	policy.LaunchTemplate = &lt
	return &types.DesiredConfiguration{MixedInstancesPolicy: &policy}
}

// desiredVersion is the template version a refresh rolled (or rolls) to.
func desiredVersion(r *types.InstanceRefresh) string {
	d := r.DesiredConfiguration
	switch {
	case d == nil:
		return ""
	case d.LaunchTemplate != nil:
		return aws.ToString(d.LaunchTemplate.Version)
	case d.MixedInstancesPolicy != nil && d.MixedInstancesPolicy.LaunchTemplate != nil && d.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification != nil:
		return aws.ToString(d.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version)
	}
	return ""
}

// lastRefresh is the group's refresh id, or its newest refresh with id "".
func lastRefresh(ctx context.Context, api API, group, id string) (*types.InstanceRefresh, error) {
	in := &autoscaling.DescribeInstanceRefreshesInput{AutoScalingGroupName: aws.String(group)}
	if id != "" {
		in.InstanceRefreshIds = []string{id}
	}
	out, err := api.DescribeInstanceRefreshes(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("DescribeInstanceRefreshes %s: %w", group, err)
	}
	var newest *types.InstanceRefresh
	for i := range out.InstanceRefreshes {
		r := &out.InstanceRefreshes[i]
		if newest == nil || aws.ToTime(r.StartTime).After(aws.ToTime(newest.StartTime)) {
			newest = r
		}
	}
	return newest, nil
}
