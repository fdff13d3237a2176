package config

// Settings that let the group follow a load jump in minutes: a warm pool of
// pre-initialized instances (compute.warm_pool), step intervals proportional
// to the breach (scaling.scale_out.steps) and predictive scaling
// (scaling.predictive). Their rules are in validate_elasticity.go.

// WarmPoolState is the state instances wait in inside the warm pool.
type WarmPoolState string

// Warm pool states (PutWarmPool PoolState).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PutWarmPool.html
const (
	// WarmPoolStopped: instances are stopped; only their EBS volumes (and
	// Elastic IPs) are billed. AWS's default and the cheapest state.
	WarmPoolStopped WarmPoolState = "Stopped"
	// WarmPoolHibernated: stopped with RAM saved to the encrypted root volume;
	// billed like Stopped (the volume holds the RAM too). Needs an instance
	// type that supports hibernation and a launch template that enables it.
	WarmPoolHibernated WarmPoolState = "Hibernated"
	// WarmPoolRunning: instances run and are billed as running instances.
	WarmPoolRunning WarmPoolState = "Running"
)

// WarmPoolStates lists every pool state, in the order messages show them.
var WarmPoolStates = []WarmPoolState{WarmPoolStopped, WarmPoolHibernated, WarmPoolRunning}

// WarmPool is the group's warm pool (asg mode, not with compute.spot,
// compute.user_data_file or network.nat_mode none). With a warm pool the group gets a launch
// lifecycle hook: an instance leaves Pending:Wait (and Warmed:Pending:Wait)
// only when it completes the hook itself, once the app answers 200 on
// compute.health_path; the instance role may complete the hooks of its own
// group only.
type WarmPool struct {
	// PoolState of the waiting instances, one of WarmPoolStates. Default: Stopped.
	PoolState WarmPoolState `yaml:"pool_state"`
	// MinSize is the fewest instances the pool keeps, 0 to compute.max_size -
	// compute.min_size (more could never all enter service). Default: 0.
	MinSize int `yaml:"min_size"`
	// MaxGroupPreparedCapacity is the most instances in the group and the
	// pool together, compute.min_size to compute.max_size; the pool holds
	// this minus the desired capacity (at least MinSize). Absent: the
	// group's max_size (the provider writes -1). Default: absent.
	MaxGroupPreparedCapacity *int `yaml:"max_group_prepared_capacity"`
	// ReuseOnScaleIn returns scaled-in instances to the pool instead of
	// terminating them. Default: false.
	ReuseOnScaleIn bool `yaml:"reuse_on_scale_in"`
	// HookTimeoutSeconds is the launch hook's heartbeat timeout, 30-7200:
	// an instance whose app does not answer in time is abandoned (terminated
	// and replaced). It must cover the first boot (user data). Default: 600.
	HookTimeoutSeconds int `yaml:"hook_timeout_seconds"`
}

// DefaultWarmPool returns the settings a compute.warm_pool block starts from.
func DefaultWarmPool() WarmPool {
	return WarmPool{PoolState: WarmPoolStopped, HookTimeoutSeconds: 600}
}

// WarmStart is how long an instance takes from leaving the warm pool until
// it serves, by pool state, in seconds: an assumption (AWS publishes no
// start-time figure), used by the rules below and by cmd/simulate (which
// can override it, --warm-start). A cold launch takes
// compute.health_check_grace_period. What each figure counts
// (docs/elasticity.md has the table and the sources):
//   - Running: the launch hook and the target group's health checks
//     (alb.health_check: 2 healthy checks 15 s apart by default).
//   - Hibernated: the resume (the root volume and the RAM contents are
//     restored, per the warm pool guide's instance states) plus the hook and
//     the health checks; the app does not start again.
//   - Stopped: an EBS-backed instance start, the app's start (its user data
//     ran when it entered the pool), the hook and the health checks.
//
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html
var WarmStart = map[WarmPoolState]int{
	WarmPoolRunning:    30,
	WarmPoolHibernated: 45,
	WarmPoolStopped:    60,
}

// StepInterval is one interval of the scale-out alarm's CPU and the
// instances it adds (a step adjustment of the scale-out policy).
type StepInterval struct {
	// From is the interval's lower CPU bound in percent (inclusive); the
	// first is scale_out.threshold, each next one the previous To. Required.
	From float64 `yaml:"from"`
	// To is the upper bound (exclusive); absent on the last interval only,
	// which has no upper bound. Default: absent.
	To *float64 `yaml:"to"`
	// Adjustment is the instances to add, 1 to compute.max_size -
	// compute.min_size, each larger than the one before. Required.
	Adjustment int `yaml:"adjustment"`
}

// PredictiveMode is what predictive scaling does with its forecast.
type PredictiveMode string

// Predictive scaling modes (PredictiveScalingConfiguration Mode).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredictiveScalingConfiguration.html
const (
	// PredictiveForecastOnly forecasts without scaling: start here and compare
	// the forecast with the load before letting it scale.
	PredictiveForecastOnly PredictiveMode = "ForecastOnly"
	// PredictiveForecastAndScale scales to the forecast ahead of the load.
	PredictiveForecastAndScale PredictiveMode = "ForecastAndScale"
)

// PredictiveModes lists every mode, in the order messages show them.
var PredictiveModes = []PredictiveMode{PredictiveForecastOnly, PredictiveForecastAndScale}

// PredictiveMetric is the load predictive scaling forecasts.
type PredictiveMetric string

// Predictive metrics (the predefined metric pairs).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_PredefinedMetricPairSpecification.html
const (
	// PredictiveCPU forecasts the group's total CPU and sizes it to hold
	// the average at the target (ASGCPUUtilization).
	PredictiveCPU PredictiveMetric = "cpu"
	// PredictiveRequestCount forecasts the requests to the load balancer's
	// target group and sizes the group to the target per instance
	// (ALBRequestCount).
	PredictiveRequestCount PredictiveMetric = "request_count"
)

// PredictiveMetrics lists every metric, in the order messages show them.
var PredictiveMetrics = []PredictiveMetric{PredictiveCPU, PredictiveRequestCount}

// MaxCapacityBreach is what predictive scaling does when the forecast is
// above the group's max_size.
type MaxCapacityBreach string

// Max capacity breach behaviours.
const (
	// HonorMaxCapacity never goes above max_size.
	HonorMaxCapacity MaxCapacityBreach = "HonorMaxCapacity"
	// IncreaseMaxCapacity raises max_size up to the forecast plus
	// max_capacity_buffer percent.
	IncreaseMaxCapacity MaxCapacityBreach = "IncreaseMaxCapacity"
)

// MaxCapacityBreaches lists every behaviour, in the order messages show them.
var MaxCapacityBreaches = []MaxCapacityBreach{HonorMaxCapacity, IncreaseMaxCapacity}

// Predictive is a predictive scaling policy next to the group's dynamic
// policy (asg mode). AWS forecasts from up to 14 days of the metric and
// needs at least 24 hours before the first forecast.
type Predictive struct {
	// Mode is ForecastOnly or ForecastAndScale. Default: ForecastOnly.
	Mode PredictiveMode `yaml:"mode"`
	// Metric is cpu or request_count. Default: cpu.
	Metric PredictiveMetric `yaml:"metric"`
	// Target is the average CPU percent (above 0, below 100) or the requests
	// per instance per minute (1-100000) the forecast sizes the group for.
	// Default: 50.
	Target float64 `yaml:"target"`
	// SchedulingBufferSeconds launches forecast capacity this long before
	// the forecast hour, 0-3600; at least the time a new instance takes to
	// serve (the warm start of compute.warm_pool, else
	// compute.health_check_grace_period). Default: 300.
	SchedulingBufferSeconds int `yaml:"scheduling_buffer_seconds"`
	// MaxCapacityBreach is HonorMaxCapacity or IncreaseMaxCapacity. Default: HonorMaxCapacity.
	MaxCapacityBreach MaxCapacityBreach `yaml:"max_capacity_breach"`
	// MaxCapacityBuffer in percent of the forecast, 0-100, with
	// IncreaseMaxCapacity only. Default: 0.
	MaxCapacityBuffer int `yaml:"max_capacity_buffer"`
}

// DefaultPredictive returns the settings a scaling.predictive block starts from.
func DefaultPredictive() Predictive {
	return Predictive{Mode: PredictiveForecastOnly, Metric: PredictiveCPU, Target: 50, SchedulingBufferSeconds: 300, MaxCapacityBreach: HonorMaxCapacity}
}
