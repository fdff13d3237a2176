package stackjson

import (
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// BenchmarkParseProdStack: decoding the golden prod stack of the library's
// fixture (internal/testfixture) into the typed reader.
func BenchmarkParseProdStack(b *testing.B) {
	data := testfixture.Golden(b, "prod")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("prod", data); err != nil {
			b.Fatal(err)
		}
	}
}
