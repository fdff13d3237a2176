package tfjson

import (
	"os"
	"testing"
)

// BenchmarkParseProdStack: decoding the golden prod stack into the typed reader.
func BenchmarkParseProdStack(b *testing.B) {
	data, err := os.ReadFile("../../__tests__/testdata/golden/prod.tf.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("prod", data); err != nil {
			b.Fatal(err)
		}
	}
}
