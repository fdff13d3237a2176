package diagram

import (
	"math"
	"sort"
)

// Layout sizes, in SVG pixels.
const (
	titleFont  = 13.0 // a node's first line, bold
	lineFont   = 11.0 // its other lines
	groupFont  = 12.0 // a group's title, bold
	labelFont  = 10.0 // edge labels
	titleLineH = 17.0
	lineH      = 14.0
	nodePadX   = 12.0
	nodePadY   = 8.0
	nodeMinW   = 120.0
	groupPad   = 14.0
	groupHead  = 22.0
	gapX       = 28.0
	gapY       = 46.0
	margin     = 24.0
)

// rect is a box in absolute SVG coordinates.
type rect struct{ X, Y, W, H float64 }

func (r rect) cx() float64     { return r.X + r.W/2 }
func (r rect) cy() float64     { return r.Y + r.H/2 }
func (r rect) right() float64  { return r.X + r.W }
func (r rect) bottom() float64 { return r.Y + r.H }

// contains reports whether o lies inside r.
func (r rect) contains(o rect) bool {
	return o.X >= r.X && o.Y >= r.Y && o.right() <= r.right() && o.bottom() <= r.bottom()
}

// overlaps reports whether r and o share any area.
func (r rect) overlaps(o rect) bool {
	return r.X < o.right() && o.X < r.right() && r.Y < o.bottom() && o.Y < r.bottom()
}

// placement is the laid-out diagram: a box per node and per group.
type placement struct {
	t      *tree
	nodes  map[string]rect
	groups map[string]rect
	w, h   float64
	left   float64 // x of the content's left edge; the gutter lies left of it
}

type litem struct {
	c    child
	w, h float64
	x, y float64 // relative to the parent's content origin
	kids []*litem
	// spine: the item holds a node of the main request path, centred spineC
	// from the item's left edge; spineR is the right edge of that column.
	spine          bool
	spineC, spineR float64
}

// layoutEdge is an edge in layout direction: requests flow down from the
// clients; routes, monitoring and scaling control point back up the page.
type layoutEdge struct{ from, to string }

func layoutEdges(d *Diagram) []layoutEdge {
	var out []layoutEdge
	for _, e := range d.Edges {
		switch e.Kind {
		case EdgeNotify:
			// a topic sits next to the alarms; notifications do not rank
		case EdgeRoute, EdgeMonitor, EdgeControl, EdgeLog:
			// a log bucket sits beside the writer, up with the WAF in front of it
			out = append(out, layoutEdge{e.To, e.From})
		default:
			out = append(out, layoutEdge{e.From, e.To})
		}
	}
	return out
}

// nodeSize is the box a node's label needs.
func nodeSize(n *Node) (w, h float64) {
	w = nodeMinW
	for i, l := range n.Lines {
		tw := textWidth(l, lineFont, false)
		if i == 0 {
			tw = textWidth(l, titleFont, true)
		}
		w = math.Max(w, tw+2*nodePadX)
	}
	h = 2*nodePadY + titleLineH + lineH*float64(max(len(n.Lines)-1, 0))
	return math.Ceil(w), math.Ceil(h)
}

// layout places every node and group: a simple layered layout inside each
// group, groups sized by their content, recursively.
func layout(d *Diagram) *placement {
	t := newTree(d)
	p := &placement{t: t, nodes: map[string]rect{}, groups: map[string]rect{}}
	edges := layoutEdges(d)
	items, w, h := p.arrange("", edges)
	p.absolute(items, margin, margin)
	// The left gutter needs a lane per edge routed round the spine.
	p.left = math.Max(margin, 8+gutterLane*float64(len(p.gutterEdges(p.bundle(d)))))
	if dx := p.left - margin; dx > 0 {
		for id, r := range p.nodes {
			r.X += dx
			p.nodes[id] = r
		}
		for id, r := range p.groups {
			r.X += dx
			p.groups[id] = r
		}
	}
	p.w, p.h = w+p.left+margin, h+2*margin
	return p
}

// itemOf returns the ID of the child of group g that holds node id ("" if none).
func (p *placement) itemOf(g, id string) string {
	chain := p.t.ancestors(id)
	if g == "" {
		if len(chain) == 0 {
			return id
		}
		return chain[0]
	}
	for i, c := range chain {
		if c == g {
			if i+1 < len(chain) {
				return chain[i+1]
			}
			return id
		}
	}
	return ""
}

func (p *placement) arrange(g string, edges []layoutEdge) ([]*litem, float64, float64) {
	var items []*litem
	index := map[string]int{}
	for _, c := range p.t.children[g] {
		it := &litem{c: c}
		if c.node != nil {
			it.w, it.h = nodeSize(c.node)
			if _, ok := p.t.spine[c.node.ID]; ok {
				it.spine, it.spineC, it.spineR = true, it.w/2, it.w
			}
		} else {
			var cw, ch float64
			it.kids, cw, ch = p.arrange(c.group.ID, edges)
			it.w = math.Ceil(math.Max(cw, textWidth(c.group.Label, groupFont, true)) + 2*groupPad)
			it.h = math.Ceil(ch + 2*groupPad + groupHead - groupPad/2)
			for _, k := range it.kids {
				if k.spine {
					it.spine = true
					it.spineC = groupPad + k.x + k.spineC
					it.spineR = math.Max(it.spineR, groupPad+k.x+k.spineR)
				}
			}
		}
		index[c.id()] = len(items)
		items = append(items, it)
	}
	n := len(items)
	if n == 0 {
		return nil, 0, 0
	}
	succ := make([][]int, n)
	seen := map[[2]int]bool{}
	outside := map[string]map[int]bool{} // node outside g -> items joined to it
	shared := false
	for _, e := range edges {
		a, okA := index[p.itemOf(g, e.from)]
		b, okB := index[p.itemOf(g, e.to)]
		if okA != okB { // one end outside the group
			in, out := a, e.to
			if okB {
				in, out = b, e.from
			}
			if outside[out] == nil {
				outside[out] = map[int]bool{}
			}
			outside[out][in] = true
			shared = shared || len(outside[out]) > 1
		}
		if !okA || !okB || a == b || seen[[2]int{a, b}] {
			continue
		}
		seen[[2]int{a, b}] = true
		succ[a] = append(succ[a], b)
	}
	rank := make([]int, n)
	// A few unconnected nodes stack in a column, unless they serve the
	// same node outside (two scaling policies of one group): then a row.
	if len(seen) == 0 && n <= 3 && allNodes(items) && !anySpine(items) && !shared {
		for i := range rank {
			rank[i] = i
		}
	} else {
		rank = rankItems(succ)
	}
	return place(items, rank, succ)
}

func anySpine(items []*litem) bool {
	for _, it := range items {
		if it.spine {
			return true
		}
	}
	return false
}

func allNodes(items []*litem) bool {
	for _, it := range items {
		if it.c.node == nil {
			return false
		}
	}
	return true
}

// rankItems assigns layers: cycles broken by depth-first search in item
// order, longest path from the sources, sources pulled down next to their
// first successor, unconnected items in the first layer.
func rankItems(succ [][]int) []int {
	n := len(succ)
	state := make([]int, n) // 0 new, 1 on stack, 2 done
	dag := make([][]int, n)
	var visit func(int)
	visit = func(v int) {
		state[v] = 1
		for _, w := range succ[v] {
			if state[w] == 1 {
				continue // back edge
			}
			dag[v] = append(dag[v], w)
			if state[w] == 0 {
				visit(w)
			}
		}
		state[v] = 2
	}
	for v := 0; v < n; v++ {
		if state[v] == 0 {
			visit(v)
		}
	}
	indeg := make([]int, n)
	for v := range dag {
		for _, w := range dag[v] {
			indeg[w]++
		}
	}
	var order []int
	deg := append([]int(nil), indeg...)
	for v := 0; v < n; v++ {
		if deg[v] == 0 {
			order = append(order, v)
		}
	}
	for i := 0; i < len(order); i++ {
		for _, w := range dag[order[i]] {
			if deg[w]--; deg[w] == 0 {
				order = append(order, w)
			}
		}
	}
	rank := make([]int, n)
	for _, v := range order {
		for _, w := range dag[v] {
			rank[w] = max(rank[w], rank[v]+1)
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		v := order[i]
		if indeg[v] == 0 && len(dag[v]) > 0 {
			m := math.MaxInt
			for _, w := range dag[v] {
				m = min(m, rank[w])
			}
			rank[v] = max(m-1, 0)
		}
	}
	return rank
}

// place stacks the layers top to bottom. Each layer is ordered by the
// barycentre of its neighbours, with the spine (the main request path)
// first; spine items line up on one vertical line, and the layers above the
// last spine item keep clear of the spine's column so the path reads as one
// straight line from the clients down to the instances.
func place(items []*litem, rank []int, succ [][]int) ([]*litem, float64, float64) {
	layers := 0
	for _, r := range rank {
		layers = max(layers, r+1)
	}
	rows := make([][]int, layers)
	for i, r := range rank {
		rows[r] = append(rows[r], i)
	}
	neighbours := make([][]int, len(items))
	for a, ss := range succ {
		for _, b := range ss {
			neighbours[a] = append(neighbours[a], b)
			neighbours[b] = append(neighbours[b], a)
		}
	}
	pack := func() {
		for _, row := range rows {
			x := 0.0
			for _, i := range row {
				items[i].x = x
				x += items[i].w + gapX
			}
		}
	}
	pack()
	for pass := 0; pass < 4; pass++ {
		for r := range rows {
			key := make(map[int]float64, len(rows[r]))
			for _, i := range rows[r] {
				key[i] = items[i].x + items[i].w/2
				sum, k := 0.0, 0
				for _, nb := range neighbours[i] {
					if rank[nb] != r {
						sum += items[nb].x + items[nb].w/2
						k++
					}
				}
				if k > 0 {
					key[i] = sum / float64(k)
				}
			}
			sort.SliceStable(rows[r], func(a, b int) bool {
				ia, ib := rows[r][a], rows[r][b]
				if items[ia].spine != items[ib].spine {
					return items[ia].spine
				}
				return key[ia] < key[ib]
			})
		}
		pack()
	}

	// The spine column: its centre line and right edge.
	centre, right, last := 0.0, 0.0, -1
	for r, row := range rows {
		if it := items[row[0]]; it.spine {
			centre = math.Max(centre, it.spineC)
			last = r
		}
	}
	for _, row := range rows {
		if it := items[row[0]]; it.spine {
			right = math.Max(right, centre-it.spineC+it.spineR)
		}
	}
	width, y := 0.0, 0.0
	for r, row := range rows {
		x := 0.0
		switch first := items[row[0]]; {
		case first.spine:
			x = centre - first.spineC
		case r < last:
			x = right + gapX
		}
		h := 0.0
		for j, i := range row {
			if j == 1 && items[row[0]].spine {
				x = math.Max(x, right+gapX)
			}
			items[i].x, items[i].y = x, y
			x += items[i].w + gapX
			h = math.Max(h, items[i].h)
		}
		width = math.Max(width, x-gapX)
		y += h + gapY
	}
	return items, width, y - gapY
}

// absolute turns relative positions into SVG coordinates.
func (p *placement) absolute(items []*litem, ox, oy float64) {
	for _, it := range items {
		r := rect{X: ox + it.x, Y: oy + it.y, W: it.w, H: it.h}
		if it.c.node != nil {
			p.nodes[it.c.node.ID] = r
			continue
		}
		p.groups[it.c.group.ID] = r
		p.absolute(it.kids, r.X+groupPad, r.Y+groupHead+groupPad/2)
	}
}
