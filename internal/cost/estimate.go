// Package cost estimates what each environment costs a month, from the
// synthesized Terraform JSON (internal/stackjson), a price table with the source
// and date of every price (prices.go) and stated usage assumptions
// (assumptions.go). It backs `go run ./cmd/review cost`, the cost line of the
// synth summary and the budget gate of the policy checks. Plain Go, no jsii.
package cost

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Capacity selects the instance count of an estimate.
type Capacity int

// The three capacities of an estimate.
const (
	Min Capacity = iota
	Desired
	Max
)

// Capacities are Min, Desired and Max in order.
var Capacities = []Capacity{Min, Desired, Max}

func (c Capacity) String() string { return [...]string{"min", "desired", "max"}[c] }

// Item is one line of an estimate.
type Item struct {
	// Kind groups items for `cost diff` ("EC2 instances", "NAT gateways", ...).
	Kind string
	// Name says what is counted, e.g. "EC2 t3.small on-demand".
	Name string
	// Unit and UnitPrice come from the price table; Source is its page.
	Unit      string
	UnitPrice float64
	Source    string
	// Read is when the price was known to be the list price.
	Read string
	// Factor is HoursPerMonth for hourly prices, else 1.
	Factor float64
	// Count of units at min, desired and max capacity (equal unless the item
	// scales with the instances).
	Count [3]float64
}

// Monthly is the item's USD per month at capacity c.
func (it Item) Monthly(c Capacity) float64 { return it.Count[c] * it.UnitPrice * it.Factor }

// Scales reports whether the item's count depends on the capacity.
func (it Item) Scales() bool {
	return it.Count[Min] != it.Count[Max] || it.Count[Min] != it.Count[Desired]
}

// Estimate is the monthly cost of one synthesized stack.
type Estimate struct {
	// Env is the stack's name; Region the region its prices come from.
	Env, Region string
	// Compute describes the instances, e.g. "Auto Scaling group 3..9 (desired 3), t3.small".
	Compute string
	// Instances at min, desired and max capacity.
	Instances [3]int
	// Items in a fixed order: compute first, then network, load balancer,
	// security, observability.
	Items []Item
	// Assumptions used.
	Assumptions Assumptions
}

// Total is the USD per month at capacity c.
func (e *Estimate) Total(c Capacity) float64 {
	sum := 0.0
	for _, it := range e.Items {
		sum += it.Monthly(c)
	}
	return sum
}

// Largest returns the n items that cost most at capacity c, dearest first
// (ties by name).
func (e *Estimate) Largest(c Capacity, n int) []Item {
	items := append([]Item(nil), e.Items...)
	sort.SliceStable(items, func(i, j int) bool {
		if a, b := round2(items[i].Monthly(c)), round2(items[j].Monthly(c)); a != b {
			return a > b
		}
		return items[i].Name < items[j].Name
	})
	if len(items) > n {
		items = items[:n]
	}
	return items
}

// Error lists every problem that kept a stack from being estimated.
type Error struct {
	Env      string
	Problems []string
}

func (e *Error) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("cost of %s: %s", e.Env, e.Problems[0])
	}
	return fmt.Sprintf("cost of %s: %d problems:\n  - %s", e.Env, len(e.Problems), strings.Join(e.Problems, "\n  - "))
}

// freeTypes cost nothing by themselves (or only per use, too little to
// estimate: SNS notifications, IAM, routing, configuration of other resources).
var freeTypes = map[string]bool{
	"aws_autoscaling_lifecycle_hook": true,
	"aws_autoscaling_notification":   true,
	"aws_autoscaling_policy":         true,
	"aws_autoscaling_schedule":       true, // free; its sizes widen the group's range (compute)
	"aws_default_network_acl":        true,
	"aws_default_route_table":        true,
	"aws_default_security_group":     true,
	// network.ipv6: an egress-only internet gateway has no hourly charge
	// (only data transfer out, NotEstimated), and Amazon-provided IPv6
	// addresses are free.
	"aws_egress_only_internet_gateway":                   true,
	"aws_iam_instance_profile":                           true,
	"aws_iam_policy":                                     true,
	"aws_iam_role":                                       true,
	"aws_iam_role_policy":                                true,
	"aws_iam_role_policy_attachment":                     true,
	"aws_internet_gateway":                               true,
	"aws_kms_alias":                                      true,
	"aws_launch_template":                                true,
	"aws_lb_listener":                                    true,
	"aws_lb_listener_rule":                               true,
	"aws_lb_target_group":                                true,
	"aws_lb_target_group_attachment":                     true,
	"aws_route":                                          true,
	"aws_route_table":                                    true,
	"aws_route_table_association":                        true,
	"aws_s3_bucket_lifecycle_configuration":              true,
	"aws_s3_bucket_ownership_controls":                   true,
	"aws_s3_bucket_policy":                               true,
	"aws_s3_bucket_public_access_block":                  true,
	"aws_s3_bucket_server_side_encryption_configuration": true,
	"aws_s3_bucket_versioning":                           true,
	"aws_security_group":                                 true,
	"aws_security_group_rule":                            true,
	"aws_sns_topic":                                      true,
	"aws_sns_topic_policy":                               true,
	"aws_sns_topic_subscription":                         true,
	"aws_subnet":                                         true,
	"aws_vpc":                                            true,
	"aws_vpc_security_group_egress_rule":                 true,
	"aws_vpc_security_group_ingress_rule":                true,
	"aws_wafv2_web_acl_association":                      true,
	// alb.domain: public ACM certificates are free (ACM pricing), and so are
	// their validation and Route53 alias queries to a load balancer; the
	// few queries of the validation records are left out (NotEstimated).
	"aws_acm_certificate":            true,
	"aws_acm_certificate_validation": true,
	"aws_route53_record":             true,
}

// pricedTypes are read by the estimate (aws_cloudwatch_log_group as a
// flow-log destination or the instances' log group, aws_s3_bucket only as
// an access-log destination).
var pricedTypes = map[string]bool{
	"aws_autoscaling_group":            true,
	"aws_cloudwatch_dashboard":         true,
	"aws_cloudwatch_log_group":         true,
	"aws_cloudwatch_log_metric_filter": true,
	"aws_cloudwatch_metric_alarm":      true,
	"aws_eip":                          true,
	"aws_flow_log":                     true,
	"aws_instance":                     true,
	"aws_kms_key":                      true,
	"aws_lb":                           true,
	"aws_nat_gateway":                  true,
	"aws_s3_bucket":                    true,
	"aws_vpc_endpoint":                 true,
	"aws_wafv2_web_acl":                true,
}

// NotEstimated names what the estimate leaves out on purpose; printed under it.
const NotEstimated = "Not estimated: data transfer out to the internet and between AZs, S3 and KMS requests, " +
	"SNS notifications, Route53 queries (alias queries to the load balancer are free; the hosted zone of alb.domain, " +
	"0.50 USD a month, is not the stack's), ALB connection-log storage (alb.connection_logs), surplus CPU credits of unlimited burstable instances above the CPU their scaling holds them to " +
	"(the estimate prices them at that CPU; standard mode bills none), KMS key rotations " +
	"(each of the first two yearly rotations adds 1 USD a month), free tiers (none is subtracted), " +
	"taxes and discounts (Savings Plans, reserved instances)."

type estimator struct {
	fleets   []fleet
	s        *stackjson.Stack
	a        Assumptions
	region   string
	est      *Estimate
	problems []string
}

func (x *estimator) fail(format string, args ...any) {
	x.problems = append(x.problems, fmt.Sprintf(format, args...))
}

// add appends an item priced by key with the same count at every capacity.
func (x *estimator) add(kind, name, key string, count float64) {
	x.addScaled(kind, name, key, [3]float64{count, count, count})
}

func (x *estimator) addScaled(kind, name, key string, count [3]float64) {
	p, err := lookup(x.region, key)
	if err != nil {
		x.fail("%s: %v", name, err)
		return
	}
	f := 1.0
	if p.Hourly {
		f = x.a.HoursPerMonth
	}
	x.est.Items = append(x.est.Items, Item{Kind: kind, Name: name, Unit: p.Unit, UnitPrice: p.USD, Source: p.Source, Read: p.Read, Factor: f, Count: count})
}

// EstimateStack estimates one stack with the given assumptions. Every problem
// (a region, instance type or other price missing from the table, a resource
// type the model does not know, a value that is not a literal) is reported at
// once as an *Error; nothing is ever priced at zero silently.
func EstimateStack(s *stackjson.Stack, a Assumptions) (*Estimate, error) {
	x := &estimator{s: s, a: a, est: &Estimate{Env: s.Name, Assumptions: a}}
	x.region = s.Region()
	x.est.Region = x.region
	if x.region == "" {
		x.fail("the stack's default aws provider has no literal region; want e.g. region = \"us-east-1\"")
	} else if _, ok := Table[x.region]; !ok {
		x.fail("region %s is not in the price table (internal/cost/prices.go); it has: %s", x.region, strings.Join(Regions(), ", "))
	}
	for _, r := range s.Resources {
		if !freeTypes[r.Type] && !pricedTypes[r.Type] {
			x.fail("%s: resource type %s is not in the cost model (internal/cost: add it to the priced or free types)", r.Where(), r.Type)
		}
		for _, k := range []string{"count", "for_each"} {
			if _, ok := r.Attrs[k]; ok && pricedTypes[r.Type] {
				x.fail("%s: %s is set; the cost model counts one resource per block", r.Where(), k)
			}
		}
	}
	if Table[x.region] == nil { // every price would fail the same way
		return nil, &Error{Env: s.Name, Problems: x.problems}
	}
	x.compute()
	x.network()
	x.loadBalancer()
	x.security()
	x.observability()
	if len(x.problems) > 0 {
		return nil, &Error{Env: s.Name, Problems: x.problems}
	}
	return x.est, nil
}

// literal reads a number (JSON number or numeric string) at path.
func (x *estimator) literal(r stackjson.Resource, path ...any) (float64, bool) {
	v, ok := r.Get(path...)
	if !ok || v == nil {
		return 0, false
	}
	if f, ok := stackjson.Literal(v); ok {
		return f, true
	}
	x.fail("%s: %s = %v is not a literal number; the cost model needs one", r.Where(), joinPath(path), v)
	return 0, false
}

func (x *estimator) literalString(r stackjson.Resource, path ...any) (string, bool) {
	v, ok := r.Get(path...)
	if !ok || v == nil {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr || strings.Contains(s, "${") {
		x.fail("%s: %s = %v is not a literal string; the cost model needs one", r.Where(), joinPath(path), v)
		return "", false
	}
	return s, true
}

func get(r stackjson.Resource, path ...any) any {
	v, _ := r.Get(path...)
	return v
}

func truthy(v any, ok bool) bool { return ok && (v == true || v == "true") }

func joinPath(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// refOfType returns the first resource of type typ that v references.
func refOfType(s *stackjson.Stack, v any, typ string) (stackjson.Resource, bool) {
	for _, ref := range stackjson.Refs(v) {
		if r, ok := s.Find(ref.Address); ok && r.Type == typ {
			return r, true
		}
	}
	return stackjson.Resource{}, false
}

// volume is one EBS volume per instance.
type volume struct {
	typ string
	gib float64
}

// fleet is a set of identical instances.
type fleet struct {
	res       stackjson.Resource
	lt        stackjson.Resource // the launch template, when hasLT
	hasLT     bool
	typ       string
	types     []string // every type it may launch: typ, or a mixed instances policy's overrides
	count     [3]float64
	volumes   []volume
	monitored bool
	// mixed: a mixed instances policy, priced on demand at its dearest type.
	mixed bool
	// scheduled: scheduled actions widen min..max beyond the group's own.
	scheduled bool
}

// scheduledSizes widens a group's min and max by its scheduled actions: the
// smallest min_size and the largest max_size any of them sets (-1 leaves
// a size unchanged), so the budget at max capacity counts the largest
// group a schedule allows.
func (x *estimator) scheduledSizes(g stackjson.Resource, lo, hi float64) (float64, float64, bool) {
	name, _ := g.String("name")
	widened := false
	for _, sa := range x.s.OfType("aws_autoscaling_schedule") {
		v := get(sa, "autoscaling_group_name")
		if !stackjson.RefTo(v, g.Address()) && (name == "" || v != name) {
			continue
		}
		if m, ok := x.literal(sa, "min_size"); ok && m != -1 && m < lo {
			lo, widened = m, true
		}
		if m, ok := x.literal(sa, "max_size"); ok && m != -1 && m > hi {
			hi, widened = m, true
		}
	}
	return lo, hi, widened
}

func (x *estimator) compute() {
	var fleets []fleet
	for _, in := range x.s.OfType("aws_instance") {
		lt, hasLT := refOfType(x.s, get(in, "launch_template", "id"), "aws_launch_template")
		f := fleet{res: in, lt: lt, hasLT: hasLT, count: [3]float64{1, 1, 1}}
		if t, ok := x.literalString(in, "instance_type"); ok {
			f.typ = t
		} else if hasLT {
			f.typ, _ = x.literalString(lt, "instance_type")
		}
		if _, ok := in.Get("root_block_device", "volume_size"); ok {
			size, _ := x.literal(in, "root_block_device", "volume_size")
			vt := "gp2" // the provider's and EC2's default volume type when none is given
			if t, ok := x.literalString(in, "root_block_device", "volume_type"); ok {
				vt = t
			}
			f.volumes = append(f.volumes, volume{vt, size})
		} else if hasLT {
			f.volumes = x.templateVolumes(lt)
		} else {
			x.fail("%s: root_block_device.volume_size is not set and there is no launch template: the root volume's size comes from the AMI and cannot be priced", in.Where())
		}
		f.monitored = truthy(in.Get("monitoring")) || (hasLT && truthy(lt.Get("monitoring", "enabled")))
		f.types = []string{f.typ}
		fleets = append(fleets, f)
	}
	for _, g := range x.s.OfType("aws_autoscaling_group") {
		_, mixed := g.Get("mixed_instances_policy")
		ltRef := get(g, "launch_template", "id")
		if mixed {
			ltRef = get(g, "mixed_instances_policy", "launch_template", "launch_template_specification", "launch_template_id")
		}
		lt, hasLT := refOfType(x.s, ltRef, "aws_launch_template")
		if !hasLT {
			x.fail("%s: launch_template.id references no aws_launch_template of the stack; the instance type is unknown", g.Where())
			continue
		}
		f := fleet{res: g, lt: lt, hasLT: true}
		lo, ok1 := x.literal(g, "min_size")
		hi, ok2 := x.literal(g, "max_size")
		if !ok1 || !ok2 {
			x.fail("%s: min_size and max_size must be literal numbers", g.Where())
			continue
		}
		des := lo
		if d, ok := x.literal(g, "desired_capacity"); ok {
			des = d
		}
		lo, hi, f.scheduled = x.scheduledSizes(g, lo, hi)
		f.count = [3]float64{lo, des, hi}
		f.typ, _ = x.literalString(lt, "instance_type")
		f.types = []string{f.typ}
		if mixed {
			if f.typ, f.types, f.mixed = x.dearestOverride(g), x.overrideTypes(g), true; f.typ == "" {
				continue // dearestOverride said why
			}
		}
		f.volumes = x.templateVolumes(lt)
		f.monitored = truthy(lt.Get("monitoring", "enabled"))
		fleets = append(fleets, f)
	}
	var describe []string
	for _, f := range fleets {
		if f.typ == "" {
			x.fail("%s: no literal instance_type on it or its launch template", f.res.Where())
			continue
		}
		for c := range x.est.Instances {
			x.est.Instances[c] += int(f.count[c])
		}
		if f.res.Type == "aws_autoscaling_group" {
			line := fmt.Sprintf("Auto Scaling group %s..%s (desired %s), %s", num(f.count[Min]), num(f.count[Max]), num(f.count[Desired]), f.typ)
			if f.scheduled {
				line = fmt.Sprintf("Auto Scaling group %s..%s with its scheduled actions (desired %s), %s", num(f.count[Min]), num(f.count[Max]), num(f.count[Desired]), f.typ)
			}
			describe = append(describe, line)
		} else {
			describe = append(describe, "1 EC2 instance, "+f.typ)
		}
		name := "EC2 " + f.typ + " on-demand, Linux"
		if f.mixed {
			name += " (mixed instances policy: its dearest type, every instance on demand, an upper bound)"
		}
		x.addScaled("EC2 instances", name, "ec2:"+f.typ, f.count)
		for _, v := range f.volumes {
			var gb [3]float64
			for c := range gb {
				gb[c] = f.count[c] * v.gib
			}
			x.addScaled("EBS volumes", fmt.Sprintf("EBS %s, %s GiB per instance", v.typ, num(v.gib)), "ebs:"+v.typ, gb)
		}
		if f.monitored {
			var m [3]float64
			for c := range m {
				m[c] = f.count[c] * DetailedMonitoringMetrics
			}
			x.addScaled("EC2 detailed monitoring", fmt.Sprintf("EC2 detailed monitoring, %d metrics per instance", DetailedMonitoringMetrics), keyMetric, m)
		}
		x.surplusCredits(f)
		if wp, ok := x.poolOf(f); ok {
			x.addPool(f, wp)
			describe[len(describe)-1] += fmt.Sprintf(", warm pool %s/%s/%s %s", num(wp.count[Min]), num(wp.count[Desired]), num(wp.count[Max]), wp.state)
		}
	}
	x.fleets = fleets
	x.est.Compute = strings.Join(describe, "; ")
	if len(fleets) == 0 {
		x.est.Compute = "no instances"
	}
}

// dearestOverride is the instance type of a mixed instances policy's
// overrides with the highest on-demand price: Spot prices move, so every
// instance of the group is priced as that type on demand, an upper bound
// (what a budget needs). "" when an override cannot be priced (reported).
func (x *estimator) dearestOverride(g stackjson.Resource) string {
	overrides := g.List("mixed_instances_policy", "launch_template", "override")
	if len(overrides) == 0 {
		x.fail("%s: mixed_instances_policy has no launch_template.override instance types to price", g.Where())
		return ""
	}
	best, bestUSD := "", -1.0
	for i := range overrides {
		t, ok := x.literalString(g, "mixed_instances_policy", "launch_template", "override", i, "instance_type")
		if !ok {
			x.fail("%s: mixed_instances_policy.launch_template.override[%d] has no literal instance_type (instance requirements are not priced)", g.Where(), i)
			return ""
		}
		p, err := lookup(x.region, "ec2:"+t)
		if err != nil {
			x.fail("%s: mixed_instances_policy override %s: %v", g.Where(), t, err)
			return ""
		}
		if p.USD > bestUSD {
			best, bestUSD = t, p.USD
		}
	}
	return best
}

// overrideTypes are the literal instance types of a mixed instances
// policy's overrides (dearestOverride reports the others).
func (x *estimator) overrideTypes(g stackjson.Resource) []string {
	var out []string
	for i := range g.List("mixed_instances_policy", "launch_template", "override") {
		if t, ok := g.String("mixed_instances_policy", "launch_template", "override", i, "instance_type"); ok {
			out = append(out, t)
		}
	}
	return out
}

// templateVolumes reads the EBS block device mappings of a launch template.
func (x *estimator) templateVolumes(lt stackjson.Resource) []volume {
	var out []volume
	for i := range lt.List("block_device_mappings") {
		if _, ok := lt.Get("block_device_mappings", i, "ebs"); !ok {
			continue
		}
		size, ok := x.literal(lt, "block_device_mappings", i, "ebs", "volume_size")
		if !ok {
			x.fail("%s: block_device_mappings[%d].ebs.volume_size is not set: the volume's size comes from the AMI and cannot be priced", lt.Where(), i)
			continue
		}
		vt := "gp2"
		if t, ok := x.literalString(lt, "block_device_mappings", i, "ebs", "volume_type"); ok {
			vt = t
		}
		for _, k := range []string{"iops", "throughput"} {
			if _, ok := lt.Get("block_device_mappings", i, "ebs", k); ok {
				x.fail("%s: block_device_mappings[%d].ebs.%s is set; provisioned IOPS and throughput are not in the cost model", lt.Where(), i, k)
			}
		}
		out = append(out, volume{vt, size})
	}
	if len(out) == 0 {
		x.fail("%s: no EBS block device mapping with a volume_size: the root volume's size comes from the AMI and cannot be priced", lt.Where())
	}
	return out
}

func (x *estimator) network() {
	nats := x.s.OfType("aws_nat_gateway")
	if n := len(nats); n > 0 {
		x.add("NAT gateways", "NAT gateways", keyNATHour, float64(n))
		x.add("NAT gateways", "NAT gateway data processed (assumed)", keyNATGB, x.a.NATGBPerMonth)
	}
	if n := len(x.s.OfType("aws_eip")); n > 0 {
		x.add("public IPv4 addresses", "Elastic IP addresses (public IPv4)", keyIPv4Hour, float64(n))
	}
	azHours, endpoints := 0, 0
	for _, ep := range x.s.OfType("aws_vpc_endpoint") {
		t := "Gateway"
		if v, ok := x.literalString(ep, "vpc_endpoint_type"); ok {
			t = v
		}
		switch t {
		case "Gateway": // S3 and DynamoDB gateway endpoints are free
		case "Interface":
			subnets := ep.List("subnet_ids")
			if len(subnets) == 0 {
				x.fail("%s: an interface endpoint without literal subnet_ids; the cost model prices one ENI per subnet (AZ)", ep.Where())
			}
			azHours += len(subnets)
			endpoints++
		default:
			x.fail("%s: vpc_endpoint_type %q is not in the cost model; it prices Gateway and Interface", ep.Where(), t)
		}
	}
	if endpoints > 0 {
		x.add("interface endpoints", "interface VPC endpoints, per AZ", keyEndpointHour, float64(azHours))
		x.add("interface endpoints", "interface VPC endpoint data processed (assumed)", keyEndpointGB, x.a.EndpointGBPerMonth*float64(endpoints))
	}
}

func (x *estimator) loadBalancer() {
	albs, publicIPs := 0, 0
	accessGBMonths := 0.0
	for _, lb := range x.s.OfType("aws_lb") {
		t := "application"
		if v, ok := x.literalString(lb, "load_balancer_type"); ok {
			t = v
		}
		if t != "application" {
			x.fail("%s: load_balancer_type %q is not in the cost model; it prices application load balancers", lb.Where(), t)
			continue
		}
		albs++
		// An internet-facing ALB has a public IPv4 address per subnet,
		// unless it is dual-stack without public IPv4 (IPv6 addresses are free).
		ipType, _ := lb.String("ip_address_type")
		if internal, _ := lb.Get("internal"); !truthy(internal, true) && ipType != config.IPAddressDualstackWithoutPublicIPv4.API() {
			publicIPs += len(lb.List("subnets")) + len(lb.List("subnet_mapping"))
		}
		if truthy(lb.Get("access_logs", "enabled")) {
			days := x.expirationDays(lb)
			accessGBMonths += x.a.AccessLogGBPerMonth * days / 30
		}
	}
	if albs == 0 {
		return
	}
	x.add("load balancer", "Application Load Balancer", keyALBHour, float64(albs))
	x.add("load balancer", "ALB capacity units (assumed)", keyALBLCU, x.a.ALBLCUs*float64(albs))
	if publicIPs > 0 {
		x.add("public IPv4 addresses", "public IPv4 addresses of the internet-facing ALB (one per subnet)", keyIPv4Hour, float64(publicIPs))
	}
	if accessGBMonths > 0 {
		x.add("logs", "ALB access logs stored in S3 Standard (assumed volume x retention)", keyS3Standard, accessGBMonths)
	}
}

// expirationDays follows an ALB's access_logs.bucket to the lifecycle rule
// that expires the logs: stored GB = monthly GB x days / 30. A bucket named
// by a literal (alb.access_log_bucket) belongs to another stack, which
// pays for its storage: 0 here.
func (x *estimator) expirationDays(lb stackjson.Resource) float64 {
	bucketRef, _ := lb.Get("access_logs", "bucket")
	if name, ok := bucketRef.(string); ok && name != "" && len(stackjson.Refs(name)) == 0 && !strings.Contains(name, "${") {
		return 0
	}
	bucket, ok := refOfType(x.s, bucketRef, "aws_s3_bucket")
	if !ok {
		x.fail("%s: access_logs.bucket references no aws_s3_bucket of the stack; the log storage cannot be priced", lb.Where())
		return 0
	}
	for _, lc := range x.s.OfType("aws_s3_bucket_lifecycle_configuration") {
		if !stackjson.RefTo(lc.Attrs["bucket"], bucket.Address()) {
			continue
		}
		for i := range lc.List("rule") {
			if st, _ := lc.String("rule", i, "status"); st != "Enabled" {
				continue
			}
			if _, ok := lc.Get("rule", i, "expiration", "days"); ok {
				d, _ := x.literal(lc, "rule", i, "expiration", "days")
				return d
			}
		}
	}
	x.fail("%s: the access-log bucket %s has no enabled lifecycle rule with expiration.days: its storage grows without bound and cannot be estimated", lb.Where(), bucket.Where())
	return 0
}

func (x *estimator) security() {
	acls, rules := 0, 0
	for _, acl := range x.s.OfType("aws_wafv2_web_acl") {
		acls++
		for i := range acl.List("rule") {
			rules++
			name, _ := acl.String("rule", i, "statement", "managed_rule_group_statement", "name")
			if paidRuleGroups[name] {
				x.fail("%s: rule %d uses %s, a managed rule group with its own subscription and request fees; it is not in the cost model", acl.Where(), i, name)
			}
		}
	}
	if acls > 0 {
		x.add("WAF", "WAF web ACLs", keyWAFACL, float64(acls))
		if rules > 0 {
			x.add("WAF", "WAF rules and managed rule groups", keyWAFRule, float64(rules))
		}
		x.add("WAF", "WAF requests inspected (assumed)", keyWAFRequests, x.a.WAFMillionRequestsPerMonth*float64(acls))
	}
	if n := len(x.s.OfType("aws_kms_key")); n > 0 {
		x.add("KMS", "KMS customer managed keys", keyKMSKey, float64(n))
	}
}

// paidRuleGroups are AWS managed rule groups with fees beyond the rule's.
var paidRuleGroups = map[string]bool{
	"AWSManagedRulesBotControlRuleSet": true,
	"AWSManagedRulesATPRuleSet":        true,
	"AWSManagedRulesACFPRuleSet":       true,
}

func (x *estimator) observability() {
	standard, highRes := 0, 0
	for _, al := range x.s.OfType("aws_cloudwatch_metric_alarm") {
		for _, k := range []string{"metric_query", "threshold_metric_id"} {
			if _, ok := al.Get(k); ok {
				x.fail("%s: %s is set; metric-math and anomaly-detection alarms are not in the cost model", al.Where(), k)
			}
		}
		p, ok := x.literal(al, "period")
		if ok && p < 60 {
			highRes++
		} else {
			standard++
		}
	}
	if standard > 0 {
		x.add("CloudWatch alarms and dashboards", "CloudWatch alarms, standard resolution", keyAlarmStandard, float64(standard))
	}
	if highRes > 0 {
		x.add("CloudWatch alarms and dashboards", "CloudWatch alarms, high resolution (period < 60 s)", keyAlarmHighRes, float64(highRes))
	}
	if n := len(x.s.OfType("aws_cloudwatch_dashboard")); n > 0 {
		x.add("CloudWatch alarms and dashboards", "CloudWatch dashboards", keyDashboard, float64(n))
	}
	flowLogs := 0
	storedGB := 0.0
	destinations := map[string]bool{}
	for _, fl := range x.s.OfType("aws_flow_log") {
		dt := "cloud-watch-logs"
		if v, ok := x.literalString(fl, "log_destination_type"); ok {
			dt = v
		}
		if dt != "cloud-watch-logs" {
			x.fail("%s: log_destination_type %q is not in the cost model; it prices flow logs to CloudWatch Logs", fl.Where(), dt)
			continue
		}
		lg, ok := refOfType(x.s, fl.Attrs["log_destination"], "aws_cloudwatch_log_group")
		if !ok {
			x.fail("%s: log_destination references no aws_cloudwatch_log_group of the stack; the log storage cannot be priced", fl.Where())
			continue
		}
		destinations[lg.Address()] = true
		days, ok := x.literal(lg, "retention_in_days")
		if !ok || days == 0 {
			x.fail("%s: retention_in_days is not set, so the logs never expire: their storage grows without bound and cannot be estimated", lg.Where())
			continue
		}
		flowLogs++
		storedGB += x.a.FlowLogGBPerMonth * days / 30
	}
	agentGroups := x.agent()
	for _, lg := range x.s.OfType("aws_cloudwatch_log_group") {
		if !destinations[lg.Address()] && !agentGroups[lg.Address()] {
			x.fail("%s: a log group that no flow log writes to and the instance role may not write to; the cost model has no volume assumption for it", lg.Where())
		}
	}
	for _, b := range x.s.OfType("aws_s3_bucket") {
		used := false
		for _, lb := range x.s.OfType("aws_lb") {
			access, _ := lb.Get("access_logs", "bucket")
			connections, _ := lb.Get("connection_logs", "bucket") // storage not estimated
			used = used || stackjson.RefTo(access, b.Address()) || stackjson.RefTo(connections, b.Address())
		}
		if !used {
			x.fail("%s: an S3 bucket that holds no ALB access or connection logs; the cost model has no volume assumption for it", b.Where())
		}
	}
	if flowLogs > 0 {
		x.add("logs", "VPC flow logs ingested into CloudWatch Logs (assumed)", keyLogsIngestVend, x.a.FlowLogGBPerMonth*float64(flowLogs))
		x.add("logs", "VPC flow logs stored (assumed volume x retention)", keyLogsStorage, storedGB)
	}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
