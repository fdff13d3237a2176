package diagram

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// holder names where a resource ended up: "node:<id>" or "group:<id>".
func holder(d *Diagram, address string) []string {
	var out []string
	for _, n := range d.Nodes {
		for _, a := range n.Resources {
			if a == address {
				out = append(out, "node:"+n.ID)
			}
		}
	}
	for _, g := range d.Groups {
		for _, a := range g.Resources {
			if a == address {
				out = append(out, "group:"+g.ID)
			}
		}
	}
	return out
}

func byPath(t *testing.T, s *stackjson.Stack, path string) stackjson.Resource {
	t.Helper()
	for _, list := range [][]stackjson.Resource{s.Resources, s.Data} {
		for _, r := range list {
			if r.Path == s.Name+"/"+path {
				return r
			}
		}
	}
	t.Fatalf("%s: no resource with construct path %s/%s", s.Name, s.Name, path)
	return stackjson.Resource{}
}

func findEdge(d *Diagram, from, to string, kind EdgeKind) *Edge {
	for _, e := range d.Edges {
		if e.From == from && e.To == to && e.Kind == kind {
			return e
		}
	}
	return nil
}

// Every resource and data source is drawn exactly once: as a node, folded
// into one, or folded into a group; nothing is lost or doubled.
func TestBuildAccountsForEveryResource(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			for _, list := range [][]stackjson.Resource{s.Resources, s.Data} {
				for _, r := range list {
					if got := holder(d, r.Address()); len(got) != 1 {
						t.Errorf("%s: held by %v, want exactly one node or group", r.Address(), got)
					}
				}
			}
			total := 0
			for _, n := range d.Nodes {
				total += len(n.Resources)
			}
			for _, g := range d.Groups {
				total += len(g.Resources)
			}
			if want := len(s.Resources) + len(s.Data); total != want {
				t.Errorf("nodes and groups hold %d resources, want %d", total, want)
			}
		})
	}
}

// The request path is on the picture: client -> ALB -> listener -> target
// group -> instances, as request edges, and it is the spine listed first.
func TestBuildRequestPath(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"dev", []string{ClientID, "alb_lb", "alb_http", "alb_target_group", "compute_instance"}},
		{"stage", []string{ClientID, "alb_lb", "alb_http", "alb_target_group", "compute_asg"}},
		{"prod", []string{ClientID, "alb_lb", "alb_http", "alb_target_group", "compute_asg"}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			d := Build(goldenStack(t, tt.env))
			for i := 0; i+1 < len(tt.want); i++ {
				if findEdge(d, tt.want[i], tt.want[i+1], EdgeRequest) == nil {
					t.Errorf("no request edge %s -> %s", tt.want[i], tt.want[i+1])
				}
			}
			var onPath []string
			for _, n := range d.Nodes {
				if n.OnPath {
					onPath = append(onPath, n.ID)
				}
			}
			if got, want := len(onPath), len(tt.want); got != want {
				t.Errorf("nodes on the path: got %v, want %v", onPath, tt.want)
			}
			tr := newTree(d)
			spine := make([]string, len(tr.spine))
			for id, i := range tr.spine {
				spine[i] = id
			}
			if strings.Join(spine, ",") != strings.Join(tt.want, ",") {
				t.Errorf("spine: got %v, want %v", spine, tt.want)
			}
		})
	}
}

// Noise is folded into the resource it belongs to.
func TestBuildFolding(t *testing.T) {
	tests := []struct {
		env, path, want string
	}{
		{"prod", "network/private-rta-a", "node:network_private_a"},
		{"prod", "network/private-rt-b", "node:network_private_b"},
		{"prod", "network/private-default-route-c", "node:network_private_c"},
		{"prod", "network/public-rt", "node:network_public_a"},
		{"prod", "network/public-rta-c", "node:network_public_c"},
		{"prod", "network/nat-eip-b", "node:network_nat_b"},
		{"prod", "network/flow-log-group", "node:network_flow_log"},
		{"prod", "network/flow-log-role", "node:network_flow_log"},
		{"prod", "network/flow-log-policy", "node:network_flow_log"},
		{"prod", "network/default-sg", "group:vpc"},
		{"prod", "network/vpc", "group:vpc"},
		{"prod", "alb/sg", "node:alb_lb"},
		{"prod", "alb/ingress-80-0", "node:alb_lb"},
		{"prod", "compute/egress-alb-to-app", "node:alb_lb"},
		{"prod", "compute/sg", "node:compute_asg"},
		{"prod", "compute/ingress-app-from-alb", "node:compute_asg"},
		{"prod", "compute/egress-https", "node:compute_asg"},
		{"prod", "compute/launch-template", "node:compute_asg"},
		{"prod", "compute/profile", "node:compute_asg"},
		{"prod", "compute/role", "node:compute_asg"},
		{"prod", "compute/policy", "node:compute_asg"},
		{"prod", "compute/ami", "node:compute_asg"},
		{"prod", "compute/in-service", "node:compute_asg"},
		{"prod", "scaling/scale-out-alarm", "node:scaling_scale_out"},
		{"prod", "scaling/scale-in-alarm", "node:scaling_scale_in"},
		{"prod", "observability/alb-5xx", "node:observability_alarms"},
		{"prod", "observability/latency-p95", "node:observability_alarms"},
		{"dev", "compute/launch-template", "node:compute_instance"},
		{"dev", "compute/target", "node:compute_instance"},
		{"dev", "compute/ami", "node:compute_instance"},
		{"dev", "scaling/recover", "node:scaling_recover"},
		// The access-log bucket's configuration, its policy and the ELB
		// account the policy names are the bucket.
		{"prod", "alb/access-logs-public-access", "node:alb_access_logs"},
		{"prod", "alb/access-logs-ownership", "node:alb_access_logs"},
		{"prod", "alb/access-logs-encryption", "node:alb_access_logs"},
		{"prod", "alb/access-logs-versioning", "node:alb_access_logs"},
		{"prod", "alb/access-logs-lifecycle", "node:alb_access_logs"},
		{"prod", "alb/access-logs-policy", "node:alb_access_logs"},
		{"prod", "alb/elb-account", "node:alb_access_logs"},
		{"prod", "alb/waf-association", "node:alb_waf"},
		{"prod", "encryption/alias", "node:encryption_key"},
		// Read by the bucket policy and the key policy: once, into the key of its own construct.
		{"prod", "encryption/account", "node:encryption_key"},
		{"dev", "alb/elb-account", "node:alb_access_logs"},
		{"dev", "encryption/account", "node:encryption_key"},
	}
	diagrams := map[string]*Diagram{}
	for _, tt := range tests {
		t.Run(tt.env+"/"+tt.path, func(t *testing.T) {
			s := goldenStack(t, tt.env)
			if diagrams[tt.env] == nil {
				diagrams[tt.env] = Build(s)
			}
			r := byPath(t, s, tt.path)
			if got := holder(diagrams[tt.env], r.Address()); len(got) != 1 || got[0] != tt.want {
				t.Errorf("%s is held by %v, want %s", r.Address(), got, tt.want)
			}
		})
	}
	// No node stands for a type that is always folded.
	for _, s := range goldenStacks(t) {
		for _, n := range Build(s).Nodes {
			switch n.Type {
			case "aws_route", "aws_route_table", "aws_route_table_association", "aws_security_group",
				"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_iam_role",
				"aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_iam_instance_profile", "aws_eip",
				"aws_launch_template", "aws_cloudwatch_log_group", "aws_lb_target_group_attachment",
				"aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
				"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
				"aws_s3_bucket_lifecycle_configuration", "aws_wafv2_web_acl_association", "aws_kms_alias",
				"data.aws_caller_identity", "data.aws_elb_service_account":
				t.Errorf("%s: node %s stands for a %s, which should be folded", s.Name, n.ID, n.Type)
			}
		}
	}
}

// The access-log bucket, the web ACL and the key stand for exactly what
// belongs to them, and read as what they are.
func TestBuildLogsWAFAndKey(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			tests := []struct {
				node  string
				kind  Kind
				types []string
				lines string
			}{
				{"alb_access_logs", KindStorage, []string{"aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration",
					"aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
					"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "data.aws_elb_service_account"},
					"ALB access logs|versioned · SSE-S3 · no public access|expires after 90 days"},
				{"alb_waf", KindSecurity, []string{"aws_wafv2_web_acl", "aws_wafv2_web_acl_association"},
					"WAF web ACL|3 AWS managed rule groups"},
				{"encryption_key", KindSecurity, []string{"aws_kms_alias", "aws_kms_key", "data.aws_caller_identity"},
					"KMS key|alias/webtier-" + s.Name + " · rotation on"},
			}
			for _, tt := range tests {
				n := d.Node(tt.node)
				if n == nil {
					t.Errorf("no node %s", tt.node)
					continue
				}
				var types []string
				for _, a := range n.Resources {
					types = append(types, a[:strings.LastIndex(a, ".")])
				}
				if got, want := strings.Join(types, ","), strings.Join(tt.types, ","); got != want {
					t.Errorf("%s holds %s, want one each of %s", tt.node, got, want)
				}
				if n.Kind != tt.kind {
					t.Errorf("%s: kind %s, want %s", tt.node, n.Kind, tt.kind)
				}
				if got := strings.Join(n.Lines, "|"); got != tt.lines {
					t.Errorf("%s: lines %q, want %q", tt.node, got, tt.lines)
				}
				if n.OnPath {
					t.Errorf("%s is on the request path", tt.node)
				}
			}
			// The key is joined only by light encrypt edges from its users;
			// the lookups folded into the key and the bucket draw nothing.
			for _, e := range d.Edges {
				if (e.To == "encryption_key" || e.From == "encryption_key") && (e.Kind != EdgeEncrypt || e.To != "encryption_key") {
					t.Errorf("edge %+v: want only encrypt edges into the key", *e)
				}
				if e.From == "alb_access_logs" || e.From == "alb_waf" && e.Kind != EdgeProtect {
					t.Errorf("edge %+v leaves the bucket or the web ACL", *e)
				}
			}
		})
	}
}

// Nodes sit in the VPC / tier / AZ group the JSON puts them in.
func TestBuildGroups(t *testing.T) {
	tests := []struct {
		env, node, group string
	}{
		{"prod", ClientID, ""},
		{"prod", "alb_lb", "vpc_public"},
		{"prod", "alb_http", "vpc_public"},
		{"prod", "alb_target_group", "vpc"},
		{"prod", "compute_asg", "vpc_private"},
		{"prod", "network_igw", "vpc"},
		{"prod", "network_flow_log", "vpc"},
		{"prod", "network_s3_endpoint", "vpc_private"},
		{"prod", "network_public_a", "vpc_public_us_east_1a"},
		{"prod", "network_nat_c", "vpc_public_us_east_1c"},
		{"prod", "network_private_b", "vpc_private_us_east_1b"},
		{"prod", "observability_alarm_topic", "observability"},
		{"prod", "observability_dashboard", "observability"},
		{"prod", "scaling_scale_in", "scaling"},
		{"prod", "alb_access_logs", "alb"},
		{"prod", "alb_waf", "alb"},
		{"prod", "encryption_key", "encryption"},
		{"dev", "compute_instance", "vpc_private_us_east_1a"},
		{"dev", "network_nat_a", "vpc_public_us_east_1a"},
		{"dev", "scaling_recover", "scaling"},
	}
	for _, tt := range tests {
		t.Run(tt.env+"/"+tt.node, func(t *testing.T) {
			n := Build(goldenStack(t, tt.env)).Node(tt.node)
			if n == nil {
				t.Fatalf("no node %s", tt.node)
			}
			if n.Group != tt.group {
				t.Errorf("node %s is in group %q, want %q", tt.node, n.Group, tt.group)
			}
		})
	}
	labels := []struct {
		env, group, label, kind, parent string
	}{
		{"prod", "vpc", "VPC 10.30.0.0/16", "vpc", ""},
		{"prod", "vpc_public", "public subnets", "tier", "vpc"},
		{"prod", "vpc_private", "private subnets", "tier", "vpc"},
		{"prod", "vpc_private_us_east_1c", "us-east-1c", "az", "vpc_private"},
		{"dev", "vpc", "VPC 10.10.0.0/16", "vpc", ""},
		{"dev", "scaling", "scaling", "construct", ""},
	}
	for _, tt := range labels {
		g := Build(goldenStack(t, tt.env)).Group(tt.group)
		if g == nil {
			t.Errorf("%s: no group %s", tt.env, tt.group)
			continue
		}
		if got := [3]string{g.Label, g.Kind, g.Parent}; got != [3]string{tt.label, tt.kind, tt.parent} {
			t.Errorf("%s: group %s: got label, kind, parent %q, want %q", tt.env, tt.group, got, [3]string{tt.label, tt.kind, tt.parent})
		}
	}
	// One AZ group per tier and zone.
	for _, s := range goldenStacks(t) {
		azs := map[string]bool{}
		for _, sn := range s.OfType("aws_subnet") {
			az, _ := sn.String("availability_zone")
			azs[az] = true
		}
		got := 0
		for _, g := range Build(s).Groups {
			if g.Kind == "az" {
				got++
			}
		}
		if want := 2 * len(azs); got != want {
			t.Errorf("%s: %d AZ groups, want %d (2 tiers x %d zones)", s.Name, got, want, len(azs))
		}
	}
}

func TestBuildEdges(t *testing.T) {
	tests := []struct {
		env, from, to string
		kind          EdgeKind
		label         string
		absent        bool
	}{
		{env: "prod", from: ClientID, to: "alb_lb", kind: EdgeRequest, label: "HTTP :80"},
		{env: "prod", from: "alb_lb", to: "alb_http", kind: EdgeRequest},
		{env: "prod", from: "alb_http", to: "alb_target_group", kind: EdgeRequest, label: "forward"},
		{env: "prod", from: "alb_target_group", to: "compute_asg", kind: EdgeRequest, label: "HTTP :8080"},
		{env: "prod", from: "network_private_b", to: "network_nat_b", kind: EdgeRoute, label: "0.0.0.0/0"},
		{env: "prod", from: "network_public_c", to: "network_igw", kind: EdgeRoute, label: "0.0.0.0/0"},
		{env: "prod", from: "scaling_scale_out", to: "compute_asg", kind: EdgeControl},
		{env: "prod", from: "scaling_scale_out", to: "observability_alarm_topic", kind: EdgeNotify},
		{env: "prod", from: "observability_alarms", to: "alb_lb", kind: EdgeMonitor},
		{env: "prod", from: "observability_alarms", to: "alb_target_group", kind: EdgeMonitor},
		{env: "prod", from: "observability_alarms", to: "observability_alarm_topic", kind: EdgeNotify},
		{env: "prod", from: "scaling_scale_out", to: "compute_asg", kind: EdgeMonitor, absent: true},
		{env: "dev", from: "network_private_b", to: "network_nat_a", kind: EdgeRoute, label: "0.0.0.0/0"},
		{env: "dev", from: "alb_target_group", to: "compute_instance", kind: EdgeRequest, label: "HTTP :8080"},
		{env: "dev", from: "scaling_recover", to: "compute_instance", kind: EdgeMonitor},
		{env: "prod", from: "alb_lb", to: "alb_access_logs", kind: EdgeLog, label: "access logs"},
		{env: "prod", from: "alb_waf", to: "alb_lb", kind: EdgeProtect},
		{env: "prod", from: "observability_alarm_topic", to: "encryption_key", kind: EdgeEncrypt},
		{env: "prod", from: "network_flow_log", to: "encryption_key", kind: EdgeEncrypt},
		{env: "prod", from: "alb_access_logs", to: "encryption_key", kind: EdgeRef, absent: true},
		{env: "prod", from: "alb_access_logs", to: "encryption_key", kind: EdgeEncrypt, absent: true},
		{env: "dev", from: "alb_lb", to: "alb_access_logs", kind: EdgeLog, label: "access logs"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s-%s-%s", tt.env, tt.from, tt.kind, tt.to), func(t *testing.T) {
			e := findEdge(Build(goldenStack(t, tt.env)), tt.from, tt.to, tt.kind)
			switch {
			case tt.absent && e != nil:
				t.Errorf("got edge %+v, want none", *e)
			case !tt.absent && e == nil:
				t.Errorf("no %s edge %s -> %s", tt.kind, tt.from, tt.to)
			case !tt.absent && e.Label != tt.label:
				t.Errorf("label: got %q, want %q", e.Label, tt.label)
			}
		})
	}
	// The dashboard references everything; its references are not drawn.
	for _, s := range goldenStacks(t) {
		d := Build(s)
		for _, e := range d.Edges {
			if e.From == "observability_dashboard" || e.To == "observability_dashboard" {
				t.Errorf("%s: dashboard edge %+v", s.Name, *e)
			}
			if e.From == e.To || d.Node(e.From) == nil || d.Node(e.To) == nil {
				t.Errorf("%s: edge %+v: want two different existing nodes", s.Name, *e)
			}
		}
	}
}

var mermaidID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// IDs are unique across nodes and groups and safe in Mermaid; output is sorted.
func TestBuildIDs(t *testing.T) {
	for _, s := range goldenStacks(t) {
		d := Build(s)
		seen := map[string]bool{}
		for _, n := range d.Nodes {
			if seen[n.ID] || !mermaidID.MatchString(n.ID) || n.ID == "end" {
				t.Errorf("%s: node ID %q is duplicate or not a safe identifier", s.Name, n.ID)
			}
			seen[n.ID] = true
			if len(n.Lines) == 0 || n.Lines[0] == "" {
				t.Errorf("%s: node %s has no title", s.Name, n.ID)
			}
		}
		for _, g := range d.Groups {
			if seen[g.ID] || !mermaidID.MatchString(g.ID) {
				t.Errorf("%s: group ID %q is duplicate or not a safe identifier", s.Name, g.ID)
			}
			seen[g.ID] = true
			if g.Parent != "" && d.Group(g.Parent) == nil {
				t.Errorf("%s: group %s has unknown parent %s", s.Name, g.ID, g.Parent)
			}
		}
		for i := 1; i < len(d.Nodes); i++ {
			if d.Nodes[i-1].ID >= d.Nodes[i].ID {
				t.Errorf("%s: nodes not sorted: %s before %s", s.Name, d.Nodes[i-1].ID, d.Nodes[i].ID)
			}
		}
	}
}

func TestBuildSynthetic(t *testing.T) {
	vpc := res{"aws_vpc", "vpc", "net/vpc", map[string]any{"cidr_block": "10.0.0.0/16"}}
	subnet := func(id, tier, az string) res {
		return res{"aws_subnet", id, "net/" + id, map[string]any{
			"vpc_id": ref("aws_vpc.vpc", "id"), "availability_zone": az, "cidr_block": "10.0.1.0/24",
			"tags": map[string]any{"Tier": tier},
		}}
	}
	lb := func(internal bool) res {
		return res{"aws_lb", "lb", "alb/lb", map[string]any{
			"internal": internal, "name": "web", "subnets": []any{ref("aws_subnet.pa", "id"), ref("aws_subnet.pb", "id")},
			"security_groups": []any{ref("aws_security_group.lbsg", "id")},
		}}
	}
	lbsg := res{"aws_security_group", "lbsg", "alb/sg", map[string]any{"vpc_id": ref("aws_vpc.vpc", "id")}}
	ingress := func(port int) res {
		return res{"aws_vpc_security_group_ingress_rule", fmt.Sprintf("in%d", port), fmt.Sprintf("alb/in-%d", port), map[string]any{
			"security_group_id": ref("aws_security_group.lbsg", "id"), "cidr_ipv4": "203.0.113.0/24", "from_port": port, "to_port": port,
		}}
	}
	tg := res{"aws_lb_target_group", "tg", "alb/tg", map[string]any{"vpc_id": ref("aws_vpc.vpc", "id"), "port": 8080, "protocol": "HTTP"}}
	base := []res{vpc, subnet("pa", "public", "eu-west-1a"), subnet("pb", "public", "eu-west-1b"), lbsg, tg}

	tests := []struct {
		name  string
		rs    []res
		check func(t *testing.T, d *Diagram)
	}{
		{
			name: "internal load balancer: no clients",
			rs:   append(append([]res{}, base...), lb(true)),
			check: func(t *testing.T, d *Diagram) {
				if d.Node(ClientID) != nil {
					t.Errorf("got a clients node for an internal load balancer")
				}
				if got := d.Node("alb_lb").Lines; !contains(got, "internal") {
					t.Errorf("ALB lines %q: want one saying internal", got)
				}
			},
		},
		{
			name: "HTTPS listener forwards; the HTTP redirect folds into the load balancer",
			rs: append(append([]res{}, base...), lb(false), ingress(443), ingress(80),
				res{"aws_lb_listener", "https", "alb/https", map[string]any{
					"load_balancer_arn": ref("aws_lb.lb", "arn"), "port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
					"default_action": []any{map[string]any{"type": "forward", "target_group_arn": ref("aws_lb_target_group.tg", "arn")}},
				}},
				res{"aws_lb_listener", "http", "alb/http-redirect", map[string]any{
					"load_balancer_arn": ref("aws_lb.lb", "arn"), "port": 80, "protocol": "HTTP",
					"default_action": []any{map[string]any{"type": "redirect", "redirect": map[string]any{"protocol": "HTTPS", "port": "443"}}},
				}}),
			check: func(t *testing.T, d *Diagram) {
				e := findEdge(d, ClientID, "alb_lb", EdgeRequest)
				if e == nil || e.Label != "HTTP :80, HTTPS :443" {
					t.Errorf("client edge: got %+v, want label %q", e, "HTTP :80, HTTPS :443")
				}
				if got := d.Node(ClientID).Lines; strings.Join(got, "|") != "clients|203.0.113.0/24" {
					t.Errorf("client lines: got %q, want [clients 203.0.113.0/24]", got)
				}
				if n := d.Node("alb_http_redirect"); n != nil {
					t.Errorf("the redirect listener is a node %+v; want it folded into the load balancer", *n)
				}
				if got := d.Node("alb_lb").Lines; !contains(got, "HTTP :80 redirects to HTTPS :443") {
					t.Errorf("load balancer lines %q: want the redirect", got)
				}
				if got := d.Node("alb_https").Lines; strings.Join(got, "|") != "listener HTTPS :443|forward|ELBSecurityPolicy-TLS13-1-2-2021-06" {
					t.Errorf("https listener lines: got %q", got)
				}
				tr := newTree(d)
				if _, ok := tr.spine["alb_https"]; !ok {
					t.Errorf("spine %v: want it through alb_https", tr.spine)
				}
				if len(tr.spine) != 4 {
					t.Errorf("spine %v: want clients, ALB, HTTPS listener, target group", tr.spine)
				}
			},
		},
		{
			name: "a security group two resources use stays a node",
			rs: append(append([]res{}, base...),
				res{"aws_instance", "a", "compute/a", map[string]any{"subnet_id": ref("aws_subnet.pa", "id"), "vpc_security_group_ids": []any{ref("aws_security_group.lbsg", "id")}}},
				res{"aws_instance", "b", "compute/b", map[string]any{"subnet_id": ref("aws_subnet.pb", "id"), "vpc_security_group_ids": []any{ref("aws_security_group.lbsg", "id")}}}),
			check: func(t *testing.T, d *Diagram) {
				n := d.Node("alb_sg")
				if n == nil || n.Type != "aws_security_group" {
					t.Fatalf("got node %+v, want the security group as a node", n)
				}
				if n.Group != "vpc" {
					t.Errorf("security group in %q, want vpc", n.Group)
				}
				for _, id := range []string{"compute_a", "compute_b"} {
					if findEdge(d, id, "alb_sg", EdgeRef) == nil {
						t.Errorf("no reference edge %s -> alb_sg", id)
					}
				}
				if got := d.Node("compute_a").Group; got != "vpc_public_eu_west_1a" {
					t.Errorf("instance a in %q, want vpc_public_eu_west_1a", got)
				}
			},
		},
		{
			name: "unknown types are plain nodes with reference edges, outside the VPC by construct",
			rs: []res{
				{"aws_sqs_queue", "q", "queue/queue", map[string]any{"name": "jobs"}},
				{"aws_sqs_queue_policy", "p", "queue/policy", map[string]any{"queue_url": ref("aws_sqs_queue.q", "id")}},
			},
			check: func(t *testing.T, d *Diagram) {
				if findEdge(d, "queue_policy", "queue_queue", EdgeRef) == nil {
					t.Errorf("no reference edge queue_policy -> queue_queue; edges %v", d.Edges)
				}
				if n := d.Node("queue_queue"); n == nil || n.Group != "queue" || n.Kind != KindOther || strings.Join(n.Lines, "|") != "sqs_queue|queue" {
					t.Errorf("queue node: got %+v, want group queue, kind other and lines [sqs_queue queue]", n)
				}
			},
		},
		{
			name: "a bucket no load balancer logs to: its configuration folds in, its name shows",
			rs: []res{
				{"aws_s3_bucket", "b", "storage/bucket", map[string]any{"bucket": "assets"}},
				{"aws_s3_bucket_policy", "p", "storage/policy", map[string]any{"bucket": ref("aws_s3_bucket.b", "id")}},
				{"aws_s3_bucket_versioning", "v", "storage/versioning", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
					"versioning_configuration": map[string]any{"status": "Suspended"}}},
				{"aws_s3_bucket_server_side_encryption_configuration", "e", "storage/sse", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
					"rule": []any{map[string]any{"apply_server_side_encryption_by_default": map[string]any{"sse_algorithm": "aws:kms", "kms_master_key_id": ref("aws_kms_key.k", "arn")}}}}},
				{"aws_s3_bucket_public_access_block", "pab", "storage/pab", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
					"block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true, "restrict_public_buckets": true}},
				{"aws_kms_key", "k", "keys/key", map[string]any{"enable_key_rotation": false}},
			},
			check: func(t *testing.T, d *Diagram) {
				n := d.Node("storage_bucket")
				if n == nil || n.Kind != KindStorage || len(n.Resources) != 5 {
					t.Fatalf("bucket node: got %+v, want a storage node holding the bucket and its 4 satellites", n)
				}
				if got := strings.Join(n.Lines, "|"); got != "S3 bucket|assets|versioning suspended · SSE-KMS" {
					t.Errorf("bucket lines: got %q", got)
				}
				if e := findEdge(d, "storage_bucket", "keys_key", EdgeEncrypt); e == nil {
					t.Errorf("no encrypt edge from the bucket to the key; edges %v", d.Edges)
				}
				if got := strings.Join(d.Node("keys_key").Lines, "|"); got != "KMS key|rotation off" {
					t.Errorf("key lines: got %q", got)
				}
			},
		},
		{
			name: "an account lookup several constructs read folds into the reader in its own construct",
			rs: []res{
				{"data.aws_caller_identity", "me", "keys/account", map[string]any{}},
				{"aws_kms_key", "k", "keys/key", map[string]any{"policy": "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"}},
				{"aws_kms_alias", "a", "keys/alias", map[string]any{"name": "alias/x", "target_key_id": ref("aws_kms_key.k", "key_id")}},
				{"aws_s3_bucket", "b", "logs/bucket", map[string]any{}},
				{"aws_s3_bucket_policy", "p", "logs/policy", map[string]any{"bucket": ref("aws_s3_bucket.b", "id"),
					"policy": "${data.aws_caller_identity.me.account_id}"}},
				{"aws_sns_topic", "t", "obs/topic", map[string]any{"name": "t", "owner": ref("data.aws_caller_identity.me", "account_id")}},
			},
			check: func(t *testing.T, d *Diagram) {
				if got := holder(d, "data.aws_caller_identity.me"); len(got) != 1 || got[0] != "node:keys_key" {
					t.Errorf("caller identity held by %v, want node:keys_key", got)
				}
				if len(d.Edges) != 0 {
					t.Errorf("got edges %v, want none: reading the account ID is no relationship", d.Edges)
				}
				if got := strings.Join(d.Node("keys_key").Lines, "|"); got != "KMS key|alias/x · rotation off" {
					t.Errorf("key lines: got %q", got)
				}
			},
		},
		{
			name: "an account lookup read from several constructs, none its own, stays a node",
			rs: []res{
				{"data.aws_caller_identity", "me", "shared/account", map[string]any{}},
				{"aws_sns_topic", "t", "obs/topic", map[string]any{"owner": ref("data.aws_caller_identity.me", "account_id")}},
				{"aws_sqs_queue", "q", "queue/queue", map[string]any{"owner": ref("data.aws_caller_identity.me", "account_id")}},
			},
			check: func(t *testing.T, d *Diagram) {
				if d.Node("shared_account") == nil {
					t.Fatalf("got nodes %v, want the lookup as a node", ids(d))
				}
				for _, from := range []string{"obs_topic", "queue_queue"} {
					if findEdge(d, from, "shared_account", EdgeRef) == nil {
						t.Errorf("no reference edge %s -> shared_account", from)
					}
				}
			},
		},
		{
			name: "a web ACL with a custom rule, associated with two load balancers",
			rs: append(append([]res{}, base...), lb(false),
				res{"aws_lb", "lb2", "alb/lb2", map[string]any{"internal": true, "subnets": []any{ref("aws_subnet.pa", "id")}}},
				res{"aws_wafv2_web_acl", "w", "edge/waf", map[string]any{"rule": []any{
					map[string]any{"name": "m", "statement": map[string]any{"managed_rule_group_statement": map[string]any{"name": "AWSManagedRulesCommonRuleSet", "vendor_name": "AWS"}}},
					map[string]any{"name": "rate", "statement": map[string]any{"rate_based_statement": map[string]any{"limit": 100}}},
				}}},
				res{"aws_wafv2_web_acl_association", "a1", "edge/a1", map[string]any{"web_acl_arn": ref("aws_wafv2_web_acl.w", "arn"), "resource_arn": ref("aws_lb.lb", "arn")}},
				res{"aws_wafv2_web_acl_association", "a2", "edge/a2", map[string]any{"web_acl_arn": ref("aws_wafv2_web_acl.w", "arn"), "resource_arn": ref("aws_lb.lb2", "arn")}}),
			check: func(t *testing.T, d *Diagram) {
				n := d.Node("edge_waf")
				if n == nil || n.Kind != KindSecurity || len(n.Resources) != 3 {
					t.Fatalf("web ACL node: got %+v, want a security node holding the ACL and both associations", n)
				}
				if got := strings.Join(n.Lines, "|"); got != "WAF web ACL|1 AWS managed rule group · 1 rule" {
					t.Errorf("web ACL lines: got %q", got)
				}
				for _, to := range []string{"alb_lb", "alb_lb2"} {
					if findEdge(d, "edge_waf", to, EdgeProtect) == nil {
						t.Errorf("no protect edge edge_waf -> %s", to)
					}
				}
			},
		},
		{
			name: "dangling references and missing paths do not break the build",
			rs: []res{
				{"aws_instance", "i", "", map[string]any{"subnet_id": ref("aws_subnet.gone", "id"), "ami": ref("data.aws_ami.gone", "id")}},
				{"aws_lb_target_group_attachment", "att", "", map[string]any{"target_group_arn": ref("aws_lb_target_group.gone", "arn")}},
			},
			check: func(t *testing.T, d *Diagram) {
				if len(d.Edges) != 0 {
					t.Errorf("got edges %v, want none", d.Edges)
				}
				if n := d.Node("aws_instance_i"); n == nil || n.Group != "" {
					t.Errorf("instance without path: got %+v, want node aws_instance_i at the top", n)
				}
				if n := d.Node("aws_lb_target_group_attachment_att"); n == nil {
					t.Errorf("an attachment with nothing to attach stays a node; got nodes %v", ids(d))
				}
			},
		},
		{
			name: "data sources fold into their user",
			rs: []res{
				{"data.aws_ssm_parameter", "ami", "compute/ami", map[string]any{"name": "/aws/ami"}},
				{"aws_launch_template", "lt", "compute/lt", map[string]any{"image_id": ref("data.aws_ssm_parameter.ami", "insecure_value"), "instance_type": "t3.nano"}},
				{"aws_instance", "i", "compute/instance", map[string]any{"launch_template": map[string]any{"id": ref("aws_launch_template.lt", "id")}}},
			},
			check: func(t *testing.T, d *Diagram) {
				if len(d.Nodes) != 1 || d.Nodes[0].ID != "compute_instance" {
					t.Fatalf("got nodes %v, want only compute_instance", ids(d))
				}
				if got := strings.Join(d.Nodes[0].Lines, "|"); got != "EC2 instance|t3.nano" {
					t.Errorf("lines: got %q, want %q", got, "EC2 instance|t3.nano")
				}
			},
		},
		{
			name: "target tracking policy",
			rs: []res{
				{"aws_autoscaling_group", "asg", "compute/asg", map[string]any{"min_size": 1, "max_size": 3, "desired_capacity": 1}},
				{"aws_autoscaling_policy", "tt", "scaling/target-tracking", map[string]any{
					"autoscaling_group_name": ref("aws_autoscaling_group.asg", "name"), "policy_type": "TargetTrackingScaling",
					"target_tracking_configuration": map[string]any{"target_value": 55},
				}},
			},
			check: func(t *testing.T, d *Diagram) {
				if got := strings.Join(d.Node("scaling_target_tracking").Lines, "|"); got != "target tracking|average CPU 55%" {
					t.Errorf("lines: got %q", got)
				}
				if findEdge(d, "scaling_target_tracking", "compute_asg", EdgeControl) == nil {
					t.Errorf("no control edge to the ASG")
				}
			},
		},
		{
			name: "empty stack",
			check: func(t *testing.T, d *Diagram) {
				if len(d.Nodes)+len(d.Groups)+len(d.Edges) != 0 {
					t.Errorf("got %d nodes, %d groups, %d edges, want none", len(d.Nodes), len(d.Groups), len(d.Edges))
				}
				if mmd := Mermaid(d); mmd != "flowchart TB\n" {
					t.Errorf("Mermaid of an empty diagram: got %q, want only the header", mmd)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Build(mkStack(t, "test", tt.rs...))
			tt.check(t, d)
		})
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func ids(d *Diagram) []string {
	var out []string
	for _, n := range d.Nodes {
		out = append(out, n.ID)
	}
	return out
}

// Building twice from freshly parsed JSON gives the same text (no map order leaks).
func TestDeterministic(t *testing.T) {
	for _, s := range goldenStacks(t) {
		mmd := MermaidFile(s)
		for i := 0; i < 10; i++ {
			again := goldenStack(t, s.Name)
			if got := MermaidFile(again); got != mmd {
				t.Fatalf("%s: Mermaid differs on run %d:\n%s", s.Name, i, lineDiff(mmd, got))
			}
		}
	}
}
