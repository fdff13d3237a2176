package stress

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// Event kinds.
const (
	EventScaling = "scaling" // an Auto Scaling activity started or changed status
	EventTarget  = "target"  // a target's health state changed
)

// Event is one thing --watch saw. T is relative to the start of the load:
// for scaling events it is the activity's own start (or end) time as AWS
// records it; for targets it is when the poll saw the new state (so it is
// late by up to one poll interval).
type Event struct {
	T    float64 `json:"t_s"`
	Kind string  `json:"kind"`

	ActivityID  string   `json:"activity_id,omitempty"`
	Status      string   `json:"status,omitempty"`
	Description string   `json:"description,omitempty"`
	EndT        *float64 `json:"end_s,omitempty"`

	Target   string `json:"target,omitempty"`
	State    string `json:"state,omitempty"`
	Previous string `json:"previous,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

func (e Event) String() string {
	at := formatOffset(time.Duration(e.T * float64(time.Second)))
	switch e.Kind {
	case EventScaling:
		s := fmt.Sprintf("%s scaling  %s (%s", at, e.Description, e.Status)
		if e.EndT != nil {
			s += ", ended " + formatOffset(time.Duration(*e.EndT*float64(time.Second)))
		}
		return s + ")"
	default:
		s := fmt.Sprintf("%s target   %s %s", at, e.Target, e.State)
		switch e.Previous {
		case "":
			s += " (at start)"
		default:
			s += " (was " + e.Previous + ")"
		}
		if e.Reason != "" {
			s += " [" + e.Reason + "]"
		}
		return s
	}
}

// ScalingActivitiesAPI is the part of the Auto Scaling client the watcher uses.
type ScalingActivitiesAPI interface {
	DescribeScalingActivities(context.Context, *autoscaling.DescribeScalingActivitiesInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeScalingActivitiesOutput, error)
}

// TargetHealthAPI is the part of the ELBv2 client the watcher uses.
type TargetHealthAPI interface {
	DescribeTargetHealth(context.Context, *elbv2.DescribeTargetHealthInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// Watcher polls an Auto Scaling group's activities and a target group's
// target health, and turns what changed since the last poll into events.
type Watcher struct {
	ASG            ScalingActivitiesAPI
	ASGName        string // empty: activities are not watched
	ELB            TargetHealthAPI
	TargetGroupARN string // empty: targets are not watched
	// Start is the start of the load; event times are relative to it.
	Start time.Time
	// Now defaults to time.Now.
	Now func() time.Time

	polled     bool
	activities map[string]asgtypes.ScalingActivityStatusCode
	targets    map[string]string
}

// WatchConfig tells NewAWSWatcher where to reach AWS.
type WatchConfig struct {
	ASGName, TargetGroupARN string
	// Region overrides the SDK's default (AWS_REGION, the profile).
	Region string
	// Endpoint overrides the endpoint of both APIs (a test fake, LocalStack).
	Endpoint string
}

// NewAWSWatcher builds a watcher on the SDK's default credential chain.
func NewAWSWatcher(ctx context.Context, wc WatchConfig) (*Watcher, error) {
	var opts []func(*config.LoadOptions) error
	if wc.Region != "" {
		opts = append(opts, config.WithRegion(wc.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("watch: AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("watch: no AWS region: set AWS_REGION or pass --region")
	}
	if wc.Endpoint != "" {
		cfg.BaseEndpoint = aws.String(wc.Endpoint)
	}
	return &Watcher{
		ASG:            autoscaling.NewFromConfig(cfg),
		ASGName:        wc.ASGName,
		ELB:            elbv2.NewFromConfig(cfg),
		TargetGroupARN: wc.TargetGroupARN,
	}, nil
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

func (w *Watcher) offset(t time.Time) float64 {
	return round(t.Sub(w.Start).Seconds(), 1)
}

// Poll asks both APIs once and returns the events since the previous poll.
// The first poll sets the baseline: activities that had finished before
// Start are not reported; every target is reported with its state at start.
func (w *Watcher) Poll(ctx context.Context) ([]Event, error) {
	if w.activities == nil {
		w.activities = map[string]asgtypes.ScalingActivityStatusCode{}
		w.targets = map[string]string{}
	}
	var events []Event
	var errs []error
	if w.ASGName != "" {
		ev, err := w.pollActivities(ctx)
		events = append(events, ev...)
		if err != nil {
			errs = append(errs, fmt.Errorf("DescribeScalingActivities %s: %w", w.ASGName, err))
		}
	}
	if w.TargetGroupARN != "" {
		ev, err := w.pollTargets(ctx)
		events = append(events, ev...)
		if err != nil {
			errs = append(errs, fmt.Errorf("DescribeTargetHealth %s: %w", w.TargetGroupARN, err))
		}
	}
	if len(errs) == 0 {
		w.polled = true
	}
	return events, errors.Join(errs...)
}

func (w *Watcher) pollActivities(ctx context.Context) ([]Event, error) {
	out, err := w.ASG.DescribeScalingActivities(ctx, &autoscaling.DescribeScalingActivitiesInput{
		AutoScalingGroupName: aws.String(w.ASGName),
		MaxRecords:           aws.Int32(100),
	})
	if err != nil {
		return nil, err
	}
	acts := out.Activities
	// The API lists newest first; report oldest first.
	sort.SliceStable(acts, func(i, j int) bool {
		return aws.ToTime(acts[i].StartTime).Before(aws.ToTime(acts[j].StartTime))
	})
	var events []Event
	for _, a := range acts {
		id := aws.ToString(a.ActivityId)
		prev, seen := w.activities[id]
		w.activities[id] = a.StatusCode
		if seen && prev == a.StatusCode {
			continue
		}
		finished := isFinal(a.StatusCode)
		if !seen && !w.polled && finished && a.StartTime != nil && a.StartTime.Before(w.Start) {
			continue // history from before the load
		}
		e := Event{
			Kind:        EventScaling,
			ActivityID:  id,
			Status:      string(a.StatusCode),
			Description: aws.ToString(a.Description),
		}
		switch {
		case !seen && a.StartTime != nil:
			e.T = w.offset(*a.StartTime)
		case finished && a.EndTime != nil:
			e.T = w.offset(*a.EndTime)
		default:
			e.T = w.offset(w.now())
		}
		if finished && a.EndTime != nil {
			end := w.offset(*a.EndTime)
			e.EndT = &end
		}
		events = append(events, e)
	}
	return events, nil
}

func isFinal(s asgtypes.ScalingActivityStatusCode) bool {
	switch s {
	case asgtypes.ScalingActivityStatusCodeSuccessful, asgtypes.ScalingActivityStatusCodeFailed, asgtypes.ScalingActivityStatusCodeCancelled:
		return true
	}
	return false
}

func (w *Watcher) pollTargets(ctx context.Context) ([]Event, error) {
	out, err := w.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{
		TargetGroupArn: aws.String(w.TargetGroupARN),
	})
	if err != nil {
		return nil, err
	}
	t := w.offset(w.now())
	seen := map[string]bool{}
	var events []Event
	for _, d := range out.TargetHealthDescriptions {
		if d.Target == nil {
			continue
		}
		key := aws.ToString(d.Target.Id)
		if d.Target.Port != nil {
			key = fmt.Sprintf("%s:%d", key, *d.Target.Port)
		}
		var state, reason string
		if d.TargetHealth != nil {
			state = string(d.TargetHealth.State)
			reason = string(d.TargetHealth.Reason)
		}
		seen[key] = true
		prev, known := w.targets[key]
		w.targets[key] = state
		if known && prev == state {
			continue
		}
		if !known && w.polled {
			prev = "new"
		}
		events = append(events, Event{T: t, Kind: EventTarget, Target: key, State: state, Previous: prev, Reason: reason})
	}
	var gone []string
	for key := range w.targets {
		if !seen[key] {
			gone = append(gone, key)
		}
	}
	sort.Strings(gone)
	for _, key := range gone {
		events = append(events, Event{T: t, Kind: EventTarget, Target: key, State: "deregistered", Previous: w.targets[key]})
		delete(w.targets, key)
	}
	return events, nil
}

// Watch polls every interval until ctx ends, handing each event to emit and
// each error to warn (an error repeated from the previous poll is not
// repeated). It does not poll at once: call Poll first for the baseline.
func (w *Watcher) Watch(ctx context.Context, interval time.Duration, emit func(Event), warn func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var last string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, max(interval, 10*time.Second))
		events, err := w.Poll(pctx)
		cancel()
		for _, e := range events {
			emit(e)
		}
		switch {
		case err == nil:
			last = ""
		case ctx.Err() != nil:
			return
		case err.Error() != last:
			last = err.Error()
			warn(err)
		}
	}
}

// describe names what a watcher watches, for the first line it prints.
func (w *Watcher) describe() string {
	var parts []string
	if w.ASGName != "" {
		parts = append(parts, "scaling activities of "+w.ASGName)
	}
	if w.TargetGroupARN != "" {
		parts = append(parts, "target health of "+w.TargetGroupARN)
	}
	return strings.Join(parts, " and ")
}
