// Command simulate shows what a synthesized stack's Auto Scaling Group, CPU
// alarms and scaling policies do when the load changes, before an apply.
// See `go run ./cmd/simulate -h`; the work is done by internal/simulate.
package main

import (
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/simulate"
)

func main() {
	os.Exit(simulate.Main(os.Args[1:], os.Stdout, os.Stderr))
}
