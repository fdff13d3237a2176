package diagram

import "testing"

// Diagrams are drawn by cmd/review only: a few ms per environment at most.
func BenchmarkDiagram(b *testing.B) {
	for _, env := range []string{"dev", "prod"} {
		s := goldenStack(b, env)
		b.Run("Build/"+env, func(b *testing.B) {
			for b.Loop() {
				Build(s)
			}
		})
		d := Build(s)
		b.Run("Mermaid/"+env, func(b *testing.B) {
			for b.Loop() {
				Mermaid(d)
			}
		})
	}
	stacks := goldenStacks(b)
	b.Run("DiagramFiles/all", func(b *testing.B) {
		for b.Loop() {
			DiagramFiles(stacks)
		}
	})
}
