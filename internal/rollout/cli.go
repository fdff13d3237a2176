package rollout

import (
	"github.com/platformstarter/elastic-web-tier/internal/boundedread"

	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// maxOutputsFile bounds the outputs file read (a stack's outputs are a few KB).
const maxOutputsFile = 8 << 20

// Main is cmd/rollout: exit 0 rolled out (or nothing to do, or ec2 mode),
// 1 the refresh rolled back, failed or was cancelled (now or before, without
// -retry), 2 bad flags or outputs, or an API error.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rollout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := fs.String("env", "", "environment (stack) to roll out; required")
	file := fs.String("outputs", "", "outputs file of `cdktf deploy --outputs-file` holding the stack's outputs; required")
	region := fs.String("region", "", "AWS region (default: the SDK's, AWS_REGION)")
	endpoint := fs.String("endpoint", "", "AWS endpoint URL (an emulator); default AWS")
	retry := fs.Bool("retry", false, "start the refresh again after the last one to this template version rolled back, failed or was cancelled")
	poll := fs.Duration("poll", 15*time.Second, "time between two DescribeInstanceRefreshes")
	timeout := fs.Duration("timeout", 2*time.Hour, "how long to wait for the refresh")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./cmd/rollout -env <name> -outputs <file> [flags]\n\n"+
			"Rolls the environment's Auto Scaling group to its launch template's latest version with an\n"+
			"instance refresh (DesiredConfiguration, the stack's refresh preferences and gate alarms), waits,\n"+
			"and exits non-zero unless it succeeds. See docs/rollouts.md.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var problems []error
	if *env == "" {
		problems = append(problems, errors.New("-env is required: the environment (stack) name"))
	}
	if *file == "" {
		problems = append(problems, errors.New("-outputs is required: the file `cdktf deploy --outputs-file` wrote"))
	}
	if *poll <= 0 || *timeout <= 0 {
		problems = append(problems, fmt.Errorf("-poll (%s) and -timeout (%s) must be > 0", *poll, *timeout))
	}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "rollout: %v\n", errors.Join(problems...))
		return 2
	}
	outs, err := readOutputs(*file, *env)
	if err != nil {
		fmt.Fprintf(stderr, "rollout: %v\n", err)
		return 2
	}
	target, err := TargetFromOutputs(outs)
	if errors.Is(err, ErrNotASG) {
		fmt.Fprintf(stdout, "%s: %v\n", *env, err)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "rollout: %s (%s):\n%v\n", *env, *file, err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "rollout: AWS configuration: %v\n", err)
		return 2
	}
	if *region != "" {
		cfg.Region = *region
	}
	if *endpoint != "" {
		cfg.BaseEndpoint = aws.String(*endpoint)
	}
	_, err = Run(ctx, autoscaling.NewFromConfig(cfg), target, Options{Retry: *retry, Poll: *poll, Timeout: *timeout}, stdout)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrRolledBack):
		fmt.Fprintf(stderr, "rollout: %v\n", err)
		return 1
	default:
		fmt.Fprintf(stderr, "rollout: %v\n", err)
		return 2
	}
}

// readOutputs reads env's outputs from an outputs file: {"<stack>": {"<output>": value}}.
func readOutputs(file, env string) (map[string]any, error) {
	data, tooBig, err := boundedread.ReadFile(file, maxOutputsFile)
	if err != nil {
		return nil, err
	}
	if tooBig {
		return nil, fmt.Errorf("%s is larger than %d bytes; want the outputs file of cdktf deploy", file, maxOutputsFile)
	}
	var all map[string]map[string]any
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: not an outputs file of cdktf deploy ({\"<stack>\": {\"<output>\": value}}): %v", file, err)
	}
	outs, ok := all[env]
	if !ok {
		names := make([]string, 0, len(all))
		for k := range all {
			names = append(names, k)
		}
		return nil, fmt.Errorf("%s has no outputs of stack %s (it has %q)", file, env, names)
	}
	return outs, nil
}
