package alb

import (
	"fmt"
	"regexp"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistenerrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"

	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// RouteProps configure a route of the load balancer: requests whose path
// or host matches go to a target group of the route's own (another
// service, e.g. a second compute group), instead of the default one.
type RouteProps struct {
	// Priority of the listener rule, 1-50000, unique among the load
	// balancer's routes; the lowest matching priority wins. Required.
	Priority int
	// PathPatterns the request path matches, e.g. /api/*: up to 128 of
	// A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & ( ) ! , ; = and the wildcards
	// * and ?, starting with /. Default: none (any path).
	PathPatterns []string
	// HostHeaders the request's host matches, e.g. api.example.com: up to
	// 128 of a-z A-Z 0-9 - . and the wildcards * and ?. Default: none (any host).
	HostHeaders []string
	// TargetGroupNamePrefix is the route's target group's name prefix, 1
	// to 6 characters (AWS), distinct from the load balancer's. Required.
	TargetGroupNamePrefix string
	// TargetPort is the port the route's targets listen on (their
	// compute.app_port). Required.
	TargetPort int
}

// maxConditionValues: AWS allows 5 condition values per listener rule
// (path patterns and host headers together).
const maxConditionValues = 5

var (
	pathPatternRE = regexp.MustCompile(`^/[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?]{0,127}$`)
	hostHeaderRE  = regexp.MustCompile(`^[A-Za-z0-9\-.*?]{1,128}$`)
)

// Route is a listener rule and its target group. It stands where the load
// balancer does for its own target group: compute.Props.TargetGroup,
// scaling.Props.LoadBalancer (request_count counts the route's requests)
// and observability.Props.LoadBalancer.
type Route struct {
	// TargetGroup and Rule are the resources (for overrides).
	TargetGroup lbtargetgroup.LbTargetGroup
	Rule        lblistenerrule.LbListenerRule

	lbARNSuffix, arn, arnSuffix *string
}

// TargetGroupARN returns the route's target group's ARN.
func (r *Route) TargetGroupARN() *string { return r.arn }

// TargetGroupARNSuffix returns the route's target group's ARN suffix (its CloudWatch dimension).
func (r *Route) TargetGroupARNSuffix() *string { return r.arnSuffix }

// ARNSuffix returns the load balancer's ARN suffix (its CloudWatch dimension).
func (r *Route) ARNSuffix() *string { return r.lbARNSuffix }

// AddRoute sends the requests that match props' path patterns and host
// headers (both, when both are given) to a new target group, on the
// listener that forwards (HTTPS with HTTPS on); the target group takes the
// load balancer's target group settings (health check, deregistration
// delay, stickiness, ...) and props' port. id names the route's resources
// (route-<id>-...). It checks props first and returns every problem at once
// as *config.Errors, having made nothing.
func (a *ALB) AddRoute(id string, props RouteProps) (*Route, error) {
	var problems check.Problems
	if id == "" {
		problems.Add("id", "is missing; want a name for the route, e.g. api")
	}
	if props.Priority < 1 || props.Priority > 50000 {
		problems.Add("priority", "%d is not allowed; want 1 to 50000", props.Priority)
	} else if other, taken := a.priorities[props.Priority]; taken {
		problems.Add("priority", "%d is taken by the route %s; want a priority of its own", props.Priority, other)
	}
	n := len(props.PathPatterns) + len(props.HostHeaders)
	switch {
	case n == 0:
		problems.Add("path_patterns", "and host_headers are empty; want at least one, e.g. /api/*")
	case n > maxConditionValues:
		problems.Add("path_patterns", "and host_headers hold %d values; AWS allows %d per listener rule", n, maxConditionValues)
	}
	for i, p := range props.PathPatterns {
		if !pathPatternRE.MatchString(p) {
			problems.Add(fmt.Sprintf("path_patterns[%d]", i), "%q is not a path pattern; want / and up to 127 of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & ( ) ! , ; = * ?, e.g. /api/*", p)
		}
	}
	for i, h := range props.HostHeaders {
		if !hostHeaderRE.MatchString(h) {
			problems.Add(fmt.Sprintf("host_headers[%d]", i), "%q is not a host header pattern; want 1 to 128 of a-z A-Z 0-9 - . * ?, e.g. api.example.com", h)
		}
	}
	if n := len(props.TargetGroupNamePrefix); n < 1 || n > 6 {
		problems.Add("target_group_name_prefix", "%q is %d characters; AWS takes 1 to 6", props.TargetGroupNamePrefix, n)
	}
	if props.TargetPort < 1 || props.TargetPort > 65535 {
		problems.Add("target_port", "%d is not a port; want 1 to 65535", props.TargetPort)
	}
	if err := problems.Err(a.Scope, "route-"+id); err != nil {
		return nil, err
	}
	if a.priorities == nil {
		a.priorities = map[int]string{}
	}
	a.priorities[props.Priority] = id

	tg := a.newTargetGroup("route-"+id+"-target-group", props.TargetGroupNamePrefix, props.TargetPort, a.name+"-"+id)
	r := &Route{TargetGroup: tg, lbARNSuffix: a.arnSuffix, arn: tg.Arn(), arnSuffix: tg.ArnSuffix()}
	var conditions []*lblistenerrule.LbListenerRuleCondition
	if len(props.PathPatterns) > 0 {
		conditions = append(conditions, &lblistenerrule.LbListenerRuleCondition{
			PathPattern: &lblistenerrule.LbListenerRuleConditionPathPattern{Values: ptr.L(strs(props.PathPatterns)...)},
		})
	}
	if len(props.HostHeaders) > 0 {
		conditions = append(conditions, &lblistenerrule.LbListenerRuleCondition{
			HostHeader: &lblistenerrule.LbListenerRuleConditionHostHeader{Values: ptr.L(strs(props.HostHeaders)...)},
		})
	}
	r.Rule = lblistenerrule.NewLbListenerRule(a.Scope, jsii.String("route-"+id), &lblistenerrule.LbListenerRuleConfig{
		ListenerArn: a.listenerARN,
		Priority:    jsii.Number(props.Priority),
		Action:      &[]*lblistenerrule.LbListenerRuleAction{{Type: jsii.String("forward"), TargetGroupArn: r.arn}},
		Condition:   &conditions,
		Tags:        ptr.Name(a.name + "-" + id),
	})
	return r, nil
}

// strs is a copy of values as pointers.
func strs(values []string) []*string {
	out := make([]*string, len(values))
	for i, v := range values {
		out[i] = jsii.String(v)
	}
	return out
}
