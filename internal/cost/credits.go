package cost

// Surplus CPU credits of burstable instances in unlimited mode.
//
// A burstable instance earns CPU credits at its baseline and spends them
// above it. In unlimited mode it keeps bursting on surplus credits, and AWS
// bills the surplus when the instance's CPU averages above its baseline over
// 24 hours, at a flat rate per vCPU-hour (keySurplusCredit). The estimate
// prices an unlimited fleet as running at the CPU its scaling holds it to
// (cpuLevel): every instance bills vCPUs x (CPU - baseline) / 100 surplus
// vCPU-hours per hour.

import (
	"fmt"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Burstable is one burstable instance type of AWS's credit table.
type Burstable struct {
	// VCPUs of the type.
	VCPUs int
	// BaselinePercent is the baseline utilization per vCPU, in percent (the
	// CPUUtilization an instance can hold without spending more credits than
	// it earns).
	BaselinePercent float64
}

// Baselines is the credit table of the Amazon EC2 User Guide, "Key concepts
// and definitions for burstable performance instances" (columns vCPUs and
// "Baseline utilization per vCPU"), as known in 2025-01:
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html#burstable-performance-instances-credit-table
//
//	type        vCPUs  baseline     type         vCPUs  baseline
//	t2.nano     1      5%           t3.nano      2      5%
//	t2.micro    1      10%          t3.micro     2      10%
//	t2.small    1      20%          t3.small     2      20%
//	t2.medium   2      20%          t3.medium    2      20%
//	t2.large    2      30%          t3.large     2      30%
//	t2.xlarge   4      22.5%        t3.xlarge    4      40%
//	t2.2xlarge  8      17%          t3.2xlarge   8      40%
//	t3a.*       as t3               t4g.*        as t3
var Baselines = map[string]Burstable{
	"t2.nano": {1, 5}, "t2.micro": {1, 10}, "t2.small": {1, 20}, "t2.medium": {2, 20},
	"t2.large": {2, 30}, "t2.xlarge": {4, 22.5}, "t2.2xlarge": {8, 17},
	"t3.nano": {2, 5}, "t3.micro": {2, 10}, "t3.small": {2, 20}, "t3.medium": {2, 20},
	"t3.large": {2, 30}, "t3.xlarge": {4, 40}, "t3.2xlarge": {8, 40},
	"t3a.nano": {2, 5}, "t3a.micro": {2, 10}, "t3a.small": {2, 20}, "t3a.medium": {2, 20},
	"t3a.large": {2, 30}, "t3a.xlarge": {4, 40}, "t3a.2xlarge": {8, 40},
	"t4g.nano": {2, 5}, "t4g.micro": {2, 10}, "t4g.small": {2, 20}, "t4g.medium": {2, 20},
	"t4g.large": {2, 30}, "t4g.xlarge": {4, 40}, "t4g.2xlarge": {8, 40},
}

// burstableFamily reports whether an instance type is of a family with CPU
// credits (the families of Baselines).
func burstableFamily(typ string) bool {
	family, _, _ := strings.Cut(typ, ".")
	switch family {
	case "t2", "t3", "t3a", "t4g":
		return true
	}
	return false
}

// defaultCredits is the credit option EC2 gives an instance launched without
// one: standard for T2, unlimited for T3, T3a and T4g (RunInstances
// CreditSpecification; an account may change its default per family with
// ModifyDefaultCreditSpecification, which a stack cannot see).
func defaultCredits(typ string) string {
	if strings.HasPrefix(typ, "t2.") {
		return "standard"
	}
	return "unlimited"
}

// creditMode reads the credit option of a fleet: the instance's own
// credit_specification, else its launch template's, else EC2's default for
// its type; the second result says where it came from.
func (x *estimator) creditMode(f fleet) (mode, from string) {
	for _, r := range []struct {
		res stackjson.Resource
		ok  bool
	}{{f.res, f.res.Type == "aws_instance"}, {f.lt, f.hasLT}} {
		if !r.ok {
			continue
		}
		if _, set := r.res.Get("credit_specification", "cpu_credits"); set {
			if m, ok := x.literalString(r.res, "credit_specification", "cpu_credits"); ok {
				return m, ""
			}
			return "", ""
		}
	}
	return defaultCredits(f.typ), "no credit_specification: EC2's default for " + strings.Split(f.typ, ".")[0]
}

// cpuLevel is the average CPU, in percent, at which the estimate runs an
// Auto Scaling group's instances: where its scaling starts to add instances,
// the lowest threshold of a GreaterThan CPUUtilization alarm on the group
// that invokes one of its scaling policies, or the target of a CPU
// target-tracking policy. Without either (a single instance, request-count
// scaling) nothing holds the CPU down: 100, an upper bound.
func (x *estimator) cpuLevel(f fleet) (float64, string) {
	if f.res.Type != "aws_autoscaling_group" {
		return 100, "nothing scales it: an upper bound"
	}
	g := f.res
	name, _ := g.String("name")
	ofGroup := func(v any) bool { return stackjson.RefTo(v, g.Address()) || (name != "" && v == name) }
	policies := map[string]bool{}
	level, why := 100.0, "no CPU scaling: an upper bound"
	for _, p := range x.s.OfType("aws_autoscaling_policy") {
		if !ofGroup(get(p, "autoscaling_group_name")) {
			continue
		}
		policies[p.Address()] = true
		metric, _ := p.String("target_tracking_configuration", "predefined_metric_specification", "predefined_metric_type")
		if metric != "ASGAverageCPUUtilization" {
			continue
		}
		if v, ok := x.literal(p, "target_tracking_configuration", "target_value"); ok && v < level {
			level, why = v, "target of "+nameOf(p, "name")
		}
	}
	for _, al := range x.s.OfType("aws_cloudwatch_metric_alarm") {
		metric, _ := al.String("metric_name")
		ns, _ := al.String("namespace")
		op, _ := al.String("comparison_operator")
		if metric != "CPUUtilization" || ns != "AWS/EC2" || !strings.HasPrefix(op, "GreaterThan") || !ofGroup(get(al, "dimensions", "AutoScalingGroupName")) {
			continue
		}
		scales := false
		for _, ref := range stackjson.Refs(get(al, "alarm_actions")) {
			scales = scales || policies[ref.Address]
		}
		if !scales {
			continue
		}
		if v, ok := x.literal(al, "threshold"); ok && v < level {
			level, why = v, "scale-out threshold of "+nameOf(al, "alarm_name")
		}
	}
	return level, why
}

// nameOf is a resource's literal name attribute, else its address.
func nameOf(r stackjson.Resource, attr string) string {
	if n, ok := r.String(attr); ok && !strings.Contains(n, "${") {
		return n
	}
	return r.Address()
}

// surplusCredits adds the surplus credits of an unlimited fleet: per
// instance vCPUs x (CPU - baseline) / 100 vCPU-hours an hour, for the type
// of the fleet that bills the most (a mixed instances policy's types may
// differ). Nothing is added in standard mode, for types without credits, or
// when the CPU does not exceed the baseline.
func (x *estimator) surplusCredits(f fleet) {
	mode, from := x.creditMode(f)
	switch mode {
	case "standard", "":
		return
	case "unlimited":
	default:
		x.fail("%s: credit_specification.cpu_credits %q is not standard or unlimited", f.res.Where(), mode)
		return
	}
	cpu, why := x.cpuLevel(f)
	best, bestTyp := 0.0, ""
	var bt Burstable
	for _, typ := range f.types {
		if !burstableFamily(typ) {
			continue
		}
		b, ok := Baselines[typ]
		if !ok {
			x.fail("%s: instance type %s is burstable but has no baseline in the credit table (internal/cost/credits.go)", f.res.Where(), typ)
			continue
		}
		if v := float64(b.VCPUs) * (cpu - b.BaselinePercent) / 100; v > best {
			best, bestTyp, bt = v, typ, b
		}
	}
	if bestTyp == "" {
		return
	}
	var count [3]float64
	for c := range count {
		count[c] = f.count[c] * best
	}
	mode = "unlimited"
	if from != "" {
		mode += " (" + from + ")"
	}
	// The count is instances x vCPUs x (CPU - baseline) / 100.
	x.addScaled("EC2 CPU credits", fmt.Sprintf("surplus CPU credits, %s: %s at %s%% CPU (%s), baseline %s%% of %d vCPUs",
		mode, bestTyp, num(cpu), why, num(bt.BaselinePercent), bt.VCPUs), keySurplusCredit, count)
}
