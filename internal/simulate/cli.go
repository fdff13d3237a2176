package simulate

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Exit codes of Main.
const (
	ExitOK    = 0
	ExitError = 1 // the stack cannot be simulated (no group, unsupported shape, I/O)
	ExitUsage = 2 // bad flags
)

const usage = `Usage: go run ./cmd/simulate --stack DIR --profile SPEC [--minutes N] [--launch-delay D] [--warm-start D] [--start TIME] [--refresh-at MINUTE] [--json] [--svg FILE]
       go run ./cmd/simulate compare --profile SPEC [--minutes N] NAME=STACK...

Simulates what the Auto Scaling Group, the CloudWatch alarms and the scaling
policies of a synthesized stack (cdktf.out/stacks/<env>) do when the load changes.

Load is total CPU demand in percent of one instance (250 = two and a half
instances fully busy); each serving instance runs at min(100, load / in service).
When the group scales by ALBRequestCountPerTarget target tracking, load is
requests per minute to its target group instead, and each serving target
gets load / in service requests a minute.

Profiles (minutes are whole, loads >= 0):
  step:from=A,to=B,at=M              A before minute M, B from then on
  ramp:from=A,to=B,start=M,end=N     A until M, linear to B at N, then B
  spike:base=A,peak=B,at=M,duration=D  B for D minutes from M, else A
  sine:min=A,max=B,period=P          between A and B, period P minutes
  diurnal:min=A,max=B[,period=1440]  a sine with a one-day period
  constant:load=A
  FILE                               CSV of minute,load lines; each load holds
                                     until the next line; the first minute is 0

A warm pool (warm_pool) starts its instances in --warm-start instead of the
launch delay; a predictive policy forecasts each hour from the same hour of
up to 14 previous days of the profile (none on the first day) and, with
ForecastAndScale, raises the capacity scheduling_buffer_time ahead.

  go run ./cmd/simulate compare --profile SPEC [--minutes N] NAME=STACK...
prints minutes overloaded and the monthly cost at desired capacity of each
stack side by side (STACK: a stack directory or a .tf.json file).

Scheduled actions (aws_autoscaling_schedule) run by the simulated clock:
minute 0 is --start (default ` + DefaultStart + `, a Monday).

--refresh-at M starts an instance refresh at minute M with the group's
instance_refresh preferences (AWS's defaults where absent: min healthy 90%,
max healthy 100%, warm-up = default_instance_warmup or the grace period) and
shows in-service capacity while it replaces the instances, whether the
scaling alarms fire, and whether the alarm_specification's alarms would
fail it (alarms on metrics the simulator does not model are named as such).

Flags:
`

// Main runs the simulate command: flags, then the simulation, then the text
// report (or --json) on stdout and the chart in --svg. It returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		return Compare(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	stack := fs.String("stack", "", "synthesized stack `DIR` (e.g. cdktf.out/stacks/prod) or .tf.json file (required)")
	profile := fs.String("profile", "", "load profile `SPEC`: a built-in shape or a CSV file (required)")
	minutes := fs.Int("minutes", 60, "`N` minutes to simulate (1.."+strconv.Itoa(MaxMinutes)+")")
	var delay delayFlag
	fs.Var(&delay, "launch-delay", "time from launch until an instance serves load, `D` as 90s, 2m or seconds (default: the group's health_check_grace_period)")
	var warm delayFlag
	fs.Var(&warm, "warm-start", "time from leaving the warm pool until an instance serves, `D` as 45s, 1m or seconds (default: the assumption for the pool's state, docs/elasticity.md)")
	asJSON := fs.Bool("json", false, "print one JSON object (model, events, timeline, summary) instead of text")
	svg := fs.String("svg", "", "also draw capacity, CPU and thresholds over time into `FILE` (SVG)")
	refreshAt := fs.Int("refresh-at", -1, "start an instance refresh at `MINUTE` (needs the group's instance_refresh block)")
	startFlag := fs.String("start", DefaultStart, "wall-clock `TIME` of minute 0 for scheduled actions, RFC 3339 on a whole minute")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	var problems []string
	if *stack == "" {
		problems = append(problems, "--stack is required (a directory such as cdktf.out/stacks/prod)")
	}
	if *profile == "" {
		problems = append(problems, "--profile is required (e.g. step:from=90,to=900,at=10)")
	}
	if *minutes < 1 || *minutes > MaxMinutes {
		problems = append(problems, fmt.Sprintf("--minutes = %d: must be within 1..%d", *minutes, MaxMinutes))
	}
	start, err := time.Parse(time.RFC3339, *startFlag)
	switch {
	case err != nil:
		problems = append(problems, fmt.Sprintf("--start = %q: must be an RFC 3339 time such as %s", *startFlag, DefaultStart))
	case start.Second() != 0 || start.Nanosecond() != 0:
		problems = append(problems, fmt.Sprintf("--start = %q: must be on a whole minute (the simulator steps minutes)", *startFlag))
	}
	refreshSet := false
	fs.Visit(func(f *flag.Flag) { refreshSet = refreshSet || f.Name == "refresh-at" })
	if refreshSet && (*refreshAt < 0 || *refreshAt >= *minutes) {
		problems = append(problems, fmt.Sprintf("--refresh-at = %d: must be within 0..%d (a minute of the run)", *refreshAt, *minutes-1))
	}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", fs.Args()))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stderr, "simulate:", p)
		}
		fmt.Fprintln(stderr, "run with -h for help")
		return ExitUsage
	}
	prof, err := OpenProfile(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return ExitUsage
	}
	st, err := loadStack(*stack)
	if err != nil {
		fmt.Fprintf(stderr, "simulate: --stack %s: %v\n", *stack, err)
		return ExitError
	}
	model, err := FromStack(st)
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitError
	}
	opts := Options{Minutes: *minutes, LaunchDelay: -1, Start: start, Refresh: refreshSet, RefreshAt: *refreshAt}
	if delay.set {
		opts.LaunchDelay = delay.seconds
	}
	if warm.set {
		if warm.seconds == 0 {
			fmt.Fprintln(stderr, "simulate: --warm-start = 0: want at least 1 second (leave it out for the assumption)")
			return ExitUsage
		}
		opts.WarmStart = warm.seconds
	}
	res, err := Run(model, prof, opts)
	if errors.Is(err, ErrNoInstanceRefresh) || errors.Is(err, ErrBadInstanceRefresh) {
		fmt.Fprintln(stderr, "simulate:", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return ExitError
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return ExitUsage
	}
	if *svg != "" {
		if err := writeSVGFile(*svg, res); err != nil {
			fmt.Fprintln(stderr, "simulate:", err)
			return ExitError
		}
	}
	if *asJSON {
		err = WriteJSON(stdout, res)
	} else {
		err = WriteText(stdout, res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulate:", err)
		return ExitError
	}
	return ExitOK
}

func writeSVGFile(path string, res *Result) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--svg: %w", err)
	}
	if err := WriteSVG(f, res); err != nil {
		f.Close()
		return fmt.Errorf("--svg %s: %w", path, err)
	}
	return f.Close()
}

// delayFlag is a duration given as Go duration ("90s", "2m") or seconds ("120").
type delayFlag struct {
	seconds int
	set     bool
}

func (d *delayFlag) String() string {
	if !d.set {
		return ""
	}
	return strconv.Itoa(d.seconds) + "s"
}

func (d *delayFlag) Set(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 {
			return fmt.Errorf("%d: must be >= 0 seconds", n)
		}
		d.seconds, d.set = n, true
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q: want seconds (120) or a duration (90s, 2m)", s)
	}
	if v < 0 || v%time.Second != 0 {
		return fmt.Errorf("%q: must be a whole number of seconds >= 0", s)
	}
	d.seconds, d.set = int(v/time.Second), true
	return nil
}
