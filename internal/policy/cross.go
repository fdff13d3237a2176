package policy

// Rules across settings (issue 18): checks that no single setting's
// validation can make because they depend on several settings together, read
// from the synthesized JSON through the simulator's model of the Auto Scaling
// Group (internal/simulate), plus the budget gate over internal/cost. Each
// finding states the numbers it was computed from.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"net"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/simulate"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Not here: "nat_mode: none without interface endpoints" (issue 18) is a
// validation error of constructs/config (network.nat_mode names
// network.interface_endpoints): it needs only the two settings, not the JSON.

var crossRules = []Rule{
	{
		ID:     "EWT-COST-1",
		Reason: "the estimated monthly cost at max capacity must stay within the environment's budget",
		Fix:    "lower compute.max_size, the instance type or the NAT gateways, keep burstable instances at compute.cpu_credits: standard, raise budget.max_monthly_usd, or suppress it with resource: <env> and a reason",
		Check:  budgetCheck,
	},
	{
		ID:     "EWT-SCALE-1",
		Reason: "one scale-in step must not leave the remaining instances above the scale-out threshold (the group would flap)",
		Fix:    "widen the gap between scaling.scale_in.threshold and scaling.scale_out.threshold, or remove fewer instances per scale-in (scaling.scale_in.adjustment)",
		Check:  flapping,
	},
	{
		ID:      "EWT-SCALE-2",
		Warning: true,
		Reason:  "a warm-up shorter than the time a new instance needs to serve plus the alarm's recovery lets one steady breach add a second instance where one suffices",
		Fix:     "set scaling.warmup_seconds to at least compute.health_check_grace_period + scaling.period x (evaluation_periods - datapoints_to_alarm + 1)",
		Check:   warmupVsServe,
	},
	{
		ID:     "EWT-SCALE-3",
		Reason: "each private subnet of the group must have free addresses for its share of max_size plus the surge of an instance refresh or AZ rebalancing",
		Fix:    "use larger private subnets (network.subnet_newbits or network.private_subnet_cidrs), more availability zones, or a smaller compute.max_size",
		Check:  subnetCapacity,
	},
	{
		ID:     "EWT-SCALE-4",
		Reason: "a sustained breach must bring max_size instances into service within scaling.max_minutes_to_full",
		Fix:    "raise scaling.scale_out.adjustment, lower scaling.warmup_seconds, the alarm's datapoints or the grace period, raise compute.min_size, or allow more minutes",
		Check:  reactionTime,
	},
}

// model reads the group the simulator would simulate; stacks without one
// (ec2 mode) or with a shape the simulator rejects are not judged here
// (cmd/simulate names what it does not support).
func model(c *Context) (*simulate.Model, stackjson.Resource, bool) {
	if c.memo == nil || c.memo.stack != c.Stack {
		c.memo = &memo{stack: c.Stack}
		if m, err := simulate.FromStack(c.Stack); err == nil {
			c.memo.group, c.memo.ok = c.Stack.Find(m.Group.Address)
			c.memo.model = m
		}
	}
	return c.memo.model, c.memo.group, c.memo.ok
}

// memo is the simulator's model of one stack, read once for all rules.
type memo struct {
	stack *stackjson.Stack
	model *simulate.Model
	group stackjson.Resource
	ok    bool
}

func budgetCheck(c *Context) []Finding {
	if c.Env == nil || c.Env.Budget == nil {
		return nil
	}
	budget := c.Env.Budget.MaxMonthlyUSD
	est, err := cost.EstimateStack(c.Stack, cost.Defaults())
	if err != nil {
		var ce *cost.Error
		msg := err.Error()
		if errors.As(err, &ce) {
			msg = strings.Join(ce.Problems, "; ")
		}
		return []Finding{{Detail: fmt.Sprintf("budget.max_monthly_usd %.2f cannot be checked, the estimate failed: %s", budget, msg)}}
	}
	total := math.Round(est.Total(cost.Max)*100) / 100
	if total <= budget {
		return nil
	}
	var top []string
	for _, it := range est.Largest(cost.Max, 3) {
		top = append(top, fmt.Sprintf("%s %.2f", it.Name, it.Monthly(cost.Max)))
	}
	return []Finding{{Detail: fmt.Sprintf("environment %s: estimated %.2f USD a month at max capacity (%d instances) exceeds budget.max_monthly_usd %.2f by %.2f; largest items: %s (details: go run ./cmd/review cost %s)",
		c.Stack.Name, total, est.Instances[cost.Max], budget, total-budget, strings.Join(top, ", "), c.Stack.Name)}}
}

// stepAt returns the adjustment of a step or simple ChangeInCapacity policy
// for a breach just past the threshold: the step holding 0+ for a high alarm
// (lower bounds are inclusive), 0- for a low one (upper bounds inclusive).
func stepAt(p simulate.Policy, high bool) (int, bool) {
	switch {
	case p.Type == simulate.SimpleScaling && p.AdjustmentType == simulate.ChangeInCapacity:
		return p.ScalingAdjustment, true
	case p.Type != simulate.StepScaling || p.AdjustmentType != simulate.ChangeInCapacity:
		return 0, false
	}
	for _, st := range p.Steps {
		if (high && st.Lower <= 0 && 0 < st.Upper) || (!high && st.Lower < 0 && 0 <= st.Upper) {
			return st.Adjustment, true
		}
	}
	return 0, false
}

// alarmPolicy returns the first policy of an alarm with a ChangeInCapacity step.
func alarmPolicy(m *simulate.Model, a simulate.Alarm, high bool) (simulate.Policy, int, bool) {
	for _, pi := range a.Policies {
		if adj, ok := stepAt(m.Policies[pi], high); ok && (adj > 0) == high && adj != 0 {
			return m.Policies[pi], adj, true
		}
	}
	return simulate.Policy{}, 0, false
}

func flapping(c *Context) []Finding {
	m, _, ok := model(c)
	if !ok {
		return nil
	}
	hi, lo := m.ScaleOutAlarm(), m.ScaleInAlarm()
	if hi < 0 || lo < 0 || m.Alarms[lo].Managed {
		return nil // target tracking: AWS keeps its low alarm at 90% of the target
	}
	out, in := m.Alarms[hi], m.Alarms[lo]
	_, adj, ok := alarmPolicy(m, in, false)
	if !ok {
		return nil
	}
	res, found := c.Stack.Find(in.Address)
	if !found {
		return nil
	}
	g := m.Group
	// At n instances averaging the scale-in threshold, removing |adj| leaves
	// the same load on max(min_size, n+adj): CPU = threshold * n / remaining.
	// The ratio is largest for the smallest n, so the first hit is the worst.
	for n := g.Min + 1; n <= g.Max; n++ {
		left := max(g.Min, n+adj)
		cpu := in.Threshold * float64(n) / float64(left)
		if cpu > out.Threshold || (out.Operator == "GreaterThanOrEqualToThreshold" && cpu >= out.Threshold) {
			return []Finding{{res, fmt.Sprintf("at %d instances averaging the scale-in threshold %g%% CPU (%s), scaling in by %d leaves %d instances at %g x %d / %d = %.1f%%, above the scale-out threshold %g%% (%s): the group scales out again",
				n, in.Threshold, in.Name, -adj, left, in.Threshold, n, left, cpu, out.Threshold, out.Name)}}
		}
	}
	return nil
}

func warmupVsServe(c *Context) []Finding {
	m, _, ok := model(c)
	if !ok {
		return nil
	}
	hi := m.ScaleOutAlarm()
	if hi < 0 || m.Alarms[hi].Managed {
		return nil
	}
	a := m.Alarms[hi]
	p, _, ok := alarmPolicy(m, a, true)
	if !ok || p.Type != simulate.StepScaling {
		return nil
	}
	res, found := c.Stack.Find(p.Address)
	if !found {
		return nil
	}
	g := m.Group
	// The alarm leaves ALARM once N-M+1 datapoints do not breach; the first
	// such datapoint is the first period in which the new instance serves.
	recover := a.Period * (a.EvaluationPeriods - a.DatapointsToAlarm + 1)
	need := g.HealthCheckGracePeriod + recover
	if p.Warmup >= need {
		return nil
	}
	load := func(cpu float64) string { return fmt.Sprint(int(math.Ceil(float64(g.Desired) * cpu))) }
	from := load((a.Threshold + 0) / 2)
	if lo := m.ScaleInAlarm(); lo >= 0 {
		from = load((a.Threshold + m.Alarms[lo].Threshold) / 2)
	}
	to := load(a.Threshold + 5)
	return []Finding{{res, fmt.Sprintf("warm-up %d s (%s) < health_check_grace_period %d s + %d s for the alarm %s to recover (%d of %d datapoints of %d s) = %d s: when the warm-up ends the alarm is still in ALARM, so a steady load just above %g%% adds a second instance where one suffices; see it with: go run ./cmd/simulate --stack cdktf.out/stacks/%s --profile step:from=%s,to=%s,at=5 --minutes 20",
		p.Warmup, p.WarmupSource, g.HealthCheckGracePeriod, recover, a.Name, a.DatapointsToAlarm, a.EvaluationPeriods, a.Period, need, a.Threshold, c.Stack.Name, from, to)}}
}

func subnetCapacity(c *Context) []Finding {
	m, g, ok := model(c)
	if !ok {
		return nil
	}
	var subnets []stackjson.Resource
	for _, ref := range stackjson.Refs(g.Attrs["vpc_zone_identifier"]) {
		if sn, found := c.Stack.Find(ref.Address); found && sn.Type == "aws_subnet" {
			subnets = append(subnets, sn)
		}
	}
	if len(subnets) == 0 {
		return nil
	}
	// The largest group any scheduled action allows counts too.
	maxSize, maxFrom := m.Group.Max, "max_size"
	for _, sa := range m.Schedules {
		if sa.Max != simulate.Unchanged && sa.Max > maxSize {
			maxSize, maxFrom = sa.Max, "the max_size of scheduled action "+sa.Name
		}
	}
	// An instance refresh that launches before terminating runs up to
	// max_healthy_percentage of the group; rebalancing across AZs may exceed
	// max_size by 10% or one instance, whichever is greater.
	maxHealthy := 100.0
	if v, ok := g.Number("instance_refresh", "preferences", "max_healthy_percentage"); ok {
		maxHealthy = v
	}
	refresh := int(math.Ceil(float64(maxSize) * (maxHealthy - 100) / 100))
	rebalance := max(1, int(math.Ceil(float64(maxSize)*0.10)))
	surge := max(refresh, rebalance)
	share := (maxSize + surge + len(subnets) - 1) / len(subnets)
	var out []Finding
	for _, sn := range subnets {
		cidr, _ := sn.String("cidr_block")
		_, ipnet, err := net.ParseCIDR(cidr)
		if err != nil {
			continue // a computed CIDR: nothing to count
		}
		ones, bits := ipnet.Mask.Size()
		size := new(big.Int).Lsh(big.NewInt(1), uint(bits-ones))
		usable := int(size.Int64()) - 5 // AWS reserves 5 addresses in every subnet
		others := eniUsers(c.Stack, sn)
		free := usable - others
		if share > free {
			out = append(out, Finding{sn, fmt.Sprintf("%s has %d usable addresses (%d - 5 reserved by AWS)%s; its share of %s %d plus a surge of %d (max of the refresh's %d at max_healthy_percentage %g and AZ rebalancing's %d) over %d subnets is ceil(%d / %d) = %d",
				cidr, free, usable+5, othersText(others), maxFrom, maxSize, surge, refresh, maxHealthy, rebalance, len(subnets), maxSize+surge, len(subnets), share)})
		}
	}
	return out
}

// eniUsers counts the other network interfaces placed in a subnet: interface
// endpoints listing it and single instances launched into it.
func eniUsers(s *stackjson.Stack, sn stackjson.Resource) int {
	n := 0
	for _, ep := range s.OfType("aws_vpc_endpoint") {
		for _, ref := range stackjson.Refs(ep.Attrs["subnet_ids"]) {
			if ref.Address == sn.Address() {
				n++
			}
		}
	}
	for _, in := range s.OfType("aws_instance") {
		if stackjson.RefTo(in.Attrs["subnet_id"], sn.Address()) {
			n++
		}
	}
	return n
}

func othersText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" left after %d other network interfaces", n)
}

// fullMinutes is the time, in whole minutes, from the start of a sustained
// breach of the scale-out alarm until max_size instances serve, starting
// from min_size: the alarm needs datapoints_to_alarm periods; each step adds
// adj instances and the next waits for the warm-up (at least a minute: Auto
// Scaling re-runs the policy each minute the alarm stays in ALARM); the last
// instance serves after the health-check grace period. It is what
// cmd/simulate shows for a step to a load max_size cannot carry.
func fullMinutes(minSize, maxSize, adj, datapoints, periodSeconds, warmupSeconds, graceSeconds int) (total, alarm, steps, every, serve int) {
	alarm = datapoints * periodSeconds / 60
	steps = (maxSize - minSize + adj - 1) / adj
	every = max(1, (warmupSeconds+59)/60)
	serve = (graceSeconds + 59) / 60
	if steps == 0 {
		return 0, alarm, 0, every, serve
	}
	return alarm + (steps-1)*every + serve, alarm, steps, every, serve
}

func reactionTime(c *Context) []Finding {
	if c.Env == nil || c.Env.Scaling.MaxMinutesToFull <= 0 {
		return nil
	}
	m, g, ok := model(c)
	if !ok {
		return nil
	}
	hi := m.ScaleOutAlarm()
	if hi < 0 || m.Alarms[hi].Managed {
		return nil
	}
	a := m.Alarms[hi]
	p, adj, ok := alarmPolicy(m, a, true)
	if !ok {
		return nil
	}
	gr := m.Group
	warm := p.Warmup
	if p.Type == simulate.SimpleScaling {
		warm = max(p.Cooldown, p.Warmup)
	}
	total, alarm, steps, every, serve := fullMinutes(gr.Min, gr.Max, adj, a.DatapointsToAlarm, a.Period, warm, gr.HealthCheckGracePeriod)
	limit := c.Env.Scaling.MaxMinutesToFull
	if total <= limit {
		return nil
	}
	return []Finding{{g, fmt.Sprintf("from min_size %d to max_size %d by %+d (%s): the alarm %s needs %d x %d s = %d min, then %d steps %d min apart (warm-up %d s), and the last instance serves %d min later (grace period %d s): %d + %d x %d + %d = %d minutes > scaling.max_minutes_to_full %d",
		gr.Min, gr.Max, adj, p.Name, a.Name, a.DatapointsToAlarm, a.Period, alarm, steps, every, warm, serve, gr.HealthCheckGracePeriod, alarm, steps-1, every, serve, total, limit)}}
}
