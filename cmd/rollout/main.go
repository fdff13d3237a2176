// Command rollout rolls an environment's Auto Scaling group to its launch
// template's latest version with an instance refresh that rolls back to the
// previous version when a gate alarm fires. See `go run ./cmd/rollout -h`
// and docs/rollouts.md; the work is done by internal/rollout.
package main

import (
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/rollout"
)

func main() {
	os.Exit(rollout.Main(os.Args[1:], os.Stdout, os.Stderr))
}
