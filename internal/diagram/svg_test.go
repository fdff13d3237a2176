package diagram

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

// checkSVG lays d out and checks the picture: well-formed XML, every box
// inside its group and the canvas, no two siblings overlapping, every label
// fitting its box.
func checkSVG(t *testing.T, d *Diagram) {
	t.Helper()
	svg := SVG(d, "caption")
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
	p := layout(d)
	canvas := rect{0, 0, p.w, p.h}
	box := func(id string) (rect, bool) {
		if r, ok := p.nodes[id]; ok {
			return r, true
		}
		r, ok := p.groups[id]
		return r, ok
	}
	siblings := map[string][]string{}
	for _, n := range d.Nodes {
		siblings[n.Group] = append(siblings[n.Group], n.ID)
		r, ok := p.nodes[n.ID]
		if !ok {
			t.Errorf("node %s was not placed", n.ID)
			continue
		}
		for i, l := range n.Lines {
			need := textWidth(l, lineFont, false)
			if i == 0 {
				need = textWidth(l, titleFont, true)
			}
			if need+2*nodePadX > r.W+0.5 {
				t.Errorf("node %s: line %q needs %.0fpx, box is %.0fpx wide", n.ID, l, need+2*nodePadX, r.W)
			}
		}
	}
	for _, g := range d.Groups {
		siblings[g.Parent] = append(siblings[g.Parent], g.ID)
	}
	for parent, list := range siblings {
		outer := canvas
		if parent != "" {
			outer = p.groups[parent]
		}
		for i, a := range list {
			ra, _ := box(a)
			if !outer.contains(ra) {
				t.Errorf("%s %+v is not inside %q %+v", a, ra, parent, outer)
			}
			for _, b := range list[i+1:] {
				if rb, _ := box(b); ra.overlaps(rb) {
					t.Errorf("%s %+v overlaps %s %+v", a, ra, b, rb)
				}
			}
		}
	}
}

func TestSVGLayout(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			checkSVG(t, Build(s))
		})
	}
}

// The request path reads as one straight line down the page.
func TestSVGSpineIsStraight(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			p := layout(d)
			spine := make([]string, len(p.t.spine))
			for id, i := range p.t.spine {
				spine[i] = id
			}
			if len(spine) < 5 {
				t.Fatalf("spine %v: want clients, ALB, listener, target group and instances", spine)
			}
			first := p.nodes[spine[0]]
			for i := 1; i < len(spine); i++ {
				prev, cur := p.nodes[spine[i-1]], p.nodes[spine[i]]
				if cur.Y <= prev.bottom() {
					t.Errorf("%s (y %.0f) is not below %s (bottom %.0f)", spine[i], cur.Y, spine[i-1], prev.bottom())
				}
				if math.Abs(cur.cx()-first.cx()) > 0.5 {
					t.Errorf("%s is centred at x %.1f, the clients at %.1f: want one column", spine[i], cur.cx(), first.cx())
				}
			}
			// Nothing else sits in the spine's column between its ends.
			top, bottom := first.Y, p.nodes[spine[len(spine)-1]].bottom()
			column := rect{first.cx() - 1, top, 2, bottom - top}
			for id, r := range p.nodes {
				if _, on := p.t.spine[id]; !on && r.overlaps(column) {
					t.Errorf("node %s %+v sits on the request path's column", id, r)
				}
			}
		})
	}
}

func TestSVGEscapes(t *testing.T) {
	d := &Diagram{Stack: "x", Nodes: []*Node{{ID: "n", Lines: []string{`a <b> & "c"`}, Kind: KindOther}}}
	svg := SVG(d, `t & <t>`)
	for _, want := range []string{"a &lt;b&gt; &amp; &quot;c&quot;", "t &amp; &lt;t&gt;"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	checkSVG(t, d)
}

func TestTextWidth(t *testing.T) {
	tests := []struct {
		s    string
		px   float64
		bold bool
		want float64
	}{
		{"", 12, false, 0},
		{"i", 2048, false, 455},
		{"W", 2048, true, 1933},
		{"→", 2048, false, 2048},
		{"漢", 2048, false, 2048}, // unknown: a full em, never too narrow
		{"AA", 1024, false, 1366},
	}
	for _, tt := range tests {
		if got := textWidth(tt.s, tt.px, tt.bold); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("textWidth(%q, %g, %v) = %g, want %g", tt.s, tt.px, tt.bold, got, tt.want)
		}
	}
}

// Edges of one kind from every node of a group to one outside node are
// drawn once, from the group.
func TestSVGBundlesGroupEdges(t *testing.T) {
	tests := []struct {
		env  string
		want []string // from->to:kind among the drawn edges
		gone []string
	}{
		{"prod", []string{"scaling->compute_asg:control", "scaling->observability_alarm_topic:notify"},
			[]string{"scaling_scale_in->compute_asg:control", "scaling_scale_out->observability_alarm_topic:notify"}},
		{"dev", []string{"scaling_recover->observability_alarm_topic:notify", "scaling_recover->compute_instance:monitor"}, []string{"scaling->observability_alarm_topic:notify"}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			d := Build(goldenStack(t, tt.env))
			drawn := map[string]bool{}
			for _, e := range layout(d).bundle(d) {
				drawn[e.From+"->"+e.To+":"+string(e.Kind)] = true
			}
			for _, w := range tt.want {
				if !drawn[w] {
					t.Errorf("edge %s not drawn; drawn: %v", w, drawn)
				}
			}
			for _, g := range tt.gone {
				if drawn[g] {
					t.Errorf("edge %s drawn, want it bundled or absent", g)
				}
			}
		})
	}
}

// pathPoints samples an SVG path of the commands the renderer writes
// (M, L, H, V, Q, C; absolute).
func pathPoints(t *testing.T, d string) [][2]float64 {
	t.Helper()
	fields := strings.FieldsFunc(d, func(r rune) bool { return r == ' ' || r == ',' })
	var out [][2]float64
	var cur [2]float64
	var cmd byte
	i := 0
	next := func() float64 {
		if i >= len(fields) {
			t.Fatalf("path %q ends early", d)
		}
		f := fields[i]
		if f[0] >= 'A' && f[0] <= 'Z' {
			cmd, f = f[0], f[1:]
		}
		i++
		var v float64
		if _, err := fmt.Sscanf(f, "%g", &v); err != nil {
			t.Fatalf("path %q: %q: %v", d, f, err)
		}
		return v
	}
	for i < len(fields) {
		if f := fields[i]; f[0] >= 'A' && f[0] <= 'Z' {
			cmd = f[0]
		}
		switch cmd {
		case 'M', 'L':
			p := [2]float64{next(), next()}
			for k := 1; cmd == 'L' && k <= 16; k++ {
				f := float64(k) / 16
				out = append(out, [2]float64{cur[0] + (p[0]-cur[0])*f, cur[1] + (p[1]-cur[1])*f})
			}
			cur = p
		case 'H', 'V':
			p := cur
			if cmd == 'H' {
				p[0] = next()
			} else {
				p[1] = next()
			}
			for k := 1; k <= 16; k++ {
				f := float64(k) / 16
				out = append(out, [2]float64{cur[0] + (p[0]-cur[0])*f, cur[1] + (p[1]-cur[1])*f})
			}
			cur = p
		case 'Q':
			c, p := [2]float64{next(), next()}, [2]float64{next(), next()}
			cur = p
			out = append(out, c, p)
		case 'C':
			c1, c2, p := [2]float64{next(), next()}, [2]float64{next(), next()}, [2]float64{next(), next()}
			r := route{c: [4][2]float64{cur, c1, c2, p}}
			for k := 1; k <= 32; k++ {
				out = append(out, r.at(float64(k)/32))
			}
			cur = p
		default:
			t.Fatalf("path %q: unexpected command %c", d, cmd)
		}
	}
	return out
}

// No edge passes behind a node other than its ends: the reader would take
// it for an edge to or from that node.
func TestSVGEdgesPassNoNode(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			p := layout(d)
			drawn := p.bundle(d)
			routes := p.route(drawn)
			for _, e := range drawn {
				from, to := p.box(e.From), p.box(e.To)
				for _, pt := range pathPoints(t, routes[e].d) {
					for id, r := range p.nodes {
						if id == e.From || id == e.To || from.contains(r) || to.contains(r) {
							continue
						}
						if pt[0] > r.X+3 && pt[0] < r.right()-3 && pt[1] > r.Y+3 && pt[1] < r.bottom()-3 {
							t.Errorf("%s edge %s -> %s passes behind node %s at (%.0f, %.0f)", e.Kind, e.From, e.To, id, pt[0], pt[1])
							break
						}
					}
				}
			}
		})
	}
}

// The web ACL and the access-log bucket sit above the load balancer, right
// of the request path, and their edges come down the gap beside it into its
// right side; the edges to the key go round through the gutter.
func TestSVGChannelAndGutter(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			p := layout(d)
			drawn := p.bundle(d)
			channel, gutter := p.channelEdges(drawn), p.gutterEdges(drawn)
			lb := p.nodes["alb_lb"]
			want := map[string]bool{"alb_lb->alb_access_logs": true, "alb_waf->alb_lb": true}
			for _, e := range drawn {
				key := e.From + "->" + e.To
				c, ok := channel[e]
				if want[key] != ok {
					t.Errorf("%s: in the channel %v, want %v", key, ok, want[key])
				}
				if ok && (c.x <= lb.right() || c.x >= lb.right()+gapX) {
					t.Errorf("%s: lane at x %.1f, want between the load balancer's right side %.1f and %.1f", key, c.x, lb.right(), lb.right()+gapX)
				}
				if e.Kind == EdgeEncrypt && gutter[e] == 0 {
					t.Errorf("%s: encrypt edge not routed through the gutter", key)
				}
				delete(want, key)
			}
			for k := range want {
				t.Errorf("edge %s not drawn", k)
			}
			for _, id := range []string{"alb_access_logs", "alb_waf"} {
				if r := p.nodes[id]; r.bottom() >= lb.Y || r.X <= lb.right() {
					t.Errorf("%s %+v: want it above and right of the load balancer %+v", id, r, lb)
				}
			}
		})
	}
}
