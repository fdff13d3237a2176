// Command e2e deploys every environment for real against a local AWS
// emulator, checks it and destroys it: see internal/e2e. `make e2e` runs it.
package main

import (
	"os"

	"github.com/platformstarter/elastic-web-tier/internal/e2e"
)

func main() {
	os.Exit(e2e.Main(os.Args[1:], os.Stdout, os.Stderr))
}
