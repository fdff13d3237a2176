// Package diagram draws the architecture of a synthesized stack: a graph of
// its resources (folded into readable nodes, grouped by VPC, tier and AZ),
// rendered as Mermaid (which GitHub draws; the layout is the viewer's), and
// the committed docs/diagrams files and README block made from them. Only cmd/review (internal/reviewcli) links
// it, not the synth binary. Plain Go over internal/stackjson, no jsii.
package diagram

import (
	"fmt"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Kind classifies a node for styling.
type Kind string

// Node kinds.
const (
	KindClient        Kind = "client"
	KindLoadBalancer  Kind = "lb"
	KindTarget        Kind = "target"
	KindCompute       Kind = "compute"
	KindNetwork       Kind = "network"
	KindScaling       Kind = "scaling"
	KindObservability Kind = "observability"
	KindStorage       Kind = "storage"
	KindSecurity      Kind = "security"
	KindOther         Kind = "other"
)

// EdgeKind says what an edge means.
type EdgeKind string

// Edge kinds.
const (
	// EdgeRequest is the client -> load balancer -> listener -> target group -> instances path.
	EdgeRequest EdgeKind = "request"
	// EdgeRoute is a subnet's route to a gateway (labelled with the destination).
	EdgeRoute EdgeKind = "route"
	// EdgeMonitor is an alarm watching a metric of a resource.
	EdgeMonitor EdgeKind = "monitor"
	// EdgeNotify is an alarm notifying a topic.
	EdgeNotify EdgeKind = "notify"
	// EdgeControl is a scaling policy changing an Auto Scaling group.
	EdgeControl EdgeKind = "control"
	// EdgeProtect is a WAF web ACL guarding the resource it is associated with.
	EdgeProtect EdgeKind = "protect"
	// EdgeLog is a resource writing its logs to a bucket (labelled with what it writes).
	EdgeLog EdgeKind = "log"
	// EdgeEncrypt is a resource encrypted with a KMS key.
	EdgeEncrypt EdgeKind = "encrypt"
	// EdgeRef is any other reference between resources.
	EdgeRef EdgeKind = "ref"
)

// Diagram is the readable picture of one stack: resources as nodes (noise
// folded into the resource it belongs to), references as edges, nodes grouped
// by VPC, subnet tier and availability zone where the JSON says so, and by
// construct outside the VPC.
type Diagram struct {
	// Stack is the stack's name.
	Stack string
	// Groups in parent-before-child order.
	Groups []*Group
	// Nodes sorted by ID.
	Nodes []*Node
	// Edges sorted by From, To, Kind.
	Edges []*Edge
}

// Group is a box around nodes and other groups.
type Group struct {
	// ID is unique in the diagram and safe as a Mermaid identifier.
	ID string
	// Label is the box's title.
	Label string
	// Parent group ID; "" at the top level.
	Parent string
	// Kind is "vpc", "tier", "az" or "construct".
	Kind string
	// Tier is the subnet tier of a "tier" group (the subnets' Tier tag).
	Tier string
	// Resources are the addresses the group stands for (the VPC and what folds into it).
	Resources []string
}

// Node is one box: a resource with everything folded into it.
type Node struct {
	// ID is unique in the diagram and safe as a Mermaid identifier.
	ID string
	// Lines of the label; the first is the title.
	Lines []string
	// Kind styles the node.
	Kind Kind
	// Type is the Terraform type of the node's own resource ("" for the clients).
	Type string
	// Group ID the node sits in; "" at the top level.
	Group string
	// OnPath marks the nodes of the request path.
	OnPath bool
	// Resources are the addresses the node stands for, sorted.
	Resources []string
}

// Edge is one arrow.
type Edge struct {
	// From and To are node IDs.
	From, To string
	// Kind of the edge.
	Kind EdgeKind
	// Label is "" or a short text.
	Label string
}

// ClientID is the ID of the synthetic node for the load balancer's clients.
const ClientID = "client"

type foldMode int

const (
	keep foldMode = iota
	// intoReferent: the resource belongs to the resource it references through attr.
	intoReferent
	// intoReferrer: the resource belongs to the one resource that uses it.
	intoReferrer
	// dissolve: route tables, routes, associations and target attachments become edges and placement.
	dissolve
	// intoUser: a lookup (account ID, ELB account) belongs to the resource
	// that reads it, counting readers that fold by what they fold into; with
	// several, the one in the lookup's own construct. Once folded, it draws
	// no edges: reading an account ID is no relationship worth an arrow.
	intoUser
)

type foldRule struct {
	mode foldMode
	// attrs and typ select the parent of an intoReferent resource ("" typ: any).
	attrs []string
	typ   string
}

var foldRules = map[string]foldRule{
	"aws_vpc_security_group_ingress_rule": {mode: intoReferent, attrs: []string{"security_group_id"}},
	"aws_vpc_security_group_egress_rule":  {mode: intoReferent, attrs: []string{"security_group_id"}},
	"aws_security_group_rule":             {mode: intoReferent, attrs: []string{"security_group_id"}},
	"aws_iam_role_policy":                 {mode: intoReferent, attrs: []string{"role"}},
	"aws_iam_role_policy_attachment":      {mode: intoReferent, attrs: []string{"role"}},
	"aws_sns_topic_subscription":          {mode: intoReferent, attrs: []string{"topic_arn"}},
	"aws_lb_listener_rule":                {mode: intoReferent, attrs: []string{"listener_arn"}},
	"aws_lb_listener_certificate":         {mode: intoReferent, attrs: []string{"listener_arn"}},
	"aws_default_security_group":          {mode: intoReferent, attrs: []string{"vpc_id"}},
	"aws_default_network_acl":             {mode: intoReferent, attrs: []string{"default_network_acl_id"}},
	"aws_default_route_table":             {mode: intoReferent, attrs: []string{"default_route_table_id"}},
	"data.aws_instances":                  {mode: intoReferent, typ: "aws_autoscaling_group"},
	"aws_autoscaling_notification":        {mode: intoReferent, attrs: []string{"group_names"}, typ: "aws_autoscaling_group"},
	"aws_autoscaling_lifecycle_hook":      {mode: intoReferent, attrs: []string{"autoscaling_group_name"}, typ: "aws_autoscaling_group"},
	"aws_autoscaling_schedule":            {mode: intoReferent, attrs: []string{"autoscaling_group_name"}, typ: "aws_autoscaling_group"},
	"aws_cloudwatch_log_metric_filter":    {mode: intoReferent, attrs: []string{"log_group_name"}, typ: "aws_cloudwatch_log_group"},
	"aws_security_group":                  {mode: intoReferrer},
	"aws_launch_template":                 {mode: intoReferrer},
	"aws_iam_instance_profile":            {mode: intoReferrer},
	"aws_iam_role":                        {mode: intoReferrer},
	"aws_iam_policy":                      {mode: intoReferrer},
	"aws_eip":                             {mode: intoReferrer},
	"aws_cloudwatch_log_group":            {mode: intoReferrer},
	"data.aws_ssm_parameter":              {mode: intoReferrer},
	"data.aws_iam_policy_document":        {mode: intoReferrer},
	"data.aws_ami":                        {mode: intoReferrer},
	"aws_route_table":                     {mode: dissolve},
	"aws_route":                           {mode: dissolve},
	"aws_route_table_association":         {mode: dissolve},
	"aws_lb_target_group_attachment":      {mode: dissolve},

	// A bucket is drawn with its configuration; a web ACL with its
	// associations (as edges); a key with its aliases.
	"aws_s3_bucket_public_access_block":                  {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_ownership_controls":                   {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_server_side_encryption_configuration": {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_versioning":                           {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_lifecycle_configuration":              {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_policy":                               {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_acl":                                  {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_logging":                              {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_s3_bucket_notification":                         {mode: intoReferent, attrs: []string{"bucket"}, typ: "aws_s3_bucket"},
	"aws_wafv2_web_acl_association":                      {mode: intoReferent, attrs: []string{"web_acl_arn"}, typ: "aws_wafv2_web_acl"},
	"aws_kms_alias":                                      {mode: intoReferent, attrs: []string{"target_key_id"}, typ: "aws_kms_key"},
	// A certificate is drawn with its validation (and, in ruleFor, its
	// validation records).
	"aws_acm_certificate_validation": {mode: intoReferent, attrs: []string{"certificate_arn"}, typ: "aws_acm_certificate"},

	// Lookups of the account, partition, region and the ELB account.
	"data.aws_caller_identity":     {mode: intoUser},
	"data.aws_elb_service_account": {mode: intoUser},
	"data.aws_partition":           {mode: intoUser},
	"data.aws_region":              {mode: intoUser},
}

func ruleFor(r *stackjson.Resource) foldRule {
	if r.Type == "aws_lb_listener" || r.Type == "aws_alb_listener" {
		// A listener that only redirects or answers itself leads nowhere:
		// it becomes a line of its load balancer.
		if t, _ := r.String("default_action", "type"); t == "redirect" || t == "fixed-response" {
			return foldRule{mode: intoReferent, attrs: []string{"load_balancer_arn"}}
		}
	}
	if _, alias := r.Get("alias"); r.Type == "aws_route53_record" && !alias {
		// A record that validates a certificate (its name and value are the
		// certificate's validation option) is part of the certificate.
		return foldRule{mode: intoReferent, attrs: []string{"name"}, typ: "aws_acm_certificate"}
	}
	if r.Type == "aws_cloudwatch_metric_alarm" {
		// An alarm that drives a scaling policy is that policy's trigger.
		return foldRule{mode: intoReferent, attrs: []string{"alarm_actions"}, typ: "aws_autoscaling_policy"}
	}
	return foldRules[r.Type]
}

// link is one reference from a resource's top-level attribute to another resource.
type link struct{ attr, to string }

type builder struct {
	s         *stackjson.Stack
	res       map[string]*stackjson.Resource
	order     []string
	links     map[string][]link
	referrers map[string][]string
	rtSubnets map[string][]string
	roots     map[string]string
	visiting  map[string]bool

	d       *Diagram
	nodeID  map[string]string // root address -> node ID
	groupOf map[string]string // VPC address -> group ID
	nodes   map[string]*Node
	groups  map[string]*Group
	edges   map[[3]string]*Edge
}

// Build makes the diagram of one stack. It never fails: resources it has no
// rule for become plain nodes with reference edges.
func Build(s *stackjson.Stack) *Diagram {
	b := &builder{
		s: s, res: map[string]*stackjson.Resource{}, links: map[string][]link{},
		referrers: map[string][]string{}, rtSubnets: map[string][]string{},
		roots: map[string]string{}, visiting: map[string]bool{},
		d: &Diagram{Stack: s.Name}, nodeID: map[string]string{}, groupOf: map[string]string{},
		nodes: map[string]*Node{}, groups: map[string]*Group{}, edges: map[[3]string]*Edge{},
	}
	for _, list := range [][]stackjson.Resource{s.Resources, s.Data} {
		for i := range list {
			r := &list[i]
			b.res[r.Address()] = r
			b.order = append(b.order, r.Address())
		}
	}
	sort.Strings(b.order)
	for _, a := range b.order {
		r := b.res[a]
		if r.Type == "aws_cloudwatch_dashboard" {
			continue // a dashboard names everything it charts; none of that is drawn
		}
		keys := make([]string, 0, len(r.Attrs))
		for k := range r.Attrs {
			if k != "depends_on" && k != "lifecycle" && k != "provider" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		seen := map[string]bool{}
		for _, k := range keys {
			for _, ref := range stackjson.Refs(r.Attrs[k]) {
				to := ref.Address
				if _, ok := b.res[to]; !ok || to == a {
					continue
				}
				b.links[a] = append(b.links[a], link{k, to})
				if !seen[to] {
					seen[to] = true
					b.referrers[to] = append(b.referrers[to], a)
				}
			}
		}
		if r.Type == "aws_route_table_association" {
			rt, sn := b.first(a, "route_table_id", "aws_route_table"), b.first(a, "subnet_id", "aws_subnet")
			if rt != "" && sn != "" {
				b.rtSubnets[rt] = append(b.rtSubnets[rt], sn)
			}
		}
	}
	for rt := range b.rtSubnets {
		sort.Strings(b.rtSubnets[rt])
	}
	b.makeGroupsAndNodes()
	b.makeEdges()
	b.dropRedundant()
	b.place()
	b.finish()
	return b.d
}

// first returns the first resource a references through attr ("" any) of type typ ("" any).
func (b *builder) first(a, attr, typ string) string {
	for _, l := range b.links[a] {
		if (attr == "" || l.attr == attr) && (typ == "" || b.res[l.to].Type == typ) {
			return l.to
		}
	}
	return ""
}

// root returns the address a resource folds into (itself when it stays a node).
func (b *builder) root(a string) string {
	if r, ok := b.roots[a]; ok {
		return r
	}
	if b.visiting[a] {
		return a
	}
	b.visiting[a] = true
	defer delete(b.visiting, a)
	r := b.res[a]
	out := a
	rule := ruleFor(r)
	switch rule.mode {
	case keep:
	case intoReferent:
		attrs := rule.attrs
		if len(attrs) == 0 {
			attrs = []string{""} // any attribute
		}
		for _, attr := range attrs {
			if p := b.first(a, attr, rule.typ); p != "" {
				out = b.root(p)
				break
			}
		}
	case intoReferrer:
		parents := map[string]bool{}
		for _, ref := range b.referrers[a] {
			rr := b.res[ref]
			// A role's policy names what the role's user writes to (the
			// CloudWatch agent's log groups): that user is the parent.
			if rr.Type == "aws_iam_role_policy" && r.Type == "aws_cloudwatch_log_group" {
				parents[b.root(ref)] = true
				continue
			}
			if m := ruleFor(rr).mode; m == intoReferent || m == dissolve || rr.Type == "aws_cloudwatch_dashboard" {
				continue
			}
			parents[b.root(ref)] = true
		}
		delete(parents, a)
		if len(parents) == 1 {
			for p := range parents {
				out = p
			}
		}
	case intoUser:
		parents := map[string]bool{}
		for _, ref := range b.referrers[a] {
			if b.res[ref].Type != "aws_cloudwatch_dashboard" {
				parents[b.root(ref)] = true
			}
		}
		delete(parents, a)
		if len(parents) > 1 {
			own := map[string]bool{}
			for p := range parents {
				if c := b.construct(b.res[p]); c != "" && c == b.construct(r) {
					own[p] = true
				}
			}
			parents = own
		}
		if len(parents) == 1 {
			for p := range parents {
				out = p
			}
		}
	case dissolve:
		var p string
		switch r.Type {
		case "aws_route_table":
			if sn := b.rtSubnets[a]; len(sn) > 0 {
				p = sn[0]
			}
		case "aws_route":
			p = b.first(a, "route_table_id", "aws_route_table")
		case "aws_route_table_association":
			p = b.first(a, "subnet_id", "aws_subnet")
		case "aws_lb_target_group_attachment":
			p = b.first(a, "target_id", "")
		}
		if p != "" {
			out = b.root(p)
		}
	}
	b.roots[a] = out
	return out
}

// ident turns s into an identifier: runs of other characters than ASCII
// letters, digits and _ become one _, none at either end.
func ident(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
			continue
		}
		gap = true
	}
	return strings.Trim(b.String(), "_")
}

// localPath is the construct path without the stack name: "alb/lb".
func (b *builder) localPath(r *stackjson.Resource) string {
	if r.Path == "" {
		return r.Address()
	}
	return strings.TrimPrefix(r.Path, b.s.Name+"/")
}

// construct is the first element of the local path ("network").
func (b *builder) construct(r *stackjson.Resource) string {
	p := b.localPath(r)
	if r.Path == "" || !strings.Contains(p, "/") {
		return ""
	}
	return p[:strings.Index(p, "/")]
}

func (b *builder) uniqueID(base string) string {
	if base == "" || base[0] >= '0' && base[0] <= '9' {
		base = "n_" + base
	}
	id := base
	for i := 2; b.nodes[id] != nil || b.groups[id] != nil || id == ClientID; i++ {
		id = fmt.Sprintf("%s_%d", base, i)
	}
	return id
}

func (b *builder) makeGroupsAndNodes() {
	vpcs := []string{}
	for _, a := range b.order {
		if b.res[a].Type == "aws_vpc" {
			vpcs = append(vpcs, a)
		}
	}
	for _, a := range vpcs {
		r := b.res[a]
		id := "vpc"
		if len(vpcs) > 1 {
			id = "vpc_" + ident(b.localPath(r))
		}
		id = b.uniqueID(id)
		label := "VPC"
		if c, ok := r.String("cidr_block"); ok {
			label += " " + c
		}
		b.addGroup(&Group{ID: id, Label: label, Kind: "vpc"})
		b.groupOf[a] = id
	}
	// Kept resources become nodes; several alarms of one construct merge into one node.
	alarms := map[string][]string{}
	for _, a := range b.order {
		if b.root(a) != a || b.res[a].Type == "aws_vpc" {
			continue
		}
		r := b.res[a]
		if r.Type == "aws_cloudwatch_metric_alarm" && b.construct(r) != "" {
			alarms[b.construct(r)] = append(alarms[b.construct(r)], a)
			continue
		}
		n := &Node{ID: b.uniqueID(ident(b.localPath(r))), Kind: kindOf(r.Type), Type: r.Type}
		b.nodes[n.ID] = n
		b.nodeID[a] = n.ID
	}
	constructs := make([]string, 0, len(alarms))
	for c := range alarms {
		constructs = append(constructs, c)
	}
	sort.Strings(constructs)
	for _, c := range constructs {
		list := alarms[c]
		id := ident(b.localPath(b.res[list[0]]))
		if len(list) > 1 {
			id = ident(c + "_alarms")
		}
		n := &Node{ID: b.uniqueID(id), Kind: KindObservability, Type: "aws_cloudwatch_metric_alarm"}
		b.nodes[n.ID] = n
		for _, a := range list {
			b.nodeID[a] = n.ID
		}
	}
	for _, a := range b.order {
		root := b.root(a)
		if id, ok := b.nodeID[root]; ok {
			b.nodes[id].Resources = append(b.nodes[id].Resources, a)
		} else if g, ok := b.groupOf[root]; ok {
			b.groups[g].Resources = append(b.groups[g].Resources, a)
		} else if id, ok := b.nodeID[a]; ok {
			b.nodes[id].Resources = append(b.nodes[id].Resources, a)
		}
	}
}

func (b *builder) addGroup(g *Group) {
	b.groups[g.ID] = g
	b.d.Groups = append(b.d.Groups, g)
}

func kindOf(typ string) Kind {
	switch typ {
	case "aws_lb", "aws_alb", "aws_lb_listener", "aws_alb_listener":
		return KindLoadBalancer
	case "aws_lb_target_group", "aws_alb_target_group":
		return KindTarget
	case "aws_instance", "aws_autoscaling_group", "aws_launch_template":
		return KindCompute
	case "aws_subnet", "aws_nat_gateway", "aws_internet_gateway", "aws_vpc_endpoint", "aws_flow_log", "aws_egress_only_internet_gateway", "aws_route53_record", "data.aws_route53_zone":
		return KindNetwork
	case "aws_autoscaling_policy", "aws_appautoscaling_policy":
		return KindScaling
	case "aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_cloudwatch_dashboard", "aws_cloudwatch_log_group":
		return KindObservability
	case "aws_s3_bucket":
		return KindStorage
	case "aws_wafv2_web_acl", "aws_kms_key", "aws_acm_certificate":
		return KindSecurity
	}
	return KindOther
}

// node returns the node ID a resource is drawn as, or "".
func (b *builder) node(a string) string { return b.nodeID[b.root(a)] }

func (b *builder) addEdge(from, to string, kind EdgeKind, label string) {
	if from == "" || to == "" || from == to {
		return
	}
	k := [3]string{from, to, string(kind)}
	if e, ok := b.edges[k]; ok {
		if label != "" && !containsPart(e.Label, label) {
			parts := append(strings.Split(e.Label, ", "), label)
			if e.Label == "" {
				parts = parts[1:]
			}
			sort.Strings(parts)
			e.Label = strings.Join(parts, ", ")
		}
		return
	}
	b.edges[k] = &Edge{From: from, To: to, Kind: kind, Label: label}
}

// dropRedundant removes a monitor edge where a control edge joins the same
// nodes (a scaling policy's alarm watches the group the policy scales).
func (b *builder) dropRedundant() {
	for k := range b.edges {
		if k[2] == string(EdgeMonitor) {
			if _, ok := b.edges[[3]string{k[0], k[1], string(EdgeControl)}]; ok {
				delete(b.edges, k)
			}
		}
	}
}

func containsPart(list, s string) bool {
	for _, p := range strings.Split(list, ", ") {
		if p == s {
			return true
		}
	}
	return false
}

func (b *builder) makeEdges() {
	for _, a := range b.order {
		r := b.res[a]
		from := b.node(a)
		switch r.Type {
		case "aws_route_table_association", "aws_cloudwatch_dashboard", "aws_route_table":
			continue
		case "aws_route":
			rt := b.first(a, "route_table_id", "aws_route_table")
			dest, _ := r.String("destination_cidr_block")
			if dest == "" {
				dest, _ = r.String("destination_ipv6_cidr_block")
			}
			for _, l := range b.links[a] {
				if l.attr == "route_table_id" {
					continue
				}
				for _, sn := range b.rtSubnets[rt] {
					b.addEdge(b.node(sn), b.node(l.to), EdgeRoute, dest)
				}
			}
			continue
		case "aws_lb_target_group_attachment":
			tg, target := b.first(a, "target_group_arn", ""), b.first(a, "target_id", "")
			if tg == "" || target == "" {
				continue
			}
			label := b.tgPort(tg)
			if p, ok := r.Number("port"); ok {
				proto, _ := b.res[tg].String("protocol")
				label = strings.TrimSpace(fmt.Sprintf("%s :%g", proto, p))
			}
			b.addEdge(b.node(tg), b.node(target), EdgeRequest, label)
			continue
		}
		if ruleFor(r).mode == intoReferent && strings.Contains(r.Type, "security_group") {
			continue // rules between security groups repeat the request path
		}
		for _, l := range b.links[a] {
			t := b.res[l.to]
			to := b.node(l.to)
			switch {
			case t.Type == "aws_subnet" || t.Type == "aws_vpc" || t.Type == "aws_route_table":
				// placement, not an edge
			case ruleFor(t).mode == intoUser && b.root(l.to) != l.to:
				// a folded lookup: no edge
			case r.Type == "aws_autoscaling_group" && l.attr == "instance_refresh",
				r.Type == "aws_autoscaling_notification", r.Type == "aws_autoscaling_lifecycle_hook":
				// lines of the group's box (refresh gate, notifications, drain hook), no edges
			case t.Type == "aws_kms_key" || t.Type == "aws_kms_alias":
				b.addEdge(from, to, EdgeEncrypt, "")
			case r.Type == "aws_wafv2_web_acl_association" && l.attr == "resource_arn":
				b.addEdge(from, to, EdgeProtect, "")
			case (r.Type == "aws_lb" || r.Type == "aws_alb") && l.attr == "access_logs":
				b.addEdge(from, to, EdgeLog, "access logs")
			case (r.Type == "aws_lb" || r.Type == "aws_alb") && l.attr == "connection_logs":
				b.addEdge(from, to, EdgeLog, "connection logs")
			case r.Type == "aws_route53_record" && l.attr == "alias":
				b.addEdge(from, to, EdgeRef, "alias")
			case (r.Type == "aws_lb_listener" || r.Type == "aws_alb_listener") && l.attr == "certificate_arn":
				b.addEdge(from, to, EdgeRef, "certificate")
			case r.Type == "aws_cloudwatch_metric_alarm":
				if strings.HasSuffix(l.attr, "_actions") {
					if t.Type != "aws_autoscaling_policy" {
						b.addEdge(from, to, EdgeNotify, "")
					}
				} else {
					b.addEdge(from, to, EdgeMonitor, "")
				}
			case r.Type == "aws_autoscaling_policy" || r.Type == "aws_appautoscaling_policy":
				b.addEdge(from, to, EdgeControl, "")
			case (r.Type == "aws_lb_listener" || r.Type == "aws_alb_listener") && l.attr == "load_balancer_arn":
				b.addEdge(to, from, EdgeRequest, "")
			case (r.Type == "aws_lb_listener" || r.Type == "aws_alb_listener" || r.Type == "aws_lb_listener_rule") && t.Type == "aws_lb_target_group":
				b.addEdge(from, to, EdgeRequest, "forward")
			case r.Type == "aws_autoscaling_group" && l.attr == "target_group_arns":
				b.addEdge(to, from, EdgeRequest, b.tgPort(l.to))
			default:
				b.addEdge(from, to, EdgeRef, "")
			}
		}
	}
	// Clients reach every internet-facing load balancer.
	for _, a := range b.order {
		r := b.res[a]
		if (r.Type != "aws_lb" && r.Type != "aws_alb") || b.node(a) == "" {
			continue
		}
		if internal, _ := r.Bool("internal"); internal {
			continue
		}
		if b.nodes[ClientID] == nil {
			b.nodes[ClientID] = &Node{ID: ClientID, Kind: KindClient, Lines: []string{"clients"}}
		}
		cidrs, ports := b.ingress(b.node(a))
		if len(cidrs) > 0 {
			b.nodes[ClientID].Lines = []string{"clients", strings.Join(cidrs, ", ")}
		}
		label := ""
		var parts []string
		for _, p := range ports {
			parts = append(parts, b.listenerProto(a, p)+" :"+p)
		}
		label = strings.Join(parts, ", ")
		b.addEdge(ClientID, b.node(a), EdgeRequest, label)
	}
}

func (b *builder) tgPort(tg string) string {
	r := b.res[tg]
	proto, _ := r.String("protocol")
	if p, ok := r.Number("port"); ok {
		return strings.TrimSpace(fmt.Sprintf("%s :%g", proto, p))
	}
	return proto
}

// ingress returns the CIDRs and ports that the security group rules folded into node allow in.
func (b *builder) ingress(node string) (cidrs, ports []string) {
	cs, ps := map[string]bool{}, map[string]bool{}
	for _, a := range b.nodes[node].Resources {
		r := b.res[a]
		ingress := r.Type == "aws_vpc_security_group_ingress_rule"
		if t, _ := r.String("type"); r.Type == "aws_security_group_rule" && t == "ingress" {
			ingress = true
		}
		if !ingress {
			continue
		}
		var c []string
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			if v, ok := r.String(k); ok {
				c = append(c, v)
			}
		}
		for _, v := range r.List("cidr_blocks") {
			if s, ok := v.(string); ok {
				c = append(c, s)
			}
		}
		if len(c) == 0 {
			continue
		}
		for _, v := range c {
			cs[v] = true
		}
		from, ok1 := r.Number("from_port")
		to, ok2 := r.Number("to_port")
		if ok1 && ok2 && from == to {
			ps[fmt.Sprintf("%g", from)] = true
		} else if ok1 && ok2 {
			ps[fmt.Sprintf("%g-%g", from, to)] = true
		}
	}
	return sortedKeys(cs), sortedPorts(ps)
}

func sortedPorts(m map[string]bool) []string {
	out := sortedKeys(m)
	sort.SliceStable(out, func(i, j int) bool {
		var a, b float64
		fmt.Sscanf(out[i], "%g", &a)
		fmt.Sscanf(out[j], "%g", &b)
		return a < b
	})
	return out
}

// listenerProto is the protocol of the listener of lb on port, or TCP.
func (b *builder) listenerProto(lb, port string) string {
	for _, ref := range b.referrers[lb] {
		r := b.res[ref]
		if r.Type != "aws_lb_listener" && r.Type != "aws_alb_listener" {
			continue
		}
		if p, ok := r.Number("port"); ok && fmt.Sprintf("%g", p) == port {
			if proto, ok := r.String("protocol"); ok {
				return proto
			}
		}
	}
	return "TCP"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
