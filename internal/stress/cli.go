package stress

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Exit statuses of Main.
const (
	ExitOK          = 0   // every request succeeded and the spread is even (or unknown)
	ExitFailed      = 1   // some request failed, the spread is uneven, or a runtime error
	ExitUsage       = 2   // bad flags or outputs file
	ExitInterrupted = 130 // Ctrl-C: the partial report was printed
)

// Env is what Main talks to.
type Env struct {
	Stdout, Stderr io.Writer
	// StderrIsTTY draws a progress bar on Stderr.
	StderrIsTTY bool
}

const usage = `Usage: stress [flags] URL
       stress [flags] --outputs FILE [--stack NAME]

Sends HTTP GETs to the web tier, then reports successes, failures by cause,
throughput, latency percentiles and how evenly the instances (X-Instance-Id)
shared the load. Exit status: 0 all good, 1 failures or uneven spread,
2 usage error, 130 interrupted (the partial report is printed).

Examples:
  stress -n 2000 -c 20 http://my-alb-123.eu-west-1.elb.amazonaws.com/
  npx cdktf deploy dev --outputs-file outputs.json && stress --outputs outputs.json
  terraform output -json > out.json && stress --outputs out.json --path /health
  stress --outputs outputs.json -t 10m -q 50 --watch     # watch a scale-out
  stress --outputs outputs.json --connect-to 203.0.113.7:443   # url https://<domain> before its DNS answers

Flags:
`

// durationValue parses a Go duration ("90s", "5m") or plain seconds ("30").
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil || *v.d == 0 {
		return ""
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	if secs, err := strconv.ParseFloat(s, 64); err == nil {
		*v.d = time.Duration(secs * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("want a duration such as 30s, 5m or a number of seconds")
	}
	*v.d = d
	return nil
}

type options struct {
	cfg         Config
	outputs     string
	stack       string
	https       bool
	path        string
	jsonOut     bool
	tolerance   float64
	watch       bool
	watchEvery  time.Duration
	wc          WatchConfig
	target      string
	nExplicit   bool
	progressOff bool
}

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	o := &options{cfg: Config{Requests: DefaultRequests, Concurrency: DefaultConcurrency, Timeout: DefaultTimeout}}
	fs := flag.NewFlagSet("stress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.Int64Var(&o.cfg.Requests, "n", DefaultRequests, "`requests` to send (with -t alone: no count limit)")
	fs.IntVar(&o.cfg.Concurrency, "c", DefaultConcurrency, "concurrent `workers`, one keep-alive connection each")
	fs.Var(durationValue{&o.cfg.Duration}, "t", "time limit as a `duration` (30s, 5m, or seconds); in-flight requests are cancelled at the limit")
	fs.Var(durationValue{&o.cfg.Timeout}, "timeout", "per-request timeout `duration`, from dial to the last body byte")
	fs.Float64Var(&o.cfg.Rate, "q", 0, "total request `rate` in requests/s across all workers (0: as fast as possible)")
	fs.Float64Var(&o.cfg.Rate, "rate", 0, "`rate`: same as -q")
	fs.BoolVar(&o.cfg.DisableKeepAlive, "no-keepalive", false, "open a new connection for every request")
	fs.BoolVar(&o.cfg.Insecure, "insecure", false, "skip TLS certificate verification (with --https on an ALB DNS name)")
	fs.StringVar(&o.outputs, "outputs", "", "stack outputs `file` (cdktf deploy --outputs-file, or terraform output -json)")
	fs.StringVar(&o.stack, "stack", "", "stack `name` in a cdktf outputs file holding several")
	fs.BoolVar(&o.https, "https", false, "use https://<alb_dns_name> from the outputs file, not its http:// url")
	fs.StringVar(&o.cfg.ConnectTo, "connect-to", "", "dial `host:port` instead of the URL's host, keeping it as Host header and TLS server name (SNI)")
	fs.StringVar(&o.path, "path", "/", "request `path` on the ALB from the outputs file")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as one JSON object")
	fs.Float64Var(&o.tolerance, "tolerance", DefaultTolerance, "largest coefficient of variation of per-instance counts called even")
	fs.BoolVar(&o.progressOff, "no-progress", false, "no progress bar even on a terminal")
	fs.BoolVar(&o.watch, "watch", false, "poll the ASG's scaling activities and the target group's health during the load (AWS credentials)")
	fs.StringVar(&o.wc.ASGName, "asg", "", "Auto Scaling group `name` for --watch (default: asg_name output)")
	fs.StringVar(&o.wc.TargetGroupARN, "target-group", "", "target group `ARN` for --watch (default: target_group_arn output)")
	fs.StringVar(&o.wc.Region, "region", "", "AWS `region` for --watch (default: the SDK's, e.g. AWS_REGION)")
	fs.StringVar(&o.wc.Endpoint, "aws-endpoint", "", "endpoint `URL` for both AWS APIs (a local fake or LocalStack)")
	o.watchEvery = 5 * time.Second
	fs.Var(durationValue{&o.watchEvery}, "watch-interval", "poll interval `duration` for --watch")

	// Flags may come before or after the URL.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "n" {
			o.nExplicit = true
		}
	})
	bad := func(format string, a ...any) (*options, error) {
		return nil, fmt.Errorf(format, a...)
	}
	switch {
	case len(positional) > 1:
		return bad("one URL, got %d arguments: %s", len(positional), strings.Join(positional, " "))
	case len(positional) == 0 && o.outputs == "":
		return bad("no target: give a URL or --outputs FILE")
	case o.cfg.Concurrency < 1:
		return bad("-c must be at least 1")
	case o.cfg.Requests < 0 || (o.cfg.Requests == 0 && o.cfg.Duration <= 0):
		return bad("-n must be at least 1 (or give -t)")
	case o.cfg.Timeout <= 0:
		return bad("-timeout must be positive")
	case o.cfg.Duration < 0:
		return bad("-t must not be negative")
	case o.cfg.Rate < 0:
		return bad("-q must not be negative")
	case o.tolerance < 0:
		return bad("--tolerance must not be negative")
	case o.watchEvery <= 0:
		return bad("--watch-interval must be positive")
	}
	if o.cfg.Duration > 0 && !o.nExplicit {
		o.cfg.Requests = 0 // -t alone: run for the time, like ab -t and hey -z
	}
	if len(positional) == 1 {
		o.target = positional[0]
	}
	return o, nil
}

// resolve fills in the target URL and the watch names from the outputs file.
func (o *options) resolve() error {
	if o.outputs != "" {
		out, err := LoadOutputs(o.outputs, o.stack)
		if err != nil {
			return err
		}
		if o.target == "" {
			scheme := "http"
			if o.https {
				scheme = "https"
			}
			host := out.ALBDNSName
			switch {
			// The url output is what clients use: https://<domain> with a
			// domain (SNI and Host are the name), else the ALB's own name.
			case out.URL != "" && !(o.https && strings.HasPrefix(out.URL, "http://")):
				o.target = strings.TrimRight(out.URL, "/") + o.path
			case strings.Contains(host, "://"):
				o.target = strings.TrimRight(host, "/") + o.path
			default:
				o.target = scheme + "://" + host + o.path
			}
		}
		if o.wc.ASGName == "" {
			o.wc.ASGName = out.ASGName
		}
		if o.wc.TargetGroupARN == "" {
			o.wc.TargetGroupARN = out.TargetGroupARN
		}
	}
	u, err := url.Parse(o.target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not an http(s) URL: %q", o.target)
	}
	o.cfg.URL = o.target
	if o.watch && o.wc.ASGName == "" && o.wc.TargetGroupARN == "" {
		return errors.New("--watch needs --asg or --target-group, or an outputs file with asg_name / target_group_arn")
	}
	return nil
}

// Main is the stress command. ctx is cancelled on Ctrl-C.
func Main(ctx context.Context, args []string, env Env) int {
	o, err := parseArgs(args, env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err == nil {
		err = o.resolve()
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "stress: %v\n", err)
		return ExitUsage
	}
	con := newConsole(env.Stderr, env.StderrIsTTY && !o.progressOff, o.cfg.Requests, o.cfg.Duration)
	if con.tty {
		o.cfg.Progress = con.progress
	}

	var (
		watcher  *Watcher
		events   []Event
		eventsMu sync.Mutex
	)
	emit := func(e Event) {
		eventsMu.Lock()
		events = append(events, e)
		eventsMu.Unlock()
		con.line("watch " + e.String())
	}
	if o.watch {
		watcher, err = NewAWSWatcher(ctx, o.wc)
		if err != nil {
			fmt.Fprintf(env.Stderr, "stress: %v\n", err)
			return ExitFailed
		}
		con.line("watch: polling " + watcher.describe() + " every " + o.watchEvery.String())
		// The baseline poll, before any load: it fails fast on missing
		// credentials or a wrong name, and sets what existed at the start.
		watcher.Start = time.Now()
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		first, err := watcher.Poll(pctx)
		cancel()
		if err != nil {
			fmt.Fprintf(env.Stderr, "stress: watch: %v\n", err)
			return ExitFailed
		}
		for _, e := range first {
			emit(e)
		}
	}

	loadCtx, stopWatch := context.WithCancel(ctx)
	var watchDone sync.WaitGroup
	if watcher != nil {
		watcher.Start = time.Now() // event times count from the load's start
		watchDone.Add(1)
		go func() {
			defer watchDone.Done()
			watcher.Watch(loadCtx, o.watchEvery, emit, func(err error) { con.line("watch: warning: " + err.Error()) })
		}()
	}
	res, err := Run(ctx, o.cfg)
	stopWatch()
	watchDone.Wait()
	if err != nil {
		con.clear()
		fmt.Fprintf(env.Stderr, "stress: %v\n", err)
		return ExitFailed
	}
	if watcher != nil && ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		last, err := watcher.Poll(pctx)
		cancel()
		for _, e := range last {
			emit(e)
		}
		if err != nil {
			con.line("watch: warning: " + err.Error())
		}
	}
	con.clear()

	rep := NewReport(o.cfg, res, o.tolerance)
	rep.Events = events
	if o.jsonOut {
		err = rep.WriteJSON(env.Stdout)
	} else {
		err = rep.WriteText(env.Stdout)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "stress: %v\n", err)
		return ExitFailed
	}
	switch {
	case res.Stopped == StoppedInterrupted:
		return ExitInterrupted
	case rep.Failed > 0 || rep.Verdict == VerdictUneven:
		return ExitFailed
	}
	return ExitOK
}
