package diagram

import (
	"fmt"
	"sort"
	"strings"
)

// child is a node or a group inside a group.
type child struct {
	node  *Node
	group *Group
}

func (c child) id() string {
	if c.node != nil {
		return c.node.ID
	}
	return c.group.ID
}

// tree indexes a diagram's containment.
type tree struct {
	d        *Diagram
	children map[string][]child // group ID ("" = top) -> children in drawing order
	parent   map[string]string  // node or group ID -> group ID
	pathRank map[string]int     // node ID -> steps from the client along the request path
	spine    map[string]int     // node ID -> position on the longest request chain
	ranks    map[string]int     // memo of rank by child ID
	chains   map[string][]string
}

func newTree(d *Diagram) *tree {
	t := &tree{d: d, children: map[string][]child{}, parent: map[string]string{}, pathRank: map[string]int{}, spine: map[string]int{},
		ranks: map[string]int{}, chains: map[string][]string{}}
	// Request path order: breadth-first from the client (or any path node without a predecessor).
	next := map[string][]string{}
	hasPred := map[string]bool{}
	for _, e := range d.Edges {
		if e.Kind == EdgeRequest {
			next[e.From] = append(next[e.From], e.To)
			hasPred[e.To] = true
		}
	}
	var starts, queue []string
	for _, n := range d.Nodes {
		if n.OnPath && !hasPred[n.ID] {
			starts = append(starts, n.ID)
			t.pathRank[n.ID] = 0
		}
	}
	queue = append(queue, starts...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, to := range next[id] {
			if _, seen := t.pathRank[to]; !seen {
				t.pathRank[to] = t.pathRank[id] + 1
				queue = append(queue, to)
			}
		}
	}
	// The spine is the longest request chain (first by ID on ties): the
	// nodes each group lists first, in path order.
	longest := map[string][]string{}
	var chain func(id string, onStack map[string]bool) []string
	chain = func(id string, onStack map[string]bool) []string {
		if c, ok := longest[id]; ok {
			return c
		}
		onStack[id] = true
		var best []string
		for _, to := range next[id] {
			if onStack[to] {
				continue
			}
			if c := chain(to, onStack); len(c) > len(best) {
				best = c
			}
		}
		delete(onStack, id)
		c := append([]string{id}, best...)
		longest[id] = c
		return c
	}
	var spine []string
	for _, s := range starts {
		if c := chain(s, map[string]bool{}); len(c) > len(spine) {
			spine = c
		}
	}
	for i, id := range spine {
		t.spine[id] = i
	}
	for _, g := range d.Groups {
		t.children[g.Parent] = append(t.children[g.Parent], child{group: g})
		t.parent[g.ID] = g.Parent
	}
	for _, n := range d.Nodes {
		t.children[n.Group] = append(t.children[n.Group], child{node: n})
		t.parent[n.ID] = n.Group
	}
	for g, cs := range t.children {
		sort.SliceStable(cs, func(i, j int) bool {
			if si, sj := cs[i].node != nil && cs[i].node.Type == "aws_subnet", cs[j].node != nil && cs[j].node.Type == "aws_subnet"; si != sj {
				return si // a subnet before what runs in it
			}
			ri, rj := t.rank(cs[i]), t.rank(cs[j])
			if ri != rj {
				return ri < rj
			}
			if gi, gj := cs[i].group != nil, cs[j].group != nil; gi != gj {
				return gi // groups (AZs) before loose nodes, so AZ columns line up across tiers
			}
			return cs[i].id() < cs[j].id()
		})
		t.children[g] = cs
	}
	return t
}

const noRank = 1 << 20

// rank orders children: the spine first (in path order), then the rest of
// the request path, then everything else.
func (t *tree) rank(c child) int {
	if r, ok := t.ranks[c.id()]; ok {
		return r
	}
	best := noRank
	var walk func(c child)
	walk = func(c child) {
		if c.node != nil {
			if r, ok := t.spine[c.node.ID]; ok && r < best {
				best = r
			} else if r, ok := t.pathRank[c.node.ID]; ok && 1000+r < best {
				best = 1000 + r
			}
			return
		}
		for _, cc := range t.children[c.group.ID] {
			walk(cc)
		}
	}
	walk(c)
	t.ranks[c.id()] = best
	return best
}

// ancestors returns the group IDs from the top down to (not including) id.
func (t *tree) ancestors(id string) []string {
	if c, ok := t.chains[id]; ok {
		return c
	}
	var out []string
	for g := t.parent[id]; g != ""; g = t.parent[g] {
		out = append([]string{g}, out...)
	}
	t.chains[id] = out
	return out
}

// Mermaid renders the diagram as a Mermaid flowchart (top to bottom). Node
// and group IDs come from construct paths, so the text is stable across
// environments and synth runs.
func Mermaid(d *Diagram) string {
	t := newTree(d)
	var b strings.Builder
	b.WriteString("flowchart TB\n")
	var write func(g string, indent string)
	write = func(g string, indent string) {
		for _, c := range t.children[g] {
			if c.node != nil {
				fmt.Fprintf(&b, "%s%s\n", indent, mermaidNode(c.node))
				continue
			}
			fmt.Fprintf(&b, "%ssubgraph %s[%s]\n", indent, c.group.ID, mermaidText([]string{c.group.Label}))
			write(c.group.ID, indent+"  ")
			fmt.Fprintf(&b, "%send\n", indent)
		}
	}
	write("", "  ")
	for _, e := range d.Edges {
		arrow := map[EdgeKind]string{EdgeRequest: "==>", EdgeRoute: "-.->", EdgeMonitor: "-.->", EdgeLog: "-.->", EdgeEncrypt: "-.->"}[e.Kind]
		if arrow == "" {
			arrow = "-->"
		}
		label := ""
		if e.Label != "" {
			label = "|" + mermaidText([]string{e.Label}) + "|"
		}
		fmt.Fprintf(&b, "  %s %s%s %s\n", e.From, arrow, label, e.To)
	}
	classes := map[string][]string{}
	for _, n := range d.Nodes {
		c := string(n.Kind)
		if n.OnPath {
			c = "path"
		}
		classes[c] = append(classes[c], n.ID)
	}
	for _, c := range sortedKeys(classes) {
		fmt.Fprintf(&b, "  classDef %s %s\n", c, mermaidStyle(c))
		fmt.Fprintf(&b, "  class %s %s\n", strings.Join(classes[c], ","), c)
	}
	return b.String()
}

func mermaidNode(n *Node) string {
	text := mermaidText(n.Lines)
	switch n.Kind {
	case KindClient:
		return n.ID + "([" + text + "])"
	case KindObservability, KindScaling:
		return n.ID + "(" + text + ")"
	case KindStorage:
		return n.ID + "[(" + text + ")]"
	}
	return n.ID + "[" + text + "]"
}

// mermaidText quotes label lines; Mermaid's entity codes stand for characters
// its parser or HTML labels would take as syntax.
var mermaidEscaper = strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "&", "#amp;")

func mermaidText(lines []string) string {
	esc := make([]string, len(lines))
	for i, l := range lines {
		esc[i] = mermaidEscaper.Replace(l)
	}
	return `"` + strings.Join(esc, "<br/>") + `"`
}

// palette is the Mermaid classes' fill and stroke.
var palette = map[string][2]string{
	"path":                    {"#fff4e6", "#e8590c"},
	string(KindClient):        {"#fff4e6", "#e8590c"},
	string(KindLoadBalancer):  {"#fff4e6", "#e8590c"},
	string(KindTarget):        {"#fff4e6", "#e8590c"},
	string(KindCompute):       {"#fff4e6", "#e8590c"},
	string(KindNetwork):       {"#e7f5ff", "#1971c2"},
	string(KindScaling):       {"#ebfbee", "#2f9e44"},
	string(KindObservability): {"#f3f0ff", "#7048e8"},
	string(KindStorage):       {"#fff9db", "#e67700"},
	string(KindSecurity):      {"#fff5f5", "#c92a2a"},
	string(KindOther):         {"#f8f9fa", "#868e96"},
}

func mermaidStyle(class string) string {
	p, ok := palette[class]
	if !ok {
		p = palette[string(KindOther)]
	}
	width := "1px"
	if class == "path" {
		width = "2px"
	}
	return fmt.Sprintf("fill:%s,stroke:%s,stroke-width:%s,color:#212529", p[0], p[1], width)
}
