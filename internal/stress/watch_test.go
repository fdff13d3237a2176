package stress

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

const (
	fakeASG = "dev-web"
	fakeTG  = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/dev-web/0123456789abcdef"
)

// fakeClients are real SDK clients aimed at the fake, with static fake credentials.
func fakeClients(endpoint string) (*autoscaling.Client, *elbv2.Client) {
	cfg := aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", ""),
		BaseEndpoint: aws.String(endpoint),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	return autoscaling.NewFromConfig(cfg), elbv2.NewFromConfig(cfg)
}

func TestWatcherPolls(t *testing.T) {
	fake, srv := newFakeAWS(t)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	now := t0
	asg, elb := fakeClients(srv.URL)
	w := &Watcher{ASG: asg, ASGName: fakeASG, ELB: elb, TargetGroupARN: fakeTG, Start: t0, Now: func() time.Time { return now }}
	ctx := context.Background()
	poll := func() []string {
		t.Helper()
		events, err := w.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range events {
			out = append(out, e.String())
		}
		return out
	}
	want := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}

	// Baseline: history before the load is not reported; targets are, as at start.
	fake.set(func(f *fakeAWS) {
		f.activities = []fakeActivity{{id: "old", status: "Successful", description: "Launching a new EC2 instance: i-a", start: t0.Add(-time.Hour), end: t0.Add(-59 * time.Minute)}}
		f.targets = []fakeTarget{{id: "i-a", port: 80, state: "healthy"}, {id: "i-b", port: 80, state: "healthy"}}
	})
	want(poll(), "+0.0s target   i-a:80 healthy (at start)", "+0.0s target   i-b:80 healthy (at start)")

	// Scale-out starts at +20s; the new target registers.
	now = t0.Add(30 * time.Second)
	fake.set(func(f *fakeAWS) {
		f.activities = append([]fakeActivity{{id: "act-2", status: "InProgress", description: "Launching a new EC2 instance: i-c", start: t0.Add(20 * time.Second)}}, f.activities...)
		f.targets = append(f.targets, fakeTarget{id: "i-c", port: 80, state: "initial", reason: "Elb.RegistrationInProgress"})
	})
	want(poll(),
		"+20.0s scaling  Launching a new EC2 instance: i-c (InProgress)",
		"+30.0s target   i-c:80 initial (was new) [Elb.RegistrationInProgress]")

	// The launch finished at +60s; the target is healthy by the poll at +95s.
	now = t0.Add(95 * time.Second)
	fake.set(func(f *fakeAWS) {
		f.activities[0].status, f.activities[0].end = "Successful", t0.Add(60*time.Second)
		f.targets[2].state, f.targets[2].reason = "healthy", ""
	})
	want(poll(),
		"+60.0s scaling  Launching a new EC2 instance: i-c (Successful, ended +60.0s)",
		"+95.0s target   i-c:80 healthy (was initial)")

	// Nothing changed: nothing to say.
	now = t0.Add(100 * time.Second)
	want(poll())

	// A target leaves the group.
	now = t0.Add(110 * time.Second)
	fake.set(func(f *fakeAWS) { f.targets = f.targets[1:] })
	want(poll(), "+110.0s target   i-a:80 deregistered (was healthy)")

	// The fake saw the right calls, signed with the fake key.
	fake.set(func(f *fakeAWS) {
		if len(f.calls) != 10 {
			t.Errorf("calls %v", f.calls)
		}
		if f.calls[0] != "DescribeScalingActivities "+fakeASG || f.calls[1] != "DescribeTargetHealth "+fakeTG {
			t.Errorf("calls %v", f.calls[:2])
		}
		for _, a := range f.auth {
			if !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDFAKE/") {
				t.Errorf("authorization %q", a)
			}
		}
	})
}

// An activity already running when the load starts is reported (before
// +0s), a finished one is not.
func TestWatcherReportsActivityInProgressAtStart(t *testing.T) {
	fake, srv := newFakeAWS(t)
	t0 := time.Now()
	fake.set(func(f *fakeAWS) {
		f.activities = []fakeActivity{
			{id: "running", status: "PreInService", description: "Launching a new EC2 instance: i-x", start: t0.Add(-5 * time.Second)},
			{id: "done", status: "Successful", description: "Terminating EC2 instance: i-y", start: t0.Add(-10 * time.Second), end: t0.Add(-8 * time.Second)},
		}
	})
	asg, _ := fakeClients(srv.URL)
	w := &Watcher{ASG: asg, ASGName: fakeASG, Start: t0}
	events, err := w.Poll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].ActivityID != "running" || events[0].T != -5 || events[0].Status != "PreInService" {
		t.Errorf("events %+v", events)
	}
}

func TestWatcherErrorsAndWarnings(t *testing.T) {
	fake, srv := newFakeAWS(t)
	fake.set(func(f *fakeAWS) { f.deny = true })
	asg, elb := fakeClients(srv.URL)
	w := &Watcher{ASG: asg, ASGName: fakeASG, ELB: elb, TargetGroupARN: fakeTG, Start: time.Now()}
	_, err := w.Poll(context.Background())
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") || !strings.Contains(err.Error(), "DescribeScalingActivities dev-web") {
		t.Fatalf("error %v", err)
	}

	// Watch warns once for a repeated error, and stops with its context.
	ctx, cancel := context.WithCancel(context.Background())
	var warnings []error
	polls := 0
	fake.set(func(f *fakeAWS) {
		f.onCall = func(action string, n int) {
			if action == "DescribeTargetHealth" {
				polls++
				if polls == 4 {
					cancel()
				}
			}
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Watch(ctx, time.Millisecond, func(Event) {}, func(err error) { warnings = append(warnings, err) })
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Watch did not stop with its context")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "AccessDenied") {
		t.Errorf("warnings %v", warnings)
	}
}
