// Command review makes synthesized stacks reviewable: a summary table, the
// differences between two environments, architecture diagrams (Mermaid) and what each environment costs a month (`cost`, internal/cost).
// `go run ./cmd/review` prints the commands.
package main

import (
	"fmt"
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/cost"
	"github.com/platformstarter/elastic-web-tier/internal/reviewcli"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "cost" {
		os.Exit(cost.Main(args[1:], os.Stdout, os.Stderr))
	}
	code := reviewcli.Main(args, os.Stdout, os.Stderr)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(os.Stdout, cost.Brief)
	}
	os.Exit(code)
}
