package diagram

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

const fontFamily = "Liberation Sans, Arial, Helvetica, sans-serif"

// edgeStyle is how an edge kind is drawn: colour, width, dash pattern.
var edgeStyle = map[EdgeKind]struct {
	color, dash string
	width       float64
	legend      string
}{
	EdgeRequest: {"#e8590c", "", 2.5, "request path"},
	EdgeRoute:   {"#1971c2", "6 4", 1.2, "route"},
	EdgeMonitor: {"#7048e8", "2 3", 1.2, "alarm watches"},
	EdgeNotify:  {"#7048e8", "", 1.2, "alarm notifies"},
	EdgeControl: {"#2f9e44", "", 1.5, "scaling policy"},
	EdgeProtect: {"#c92a2a", "", 1.2, "WAF protects"},
	EdgeLog:     {"#e67700", "5 3", 1, "writes logs"},
	EdgeEncrypt: {"#e03131", "1 3", 1, "encrypted with"},
	EdgeRef:     {"#868e96", "", 1, "reference"},
}

var edgeKinds = []EdgeKind{EdgeRequest, EdgeRoute, EdgeMonitor, EdgeNotify, EdgeControl, EdgeProtect, EdgeLog, EdgeEncrypt, EdgeRef}

// groupStyle is fill, stroke and dash of a group box.
func groupStyle(g *Group) (fill, stroke, dash string) {
	switch g.Kind {
	case "vpc":
		return "#f8f9fa", "#495057", ""
	case "tier":
		switch g.Tier {
		case "public":
			return "#f4fce3", "#74b816", ""
		case "private":
			return "#e7f5ff", "#4dabf7", ""
		}
		return "#f1f3f5", "#adb5bd", ""
	case "az":
		return "none", "#868e96", "4 3"
	}
	return "#ffffff", "#ced4da", "4 3"
}

// SVG renders the diagram as a standalone SVG image with a title line and a
// legend; caption is the title ("" for none).
func SVG(d *Diagram, caption string) string {
	p := layout(d)
	head := 0.0
	if caption != "" {
		head = 30
	}
	legendH := 26.0
	width := math.Max(math.Max(p.w, 760), p.left+legendWidth(d)+margin)
	height := p.h + head + legendH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		int(width), int(height), int(width), int(height), fontFamily)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(strings.TrimSpace(caption+" "+d.Stack)))
	b.WriteString(`<defs>`)
	for _, k := range edgeKinds {
		fmt.Fprintf(&b, `<marker id="arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, k, edgeStyle[k].color)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", int(width), int(height))
	if caption != "" {
		fmt.Fprintf(&b, `<text x="%s" y="%d" font-size="15" font-weight="bold" fill="#212529">%s</text>`+"\n", num(p.left), int(margin)+2, esc(caption))
	}
	fmt.Fprintf(&b, `<g transform="translate(0,%d)">`+"\n", int(head))

	// Groups, outermost first.
	for _, g := range d.Groups {
		r := p.groups[g.ID]
		fill, stroke, dash := groupStyle(g)
		fmt.Fprintf(&b, `<g class="group" id="group-%s"><title>%s</title>`, g.ID, esc(groupTooltip(g)))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="8" fill="%s" stroke="%s"%s/></g>`+"\n",
			num(r.X), num(r.Y), num(r.W), num(r.H), fill, stroke, dashAttr(dash))
	}

	drawn := p.bundle(d)
	routes := p.route(drawn)
	// Edges under the nodes, the request path last so it stays on top.
	sorted := append([]*Edge(nil), drawn...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].Kind != EdgeRequest && sorted[j].Kind == EdgeRequest
	})
	for _, e := range sorted {
		st := edgeStyle[e.Kind]
		fmt.Fprintf(&b, `<path class="edge %s" d="%s" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#arrow-%s)"><title>%s</title></path>`+"\n",
			e.Kind, routes[e].d, st.color, num(st.width), dashAttr(st.dash), e.Kind, esc(e.From+" → "+e.To))
	}

	// Group titles above the edges that cross them.
	for _, g := range d.Groups {
		r := p.groups[g.ID]
		fill, _, _ := groupStyle(g)
		if fill == "none" {
			fill = "#ffffff"
		}
		w := textWidth(g.Label, groupFont, true)
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="16" fill="%s"/><text x="%s" y="%s" font-size="%s" font-weight="bold" fill="#343a40">%s</text>`+"\n",
			num(r.X+7), num(r.Y+4), num(w+6), fill, num(r.X+10), num(r.Y+16), num(groupFont), esc(g.Label))
	}

	for _, n := range d.Nodes {
		r := p.nodes[n.ID]
		key := string(n.Kind)
		if n.OnPath {
			key = "path"
		}
		c := palette[key]
		sw, rx := 1.2, 6.0
		if n.OnPath {
			sw = 2.2
		}
		if n.Kind == KindClient {
			rx = r.H / 2
		}
		fmt.Fprintf(&b, `<g class="node" id="node-%s"><title>%s</title>`, n.ID, esc(nodeTooltip(n)))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="%s" fill="%s" stroke="%s" stroke-width="%s"/>`,
			num(r.X), num(r.Y), num(r.W), num(r.H), num(rx), c[0], c[1], num(sw))
		y := r.Y + nodePadY + titleFont
		for i, l := range n.Lines {
			if i == 0 {
				fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" font-weight="bold" text-anchor="middle" fill="#212529">%s</text>`,
					num(r.cx()), num(y), num(titleFont), esc(l))
				y += titleLineH - titleFont + lineFont + 2
				continue
			}
			fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s" text-anchor="middle" fill="#495057">%s</text>`,
				num(r.cx()), num(y), num(lineFont), esc(l))
			y += lineH
		}
		b.WriteString("</g>\n")
	}

	// Edge labels where they cover no node, group title, other label or
	// another edge's run to the gutter or the channel.
	var taken []rect
	for _, r := range p.nodes {
		taken = append(taken, r)
	}
	for _, g := range d.Groups {
		r := p.groups[g.ID]
		taken = append(taken, rect{X: r.X + 7, Y: r.Y + 4, W: textWidth(g.Label, groupFont, true) + 6, H: 16})
	}
	for _, e := range sorted {
		if e.Label == "" {
			continue
		}
		w := textWidth(e.Label, labelFont, false) + 8
		rt := routes[e]
		pt := rt.at(0.5)
		for _, t := range []float64{0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8} {
			c := rt.at(t)
			box := rect{X: c[0] - w/2, Y: c[1] - 7, W: w, H: 14}
			free := true
			for _, o := range taken {
				if box.overlaps(o) {
					free = false
					break
				}
			}
			for _, o := range sorted {
				for _, r := range routes[o].runs {
					if o != e && box.overlaps(r) {
						free = false
					}
				}
			}
			if free {
				pt = c
				break
			}
		}
		taken = append(taken, rect{X: pt[0] - w/2, Y: pt[1] - 7, W: w, H: 14})
		fmt.Fprintf(&b, `<g class="label"><rect x="%s" y="%s" width="%s" height="14" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="%s" y="%s" font-size="%s" text-anchor="middle" fill="%s">%s</text></g>`+"\n",
			num(pt[0]-w/2), num(pt[1]-7), num(w), num(pt[0]), num(pt[1]+3.5), num(labelFont), edgeStyle[e.Kind].color, esc(e.Label))
	}
	b.WriteString("</g>\n")

	// Legend: only the edge kinds the diagram uses.
	used := map[EdgeKind]bool{}
	for _, e := range d.Edges {
		used[e.Kind] = true
	}
	x, y := p.left, head+p.h+4
	for _, k := range edgeKinds {
		if !used[k] {
			continue
		}
		st := edgeStyle[k]
		fmt.Fprintf(&b, `<path d="M%s,%s h28" stroke="%s" stroke-width="%s"%s marker-end="url(#arrow-%s)"/>`,
			num(x), num(y), st.color, num(st.width), dashAttr(st.dash), k)
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="11" fill="#495057">%s</text>`, num(x+34), num(y+4), esc(st.legend))
		x += 34 + textWidth(st.legend, 11, false) + 22
	}
	b.WriteString("\n</svg>\n")
	return b.String()
}

// legendWidth is the width of the legend line of d's edge kinds.
func legendWidth(d *Diagram) float64 {
	used := map[EdgeKind]bool{}
	for _, e := range d.Edges {
		used[e.Kind] = true
	}
	w := 0.0
	for _, k := range edgeKinds {
		if used[k] {
			w += 34 + textWidth(edgeStyle[k].legend, 11, false) + 22
		}
	}
	return math.Max(w-22, 0)
}

type route struct {
	d string
	// c are the cubic's control points; for a gutter route, c[0] and c[3]
	// are the ends of its vertical run, for a channel route of its run across.
	c [4][2]float64
	// runs are the horizontal stretches of a gutter or channel route, kept
	// free of edge labels.
	runs []rect
}

// hrun is the thin box along a horizontal stretch from x0 to x1 at y.
func hrun(x0, x1, y float64) rect {
	return rect{X: math.Min(x0, x1), Y: y - 1, W: math.Abs(x1 - x0), H: 2}
}

// at is the point at t (0..1) along the curve, or along a gutter route's vertical run.
func (r route) at(t float64) [2]float64 {
	u := 1 - t
	var p [2]float64
	for i := 0; i < 2; i++ {
		p[i] = u*u*u*r.c[0][i] + 3*u*u*t*r.c[1][i] + 3*u*t*t*r.c[2][i] + t*t*t*r.c[3][i]
	}
	return p
}

// route draws every edge as a cubic curve between box sides: down to the top
// of a lower box, up to the bottom of a higher one, sideways when the boxes
// share rows. Several edges on one side spread along it. Edges that would
// run along the spine or pass behind other boxes go round through the left
// gutter; edges between a spine node and a box above it, right of the spine
// (a WAF, an access-log bucket), come down the channel beside the spine.
func (p *placement) route(edges []*Edge) map[*Edge]route {
	type port struct {
		e     *Edge
		from  bool
		other float64
	}
	type sideKey struct {
		node string
		side byte // 't', 'b', 'l', 'r'
	}
	sides := map[sideKey][]port{}
	sideOf := map[*Edge][2]byte{}
	gutter := p.gutterEdges(edges)
	channel := p.channelEdges(edges)
	for _, e := range edges {
		s, t := p.box(e.From), p.box(e.To)
		fs, ts := p.sides(e.From, e.To)
		fo, to := coord(t, fs), coord(s, ts)
		if lane := gutter[e]; lane > 0 {
			// Up-going lanes leave high on the side, outer ones lower;
			// down-going lanes leave low, outer ones higher: no lane crosses
			// another's run to the gutter.
			key := func(self, other rect) float64 {
				if other.cy() < self.cy() {
					return -2e6 + float64(lane)
				}
				return 2e6 - float64(lane)
			}
			fs, ts, fo, to = 'l', 'l', key(s, t), key(t, s)
		}
		if c, ok := channel[e]; ok {
			// The spine end takes its right side, nearer boxes higher up.
			if e.From == c.spine {
				fs, ts, fo, to = 'r', 'b', -1e6+float64(c.lane), s.cx()
			} else {
				fs, ts, fo, to = 'b', 'r', t.cx(), -1e6+float64(c.lane)
			}
		}
		sideOf[e] = [2]byte{fs, ts}
		sides[sideKey{e.From, fs}] = append(sides[sideKey{e.From, fs}], port{e, true, fo})
		sides[sideKey{e.To, ts}] = append(sides[sideKey{e.To, ts}], port{e, false, to})
	}
	points := map[*Edge][2][2]float64{}
	for k, ps := range sides {
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].other != ps[j].other {
				return ps[i].other < ps[j].other
			}
			return ps[i].e.From+ps[i].e.To < ps[j].e.From+ps[j].e.To
		})
		r := p.box(k.node)
		for i, pt := range ps {
			f := float64(i+1) / float64(len(ps)+1)
			var xy [2]float64
			switch k.side {
			case 't':
				xy = [2]float64{r.X + r.W*(0.15+0.7*f), r.Y}
			case 'b':
				xy = [2]float64{r.X + r.W*(0.15+0.7*f), r.bottom()}
			case 'l':
				xy = [2]float64{r.X, r.Y + r.H*(0.2+0.6*f)}
			case 'r':
				xy = [2]float64{r.right(), r.Y + r.H*(0.2+0.6*f)}
			}
			v := points[pt.e]
			if pt.from {
				v[0] = xy
			} else {
				v[1] = xy
			}
			points[pt.e] = v
		}
	}
	out := map[*Edge]route{}
	for _, e := range edges {
		a, z := points[e][0], points[e][1]
		if lane := gutter[e]; lane > 0 {
			x := p.left - gutterLane*float64(lane)
			v0, v1 := [2]float64{x, a[1]}, [2]float64{x, z[1]}
			out[e] = route{d: orthogonal(a, z, x), c: [4][2]float64{v0, v0, v1, v1},
				runs: []rect{hrun(a[0], x, a[1]), hrun(x, z[0], z[1])}}
			continue
		}
		if c, ok := channel[e]; ok {
			// From the other box's bottom down below its row, across to the
			// lane beside the spine, down to the spine node's right side.
			o, sp := a, z
			if e.From == c.spine {
				o, sp = z, a
			}
			x := c.x
			pts := [][2]float64{o, {o[0], c.y}, {x, c.y}, {x, sp[1]}, sp}
			if e.From == c.spine {
				for i, j := 0, len(pts)-1; i < j; i, j = i+1, j-1 {
					pts[i], pts[j] = pts[j], pts[i]
				}
			}
			// Its label goes on the run across, under the other box.
			v0, v1 := [2]float64{o[0], c.y}, [2]float64{x, c.y}
			out[e] = route{d: polyline(pts, 6), c: [4][2]float64{v0, v0, v1, v1},
				runs: []rect{hrun(o[0], x, c.y), hrun(x, sp[0], sp[1])}}
			continue
		}
		sd := sideOf[e]
		da, dz := normal(sd[0]), normal(sd[1])
		k := math.Max(24, math.Min(140, math.Hypot(z[0]-a[0], z[1]-a[1])/2.5))
		c1 := [2]float64{a[0] + da[0]*k, a[1] + da[1]*k}
		c2 := [2]float64{z[0] + dz[0]*k, z[1] + dz[1]*k}
		out[e] = route{
			d: fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", num(a[0]), num(a[1]), num(c1[0]), num(c1[1]), num(c2[0]), num(c2[1]), num(z[0]), num(z[1])),
			c: [4][2]float64{a, c1, c2, z},
		}
	}
	return out
}

// sides picks the box sides a curve from a to b leaves and enters by.
func (p *placement) sides(a, b string) (byte, byte) {
	s, t := p.box(a), p.box(b)
	switch {
	case t.Y >= s.bottom()+4:
		return 'b', 't'
	case t.bottom() <= s.Y-4:
		return 't', 'b'
	case p.blocked(a, b):
		return 'b', 'b' // round under the boxes in between
	case t.cx() >= s.cx():
		return 'r', 'l'
	}
	return 'l', 'r'
}

// channelRoute is an edge's way down the channel right of the spine: the
// lane's x and the height of its run across from the other box.
type channelRoute struct {
	spine string
	lane  int
	x, y  float64
}

// channelEdges picks the edges between a spine node and a box wholly above
// it and right of the spine's column (a WAF in front of the load balancer,
// the bucket it writes its logs to): a curve would cut through what sits
// between, so they run across under the other box's row and down the gap
// right of the spine. Lanes nearer the spine belong to nearer boxes.
func (p *placement) channelEdges(edges []*Edge) map[*Edge]channelRoute {
	bySpine := map[string][]*Edge{}
	for _, e := range edges {
		if e.Kind == EdgeRequest {
			continue
		}
		i, fromSpine := p.t.spine[e.From]
		j, toSpine := p.t.spine[e.To]
		if fromSpine == toSpine {
			continue
		}
		sp, other := e.From, e.To
		if toSpine {
			sp, other, i = e.To, e.From, j
		}
		s, o := p.nodes[sp], p.box(other)
		if i > 0 && o.bottom() < s.Y-4 && o.X >= s.right()+gapX/2 {
			bySpine[sp] = append(bySpine[sp], e)
		}
	}
	out := map[*Edge]channelRoute{}
	for sp, list := range bySpine {
		other := func(e *Edge) rect {
			if e.From == sp {
				return p.box(e.To)
			}
			return p.box(e.From)
		}
		sort.SliceStable(list, func(i, j int) bool { return other(list[i]).cx() < other(list[j]).cx() })
		low := 0.0
		for _, e := range list {
			low = math.Max(low, other(e).bottom())
		}
		s := p.nodes[sp]
		for k, e := range list {
			out[e] = channelRoute{
				spine: sp, lane: k + 1,
				x: s.right() + gapX*float64(k+1)/float64(len(list)+1),
				y: low + 8 + 16*float64(k), // room for a label between runs
			}
		}
	}
	return out
}

// polyline is a path through pts with corners rounded by up to r.
func polyline(pts [][2]float64, r float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%s,%s", num(pts[0][0]), num(pts[0][1]))
	for i := 1; i < len(pts); i++ {
		cur := pts[i]
		if i == len(pts)-1 {
			fmt.Fprintf(&b, " L%s,%s", num(cur[0]), num(cur[1]))
			break
		}
		prev, next := pts[i-1], pts[i+1]
		in := math.Hypot(cur[0]-prev[0], cur[1]-prev[1])
		outLen := math.Hypot(next[0]-cur[0], next[1]-cur[1])
		k := math.Min(r, math.Min(in, outLen)/2)
		if k < 0.5 {
			fmt.Fprintf(&b, " L%s,%s", num(cur[0]), num(cur[1]))
			continue
		}
		p0 := [2]float64{cur[0] - (cur[0]-prev[0])/in*k, cur[1] - (cur[1]-prev[1])/in*k}
		p1 := [2]float64{cur[0] + (next[0]-cur[0])/outLen*k, cur[1] + (next[1]-cur[1])/outLen*k}
		fmt.Fprintf(&b, " L%s,%s Q%s,%s %s,%s", num(p0[0]), num(p0[1]), num(cur[0]), num(cur[1]), num(p1[0]), num(p1[1]))
	}
	return b.String()
}

// box is the rectangle of a node or group.
func (p *placement) box(id string) rect {
	if r, ok := p.nodes[id]; ok {
		return r
	}
	return p.groups[id]
}

// bundle draws edges of one kind from every node of a group to the same
// node outside it as one edge from the group (both scaling policies notify
// the topic: one arrow from "scaling").
func (p *placement) bundle(d *Diagram) []*Edge {
	type key struct {
		group, to, label string
		kind             EdgeKind
	}
	members := map[string]int{}
	for _, g := range d.Groups {
		n := 0
		for _, c := range p.t.children[g.ID] {
			if c.node == nil {
				n = -1 << 20 // only groups of plain nodes
			}
			n++
		}
		members[g.ID] = n
	}
	count := map[key]int{}
	for _, e := range d.Edges {
		if g := p.t.parent[e.From]; g != "" && p.t.parent[e.To] != g {
			count[key{g, e.To, e.Label, e.Kind}]++
		}
	}
	var out []*Edge
	done := map[key]bool{}
	for _, e := range d.Edges {
		g := p.t.parent[e.From]
		k := key{g, e.To, e.Label, e.Kind}
		if g == "" || p.t.parent[e.To] == g || members[g] < 2 || count[k] != members[g] {
			out = append(out, e)
			continue
		}
		if !done[k] {
			done[k] = true
			out = append(out, &Edge{From: g, To: e.To, Kind: e.Kind, Label: e.Label})
		}
	}
	return out
}

// blocked reports whether another node stands between the side-by-side
// nodes a and b, so a straight sideways edge would cross it.
func (p *placement) blocked(a, b string) bool {
	ra, rb := p.box(a), p.box(b)
	if rb.cx() < ra.cx() {
		ra, rb = rb, ra
	}
	y0, y1 := math.Min(ra.cy(), rb.cy()), math.Max(ra.cy(), rb.cy())
	band := rect{X: ra.right(), Y: y0 - 2, W: rb.X - ra.right(), H: y1 - y0 + 4}
	for id, r := range p.nodes {
		if id != a && id != b && band.W > 0 && r.overlaps(band) && !p.groups[a].contains(r) && !p.groups[b].contains(r) {
			return true
		}
	}
	return false
}

// gutterLane is the distance between the vertical lanes of the left gutter.
const gutterLane = 7.0

// gutterEdges picks the edges that would run along the spine (the main
// request path): an edge between a spine node and a node beyond the next
// spine node in that direction; and the edges whose curve would pass behind
// another box, when both ends can reach the gutter without crossing one.
// They go round through lanes in a gutter left of everything instead; the
// value is the lane (1 is innermost).
func (p *placement) gutterEdges(edges []*Edge) map[*Edge]int {
	spine := make([]string, len(p.t.spine))
	for id, i := range p.t.spine {
		spine[i] = id
	}
	channel := p.channelEdges(edges)
	var list []*Edge
	for _, e := range edges {
		if _, ok := channel[e]; ok || e.Kind == EdgeRequest {
			continue
		}
		_, fromSpine := p.t.spine[e.From]
		i, toSpine := p.t.spine[e.To]
		other := e.From
		if fromSpine != toSpine {
			if fromSpine {
				i, other = p.t.spine[e.From], e.To
			}
			o := p.box(other)
			if (i+1 < len(spine) && o.Y > p.nodes[spine[i+1]].Y) || (i > 0 && o.bottom() < p.nodes[spine[i-1]].bottom()) {
				list = append(list, e)
				continue
			}
		}
		if p.hidesBehind(e) && p.clearLeft(e.From) && p.clearLeft(e.To) {
			list = append(list, e)
		}
	}
	// Edges to higher nodes take outer lanes, so lanes do not cross.
	sort.SliceStable(list, func(i, j int) bool {
		yi := math.Min(p.box(list[i].From).Y, p.box(list[i].To).Y)
		yj := math.Min(p.box(list[j].From).Y, p.box(list[j].To).Y)
		return yi > yj
	})
	out := map[*Edge]int{}
	for i, e := range list {
		out[e] = i + 1
	}
	return out
}

// hidesBehind reports whether the curve of e, taken as the straight line
// between the middles of the sides it joins, passes behind a node that is
// neither of its ends nor inside them.
func (p *placement) hidesBehind(e *Edge) bool {
	s, t := p.box(e.From), p.box(e.To)
	fs, ts := p.sides(e.From, e.To)
	if fs == 'b' && ts == 'b' {
		return false
	}
	mid := func(r rect, side byte) [2]float64 {
		switch side {
		case 't':
			return [2]float64{r.cx(), r.Y}
		case 'b':
			return [2]float64{r.cx(), r.bottom()}
		case 'l':
			return [2]float64{r.X, r.cy()}
		}
		return [2]float64{r.right(), r.cy()}
	}
	a, z := mid(s, fs), mid(t, ts)
	for _, id := range sortedKeys(p.nodes) {
		r := p.nodes[id]
		if id == e.From || id == e.To || s.contains(r) || t.contains(r) {
			continue
		}
		in := rect{r.X + 3, r.Y + 3, r.W - 6, r.H - 6}
		for k := 1; k < 64; k++ {
			f := float64(k) / 64
			x, y := a[0]+(z[0]-a[0])*f, a[1]+(z[1]-a[1])*f
			if x > in.X && x < in.right() && y > in.Y && y < in.bottom() {
				return true
			}
		}
	}
	return false
}

// clearLeft reports whether nothing stands left of the box id along the
// middle of its left side, where a run to the gutter goes.
func (p *placement) clearLeft(id string) bool {
	b := p.box(id)
	band := rect{X: -1e6, Y: b.Y + b.H*0.2, W: 1e6 + b.X, H: b.H * 0.6}
	for nid, r := range p.nodes {
		if nid != id && !b.contains(r) && r.overlaps(band) {
			return false
		}
	}
	return true
}

// orthogonal is a path from a left to x, along x, then right to z, with round corners.
func orthogonal(a, z [2]float64, x float64) string {
	r := math.Min(6, math.Abs(z[1]-a[1])/2)
	dy := 1.0
	if z[1] < a[1] {
		dy = -1
	}
	return fmt.Sprintf("M%s,%s H%s Q%s,%s %s,%s V%s Q%s,%s %s,%s H%s",
		num(a[0]), num(a[1]), num(x+r), num(x), num(a[1]), num(x), num(a[1]+dy*r),
		num(z[1]-dy*r), num(x), num(z[1]), num(x+r), num(z[1]), num(z[0]))
}

// coord is where along a side the other end lies (for ordering ports).
func coord(r rect, side byte) float64 {
	if side == 't' || side == 'b' {
		return r.cx()
	}
	return r.cy()
}

func normal(side byte) [2]float64 {
	switch side {
	case 't':
		return [2]float64{0, -1}
	case 'b':
		return [2]float64{0, 1}
	case 'l':
		return [2]float64{-1, 0}
	}
	return [2]float64{1, 0}
}

func dashAttr(dash string) string {
	if dash == "" {
		return ""
	}
	return ` stroke-dasharray="` + dash + `"`
}

// num formats a coordinate with at most one decimal.
func num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return xmlEscaper.Replace(s) }

func nodeTooltip(n *Node) string {
	if len(n.Resources) == 0 {
		return strings.Join(n.Lines, "\n")
	}
	return strings.Join(n.Lines, " · ") + "\n" + strings.Join(n.Resources, "\n")
}

func groupTooltip(g *Group) string {
	if len(g.Resources) == 0 {
		return g.Label
	}
	return g.Label + "\n" + strings.Join(g.Resources, "\n")
}
