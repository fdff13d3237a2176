package config

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/distribution/reference"
)

// Limits of the compute settings that come from AWS.
const (
	// maxCheckpointDelay: RefreshPreferences.CheckpointDelay, 0-172800 s.
	maxCheckpointDelay = 172800
	// maxWarmup bounds instance_warmup and default_instance_warmup (1 hour;
	// AWS takes up to 2^31-1, nothing sensible needs more).
	maxWarmup = 3600
	// minInstanceLifetime, maxInstanceLifetime: MaxInstanceLifetime is 0 or
	// 86400 (1 day) to 31536000 (365 days).
	minInstanceLifetime = 86400
	maxInstanceLifetime = 31536000
	// minDrain, maxDrain: a lifecycle hook's HeartbeatTimeout, 30-7200 s.
	minDrain = 30
	maxDrain = 7200
	// maxSpotTypes: a mixed instances policy takes at most 40 overrides.
	maxSpotTypes = 40
	// MaxUserDataBytes is the largest user data EC2 takes, base64-encoded (16 KB).
	MaxUserDataBytes = 16 * 1024
)

// validateComputeLifecycle checks the compute settings of rollouts,
// capacity and lifecycle, and what the instances run (compute.app).
func validateComputeLifecycle(e *Environment, bad badFunc) {
	cp := &e.Compute
	validateInstanceRefresh(cp, bad)
	if w := cp.DefaultInstanceWarmup; w != nil && (*w < 0 || *w > maxWarmup) {
		bad("compute.default_instance_warmup", "%d is not allowed; want 0 to %d seconds, or leave it out", *w, maxWarmup)
	}
	seen := map[string]bool{}
	for i, p := range cp.TerminationPolicies {
		field := fmt.Sprintf("compute.termination_policies[%d]", i)
		switch {
		case p == "OldestLaunchConfiguration":
			bad(field, "%s does not apply: the group launches from a launch template; allowed: %s", q(p), strings.Join(TerminationPolicyNames, ", "))
		case !slices.Contains(TerminationPolicyNames, p):
			bad(field, "%s is not a termination policy; allowed: %s", q(p), strings.Join(TerminationPolicyNames, ", "))
		case seen[p]:
			bad(field, "%s is listed twice; want each policy once", q(p))
		case p == "Default" && i != len(cp.TerminationPolicies)-1:
			bad(field, "Default is listed before %s; Default decides every case, so the policies after it never apply: want Default last", q(cp.TerminationPolicies[i+1]))
		}
		seen[p] = true
	}
	if l := cp.MaxInstanceLifetime; l != 0 && (l < minInstanceLifetime || l > maxInstanceLifetime) {
		bad("compute.max_instance_lifetime", "%d is not allowed; want 0 (no limit) or %d to %d seconds (1 to 365 days)", l, minInstanceLifetime, maxInstanceLifetime)
	}
	if d := cp.DrainSeconds; d != 0 {
		if d < minDrain || d > maxDrain {
			bad("compute.drain_seconds", "%d is not allowed; want 0 (no termination hook) or %d to %d seconds (a lifecycle hook's heartbeat timeout)", d, minDrain, maxDrain)
		} else if dd := e.ALB.DeregistrationDelay; d < dd {
			bad("compute.drain_seconds", "drain_seconds (%d) must be >= alb.deregistration_delay (%d): the load balancer drains a terminating instance meanwhile, so a shorter hook ends first and adds nothing", d, dd)
		}
	}
	if sp := cp.Spot; sp != nil {
		validateSpot(cp, sp, bad)
	}
	validateCPUCredits(cp, bad)
	validateUserData(e, bad)
	validateWarmPool(cp, bad)
}

// validateCPUCredits checks compute.cpu_credits against the instance types
// the launch template may launch: its instance_type and, with a mixed
// instances policy, each of compute.spot.instance_types (the overrides
// inherit the template's credit specification, which AWS takes for T
// instances only).
func validateCPUCredits(cp *Compute, bad badFunc) {
	const field = "compute.cpu_credits"
	if !slices.Contains(CPUCreditOptions, cp.CPUCredits) {
		bad(field, "%s is not a CPU credit option; allowed: %s", q(string(cp.CPUCredits)), join(CPUCreditOptions))
		return
	}
	types := []string{cp.InstanceType}
	if cp.Spot != nil {
		if len(cp.Spot.InstanceTypes) > maxSpotTypes {
			return // refused as a whole by validateSpot
		}
		types = append(types, cp.Spot.InstanceTypes...)
	}
	var burst, other []string
	for _, t := range types {
		switch {
		case !IsInstanceType(t): // reported where it is set
		case Burstable(t):
			burst = append(burst, t)
		default:
			other = append(other, t)
		}
	}
	switch {
	case len(burst) > 0 && len(other) > 0:
		bad(field, "applies to every instance type the group launches, and they mix burstable (%s) with others (%s): the launch template's credit specification is valid for %s only; list only burstable types or only others",
			burst[0], other[0], strings.Join(BurstableFamilies, ", "))
	case len(burst) == 0 && cp.CPUCredits == CPUCreditsUnlimited:
		bad(field, "unlimited applies only to burstable instance types (%s); compute.instance_type is %s, which has no CPU credits: remove cpu_credits (standard, the default, writes nothing for it)",
			strings.Join(BurstableFamilies, ", "), q(cp.InstanceType))
	}
}

func validateInstanceRefresh(cp *Compute, bad badFunc) {
	r := cp.InstanceRefresh
	const f = "compute.instance_refresh."
	if r.MaxHealthyPercentage < 100 || r.MaxHealthyPercentage > 200 {
		bad(f+"max_healthy_percentage", "%d is not allowed; want 100 to 200", r.MaxHealthyPercentage)
	} else if cp.MinHealthyPercentage >= 0 && cp.MinHealthyPercentage <= 100 && r.MaxHealthyPercentage-cp.MinHealthyPercentage > 100 {
		bad(f+"max_healthy_percentage", "max_healthy_percentage (%d) - compute.min_healthy_percentage (%d) = %d; AWS allows at most 100 between them: raise min_healthy_percentage to %d or lower max_healthy_percentage to %d",
			r.MaxHealthyPercentage, cp.MinHealthyPercentage, r.MaxHealthyPercentage-cp.MinHealthyPercentage, r.MaxHealthyPercentage-100, cp.MinHealthyPercentage+100)
	}
	for i, p := range r.Checkpoints {
		field := fmt.Sprintf(f+"checkpoints[%d]", i)
		switch {
		case p < 1 || p > 100:
			bad(field, "%d is not a percentage of replaced instances; want 1 to 100", p)
		case i > 0 && p <= r.Checkpoints[i-1]:
			bad(field, "%d is not above the checkpoint before it (%d); want ascending percentages, each once", p, r.Checkpoints[i-1])
		}
	}
	if d := r.CheckpointDelay; d != nil {
		switch {
		case *d < 0 || *d > maxCheckpointDelay:
			bad(f+"checkpoint_delay", "%d is not allowed; want 0 to %d seconds", *d, maxCheckpointDelay)
		case len(r.Checkpoints) == 0:
			bad(f+"checkpoint_delay", "is set but instance_refresh.checkpoints is empty; AWS takes a delay only with checkpoints: add checkpoints or remove checkpoint_delay")
		}
	}
	if w := r.InstanceWarmup; w != nil && (*w < 0 || *w > maxWarmup) {
		bad(f+"instance_warmup", "%d is not allowed; want 0 to %d seconds, or leave it out for the group's warm-up", *w, maxWarmup)
	}
}

func validateSpot(cp *Compute, sp *Spot, bad badFunc) {
	const f = "compute.spot."
	if b := sp.OnDemandBaseCapacity; b < 0 || b > maxGroupSize {
		bad(f+"on_demand_base_capacity", "%d is not allowed; want 0 to %d instances", b, maxGroupSize)
	} else if b > cp.MaxSize {
		bad(f+"on_demand_base_capacity", "on_demand_base_capacity (%d) must be <= compute.max_size (%d)", b, cp.MaxSize)
	}
	if p := sp.OnDemandPercentageAboveBase; p < 0 || p > 100 {
		bad(f+"on_demand_percentage_above_base", "%d is not a percentage; want 0 (all Spot above the base) to 100 (all on-demand)", p)
	}
	if !slices.Contains(SpotAllocationStrategies, sp.AllocationStrategy) {
		bad(f+"allocation_strategy", "%s is not a Spot allocation strategy; allowed: %s", q(string(sp.AllocationStrategy)), join(SpotAllocationStrategies))
	}
	switch n := len(sp.InstanceTypes); {
	case n == 0:
		bad(f+"instance_types", "is empty; want the instance types the group may launch, e.g. [t3.small, t3a.small, t2.small]")
	case n > maxSpotTypes:
		bad(f+"instance_types", "lists %d types; a mixed instances policy takes at most %d", n, maxSpotTypes)
	}
	seen := map[string]bool{}
	for i, t := range sp.InstanceTypes {
		field := fmt.Sprintf(f+"instance_types[%d]", i)
		switch {
		case checkInstanceType(t) != "":
			bad(field, "%s", checkInstanceType(t))
		case seen[t]:
			bad(field, "%s is listed twice; want each type once", q(t))
		}
		seen[t] = true
	}
}

// validateUserData checks compute.app, and that it does not come with
// compute.user_data_file.
func validateUserData(e *Environment, bad badFunc) {
	cp := &e.Compute
	if cp.App != nil && cp.UserDataFile != "" {
		bad("compute.app", "is set together with compute.user_data_file; both define what the instances run: keep one")
	}
	if a := cp.App; a != nil {
		if msg := checkImage(a.Image); msg != "" {
			bad("compute.app.image", "%s", msg)
		}
		if a.Port < 1 || a.Port > 65535 {
			bad("compute.app.port", "%d is not a port; want the port the container listens on, 1 to 65535", a.Port)
		}
		if e.Network.NATMode == NATNone {
			bad("compute.app", "needs the internet to install docker and pull %s, but network.nat_mode is none; set nat_mode single or per_az, or use user_data_file", q(a.Image))
		}
	}
}

// loadUserDataFile reads compute.user_data_file (relative to the
// environments file's directory dir) into Compute.UserData: the YAML
// reader's step, run right after the compute rules.
func loadUserDataFile(e *Environment, dir string, bad badFunc) {
	cp := &e.Compute
	if cp.UserDataFile == "" {
		return
	}
	if data, msg := readUserData(dir, cp.UserDataFile); msg != "" {
		bad("compute.user_data_file", "%s", msg)
	} else {
		cp.UserData = data
	}
}

// errText is an error's message without the path os prefixes it with.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// checkImage says what is wrong with a container image reference, or "".
// The grammar is the distribution project's (what docker pull accepts), so
// an image that passes holds no character a shell would read.
func checkImage(image string) string {
	if image == "" {
		return "is missing; want a container image such as nginx:stable"
	}
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return fmt.Sprintf("%s is not a container image reference (%s); want e.g. nginx:stable or 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4", q(image), clean(err.Error(), 80))
	}
	return checkECRImage(image)
}

// CheckImage returns what is wrong with a compute.app image reference, or
// "" (for the renderer's tests, which draw from what validation accepts).
func CheckImage(image string) string { return checkImage(image) }
