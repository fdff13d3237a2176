package diagram

import (
	"regexp"
	"strings"
	"testing"
)

var (
	mmdNode     = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9_]*)(\[|\(|\(\[|\[\()"`)
	mmdSubgraph = regexp.MustCompile(`^\s*subgraph ([A-Za-z][A-Za-z0-9_]*)\["`)
	mmdEdge     = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z0-9_]*) (==>|-->|-\.->)(\|"[^"]*"\|)? ([A-Za-z][A-Za-z0-9_]*)$`)
)

// The Mermaid text declares every node once, inside balanced subgraphs, and
// every edge joins declared nodes.
func TestMermaidStructure(t *testing.T) {
	for _, s := range goldenStacks(t) {
		t.Run(s.Name, func(t *testing.T) {
			d := Build(s)
			text := Mermaid(d)
			if !strings.HasPrefix(text, "flowchart TB\n") {
				t.Fatalf("starts %q, want flowchart TB", text[:min(len(text), 20)])
			}
			declared := map[string]int{}
			depth, edges := 0, 0
			for _, line := range strings.Split(strings.TrimSpace(text), "\n")[1:] {
				switch {
				case mmdSubgraph.MatchString(line):
					depth++
				case strings.TrimSpace(line) == "end":
					depth--
				case mmdEdge.MatchString(line):
					m := mmdEdge.FindStringSubmatch(line)
					for _, id := range []string{m[1], m[4]} {
						if declared[id] == 0 {
							t.Errorf("edge %q uses undeclared node %s", line, id)
						}
					}
					edges++
				case mmdNode.MatchString(line):
					declared[mmdNode.FindStringSubmatch(line)[1]]++
				case strings.HasPrefix(strings.TrimSpace(line), "classDef "), strings.HasPrefix(strings.TrimSpace(line), "class "):
				default:
					t.Errorf("unexpected line %q", line)
				}
				if depth < 0 {
					t.Fatalf("end without subgraph at %q", line)
				}
			}
			if depth != 0 {
				t.Errorf("%d subgraphs left open", depth)
			}
			for _, n := range d.Nodes {
				if declared[n.ID] != 1 {
					t.Errorf("node %s declared %d times, want once", n.ID, declared[n.ID])
				}
			}
			if edges != len(d.Edges) {
				t.Errorf("%d edge lines, want %d", edges, len(d.Edges))
			}
		})
	}
}

func TestMermaidText(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"plain"}, `"plain"`},
		{[]string{"a", "b"}, `"a<br/>b"`},
		{[]string{`say "hi"`}, `"say #quot;hi#quot;"`},
		{[]string{"CPU < 30% & > 2"}, `"CPU #lt; 30% #amp; #gt; 2"`},
	}
	for _, tt := range tests {
		if got := mermaidText(tt.lines); got != tt.want {
			t.Errorf("mermaidText(%q) = %s, want %s", tt.lines, got, tt.want)
		}
	}
}

func TestMermaidEdgeStyles(t *testing.T) {
	d := &Diagram{
		Nodes: []*Node{{ID: "a", Lines: []string{"a"}}, {ID: "b", Lines: []string{"b"}}},
		Edges: []*Edge{
			{From: "a", To: "b", Kind: EdgeRequest, Label: "HTTP :80"},
			{From: "b", To: "a", Kind: EdgeRoute, Label: "0.0.0.0/0"},
			{From: "a", To: "b", Kind: EdgeNotify},
		},
	}
	text := Mermaid(d)
	for _, want := range []string{`  a ==>|"HTTP :80"| b`, `  b -.->|"0.0.0.0/0"| a`, `  a --> b`} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("Mermaid lacks line %q:\n%s", want, text)
		}
	}
}
