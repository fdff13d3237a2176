// Command review makes synthesized stacks reviewable: a summary table, the
// differences between two environments, architecture diagrams (Mermaid and
// SVG) and what each environment costs a month (`cost`, internal/cost).
// `go run ./cmd/review` prints the commands.
package main

import (
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/review"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "cost" {
		os.Exit(cost.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(review.Main(os.Args[1:], os.Stdout, os.Stderr))
}
