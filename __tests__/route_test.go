package tests

import (
	"reflect"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
)

// TestALBRoutes: AddRoute sends matching requests to a target group of its
// own on the forwarding listener, which a second group registers in; bad
// props are refused, all problems at once, and make nothing.
func TestALBRoutes(t *testing.T) {
	_, st := libStack(t, "routes")
	np := network.DefaultProps()
	np.Name, np.Region, np.AvailabilityZones, np.CIDR = "routes", "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}, "10.0.0.0/16"
	net, err := network.New(st, "network", np)
	if err != nil {
		t.Fatal(err)
	}
	p := alb.DefaultProps()
	p.Name, p.TargetGroupNamePrefix, p.Network, p.Region = "routes", "web-", net, "eu-west-2"
	p.AccessLogs, p.WAF = false, false
	lb, err := alb.New(st, "alb", p)
	if err != nil {
		t.Fatal(err)
	}
	api, err := lb.AddRoute("api", alb.RouteProps{Priority: 10, PathPatterns: []string{"/api/*"}, HostHeaders: []string{"*.example.com"}, TargetGroupNamePrefix: "api-", TargetPort: 9090})
	if err != nil {
		t.Fatal(err)
	}
	cp := compute.DefaultProps()
	cp.Name, cp.Network, cp.TargetGroup, cp.AppPort = "routes-api", net, api, 9090
	group, err := compute.NewGroup(st, "api", cp)
	if err != nil {
		t.Fatal(err)
	}
	group.AllowFrom(lb)

	bad := []struct {
		name  string
		props alb.RouteProps
		want  []config.Problem
	}{
		{"priority taken, no condition, no prefix, no port", alb.RouteProps{Priority: 10}, []config.Problem{
			wiring("priority", "10 is taken by the route api; want a priority of its own"),
			wiring("path_patterns", "and host_headers are empty; want at least one, e.g. /api/*"),
			wiring("target_group_name_prefix", `"" is 0 characters; AWS takes 1 to 6`),
			wiring("target_port", "0 is not a port; want 1 to 65535"),
		}},
		{"bad patterns, priority out of range, too many values", alb.RouteProps{Priority: 50001, PathPatterns: []string{"api/*", "/a", "/b", "/c", "/d"}, HostHeaders: []string{"api example"}, TargetGroupNamePrefix: "toolong", TargetPort: 65536}, []config.Problem{
			wiring("priority", "50001 is not allowed; want 1 to 50000"),
			wiring("path_patterns", "and host_headers hold 6 values; AWS allows 5 per listener rule"),
			wiring("path_patterns[0]", `"api/*" is not a path pattern; want / and up to 127 of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & ( ) ! , ; = * ?, e.g. /api/*`),
			wiring("host_headers[0]", `"api example" is not a host header pattern; want 1 to 128 of a-z A-Z 0-9 - . * ?, e.g. api.example.com`),
			wiring("target_group_name_prefix", `"toolong" is 7 characters; AWS takes 1 to 6`),
			wiring("target_port", "65536 is not a port; want 1 to 65535"),
		}},
	}
	for _, c := range bad {
		r, err := lb.AddRoute("bad", c.props)
		if r != nil || err == nil {
			t.Errorf("%s: AddRoute accepted %+v", c.name, c.props)
			continue
		}
		source, got := problemsOf(t, err)
		if source != "routes/alb/route-bad" {
			t.Errorf("%s: error source %q, want routes/alb/route-bad", c.name, source)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: problems\ngot  %q\nwant %q", c.name, got, c.want)
		}
	}

	s := synthStack(t, st, "routes")
	rule := mustAt(t, s, "routes/alb/route-api")
	tg := mustAt(t, s, "routes/alb/route-api-target-group")
	listener := mustAt(t, s, "routes/alb/http")
	if n := len(s.OfType("aws_lb_listener_rule")); n != 1 {
		t.Errorf("%d listener rules, want 1 (the refused routes make nothing)", n)
	}
	if n := len(s.OfType("aws_lb_target_group")); n != 2 {
		t.Errorf("%d target groups, want the default one and the route's", n)
	}
	checks := []struct {
		what string
		got  any
		want any
	}{
		{"rule listener_arn", get(rule, "listener_arn"), ref(listener, "arn")},
		{"rule priority", get(rule, "priority"), 10.0},
		{"rule action type", get(rule, "action", 0, "type"), "forward"},
		{"rule action target_group_arn", get(rule, "action", 0, "target_group_arn"), ref(tg, "arn")},
		{"rule path pattern", get(rule, "condition", 0, "path_pattern", "values"), []any{"/api/*"}},
		{"rule host header", get(rule, "condition", 1, "host_header", "values"), []any{"*.example.com"}},
		{"route target group port", get(tg, "port"), 9090.0},
		{"route target group name_prefix", get(tg, "name_prefix"), "api-"},
		{"route target group health check path", get(tg, "health_check", "path"), "/health"},
		{"group target_group_arns", get(mustOne(t, s, "aws_autoscaling_group"), "target_group_arns"), []any{ref(tg, "arn")}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}
}

func get(r interface{ Get(...any) (any, bool) }, path ...any) any {
	v, _ := r.Get(path...)
	return v
}
