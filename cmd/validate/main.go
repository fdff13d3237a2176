// Command validate runs `terraform validate` and an offline plan of every
// synthesized stack with the AWS provider built by scripts/build-provider.sh.
// scripts/validate.sh (`make validate`) runs it; see internal/tfvalidate.
//
//	validate -provider-dir DIR [-outdir cdktf.out] [-terraform terraform]
//	validate -print-endpoints PROVIDER_GEN_GO
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/platformstarter/elastic-web-tier/internal/tfvalidate"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := tfvalidate.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
