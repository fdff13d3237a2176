// Command review makes synthesized stacks reviewable: a summary table, the
// differences between two environments, and architecture diagrams (Mermaid
// and SVG). `go run ./cmd/review` prints the commands.
package main

import (
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/reviewcli"
)

func main() {
	os.Exit(reviewcli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
