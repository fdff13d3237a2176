// Command stress sends a repeatable HTTP load to the deployed web tier and
// reports throughput, latency, failures by cause and how evenly the
// instances shared the load. See `go run ./cmd/stress -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mattn/go-isatty"

	"github.com/platformstarter/elastic-web-tier/internal/stress"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	fd := os.Stderr.Fd()
	code := stress.Main(ctx, os.Args[1:], stress.Env{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		StderrIsTTY: isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd),
	})
	stop()
	os.Exit(code)
}
