package simulate

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Policy types of aws_autoscaling_policy.
const (
	StepScaling           = "StepScaling"
	SimpleScaling         = "SimpleScaling"
	TargetTrackingScaling = "TargetTrackingScaling"
)

// Adjustment types of step and simple policies.
const (
	ChangeInCapacity        = "ChangeInCapacity"
	ExactCapacity           = "ExactCapacity"
	PercentChangeInCapacity = "PercentChangeInCapacity"
)

// Metrics the simulated load drives: the group's average CPU, the
// requests each target of the group's target group receives per minute,
// or the group's average memory used (the CloudWatch agent's
// mem_used_percent in CWAgent).
const (
	MetricCPU      = "CPUUtilization"
	MetricRequests = "ALBRequestCountPerTarget"
	MetricMemory   = "mem_used_percent"
)

// Alarm states.
const (
	StateOK               = "OK"
	StateAlarm            = "ALARM"
	StateInsufficientData = "INSUFFICIENT_DATA"
)

// Defaults of the Terraform AWS provider / the EC2 Auto Scaling API when an
// argument is absent from the JSON.
const (
	defaultCooldown            = 300 // aws_autoscaling_group.default_cooldown
	defaultHealthCheckGrace    = 300 // aws_autoscaling_group.health_check_grace_period
	defaultDeregistrationDelay = 300 // aws_lb_target_group.deregistration_delay
	targetTrackingHighPoints   = 3   // AWS-managed AlarmHigh: 3 of 3 one-minute datapoints
	targetTrackingLowPoints    = 15  // AWS-managed AlarmLow: 15 of 15 one-minute datapoints
	targetTrackingLowFactor    = 0.9 // AlarmLow threshold = 90% of the target
)

// ErrNoAutoScalingGroup is returned (wrapped) for a stack without an
// aws_autoscaling_group, such as an ec2-mode environment.
var ErrNoAutoScalingGroup = errors.New("there is no Auto Scaling Group to simulate")

// Model is what the simulator reads from one synthesized stack.
type Model struct {
	// Stack is the stack's name (the environment).
	Stack string `json:"stack"`
	// Metric is what the load profile is in: MetricCPU (percent of one
	// instance), MetricRequests (requests per minute to the target group,
	// when the group scales by ALBRequestCountPerTarget target tracking) or
	// MetricMemory (percent of one instance's memory, when the group scales
	// by the CloudWatch agent's mem_used_percent).
	Metric string `json:"metric"`
	// Group is the Auto Scaling Group.
	Group Group `json:"group"`
	// Alarms are the alarms whose actions invoke the group's scaling policies,
	// plus the alarms AWS creates for target-tracking policies (Managed).
	Alarms []Alarm `json:"alarms"`
	// Policies are the group's scaling policies.
	Policies []Policy `json:"policies"`
	// Schedules are the group's scheduled actions, by name.
	Schedules []Schedule `json:"schedules,omitempty"`
	// Predictive is the group's predictive scaling policy (nil when absent).
	Predictive *Predictive `json:"predictive,omitempty"`
	// Refresh is the group's instance_refresh block (nil when absent).
	Refresh *Refresh `json:"instance_refresh,omitempty"`
	// refreshErr holds the block's problems, reported when a refresh is replayed.
	refreshErr error
	// Ignored lists the alarms that invoke no scaling policy (SNS-only alarms
	// on ALB metrics, ...), by address.
	Ignored []string `json:"ignored_alarms"`
	// Notes are things worth knowing that do not stop the simulation.
	Notes []string `json:"notes,omitempty"`
}

// Group is the Auto Scaling Group's sizing and timing.
type Group struct {
	// Address is the Terraform address.
	Address string `json:"address"`
	// Name is the group's name ("" when it is computed).
	Name string `json:"name"`
	// Min, Max and Desired capacity (Desired defaults to Min).
	Min     int `json:"min_size"`
	Max     int `json:"max_size"`
	Desired int `json:"desired_capacity"`
	// HealthCheckGracePeriod in seconds (default 300).
	HealthCheckGracePeriod int `json:"health_check_grace_period"`
	// DefaultCooldown in seconds (default 300).
	DefaultCooldown int `json:"default_cooldown"`
	// DefaultInstanceWarmup in seconds, or -1 when not enabled.
	DefaultInstanceWarmup int `json:"default_instance_warmup"`
	// DeregistrationDelay in seconds: how long a removed instance drains
	// (the largest deregistration_delay of its target groups, default 300;
	// 0 without a target group).
	DeregistrationDelay int `json:"deregistration_delay"`
	// TerminationHook in seconds: the heartbeat timeout of the group's
	// autoscaling:EC2_INSTANCE_TERMINATING lifecycle hook (compute.drain_seconds),
	// which holds a removed instance in Terminating:Wait while it drains; 0: none.
	TerminationHook int `json:"termination_hook,omitempty"`
	// DetailedMonitoring reports whether the launch template enables 1-minute
	// EC2 metrics.
	DetailedMonitoring bool `json:"detailed_monitoring"`
	// WarmPool is the group's warm pool (nil when absent).
	WarmPool *WarmPool `json:"warm_pool,omitempty"`
}

// Alarm is one CloudWatch metric alarm on the group's CPU that invokes
// scaling policies, or one alarm AWS creates for a target-tracking policy.
type Alarm struct {
	// Address is the Terraform address ("" for a target-tracking alarm).
	Address string `json:"address,omitempty"`
	// Name is the alarm_name (or a generated name for a managed alarm).
	Name string `json:"name"`
	// Managed is true for the alarms AWS creates for a target-tracking policy.
	Managed bool `json:"managed,omitempty"`
	// Metric is MetricCPU or MetricRequests (managed alarms of a
	// request-count target-tracking policy).
	Metric string `json:"metric"`
	// Statistic is Average, Maximum or Minimum (Sum for request counts).
	Statistic string `json:"statistic"`
	// Period in seconds (a multiple of 60).
	Period int `json:"period"`
	// Operator is the comparison_operator.
	Operator string `json:"comparison_operator"`
	// Threshold of the comparison.
	Threshold float64 `json:"threshold"`
	// EvaluationPeriods (N) and DatapointsToAlarm (M).
	EvaluationPeriods int `json:"evaluation_periods"`
	DatapointsToAlarm int `json:"datapoints_to_alarm"`
	// TreatMissingData is breaching, notBreaching, ignore or missing.
	TreatMissingData string `json:"treat_missing_data"`
	// Policies are indexes into Model.Policies of the policies it invokes.
	Policies []int `json:"-"`
	// PolicyNames are the names of those policies.
	PolicyNames []string `json:"policies"`
}

// Policy is one scaling policy of the group.
type Policy struct {
	// Address is the Terraform address.
	Address string `json:"address"`
	// Name is the policy's name.
	Name string `json:"name"`
	// Type is StepScaling, SimpleScaling or TargetTrackingScaling.
	Type string `json:"policy_type"`
	// AdjustmentType of step and simple policies.
	AdjustmentType string `json:"adjustment_type,omitempty"`
	// Steps of a step policy, sorted by interval.
	Steps []Step `json:"steps,omitempty"`
	// ScalingAdjustment of a simple policy.
	ScalingAdjustment int `json:"scaling_adjustment,omitempty"`
	// MinAdjustmentMagnitude of a PercentChangeInCapacity policy (0 = none).
	MinAdjustmentMagnitude int `json:"min_adjustment_magnitude,omitempty"`
	// Cooldown of a simple policy in seconds.
	Cooldown int `json:"cooldown,omitempty"`
	// Warmup of a step or target-tracking policy in seconds, and where it came from.
	Warmup       int    `json:"warmup"`
	WarmupSource string `json:"warmup_source"`
	// TargetValue of a target-tracking policy: CPU percent, or requests per
	// target per minute.
	TargetValue float64 `json:"target_value,omitempty"`
	// Metric of a target-tracking policy: MetricCPU or MetricRequests.
	Metric string `json:"metric,omitempty"`
	// ResourceLabel of a request-count policy, as written in the JSON.
	ResourceLabel string `json:"resource_label,omitempty"`
	// DisableScaleIn of a target-tracking policy.
	DisableScaleIn bool `json:"disable_scale_in,omitempty"`
}

// Step is one step adjustment; bounds are relative to the alarm threshold
// and infinite when absent.
type Step struct {
	Lower      float64 `json:"-"`
	Upper      float64 `json:"-"`
	Adjustment int     `json:"scaling_adjustment"`
}

// Interval renders the step's interval for humans, e.g. "[0, +inf)".
func (s Step) Interval() string {
	f := func(v float64) string {
		switch {
		case math.IsInf(v, 1):
			return "+inf"
		case math.IsInf(v, -1):
			return "-inf"
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return f(s.Lower) + ".." + f(s.Upper)
}

// MarshalJSON writes the bounds as numbers, or null when unbounded (JSON has
// no infinities): {"lower": 0, "upper": null, "scaling_adjustment": 1}.
func (s Step) MarshalJSON() ([]byte, error) {
	var lower, upper *float64
	if !math.IsInf(s.Lower, 0) {
		lower = &s.Lower
	}
	if !math.IsInf(s.Upper, 0) {
		upper = &s.Upper
	}
	return json.Marshal(struct {
		Lower      *float64 `json:"lower"`
		Upper      *float64 `json:"upper"`
		Adjustment int      `json:"scaling_adjustment"`
	}{lower, upper, s.Adjustment})
}

// FromStack reads the Auto Scaling Group of a synthesized stack with its
// scaling alarms and policies. Every problem found is reported at once; an
// unsupported shape is an error, never a guess.
func FromStack(s *stackjson.Stack) (*Model, error) {
	groups := s.OfType("aws_autoscaling_group")
	switch len(groups) {
	case 0:
		why := ""
		if len(s.OfType("aws_instance")) > 0 {
			why = " (it runs a single aws_instance: compute_mode ec2, nothing scales)"
		}
		return nil, fmt.Errorf("stack %s has no aws_autoscaling_group%s: %w", s.Name, why, ErrNoAutoScalingGroup)
	case 1:
	default:
		var names []string
		for _, g := range groups {
			names = append(names, g.Address())
		}
		return nil, fmt.Errorf("stack %s has %d aws_autoscaling_group resources (%s); the simulator handles one group per stack", s.Name, len(groups), strings.Join(names, ", "))
	}
	r := &reader{stack: s, asg: groups[0]}
	m := &Model{Stack: s.Name, Metric: MetricCPU, Ignored: []string{}}
	m.Group = r.group(groups[0])
	r.schedules(m)
	r.policies(m)
	r.alarms(m)
	r.oneMetric(m)
	r.checkPredictive(m)
	// Scale-out (high) alarms first, then by name: the order of report columns.
	sort.SliceStable(m.Alarms, func(i, j int) bool {
		if hi, hj := above(m.Alarms[i].Operator), above(m.Alarms[j].Operator); hi != hj {
			return hi
		}
		return m.Alarms[i].Name < m.Alarms[j].Name
	})
	// After the sort: the refresh's gate alarms index m.Alarms (and may add
	// CPU alarms that notify only at its end).
	r.refresh(m)
	if len(r.errs) > 0 {
		return nil, fmt.Errorf("stack %s: %w", s.Name, errors.Join(r.errs...))
	}
	return m, nil
}

type reader struct {
	stack *stackjson.Stack
	asg   stackjson.Resource
	errs  []error
}

func (r *reader) fail(res stackjson.Resource, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", res.Where(), fmt.Sprintf(format, args...)))
}

// number reads a literal number (JSON number or numeric string) at path.
func (r *reader) number(res stackjson.Resource, path ...any) (float64, bool) {
	v, ok := res.Get(path...)
	if !ok || v == nil {
		return 0, false
	}
	if f, ok := stackjson.Literal(v); ok {
		return f, true
	}
	r.fail(res, "%s = %v: the simulator needs a literal number here", joinPath(path), show(v))
	return 0, false
}

// integer reads a literal whole number at path.
func (r *reader) integer(res stackjson.Resource, path ...any) (int, bool) {
	f, ok := r.number(res, path...)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1e9 {
		r.fail(res, "%s = %v: must be a whole number", joinPath(path), f)
		return 0, false
	}
	return int(f), true
}

// str reads a literal string at path; "${...}" expressions are errors.
func (r *reader) str(res stackjson.Resource, path ...any) (string, bool) {
	v, ok := res.Get(path...)
	if !ok || v == nil {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		r.fail(res, "%s = %v: must be a string", joinPath(path), show(v))
		return "", false
	}
	return s, true
}

// boolean reads a literal bool (or "true"/"false") at path.
func (r *reader) boolean(res stackjson.Resource, path ...any) (bool, bool) {
	v, ok := res.Get(path...)
	if !ok || v == nil {
		return false, false
	}
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return b, true
		}
	}
	r.fail(res, "%s = %v: must be true or false", joinPath(path), show(v))
	return false, false
}

func joinPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func (r *reader) group(res stackjson.Resource) Group {
	g := Group{Address: res.Address(), DefaultInstanceWarmup: -1}
	g.Name, _ = res.String("name")
	if strings.Contains(g.Name, "${") {
		g.Name = ""
	}
	for _, k := range []string{"min_size", "max_size"} {
		if _, present := res.Get(k); !present {
			r.fail(res, "%s is missing: the simulator needs the group's literal min_size and max_size", k)
		}
	}
	g.Min, _ = r.integer(res, "min_size")
	g.Max, _ = r.integer(res, "max_size")
	if _, ok := res.Get("desired_capacity"); ok {
		g.Desired, _ = r.integer(res, "desired_capacity")
	} else {
		g.Desired = g.Min
	}
	switch {
	case g.Min < 0:
		r.fail(res, "min_size = %d: must be >= 0", g.Min)
	case g.Max < g.Min:
		r.fail(res, "max_size = %d: must be >= min_size (%d)", g.Max, g.Min)
	case g.Desired < g.Min || g.Desired > g.Max:
		r.fail(res, "desired_capacity = %d: must be within min_size..max_size (%d..%d)", g.Desired, g.Min, g.Max)
	}
	g.HealthCheckGracePeriod = defaultHealthCheckGrace
	if v, ok := r.integer(res, "health_check_grace_period"); ok {
		g.HealthCheckGracePeriod = v
	}
	g.DefaultCooldown = defaultCooldown
	if v, ok := r.integer(res, "default_cooldown"); ok {
		g.DefaultCooldown = v
	}
	if v, ok := r.integer(res, "default_instance_warmup"); ok && v >= 0 {
		g.DefaultInstanceWarmup = v
	}
	if _, ok := res.Get("mixed_instances_policy"); ok {
		r.fail(res, "mixed_instances_policy is set: the simulator models identical instances launched on demand, not mixed_instances_policy")
	}
	r.warmPool(res, &g)
	g.DetailedMonitoring = r.detailedMonitoring(res)
	g.DeregistrationDelay = r.deregistrationDelay(res)
	g.TerminationHook = r.terminationHook(res)
	return g
}

// deregistrationDelay follows target_group_arns to the target groups: a
// scaled-in instance stays Terminating while its connections drain.
func (r *reader) deregistrationDelay(asg stackjson.Resource) int {
	delay := 0
	for _, ref := range stackjson.Refs(asg.Attrs["target_group_arns"]) {
		tg, found := r.stack.Find(ref.Address)
		if !found || tg.Type != "aws_lb_target_group" {
			continue
		}
		d := defaultDeregistrationDelay
		if v, ok := r.integer(tg, "deregistration_delay"); ok {
			d = v
		}
		delay = max(delay, d)
	}
	return delay
}

// terminationHook is the longest heartbeat timeout of the
// aws_autoscaling_lifecycle_hook resources on autoscaling:EC2_INSTANCE_TERMINATING
// that name the group (default 3600 s when absent).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutLifecycleHook.html
func (r *reader) terminationHook(asg stackjson.Resource) int {
	hook := 0
	for _, h := range r.stack.OfType("aws_autoscaling_lifecycle_hook") {
		if !stackjson.RefTo(h.Attrs["autoscaling_group_name"], asg.Address()) {
			continue
		}
		if t, _ := r.str(h, "lifecycle_transition"); t != "autoscaling:EC2_INSTANCE_TERMINATING" {
			continue
		}
		d := 3600
		if v, ok := r.integer(h, "heartbeat_timeout"); ok {
			d = v
		}
		hook = max(hook, d)
	}
	return hook
}

// detailedMonitoring follows launch_template.id (or .name) to the template
// and reads monitoring.enabled; EC2 sends 1-minute metrics only then.
func (r *reader) detailedMonitoring(asg stackjson.Resource) bool {
	for _, key := range []string{"id", "name"} {
		v, ok := asg.Get("launch_template", key)
		if !ok {
			continue
		}
		for _, ref := range stackjson.Refs(v) {
			if lt, found := r.stack.Find(ref.Address); found && lt.Type == "aws_launch_template" {
				on, _ := r.boolean(lt, "monitoring", "enabled")
				return on
			}
		}
	}
	return false
}

func (r *reader) policies(m *Model) {
	for _, res := range r.stack.OfType("aws_autoscaling_policy") {
		v, ok := res.Get("autoscaling_group_name")
		if !ok || !(stackjson.RefTo(v, m.Group.Address) || (m.Group.Name != "" && v == m.Group.Name)) {
			m.Notes = append(m.Notes, fmt.Sprintf("%s scales another group (autoscaling_group_name = %v) and is ignored", res.Address(), show(v)))
			continue
		}
		if on, set := r.boolean(res, "enabled"); set && !on {
			m.Notes = append(m.Notes, fmt.Sprintf("%s is disabled (enabled = false) and is ignored", res.Address()))
			continue
		}
		p := Policy{Address: res.Address(), Type: StepScaling}
		p.Name, _ = r.str(res, "name")
		if p.Name == "" {
			p.Name = res.Name
		}
		if t, ok := r.str(res, "policy_type"); ok {
			p.Type = t
		}
		switch p.Type {
		case StepScaling:
			r.stepPolicy(res, &p, m.Group)
		case SimpleScaling:
			r.simplePolicy(res, &p, m.Group)
		case TargetTrackingScaling:
			r.targetTracking(res, &p, m.Group)
		case PredictiveScaling:
			r.predictive(res, m)
			continue
		default:
			r.fail(res, "policy_type = %q: the simulator supports StepScaling, SimpleScaling and TargetTrackingScaling", p.Type)
			continue
		}
		m.Policies = append(m.Policies, p)
	}
}

// warmup resolves a dynamic policy's warm-up: estimated_instance_warmup,
// else the group's default_instance_warmup, else its default_cooldown.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutScalingPolicy.html (EstimatedInstanceWarmup)
func (r *reader) warmup(res stackjson.Resource, p *Policy, g Group) {
	if v, ok := r.integer(res, "estimated_instance_warmup"); ok {
		p.Warmup, p.WarmupSource = v, "estimated_instance_warmup"
	} else if g.DefaultInstanceWarmup >= 0 {
		p.Warmup, p.WarmupSource = g.DefaultInstanceWarmup, "group default_instance_warmup"
	} else {
		p.Warmup, p.WarmupSource = g.DefaultCooldown, "group default_cooldown"
	}
	if p.Warmup < 0 {
		r.fail(res, "estimated_instance_warmup = %d: must be >= 0", p.Warmup)
	}
}

func (r *reader) adjustmentType(res stackjson.Resource, p *Policy) {
	t, ok := r.str(res, "adjustment_type")
	if !ok {
		r.fail(res, "adjustment_type is missing: %s policies need ChangeInCapacity, ExactCapacity or PercentChangeInCapacity", p.Type)
		return
	}
	switch t {
	case ChangeInCapacity, ExactCapacity, PercentChangeInCapacity:
		p.AdjustmentType = t
	default:
		r.fail(res, "adjustment_type = %q: allowed are ChangeInCapacity, ExactCapacity, PercentChangeInCapacity", t)
	}
	if v, ok := r.integer(res, "min_adjustment_magnitude"); ok {
		if t != PercentChangeInCapacity {
			r.fail(res, "min_adjustment_magnitude = %d: only valid with adjustment_type PercentChangeInCapacity", v)
		} else if v < 0 {
			r.fail(res, "min_adjustment_magnitude = %d: must be >= 0", v)
		}
		p.MinAdjustmentMagnitude = v
	}
}

func (r *reader) stepPolicy(res stackjson.Resource, p *Policy, g Group) {
	r.adjustmentType(res, p)
	r.warmup(res, p, g)
	if agg, ok := r.str(res, "metric_aggregation_type"); ok && agg != "Average" && agg != "Minimum" && agg != "Maximum" {
		r.fail(res, "metric_aggregation_type = %q: allowed are Average, Minimum, Maximum", agg)
	}
	steps := res.List("step_adjustment")
	if len(steps) == 0 {
		r.fail(res, "step_adjustment is empty: a StepScaling policy needs at least one step")
		return
	}
	for i := range steps {
		st := Step{Lower: math.Inf(-1), Upper: math.Inf(1)}
		if v, ok := r.number(res, "step_adjustment", i, "metric_interval_lower_bound"); ok {
			st.Lower = v
		}
		if v, ok := r.number(res, "step_adjustment", i, "metric_interval_upper_bound"); ok {
			st.Upper = v
		}
		adj, ok := r.integer(res, "step_adjustment", i, "scaling_adjustment")
		if !ok {
			r.fail(res, "step_adjustment[%d].scaling_adjustment is missing", i)
		}
		st.Adjustment = adj
		if st.Lower >= st.Upper {
			r.fail(res, "step_adjustment[%d]: metric_interval_lower_bound (%s) must be below metric_interval_upper_bound", i, st.Interval())
		}
		p.Steps = append(p.Steps, st)
	}
	sort.SliceStable(p.Steps, func(i, j int) bool { return p.Steps[i].Lower < p.Steps[j].Lower })
	for i := 1; i < len(p.Steps); i++ {
		if p.Steps[i].Lower != p.Steps[i-1].Upper {
			r.fail(res, "step_adjustment intervals %s and %s overlap or leave a gap: AWS requires contiguous, non-overlapping steps", p.Steps[i-1].Interval(), p.Steps[i].Interval())
		}
	}
}

func (r *reader) simplePolicy(res stackjson.Resource, p *Policy, g Group) {
	r.adjustmentType(res, p)
	adj, ok := r.integer(res, "scaling_adjustment")
	if !ok {
		r.fail(res, "scaling_adjustment is missing: a SimpleScaling policy needs it")
	}
	p.ScalingAdjustment = adj
	p.Cooldown = g.DefaultCooldown
	if v, ok := r.integer(res, "cooldown"); ok {
		p.Cooldown = v
	}
	// Simple scaling has no warm-up of its own; the group's default
	// instance warm-up still keeps new instances out of the metric.
	p.Warmup, p.WarmupSource = 0, "none (simple scaling)"
	if g.DefaultInstanceWarmup >= 0 {
		p.Warmup, p.WarmupSource = g.DefaultInstanceWarmup, "group default_instance_warmup"
	}
}

func (r *reader) targetTracking(res stackjson.Resource, p *Policy, g Group) {
	r.warmup(res, p, g)
	if _, ok := res.Get("target_tracking_configuration", "customized_metric_specification"); ok {
		r.memoryMetric(res, p, g)
	} else {
		r.predefinedMetric(res, p, g)
	}
	tv, ok := r.number(res, "target_tracking_configuration", "target_value")
	switch {
	case !ok:
		r.fail(res, "target_tracking_configuration.target_value is missing")
	case (p.Metric == MetricCPU || p.Metric == MetricMemory) && (tv <= 0 || tv > 100):
		r.fail(res, "target_tracking_configuration.target_value = %g: a %s target must be in (0, 100]", tv, p.Metric)
	case tv <= 0:
		r.fail(res, "target_tracking_configuration.target_value = %g: a request-count target (requests per target per minute) must be > 0", tv)
	}
	p.TargetValue = tv
	p.DisableScaleIn, _ = r.boolean(res, "target_tracking_configuration", "disable_scale_in")
}

// memoryMetric reads a customized metric specification: the simulator
// knows one, the CloudWatch agent's memory of the group (namespace CWAgent,
// mem_used_percent, statistic Average, the one dimension
// AutoScalingGroupName naming this group), which constructs/scaling's
// memory policy writes.
func (r *reader) memoryMetric(res stackjson.Resource, p *Policy, g Group) {
	base := []any{"target_tracking_configuration", "customized_metric_specification"}
	at := func(k ...any) []any { return append(append([]any{}, base...), k...) }
	ns, _ := r.str(res, at("namespace")...)
	name, _ := r.str(res, at("metric_name")...)
	stat, _ := r.str(res, at("statistic")...)
	if ns != "CWAgent" || name != MetricMemory || stat != "Average" {
		r.fail(res, "%s: namespace %q, metric_name %q, statistic %q; the simulator supports only CWAgent mem_used_percent, Average (the CloudWatch agent's memory)", joinPath(base), ns, name, stat)
		return
	}
	dims := res.List(at("metric_dimension")...)
	ok := len(dims) == 1
	if ok {
		d, _ := dims[0].(map[string]any)
		dn, _ := d["name"].(string)
		ok = dn == "AutoScalingGroupName" && (stackjson.RefTo(d["value"], g.Address) || g.Name != "" && d["value"] == g.Name)
	}
	if !ok {
		r.fail(res, "%s.metric_dimension: want the one dimension AutoScalingGroupName with %s's name, so the metric is this group's memory", joinPath(base), g.Address)
		return
	}
	p.Metric = MetricMemory
}

// predefinedMetric reads a predefined metric specification.
func (r *reader) predefinedMetric(res stackjson.Resource, p *Policy, g Group) {
	mt, _ := r.str(res, "target_tracking_configuration", "predefined_metric_specification", "predefined_metric_type")
	switch mt {
	case "ASGAverageCPUUtilization":
		p.Metric = MetricCPU
	case MetricRequests:
		p.Metric = MetricRequests
		r.resourceLabel(res, p, g)
	default:
		r.fail(res, "target_tracking_configuration.predefined_metric_specification.predefined_metric_type = %q: the simulator supports only ASGAverageCPUUtilization and ALBRequestCountPerTarget", mt)
	}
}

// labelRE is a literal ALBRequestCountPerTarget resource label:
// app/<load-balancer-name>/<id>/targetgroup/<target-group-name>/<id>.
var labelRE = regexp.MustCompile(`^app/[^/]+/[^/]+/targetgroup/[^/]+/[^/]+$`)

// resourceLabel checks an ALBRequestCountPerTarget policy's resource_label:
// it names a load balancer and a target group the group registers with, so
// the metric counts the requests this group serves.
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html
func (r *reader) resourceLabel(res stackjson.Resource, p *Policy, g Group) {
	path := []any{"target_tracking_configuration", "predefined_metric_specification", "resource_label"}
	label, ok := r.str(res, path...)
	if !ok || label == "" {
		r.fail(res, "%s is missing: ALBRequestCountPerTarget needs app/<load-balancer>/<id>/targetgroup/<target-group>/<id> (the ALB's and the target group's arn_suffix)", joinPath(path))
		return
	}
	p.ResourceLabel = label
	refs := stackjson.Refs(label)
	if len(refs) == 0 {
		if !labelRE.MatchString(label) {
			r.fail(res, "%s = %q: allowed is app/<load-balancer>/<id>/targetgroup/<target-group>/<id>", joinPath(path), label)
		}
		return
	}
	var lb, tg string
	for _, ref := range refs {
		switch {
		case strings.HasPrefix(ref.Address, "aws_lb.") || strings.HasPrefix(ref.Address, "aws_alb."):
			lb = ref.Address
		case strings.HasPrefix(ref.Address, "aws_lb_target_group.") || strings.HasPrefix(ref.Address, "aws_alb_target_group."):
			tg = ref.Address
		}
	}
	if lb == "" || tg == "" {
		r.fail(res, "%s = %q: must reference a load balancer's and a target group's arn_suffix (app/.../targetgroup/...)", joinPath(path), label)
		return
	}
	for _, ref := range stackjson.Refs(r.asg.Attrs["target_group_arns"]) {
		if ref.Address == tg {
			return
		}
	}
	r.fail(res, "%s = %q: target group %s is not in %s's target_group_arns, so its request count is not this group's load", joinPath(path), label, tg, g.Address)
}

// oneMetric settles what the load is in: requests per minute when a policy
// tracks ALBRequestCountPerTarget, else CPU. The two cannot be mixed: a CPU
// alarm or policy next to a request-count policy would need a conversion
// between requests and CPU that the stack does not state.
func (r *reader) oneMetric(m *Model) {
	var req, cpu, mem []string
	for _, p := range m.Policies {
		switch {
		case p.Metric == MetricRequests:
			req = append(req, p.Address)
		case p.Metric == MetricMemory:
			mem = append(mem, p.Address)
		case p.Type == TargetTrackingScaling:
			cpu = append(cpu, p.Address+" (ASGAverageCPUUtilization)")
		}
	}
	for _, a := range m.Alarms {
		if !a.Managed {
			cpu = append(cpu, a.Address+" (CPUUtilization)")
		}
	}
	if len(mem) > 0 {
		m.Metric = MetricMemory
		if others := append(req, cpu...); len(others) > 0 {
			r.errs = append(r.errs, fmt.Errorf("%s scales on memory (CWAgent mem_used_percent) but %s scales on another metric: the simulated load is one metric; simulate a stack with one kind of scaling signal",
				strings.Join(mem, ", "), strings.Join(others, ", ")))
		}
		return
	}
	if len(req) == 0 {
		return
	}
	m.Metric = MetricRequests
	if len(cpu) > 0 {
		r.errs = append(r.errs, fmt.Errorf("%s scales on ALBRequestCountPerTarget but %s scales on CPU: the simulated load is either requests per minute or CPU, not both; simulate a stack with one kind of scaling signal",
			strings.Join(req, ", "), strings.Join(cpu, ", ")))
	}
}

var operators = map[string]bool{
	"GreaterThanThreshold":          true,
	"GreaterThanOrEqualToThreshold": true,
	"LessThanThreshold":             true,
	"LessThanOrEqualToThreshold":    true,
}

var missingTreatments = map[string]bool{"breaching": true, "notBreaching": true, "ignore": true, "missing": true}

func (r *reader) alarms(m *Model) {
	byAddress := map[string]int{}
	for i, p := range m.Policies {
		byAddress[p.Address] = i
	}
	invoked := make([]bool, len(m.Policies))
	for _, res := range r.stack.OfType("aws_cloudwatch_metric_alarm") {
		var pols []int
		for _, ref := range stackjson.Refs(res.Attrs["alarm_actions"]) {
			if i, ok := byAddress[ref.Address]; ok {
				pols = append(pols, i)
			}
		}
		for _, key := range []string{"ok_actions", "insufficient_data_actions"} {
			for _, ref := range stackjson.Refs(res.Attrs[key]) {
				if _, ok := byAddress[ref.Address]; ok {
					r.fail(res, "%s invokes %s: the simulator supports scaling policies only in alarm_actions", key, ref.Address)
				}
			}
		}
		if len(pols) == 0 {
			m.Ignored = append(m.Ignored, res.Address())
			continue
		}
		if on, set := r.boolean(res, "actions_enabled"); set && !on {
			m.Notes = append(m.Notes, fmt.Sprintf("%s has actions_enabled = false: it never scales the group", res.Address()))
			continue
		}
		a := r.alarm(res, m)
		for _, i := range pols {
			if m.Policies[i].Type == TargetTrackingScaling {
				r.fail(res, "alarm_actions invoke target-tracking policy %s: AWS manages that policy's alarms itself", m.Policies[i].Address)
			}
			invoked[i] = true
			a.Policies = append(a.Policies, i)
			a.PolicyNames = append(a.PolicyNames, m.Policies[i].Name)
		}
		m.Alarms = append(m.Alarms, a)
	}
	for i, p := range m.Policies {
		if p.Type == TargetTrackingScaling {
			stat := "Average"
			if p.Metric == MetricRequests {
				stat = "Sum" // requests per target in the minute
			}
			hi := Alarm{
				Name: p.Name + "-AlarmHigh", Managed: true, Metric: p.Metric, Statistic: stat, Period: 60,
				Operator: "GreaterThanThreshold", Threshold: p.TargetValue,
				EvaluationPeriods: targetTrackingHighPoints, DatapointsToAlarm: targetTrackingHighPoints,
				TreatMissingData: "missing", Policies: []int{i}, PolicyNames: []string{p.Name},
			}
			lo := hi
			lo.Name, lo.Operator, lo.Threshold = p.Name+"-AlarmLow", "LessThanThreshold", p.TargetValue*targetTrackingLowFactor
			lo.EvaluationPeriods, lo.DatapointsToAlarm = targetTrackingLowPoints, targetTrackingLowPoints
			m.Alarms = append(m.Alarms, hi)
			if !p.DisableScaleIn {
				m.Alarms = append(m.Alarms, lo)
			}
			continue
		}
		if !invoked[i] {
			m.Notes = append(m.Notes, fmt.Sprintf("%s (%s) is invoked by no alarm: it never runs", p.Address, p.Name))
		}
	}
	if len(m.Policies) == 0 {
		m.Notes = append(m.Notes, "the group has no scaling policy: its capacity stays at desired_capacity")
	}
}

func (r *reader) alarm(res stackjson.Resource, m *Model) Alarm {
	a := Alarm{Address: res.Address(), Metric: MetricCPU, TreatMissingData: "missing"}
	a.Name, _ = r.str(res, "alarm_name")
	if a.Name == "" {
		a.Name = res.Name
	}
	if _, ok := res.Get("metric_query"); ok {
		r.fail(res, "metric_query is set: the simulator supports a single metric (AWS/EC2 CPUUtilization of the group), not metric math")
		return a
	}
	if _, ok := res.Get("threshold_metric_id"); ok {
		r.fail(res, "threshold_metric_id is set: anomaly-detection alarms are not supported")
	}
	ns, _ := r.str(res, "namespace")
	metric, _ := r.str(res, "metric_name")
	if ns != "AWS/EC2" || metric != "CPUUtilization" {
		r.fail(res, "metric %s/%s: the simulator supports only AWS/EC2 CPUUtilization (load is simulated as CPU)", ns, metric)
	}
	dims, _ := res.Get("dimensions")
	dm, _ := dims.(map[string]any)
	if len(dm) != 1 || !(stackjson.RefTo(dm["AutoScalingGroupName"], m.Group.Address) || (m.Group.Name != "" && dm["AutoScalingGroupName"] == m.Group.Name)) {
		r.fail(res, "dimensions = %v: must be exactly AutoScalingGroupName of %s", show(dims), m.Group.Address)
	}
	a.Statistic, _ = r.str(res, "statistic")
	if es, ok := res.Get("extended_statistic"); ok {
		r.fail(res, "extended_statistic = %v: percentiles are not supported; use statistic Average, Maximum or Minimum", show(es))
	} else {
		switch a.Statistic {
		case "Average", "Maximum", "Minimum":
		default:
			r.fail(res, "statistic = %q: allowed are Average, Maximum, Minimum (every instance has the same CPU in the model)", a.Statistic)
		}
	}
	a.Period, _ = r.integer(res, "period")
	if a.Period < 60 || a.Period%60 != 0 {
		r.fail(res, "period = %d: the simulator steps whole minutes; allowed are multiples of 60", a.Period)
	} else if a.Period < 300 && !m.Group.DetailedMonitoring {
		r.fail(res, "period = %d with basic monitoring (the launch template of %s does not set monitoring.enabled = true): EC2 then sends CPUUtilization every 5 minutes, so most datapoints would be missing; enable detailed monitoring or use a period of at least 300", a.Period, m.Group.Address)
	}
	a.Operator, _ = r.str(res, "comparison_operator")
	if !operators[a.Operator] {
		r.fail(res, "comparison_operator = %q: allowed are GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold, LessThanOrEqualToThreshold", a.Operator)
	}
	var ok bool
	if a.Threshold, ok = r.number(res, "threshold"); !ok {
		r.fail(res, "threshold is missing")
	}
	a.EvaluationPeriods, _ = r.integer(res, "evaluation_periods")
	if a.EvaluationPeriods < 1 {
		r.fail(res, "evaluation_periods = %d: must be >= 1", a.EvaluationPeriods)
	}
	a.DatapointsToAlarm = a.EvaluationPeriods
	if v, ok := r.integer(res, "datapoints_to_alarm"); ok {
		a.DatapointsToAlarm = v
		if v < 1 || v > a.EvaluationPeriods {
			r.fail(res, "datapoints_to_alarm = %d: must be within 1..evaluation_periods (%d)", v, a.EvaluationPeriods)
		}
	}
	if v, ok := r.str(res, "treat_missing_data"); ok {
		if !missingTreatments[v] {
			r.fail(res, "treat_missing_data = %q: allowed are breaching, notBreaching, ignore, missing", v)
		}
		a.TreatMissingData = v
	}
	return a
}
