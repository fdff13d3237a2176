package diagram

import "sort"

// place puts every node into a group: subnets into their VPC / tier / AZ
// groups, resources that name subnets into the smallest group holding all of
// them, resources that name only a VPC into the VPC, listeners next to their
// load balancer, and everything else into a group per construct outside the VPC.
func (b *builder) place() {
	subnetGroup := map[string]string{} // subnet address -> group ID
	for _, a := range b.order {
		r := b.res[a]
		id := b.nodeID[a]
		if r.Type != "aws_subnet" || id == "" {
			continue
		}
		g := b.groupOf[b.first(a, "vpc_id", "aws_vpc")]
		if tier, ok := r.String("tags", "Tier"); ok && tier != "" {
			g = b.ensureGroup(joinID(g, ident(tier)), tier+" subnets", g, "tier")
			b.groups[g].Tier = tier
		}
		if az, ok := r.String("availability_zone"); ok && az != "" {
			g = b.ensureGroup(joinID(g, ident(az)), az, g, "az")
		}
		subnetGroup[a] = g
		b.nodes[id].Group = g
	}

	// Containment: what each node's resources say about where they run.
	subnets := map[string]map[string]bool{}
	vpcs := map[string]map[string]bool{}
	anchors := map[string]string{}
	add := func(m map[string]map[string]bool, id, v string) {
		if m[id] == nil {
			m[id] = map[string]bool{}
		}
		m[id][v] = true
	}
	for _, a := range b.order {
		id := b.node(a)
		if id == "" || b.res[b.root(a)].Type == "aws_subnet" {
			continue
		}
		for _, l := range b.links[a] {
			switch t := b.res[l.to]; t.Type {
			case "aws_subnet":
				add(subnets, id, l.to)
			case "aws_route_table":
				for _, sn := range b.rtSubnets[l.to] {
					add(subnets, id, sn)
				}
			case "aws_vpc":
				add(vpcs, id, b.groupOf[l.to])
			default:
				if l.attr == "load_balancer_arn" && anchors[id] == "" {
					anchors[id] = b.node(l.to)
				}
			}
		}
	}
	var pending []string
	for _, id := range sortedKeys(b.nodes) {
		n := b.nodes[id]
		if n.Group != "" || id == ClientID {
			continue
		}
		switch {
		case len(subnets[id]) > 0:
			var gs []string
			for sn := range subnets[id] {
				gs = append(gs, subnetGroup[sn])
			}
			n.Group = b.commonAncestor(gs)
		case len(vpcs[id]) > 0:
			n.Group = b.commonAncestor(sortedKeys(vpcs[id]))
		case anchors[id] != "":
			pending = append(pending, id)
		default:
			c := ""
			if len(n.Resources) > 0 {
				c = b.construct(b.res[n.Resources[0]])
			}
			if c != "" {
				n.Group = b.ensureGroup(ident(c), c, "", "construct")
				if b.groups[n.Group].Label != c { // the ID was taken by a node
					n.Group = ""
				}
			}
		}
	}
	for _, id := range pending {
		b.nodes[id].Group = b.nodes[anchors[id]].Group
	}
}

func joinID(parent, id string) string {
	if parent == "" {
		return id
	}
	return parent + "_" + id
}

// ensureGroup returns the group with ID id, creating it under parent with label.
func (b *builder) ensureGroup(id, label, parent, kind string) string {
	if g, ok := b.groups[id]; ok {
		return g.ID
	}
	if b.nodes[id] != nil || id == ClientID {
		id = b.uniqueID(id)
	}
	b.addGroup(&Group{ID: id, Label: label, Parent: parent, Kind: kind})
	return id
}

// chain returns the group IDs from the top down to g.
func (b *builder) chain(g string) []string {
	var out []string
	for g != "" {
		out = append([]string{g}, out...)
		g = b.groups[g].Parent
	}
	return out
}

// commonAncestor is the deepest group containing every group of gs ("" = top).
func (b *builder) commonAncestor(gs []string) string {
	if len(gs) == 0 {
		return ""
	}
	common := b.chain(gs[0])
	for _, g := range gs[1:] {
		c := b.chain(g)
		n := 0
		for n < len(common) && n < len(c) && common[n] == c[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 {
		return ""
	}
	return common[len(common)-1]
}

// finish labels the nodes, sorts everything and marks the request path.
func (b *builder) finish() {
	for _, n := range b.nodes {
		sort.Strings(n.Resources)
		if n.ID != ClientID {
			n.Lines = b.describe(n)
		}
	}
	for _, g := range b.groups {
		sort.Strings(g.Resources)
	}
	for _, id := range sortedKeys(b.nodes) {
		b.d.Nodes = append(b.d.Nodes, b.nodes[id])
	}
	for _, e := range b.edges {
		b.d.Edges = append(b.d.Edges, e)
		if e.Kind == EdgeRequest {
			b.nodes[e.From].OnPath = true
			b.nodes[e.To].OnPath = true
		}
	}
	sort.Slice(b.d.Edges, func(i, j int) bool {
		x, y := b.d.Edges[i], b.d.Edges[j]
		if x.From != y.From {
			return x.From < y.From
		}
		if x.To != y.To {
			return x.To < y.To
		}
		return x.Kind < y.Kind
	})
	// Groups: parents before children, siblings by ID.
	depths := map[string]int{}
	for _, g := range b.d.Groups {
		depths[g.ID] = len(b.chain(g.ID))
	}
	depth := func(g *Group) int { return depths[g.ID] }
	sort.SliceStable(b.d.Groups, func(i, j int) bool {
		x, y := b.d.Groups[i], b.d.Groups[j]
		if depth(x) != depth(y) {
			return depth(x) < depth(y)
		}
		return x.ID < y.ID
	})
	// Drop groups that hold nothing (no node and no non-empty child group).
	used := map[string]bool{}
	for _, n := range b.d.Nodes {
		for _, g := range b.chain(n.Group) {
			used[g] = true
		}
	}
	var kept []*Group
	for _, g := range b.d.Groups {
		if used[g.ID] {
			kept = append(kept, g)
		}
	}
	b.d.Groups = kept
}

// Node returns the node with the given ID, or nil.
func (d *Diagram) Node(id string) *Node {
	i := sort.Search(len(d.Nodes), func(i int) bool { return d.Nodes[i].ID >= id })
	if i < len(d.Nodes) && d.Nodes[i].ID == id {
		return d.Nodes[i]
	}
	return nil
}

// Group returns the group with the given ID, or nil.
func (d *Diagram) Group(id string) *Group {
	for _, g := range d.Groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// NodeOf returns the node that stands for the resource address, or nil.
func (d *Diagram) NodeOf(address string) *Node {
	for _, n := range d.Nodes {
		for _, a := range n.Resources {
			if a == address {
				return n
			}
		}
	}
	return nil
}
