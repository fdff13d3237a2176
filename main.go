// Command elastic-web-tier synthesizes one Terraform stack per environment of
// environments.yaml (or the file ENVIRONMENTS_FILE names) into cdktf.out.
// `make synth` runs it (go run .); so does `npx cdktf synth`, through
// scripts/app.sh (cdktf.json's "app"), which runs a built copy kept in bin/.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
	"github.com/platformstarter/elastic-web-tier/internal/lazyjsii"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
)

func main() {
	jsiienv.Ensure(".")
	// Load only the provider code the stacks use (EWT_LAZY_JSII=0 turns it off).
	lazyjsii.Setup(os.Stderr)
	err := synth.Run(os.Stdout, synth.Outdir(), policy.Check, review.SummaryCheck)
	// End the jsii kernel (the Node child process) with the app, so it is not
	// orphaned and its temp directory is removed.
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(1)
	}
}
