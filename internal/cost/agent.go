package cost

import (
	"fmt"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// AgentMetrics is how many metric series the CloudWatch agent of
// constructs/compute publishes per Auto Scaling group (its dimension is the
// group's name, whatever the instances) or per single instance (InstanceId):
// mem_used_percent and disk_used_percent of / (compute.AgentMetrics).
const AgentMetrics = 2

// agent prices what the instances' CloudWatch agent costs
// (observability.logs): the log groups an instance role may write to (the
// policy of a role of an aws_iam_instance_profile references them) at InstanceLogGBPerMonth
// per instance, stored for their retention; the agent's metrics
// (AgentMetrics per group or instance); and one custom metric per log
// metric filter. It returns the log groups it priced, by address.
func (x *estimator) agent() map[string]bool {
	groups := map[string]bool{}
	instanceRoles := map[string]bool{}
	for _, ip := range x.s.OfType("aws_iam_instance_profile") {
		for _, ref := range stackjson.Refs(ip.Attrs["role"]) {
			instanceRoles[ref.Address] = true
		}
	}
	for _, p := range x.s.OfType("aws_iam_role_policy") {
		instance := false
		for _, ref := range stackjson.Refs(p.Attrs["role"]) {
			instance = instance || instanceRoles[ref.Address]
		}
		if !instance {
			continue
		}
		for _, ref := range stackjson.Refs(p.Attrs["policy"]) {
			if lg, ok := x.s.Find(ref.Address); ok && lg.Type == "aws_cloudwatch_log_group" {
				groups[lg.Address()] = true
			}
		}
	}
	filters := len(x.s.OfType("aws_cloudwatch_log_metric_filter"))
	if filters > 0 {
		x.add("CloudWatch agent", "metrics of log metric filters (the app's error lines)", keyMetric, float64(filters))
	}
	if len(groups) == 0 {
		return groups
	}
	stored := 0.0
	for _, lg := range x.s.OfType("aws_cloudwatch_log_group") {
		if !groups[lg.Address()] {
			continue
		}
		days, ok := x.literal(lg, "retention_in_days")
		if !ok || days == 0 {
			x.fail("%s: retention_in_days is not set, so the logs never expire: their storage grows without bound and cannot be estimated", lg.Where())
			continue
		}
		// The instance's volume is split evenly over its log groups.
		stored += days / 30 / float64(len(groups))
	}
	var ingest, store, series [3]float64
	for _, f := range x.fleets {
		for c := range ingest {
			ingest[c] += f.count[c] * x.a.InstanceLogGBPerMonth
			store[c] += f.count[c] * x.a.InstanceLogGBPerMonth * stored
			if f.res.Type == "aws_autoscaling_group" {
				series[c] += AgentMetrics
			} else {
				series[c] += AgentMetrics * f.count[c]
			}
		}
	}
	x.addScaled("CloudWatch agent", "instance logs ingested into CloudWatch Logs (assumed, per instance)", keyLogsIngestStd, ingest)
	x.addScaled("CloudWatch agent", "instance logs stored (assumed volume x retention)", keyLogsStorage, store)
	x.addScaled("CloudWatch agent", fmt.Sprintf("CloudWatch agent metrics, %d per group or single instance", AgentMetrics), keyMetric, series)
	return groups
}
