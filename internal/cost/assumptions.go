package cost

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Assumptions are the usage figures the estimate cannot read from the
// synthesized JSON. Every one has a default (Defaults) and can be set with
// `cost --assume NAME=VALUE`; the synth summary and the budget gate use the
// defaults. They are printed under every estimate.
type Assumptions struct {
	// HoursPerMonth turns hourly prices into monthly ones. Default: 730 (AWS's own figure).
	HoursPerMonth float64 `json:"hours_per_month"`
	// NATGBPerMonth is the data processed by the NAT gateways of one environment
	// per month, all gateways together (OS updates, SSM, AWS APIs). Default: 100.
	NATGBPerMonth float64 `json:"nat_gb_per_month"`
	// ALBLCUs is the average load balancer capacity units used per hour by each
	// ALB (1 LCU: 25 new connections/s, 3,000 active connections, 1 GB/hour, 1,000 rule evaluations/s). Default: 1.
	ALBLCUs float64 `json:"alb_lcu"`
	// WAFMillionRequestsPerMonth is the requests each web ACL inspects per month,
	// in millions. Default: 5 (about 1.9 requests/s).
	WAFMillionRequestsPerMonth float64 `json:"waf_million_requests_per_month"`
	// FlowLogGBPerMonth is the flow-log data each VPC flow log delivers to
	// CloudWatch Logs per month. Default: 5.
	FlowLogGBPerMonth float64 `json:"flow_log_gb_per_month"`
	// AccessLogGBPerMonth is the access-log data each ALB writes to S3 per month. Default: 5.
	AccessLogGBPerMonth float64 `json:"access_log_gb_per_month"`
	// EndpointGBPerMonth is the data each interface VPC endpoint processes per month. Default: 10.
	EndpointGBPerMonth float64 `json:"interface_endpoint_gb_per_month"`
	// InstanceLogGBPerMonth is what the CloudWatch agent of one instance
	// ships per month, app and system journal together
	// (observability.logs). Default: 0.5 (about 17 MB a day).
	InstanceLogGBPerMonth float64 `json:"instance_log_gb_per_month"`
}

// Defaults returns the default assumptions.
func Defaults() Assumptions {
	return Assumptions{
		HoursPerMonth:              730,
		NATGBPerMonth:              100,
		ALBLCUs:                    1,
		WAFMillionRequestsPerMonth: 5,
		FlowLogGBPerMonth:          5,
		AccessLogGBPerMonth:        5,
		EndpointGBPerMonth:         10,
		InstanceLogGBPerMonth:      0.5,
	}
}

// assumptionInfo describes each assumption for the printout, by JSON name.
var assumptionInfo = map[string]string{
	"hours_per_month":                 "hours in a month, for hourly prices",
	"nat_gb_per_month":                "GB processed per month by the NAT gateways of an environment, together",
	"alb_lcu":                         "average LCUs per hour of each ALB",
	"waf_million_requests_per_month":  "million requests per month inspected by each web ACL",
	"flow_log_gb_per_month":           "GB per month each VPC flow log delivers to CloudWatch Logs",
	"access_log_gb_per_month":         "GB per month each ALB writes to its access-log bucket",
	"interface_endpoint_gb_per_month": "GB per month processed by each interface VPC endpoint",
	"instance_log_gb_per_month":       "GB per month each instance's CloudWatch agent ships (app and system journal)",
}

// Names lists the assumption names (their JSON keys) in field order.
func Names() []string {
	t := reflect.TypeOf(Assumptions{})
	out := make([]string, t.NumField())
	for i := range out {
		out[i] = t.Field(i).Tag.Get("json")
	}
	return out
}

func (a *Assumptions) field(name string) (reflect.Value, bool) {
	v := reflect.ValueOf(a).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("json") == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// Get returns the value of the assumption called name.
func (a Assumptions) Get(name string) float64 {
	f, _ := a.field(name)
	return f.Float()
}

// Map returns every assumption by name (the "assumptions" object of --json).
func (a Assumptions) Map() map[string]float64 {
	out := map[string]float64{}
	for _, n := range Names() {
		out[n] = a.Get(n)
	}
	return out
}

// Set applies overrides of the form NAME=VALUE; every bad one is reported.
func (a *Assumptions) Set(overrides []string) error {
	var problems []string
	for _, o := range overrides {
		name, val, ok := strings.Cut(o, "=")
		f, known := a.field(strings.TrimSpace(name))
		if !ok || !known {
			problems = append(problems, fmt.Sprintf("--assume %q: want NAME=VALUE with NAME one of %s", o, strings.Join(Names(), ", ")))
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		switch {
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			problems = append(problems, fmt.Sprintf("--assume %s: %q is not a number; want a finite number >= 0", name, val))
		case v < 0:
			problems = append(problems, fmt.Sprintf("--assume %s: %g is negative; want a number >= 0", name, v))
		case name == "hours_per_month" && (v < 672 || v > 744):
			problems = append(problems, fmt.Sprintf("--assume hours_per_month: %g is not the length of a month; want 672 to 744 (730 is AWS's average)", v))
		default:
			f.SetFloat(v)
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// Describe returns one line per assumption: name = value (meaning), marking
// the ones that differ from the default.
func (a Assumptions) Describe() []string {
	def := Defaults()
	var out []string
	for _, n := range Names() {
		line := fmt.Sprintf("%s = %s (%s)", n, num(a.Get(n)), assumptionInfo[n])
		if a.Get(n) != def.Get(n) {
			line += fmt.Sprintf(" [default %s]", num(def.Get(n)))
		}
		out = append(out, line)
	}
	return out
}

// num formats a number with as few digits as it needs.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
