package config_test

import (
	"os"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// BenchmarkParseEnvironmentsFile: strict load, defaults and validation of the
// library's fixture environments file (three environments, a copy of the sample).
func BenchmarkParseEnvironmentsFile(b *testing.B) {
	data, err := os.ReadFile(fixtureFile)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := config.Parse("environments.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
