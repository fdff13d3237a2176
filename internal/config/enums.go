package config

// The enumerations of environments.yaml. Validation, the constructs and the
// stack wiring all use these constants; none of them spells the values.

// ComputeMode is how an environment runs its instances.
type ComputeMode string

// Compute modes.
const (
	// ComputeEC2 is one EC2 instance registered in the target group.
	ComputeEC2 ComputeMode = "ec2"
	// ComputeASG is an Auto Scaling group registered in the target group.
	ComputeASG ComputeMode = "asg"
)

// ComputeModes lists every compute mode, in the order messages show them.
var ComputeModes = []ComputeMode{ComputeEC2, ComputeASG}

// NATMode is how the private subnets reach the internet.
type NATMode string

// NAT modes.
const (
	// NATNone gives the private subnets no route to the internet.
	NATNone NATMode = "none"
	// NATSingle is one NAT gateway, in the first AZ, for every private subnet.
	NATSingle NATMode = "single"
	// NATPerAZ is one NAT gateway per AZ, each serving its own AZ's private subnet.
	NATPerAZ NATMode = "per_az"
)

// NATModes lists every NAT mode, in the order messages show them.
var NATModes = []NATMode{NATNone, NATSingle, NATPerAZ}

// ScalingPolicy is how an Auto Scaling group follows its load.
type ScalingPolicy string

// Scaling policies.
const (
	// PolicyStep is a pair of CPU alarms driving step scaling policies.
	PolicyStep ScalingPolicy = "step"
	// PolicyTargetTracking is one target-tracking policy on average CPU.
	PolicyTargetTracking ScalingPolicy = "target_tracking"
	// PolicyRequestCount is one target-tracking policy on the requests each
	// target of the load balancer's target group receives
	// (ALBRequestCountPerTarget).
	PolicyRequestCount ScalingPolicy = "request_count"
)

// ScalingPolicies lists every scaling policy, in the order messages show them.
var ScalingPolicies = []ScalingPolicy{PolicyStep, PolicyTargetTracking, PolicyRequestCount}
