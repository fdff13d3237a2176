package config

import (
	"slices"
	"strings"
)

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
	// PolicyMemory is one target-tracking policy on the group's average
	// mem_used_percent, published by the CloudWatch agent (observability.logs).
	PolicyMemory ScalingPolicy = "memory"
)

// ScalingPolicies lists every scaling policy, in the order messages show them.
var ScalingPolicies = []ScalingPolicy{PolicyStep, PolicyTargetTracking, PolicyRequestCount, PolicyMemory}

// LBAlgorithm is how the target group picks a target for a request.
type LBAlgorithm string

// Load balancing algorithms.
const (
	// AlgorithmRoundRobin takes the targets in turn.
	AlgorithmRoundRobin LBAlgorithm = "round_robin"
	// AlgorithmLeastOutstanding takes the target with the fewest requests in flight.
	AlgorithmLeastOutstanding LBAlgorithm = "least_outstanding_requests"
)

// LBAlgorithms lists every load balancing algorithm, in the order messages show them.
var LBAlgorithms = []LBAlgorithm{AlgorithmRoundRobin, AlgorithmLeastOutstanding}

// DesyncMitigationMode is how the load balancer treats requests that may
// be HTTP desync (request smuggling) attempts.
type DesyncMitigationMode string

// Desync mitigation modes.
const (
	// DesyncDefensive blocks severe ambiguous requests (the AWS default).
	DesyncDefensive DesyncMitigationMode = "defensive"
	// DesyncStrictest allows only RFC 7230 compliant requests.
	DesyncStrictest DesyncMitigationMode = "strictest"
	// DesyncMonitor lets every request through and only records them.
	DesyncMonitor DesyncMitigationMode = "monitor"
)

// DesyncMitigationModes lists every desync mitigation mode, in the order messages show them.
var DesyncMitigationModes = []DesyncMitigationMode{DesyncDefensive, DesyncStrictest, DesyncMonitor}

// CPUCredits is the credit option of burstable performance (T) instances:
// what happens when an instance has spent the CPU credits it earned.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html
type CPUCredits string

// CPU credit options.
const (
	// CPUCreditsStandard throttles an instance to its baseline once its
	// credits run out: no charge beyond the hourly price.
	CPUCreditsStandard CPUCredits = "standard"
	// CPUCreditsUnlimited lets an instance burst on surplus credits, billed
	// per vCPU-hour when its 24-hour average CPU is above its baseline.
	CPUCreditsUnlimited CPUCredits = "unlimited"
)

// CPUCreditOptions lists every CPU credit option, in the order messages show them.
var CPUCreditOptions = []CPUCredits{CPUCreditsStandard, CPUCreditsUnlimited}

// BurstableFamilies are the EC2 instance families with CPU credits (a
// credit specification is valid only for them).
var BurstableFamilies = []string{"t2", "t3", "t3a", "t4g"}

// Burstable reports whether an instance type (e.g. t3.micro) belongs to one
// of BurstableFamilies.
func Burstable(instanceType string) bool {
	family, _, ok := strings.Cut(instanceType, ".")
	return ok && slices.Contains(BurstableFamilies, family)
}

// StickinessType is the kind of target group stickiness; empty is none.
type StickinessType string

// Stickiness types.
const (
	// StickinessNone: no stickiness.
	StickinessNone StickinessType = ""
	// StickinessLBCookie binds a client with the load balancer's AWSALB cookie.
	StickinessLBCookie StickinessType = "lb_cookie"
)

// SpotAllocationStrategy is how an Auto Scaling group picks Spot capacity pools.
type SpotAllocationStrategy string

// Spot allocation strategies (AWS InstancesDistribution.SpotAllocationStrategy).
const (
	// SpotPriceCapacityOptimized picks the pools least likely to be
	// interrupted among the cheapest (AWS's recommendation).
	SpotPriceCapacityOptimized SpotAllocationStrategy = "price-capacity-optimized"
	// SpotCapacityOptimized picks the pools with the most spare capacity.
	SpotCapacityOptimized SpotAllocationStrategy = "capacity-optimized"
	// SpotCapacityOptimizedPrioritized is capacity-optimized honouring the
	// order of instance_types where it can.
	SpotCapacityOptimizedPrioritized SpotAllocationStrategy = "capacity-optimized-prioritized"
	// SpotLowestPrice picks the cheapest pools, whatever their interruption rate.
	SpotLowestPrice SpotAllocationStrategy = "lowest-price"
)

// SpotAllocationStrategies lists every Spot allocation strategy, in the order messages show them.
var SpotAllocationStrategies = []SpotAllocationStrategy{SpotPriceCapacityOptimized, SpotCapacityOptimized, SpotCapacityOptimizedPrioritized, SpotLowestPrice}

// TerminationPolicyNames are the termination policies of an Auto Scaling
// group that fit a group launched from a launch template
// (OldestLaunchConfiguration does not apply), in the order messages show them.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
var TerminationPolicyNames = []string{"Default", "AllocationStrategy", "OldestLaunchTemplate", "ClosestToNextInstanceHour", "NewestInstance", "OldestInstance"}
