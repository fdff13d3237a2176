package rollout

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// fake is a group and its refreshes; each Describe of the started refresh
// moves it one status along script.
type fake struct {
	group     types.AutoScalingGroup
	refreshes []types.InstanceRefresh
	script    []types.InstanceRefreshStatus
	endOn     string // the group's version after the script ends
	started   []*autoscaling.StartInstanceRefreshInput
}

func (f *fake) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: []types.AutoScalingGroup{f.group}}, nil
}

func (f *fake) DescribeInstanceRefreshes(_ context.Context, in *autoscaling.DescribeInstanceRefreshesInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeInstanceRefreshesOutput, error) {
	if len(in.InstanceRefreshIds) == 1 && len(f.started) > 0 && len(f.script) > 0 {
		f.refreshes[0].Status, f.script = f.script[0], f.script[1:]
		if len(f.script) == 0 && f.endOn != "" {
			f.group.LaunchTemplate.Version = aws.String(f.endOn)
		}
	}
	return &autoscaling.DescribeInstanceRefreshesOutput{InstanceRefreshes: f.refreshes}, nil
}

func (f *fake) StartInstanceRefresh(_ context.Context, in *autoscaling.StartInstanceRefreshInput, _ ...func(*autoscaling.Options)) (*autoscaling.StartInstanceRefreshOutput, error) {
	f.started = append(f.started, in)
	r := types.InstanceRefresh{InstanceRefreshId: aws.String("r-new"), Status: types.InstanceRefreshStatusPending,
		StartTime: aws.Time(time.Unix(2000, 0)), DesiredConfiguration: in.DesiredConfiguration}
	f.refreshes = append([]types.InstanceRefresh{r}, f.refreshes...)
	return &autoscaling.StartInstanceRefreshOutput{InstanceRefreshId: r.InstanceRefreshId}, nil
}

func group(version string) types.AutoScalingGroup {
	return types.AutoScalingGroup{AutoScalingGroupName: aws.String("g"),
		LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String("lt-1"), Version: aws.String(version)}}
}

func past(status types.InstanceRefreshStatus, version string) types.InstanceRefresh {
	return types.InstanceRefresh{InstanceRefreshId: aws.String("r-old"), Status: status, StartTime: aws.Time(time.Unix(1000, 0)),
		StatusReason:         aws.String("alarm g-alb-5xx in ALARM"),
		DesiredConfiguration: &types.DesiredConfiguration{LaunchTemplate: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String("lt-1"), Version: aws.String(version)}}}
}

func TestRun(t *testing.T) {
	target := Target{Group: "g", TemplateID: "lt-1", Version: "2", Preferences: types.RefreshPreferences{
		AutoRollback: aws.Bool(true), AlarmSpecification: &types.AlarmSpecification{Alarms: []string{"g-alb-5xx"}}}}
	tests := []struct {
		name        string
		f           *fake
		retry       bool
		wantStatus  string
		wantStarted int
		wantErr     error
		wantVersion string
		wantOut     string
	}{{
		name: "success moves the group", f: &fake{group: group("1"), endOn: "2",
			script: []types.InstanceRefreshStatus{"InProgress", "InProgress", "Successful"}},
		wantStatus: "Successful", wantStarted: 1, wantVersion: "2", wantOut: "rolled out, on version 2",
	}, {
		name: "rollback keeps the group", f: &fake{group: group("1"),
			script: []types.InstanceRefreshStatus{"InProgress", "RollbackInProgress", "RollbackSuccessful"}},
		wantStatus: "RollbackSuccessful", wantStarted: 1, wantErr: ErrRolledBack, wantVersion: "1",
		wantOut: "group g on version 1, template at 2: rolled back",
	}, {
		name: "failed", f: &fake{group: group("1"), script: []types.InstanceRefreshStatus{"Failed"}},
		wantStatus: "Failed", wantStarted: 1, wantErr: ErrRolledBack, wantVersion: "1",
	}, {
		name: "up to date: nothing started", f: &fake{group: group("2"), refreshes: []types.InstanceRefresh{past("Successful", "2")}},
		wantStatus: UpToDate, wantVersion: "2", wantOut: "nothing to roll out",
	}, {
		name: "rolled back before: not again", f: &fake{group: group("1"), refreshes: []types.InstanceRefresh{past("RollbackSuccessful", "2")}},
		wantStatus: "RollbackSuccessful", wantErr: ErrRolledBack, wantVersion: "1", wantOut: "run again with -retry",
	}, {
		name: "rolled back before: -retry starts again", retry: true,
		f: &fake{group: group("1"), endOn: "2", refreshes: []types.InstanceRefresh{past("RollbackSuccessful", "2")},
			script: []types.InstanceRefreshStatus{"Successful"}},
		wantStatus: "Successful", wantStarted: 1, wantVersion: "2",
	}, {
		name: "rolled back from another version: starts", f: &fake{group: group("1"), endOn: "2",
			refreshes: []types.InstanceRefresh{past("RollbackSuccessful", "3")}, script: []types.InstanceRefreshStatus{"Successful"}},
		wantStatus: "Successful", wantStarted: 1, wantVersion: "2",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			got, err := Run(context.Background(), tt.f, target, Options{Retry: tt.retry, Poll: time.Millisecond}, &out)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			if got.Status != tt.wantStatus || got.GroupVersion != tt.wantVersion {
				t.Errorf("outcome %+v, want status %s, group version %s", got, tt.wantStatus, tt.wantVersion)
			}
			if len(tt.f.started) != tt.wantStarted {
				t.Fatalf("%d refreshes started, want %d", len(tt.f.started), tt.wantStarted)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("output %q, want it to contain %q", out.String(), tt.wantOut)
			}
			if tt.wantStarted == 0 {
				return
			}
			in := tt.f.started[0]
			if d := in.DesiredConfiguration; d == nil || d.LaunchTemplate == nil || aws.ToString(d.LaunchTemplate.Version) != "2" || aws.ToString(d.LaunchTemplate.LaunchTemplateId) != "lt-1" {
				t.Errorf("DesiredConfiguration %+v, want lt-1 version 2", in.DesiredConfiguration)
			}
			if p := in.Preferences; p == nil || !aws.ToBool(p.AutoRollback) || p.AlarmSpecification == nil || len(p.AlarmSpecification.Alarms) != 1 {
				t.Errorf("Preferences %+v, want auto rollback and the gate alarm", in.Preferences)
			}
		})
	}
}

func TestRunRefusesWhileActive(t *testing.T) {
	f := &fake{group: group("1"), refreshes: []types.InstanceRefresh{past("InProgress", "2")}}
	_, err := Run(context.Background(), f, Target{Group: "g", TemplateID: "lt-1", Version: "2"}, Options{}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "is InProgress") || len(f.started) != 0 {
		t.Errorf("error %v with %d started, want 'is InProgress' and none started", err, len(f.started))
	}
}

func TestDesiredMixed(t *testing.T) {
	g := types.AutoScalingGroup{MixedInstancesPolicy: &types.MixedInstancesPolicy{
		InstancesDistribution: &types.InstancesDistribution{OnDemandBaseCapacity: aws.Int32(1)},
		LaunchTemplate: &types.LaunchTemplate{
			LaunchTemplateSpecification: &types.LaunchTemplateSpecification{LaunchTemplateId: aws.String("lt-1"), Version: aws.String("1")},
			Overrides:                   []types.LaunchTemplateOverrides{{InstanceType: aws.String("t3.micro")}},
		}}}
	d := desired(g, Target{TemplateID: "lt-1", Version: "2"})
	m := d.MixedInstancesPolicy
	if d.LaunchTemplate != nil || m == nil || aws.ToString(m.LaunchTemplate.LaunchTemplateSpecification.Version) != "2" ||
		len(m.LaunchTemplate.Overrides) != 1 || aws.ToInt32(m.InstancesDistribution.OnDemandBaseCapacity) != 1 {
		t.Errorf("desired %+v, want the group's mixed policy at version 2", d)
	}
	if v := aws.ToString(g.MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.Version); v != "1" {
		t.Errorf("the group's own policy changed to version %s, want it left at 1", v)
	}
}

func TestTargetFromOutputs(t *testing.T) {
	good := func() map[string]any {
		return map[string]any{"compute_mode": "asg", "asg_name": "g", "launch_template_id": "lt-1", "launch_template_version": "3",
			"instance_refresh_preferences": `{"AlarmSpecification":{"Alarms":["a"]},"AutoRollback":true,"MaxHealthyPercentage":100,"MinHealthyPercentage":90,"SkipMatching":true}`}
	}
	tests := []struct {
		name    string
		edit    func(map[string]any)
		wantErr []string
	}{
		{"good", func(map[string]any) {}, nil},
		{"a number version", func(m map[string]any) { m["launch_template_version"] = 3.0 }, nil},
		{"a fractional version", func(m map[string]any) { m["launch_template_version"] = 2.5 }, []string{"output launch_template_version (2.5) must be a string"}},
		{"ec2", func(m map[string]any) { m["compute_mode"] = "ec2" }, []string{"compute_mode is ec2"}},
		{"every problem", func(m map[string]any) {
			delete(m, "asg_name")
			m["launch_template_version"] = "$Latest"
			m["instance_refresh_preferences"] = `{"Bogus":1}`
		}, []string{"output asg_name is missing", "launch_template_version ($Latest) must be a version number", `unknown field "Bogus"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good()
			tt.edit(m)
			got, err := TargetFromOutputs(m)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if got.Group != "g" || got.Version != "3" || aws.ToInt32(got.Preferences.MinHealthyPercentage) != 90 || got.Preferences.AlarmSpecification.Alarms[0] != "a" {
					t.Errorf("target %+v, want g at 3, min healthy 90, alarm a", got)
				}
				return
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v, want it to contain %q", err, w)
				}
			}
		})
	}
}
