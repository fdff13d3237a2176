// Package stress is the load generator behind cmd/stress: it sends HTTP GETs
// to the deployed ALB at a set concurrency, counts every answer by status
// code, by failure cause and by the instance that served it (X-Instance-Id),
// and summarises latency with an HDR histogram.
package stress

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/valyala/fasthttp"
)

// InstanceHeader is the response header in which the app names its instance.
const InstanceHeader = "X-Instance-Id"

// Defaults, chosen to match ab's typical use (`ab -n 1000 -c 10`).
const (
	DefaultRequests    = 1000
	DefaultConcurrency = 10
	DefaultTimeout     = 10 * time.Second
)

// Config is one load run.
type Config struct {
	// URL is the target of every GET.
	URL string
	// Requests is the number of requests to send; 0 means no limit (then
	// Duration or ctx must end the run).
	Requests int64
	// Concurrency is the number of workers, each with its own connection.
	Concurrency int
	// Duration, when > 0, ends the run after this long; requests still in
	// flight then are cancelled and reported as cancelled.
	Duration time.Duration
	// Timeout bounds each request, from dial to the last byte of the body.
	Timeout time.Duration
	// Rate, when > 0, caps the total request rate (requests per second
	// across all workers).
	Rate float64
	// DisableKeepAlive opens a new connection for every request.
	DisableKeepAlive bool
	// Insecure skips TLS certificate verification (an ALB's DNS name rarely
	// matches its certificate).
	Insecure bool
	// ConnectTo, when set, is the host:port dialled instead of the URL's;
	// the URL's host stays the Host header and the TLS server name (SNI),
	// as with curl --connect-to (a name not in DNS yet, a loopback test).
	ConnectTo string
	// Progress, when set, is called about every ProgressInterval with the
	// counts so far, from one goroutine.
	Progress func(Progress)
	// ProgressInterval defaults to 200ms.
	ProgressInterval time.Duration
	// StaleIdle defaults to DefaultStaleIdle.
	StaleIdle time.Duration
}

// Progress is a snapshot of a running load.
type Progress struct {
	Done, Failed int64
	Elapsed      time.Duration
}

// Stop reasons.
const (
	StoppedCount       = "count"       // all Requests were sent
	StoppedDuration    = "duration"    // Duration ran out
	StoppedInterrupted = "interrupted" // ctx was cancelled (Ctrl-C)
)

// Result is what a run measured.
type Result struct {
	// Concurrency is the number of workers that ran (at most Requests).
	Concurrency int
	// Requests that completed: Succeeded + Failed.
	Requests, Succeeded, Failed int64
	// Cancelled counts requests in flight when the run was stopped by
	// Duration or ctx; they are not in Requests.
	Cancelled int64
	// Retried counts requests sent a second time because the keep-alive
	// connection they were sent on had gone stale (see DefaultStaleIdle).
	Retried int64
	// StatusCodes counts every HTTP response by status code.
	StatusCodes map[int]int64
	// Failures by cause.
	Failures Failures
	// Instances counts responses (any status) by their X-Instance-Id.
	Instances map[string]int64
	// NoInstanceID counts responses without the header.
	NoInstanceID int64
	// Latency of every request that got an HTTP response, in microseconds.
	Latency *hdrhistogram.Histogram
	// Elapsed is from the first request to the end of the last.
	Elapsed time.Duration
	// Stopped is one of the Stopped* constants.
	Stopped string
}

// Failures counts failed requests by cause.
type Failures struct {
	// Status: a response whose code is not 2xx.
	Status int64 `json:"status"`
	// Timeout: no complete response within the per-request timeout.
	Timeout int64 `json:"timeout"`
	// Connection: refused, reset, closed before or during the response, TLS errors.
	Connection int64 `json:"connection"`
}

// Histogram range: 1µs to 1h at 3 significant digits (about 200 KB, one per run).
const (
	histMin  = 1
	histMax  = int64(time.Hour / time.Microsecond)
	histSig  = 3
	latBatch = 256 // latencies a worker buffers before taking the histogram lock
)

// run is the state shared by the workers of one run.
type run struct {
	cfg      Config
	target   *target
	ctx      context.Context // cancelled by Duration or the caller
	start    time.Time
	interval time.Duration // between request slots when Rate > 0

	issued atomic.Int64 // requests started (claims on Requests)
	done   atomic.Int64 // requests completed
	failed atomic.Int64

	mu   sync.Mutex
	hist *hdrhistogram.Histogram
}

// worker holds one worker's counts; merged after the run.
type worker struct {
	codes map[int]int64
	// instances points at each instance's count, so that counting an answer
	// looks its ID up without allocating a string.
	instances map[string]*int64
	noInst    int64
	failures  Failures
	cancelled int64
	retried   int64
	lat       []int64
	slot      connSlot
	resp      fasthttp.Response // reused for every answer
}

// count records an answer's status and instance.
func (w *worker) count(a answer) {
	w.codes[a.status]++
	if len(a.instance) == 0 {
		w.noInst++
		return
	}
	if n := w.instances[string(a.instance)]; n != nil {
		*n++
		return
	}
	w.instances[string(a.instance)] = new(int64(1))
}

// Run sends the load described by cfg and returns what it measured. It
// returns when Requests are done, Duration ran out, or ctx is cancelled;
// in the last two cases requests in flight are cancelled at once, so Run
// never waits longer than that for a hung target. The error is only for an
// unusable configuration.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Requests > 0 && int64(cfg.Concurrency) > cfg.Requests {
		cfg.Concurrency = int(cfg.Requests)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.StaleIdle <= 0 {
		cfg.StaleIdle = DefaultStaleIdle
	}
	if cfg.Requests <= 0 && cfg.Duration <= 0 && ctx.Done() == nil {
		return nil, errors.New("stress: no bound: set Requests, Duration or a cancellable context")
	}
	tgt, err := newTarget(cfg)
	if err != nil {
		return nil, err
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &run{
		cfg:    cfg,
		target: tgt,
		ctx:    runCtx,
		hist:   hdrhistogram.New(histMin, histMax, histSig),
	}
	if cfg.Rate > 0 {
		r.interval = time.Duration(float64(time.Second) / cfg.Rate)
	}

	durationUp := atomic.Bool{}
	r.start = time.Now()
	if cfg.Duration > 0 {
		t := time.AfterFunc(cfg.Duration, func() { durationUp.Store(true); cancel() })
		defer t.Stop()
	}

	workers := make([]*worker, cfg.Concurrency)
	for i := range workers {
		workers[i] = &worker{codes: map[int]int64{}, instances: map[string]*int64{}, lat: make([]int64, 0, latBatch)}
	}
	// Stopping (Duration, ctx) unblocks every worker's connection at once.
	stopAbort := context.AfterFunc(runCtx, func() {
		for _, w := range workers {
			w.slot.abort()
		}
	})
	defer stopAbort()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer w.slot.close()
			r.work(w)
		}()
	}

	finished := make(chan struct{})
	var progressDone sync.WaitGroup
	if cfg.Progress != nil {
		every := cfg.ProgressInterval
		if every <= 0 {
			every = 200 * time.Millisecond
		}
		progressDone.Add(1)
		go func() {
			defer progressDone.Done()
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-finished:
					return
				case <-t.C:
					cfg.Progress(r.progress())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(r.start)
	close(finished)
	progressDone.Wait()
	if cfg.Progress != nil {
		cfg.Progress(r.progress())
	}

	res := &Result{
		Concurrency: cfg.Concurrency,
		StatusCodes: map[int]int64{},
		Instances:   map[string]int64{},
		Latency:     r.hist,
		Elapsed:     elapsed,
		Stopped:     StoppedCount,
	}
	for _, w := range workers {
		for c, n := range w.codes {
			res.StatusCodes[c] += n
		}
		for id, n := range w.instances {
			res.Instances[id] += *n
		}
		res.NoInstanceID += w.noInst
		res.Failures.Status += w.failures.Status
		res.Failures.Timeout += w.failures.Timeout
		res.Failures.Connection += w.failures.Connection
		res.Cancelled += w.cancelled
		res.Retried += w.retried
	}
	res.Failed = res.Failures.Status + res.Failures.Timeout + res.Failures.Connection
	res.Requests = r.done.Load()
	res.Succeeded = res.Requests - res.Failed
	switch {
	case durationUp.Load():
		res.Stopped = StoppedDuration
	case ctx.Err() != nil:
		res.Stopped = StoppedInterrupted
	}
	return res, nil
}

func (r *run) progress() Progress {
	return Progress{Done: r.done.Load(), Failed: r.failed.Load(), Elapsed: time.Since(r.start)}
}

// work is one worker's loop: claim a request, wait for its slot when rate
// limited, send it, count the outcome.
func (r *run) work(w *worker) {
	defer r.flush(w)
	var timer *time.Timer
	for {
		k := r.issued.Add(1)
		if r.cfg.Requests > 0 && k > r.cfg.Requests {
			return
		}
		if r.ctx.Err() != nil {
			return
		}
		if r.interval > 0 {
			wait := time.Until(r.start.Add(time.Duration(k-1) * r.interval))
			if wait > 0 {
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				select {
				case <-r.ctx.Done():
					timer.Stop()
					return
				case <-timer.C:
				}
			}
		}
		r.do(w)
	}
}

// do sends one request and records its outcome in w.
func (r *run) do(w *worker) {
	t0 := time.Now()
	a, answered, err := w.exchange(r.ctx, r.target, t0, t0.Add(r.cfg.Timeout), !r.cfg.DisableKeepAlive, r.cfg.StaleIdle)
	r.record(w, t0, a, answered, err)
}

// record counts the outcome of one request started at t0 in w: its answer
// when the header arrived, its latency when it completed, its failure cause
// otherwise; a request cut off by the run's end is only counted cancelled.
func (r *run) record(w *worker, t0 time.Time, a answer, answered bool, err error) {
	if err != nil && r.ctx.Err() != nil {
		// Stopped by Duration or Ctrl-C, not a failure of the target.
		w.cancelled++
		return
	}
	if answered {
		// A response arrived, even if its body was then cut: it names its
		// status and its instance.
		w.count(a)
	}
	if err == nil {
		w.lat = append(w.lat, int64(time.Since(t0)/time.Microsecond))
		if len(w.lat) == latBatch {
			r.flush(w)
		}
	}
	switch {
	case err != nil && isTimeout(err):
		w.failures.Timeout++
	case err != nil:
		w.failures.Connection++
	case a.status < 200 || a.status > 299:
		w.failures.Status++
	default:
		r.done.Add(1)
		return
	}
	r.failed.Add(1)
	r.done.Add(1)
}

// flush moves w's buffered latencies into the run's histogram.
func (r *run) flush(w *worker) {
	if len(w.lat) == 0 {
		return
	}
	r.mu.Lock()
	for _, v := range w.lat {
		if v > histMax {
			v = histMax
		}
		_ = r.hist.RecordValue(v)
	}
	r.mu.Unlock()
	w.lat = w.lat[:0]
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// net.Error, and fasthttp's ErrTimeout, which has only the Timeout method.
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}
