package review

import (
	"io"
	"testing"
)

// The JSON analysis runs at the end of every synth: a few ms per environment at most.
func BenchmarkReview(b *testing.B) {
	for _, env := range []string{"dev", "prod"} {
		s := goldenStack(b, env)
		b.Run("Settings/"+env, func(b *testing.B) {
			for b.Loop() {
				Settings(s)
			}
		})
	}
	dev, prod := goldenStack(b, "dev"), goldenStack(b, "prod")
	b.Run("Compare/dev-prod", func(b *testing.B) {
		for b.Loop() {
			Compare(dev, prod)
		}
	})
	stacks := goldenStacks(b)
	b.Run("Summary/all", func(b *testing.B) {
		for b.Loop() {
			if err := WriteSummary(io.Discard, stacks, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
