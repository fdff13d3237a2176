package stress

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backend is one fake instance: it answers with its ID in the body and in
// X-Instance-Id, and counts what it answered.
type backend struct {
	id     string
	srv    *httptest.Server
	served atomic.Int64
	// behave, when set, decides the answer to the n-th request (1-based);
	// it returns false when it wrote nothing and the default answer applies.
	behave func(n int64, w http.ResponseWriter, r *http.Request) bool
}

func newBackend(t *testing.T, id string, behave func(n int64, w http.ResponseWriter, r *http.Request) bool) *backend {
	t.Helper()
	b := &backend{id: id, behave: behave}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := b.served.Add(1)
		if b.behave != nil && b.behave(n, w, r) {
			return
		}
		w.Header().Set(InstanceHeader, b.id)
		io.WriteString(w, b.id+"\n")
	}))
	t.Cleanup(b.srv.Close)
	return b
}

// newProxy is a small ALB: it sends request k to backends[k % len] and, when
// a backend cannot be reached or drops the connection, drops the client's
// connection too (no 502), so the client sees a connection error.
func newProxy(t *testing.T, backends ...*backend) *httptest.Server {
	t.Helper()
	var next atomic.Int64
	targets := make([]*url.URL, len(backends))
	for i, b := range backends {
		targets[i], _ = url.Parse(b.srv.URL)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(targets[(next.Add(1)-1)%int64(len(targets))])
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		ErrorHandler: func(http.ResponseWriter, *http.Request, error) {
			panic(http.ErrAbortHandler)
		},
		ErrorLog: discardLog(),
	}
	srv := httptest.NewUnstartedServer(rp)
	srv.Config.ErrorLog = discardLog()
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func runLoad(t *testing.T, cfg Config) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Accounting holds whatever happened.
	if res.Succeeded+res.Failed != res.Requests {
		t.Errorf("succeeded %d + failed %d != requests %d", res.Succeeded, res.Failed, res.Requests)
	}
	var withResponse int64
	for _, n := range res.StatusCodes {
		withResponse += n
	}
	var byInstance int64
	for _, n := range res.Instances {
		byInstance += n
	}
	if byInstance+res.NoInstanceID != withResponse {
		t.Errorf("instances %d + no header %d != responses %d", byInstance, res.NoInstanceID, withResponse)
	}
	if res.Failures.Timeout+res.Failures.Connection+withResponse != res.Requests {
		t.Errorf("timeouts %d + connection errors %d + responses %d != requests %d",
			res.Failures.Timeout, res.Failures.Connection, withResponse, res.Requests)
	}
	return res
}

func wantCounts(t *testing.T, what string, got map[string]int64, want map[string]int64) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestEvenRoundRobin(t *testing.T) {
	bs := []*backend{newBackend(t, "i-a", nil), newBackend(t, "i-b", nil), newBackend(t, "i-c", nil), newBackend(t, "i-d", nil)}
	proxy := newProxy(t, bs...)
	res := runLoad(t, Config{URL: proxy.URL, Requests: 400, Concurrency: 8, Timeout: 5 * time.Second})
	if res.Requests != 400 || res.Succeeded != 400 || res.Failed != 0 || res.Cancelled != 0 {
		t.Fatalf("requests %d succeeded %d failed %d cancelled %d", res.Requests, res.Succeeded, res.Failed, res.Cancelled)
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": 100, "i-b": 100, "i-c": 100, "i-d": 100})
	if res.StatusCodes[200] != 400 || len(res.StatusCodes) != 1 {
		t.Errorf("status codes %v", res.StatusCodes)
	}
	if res.Stopped != StoppedCount {
		t.Errorf("stopped %q", res.Stopped)
	}
	if got := res.Latency.TotalCount(); got != 400 {
		t.Errorf("latency samples %d, want 400", got)
	}
	rep := NewReport(Config{URL: proxy.URL, Concurrency: 8}, res, DefaultTolerance)
	if rep.Evenness.CV != 0 || rep.Evenness.MaxOverMin != 1 || rep.Verdict != VerdictEven {
		t.Errorf("evenness %+v verdict %s", rep.Evenness, rep.Verdict)
	}
}

func TestStatusCodesWhenOneBackendFails(t *testing.T) {
	fail := func(_ int64, w http.ResponseWriter, _ *http.Request) bool {
		w.Header().Set(InstanceHeader, "i-bad")
		http.Error(w, "boom", http.StatusInternalServerError)
		return true
	}
	proxy := newProxy(t, newBackend(t, "i-a", nil), newBackend(t, "i-bad", fail), newBackend(t, "i-c", nil))
	res := runLoad(t, Config{URL: proxy.URL, Requests: 300, Concurrency: 6, Timeout: 5 * time.Second})
	if res.Requests != 300 || res.Succeeded != 200 || res.Failed != 100 || res.Failures.Status != 100 {
		t.Fatalf("requests %d succeeded %d failed %d failures %+v", res.Requests, res.Succeeded, res.Failed, res.Failures)
	}
	if res.StatusCodes[200] != 200 || res.StatusCodes[500] != 100 || len(res.StatusCodes) != 2 {
		t.Errorf("status codes %v", res.StatusCodes)
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": 100, "i-bad": 100, "i-c": 100})
	if res.Failures.Timeout != 0 || res.Failures.Connection != 0 {
		t.Errorf("failures %+v", res.Failures)
	}
}

func TestTimeoutsWhenOneBackendHangs(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hang := func(_ int64, _ http.ResponseWriter, r *http.Request) bool {
		select {
		case <-r.Context().Done():
		case <-release:
		}
		return true
	}
	a, hung, c := newBackend(t, "i-a", nil), newBackend(t, "i-hung", hang), newBackend(t, "i-c", nil)
	proxy := newProxy(t, a, hung, c)
	// The timeout is 100x a loopback answer, so only the hung backend times out.
	res := runLoad(t, Config{URL: proxy.URL, Requests: 30, Concurrency: 10, Timeout: 250 * time.Millisecond})
	if res.Requests != 30 || res.Failures.Timeout != 10 || res.Succeeded != 20 || res.Failures.Connection != 0 {
		t.Fatalf("requests %d succeeded %d failures %+v", res.Requests, res.Succeeded, res.Failures)
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": 10, "i-c": 10})
	if res.Latency.TotalCount() != 20 {
		t.Errorf("latency samples %d, want 20 (timeouts have no latency)", res.Latency.TotalCount())
	}
}

// One backend dies after 20 answers: every later request routed to it ends
// in a dropped connection, counted as such (nothing is retried under load),
// with or without keep-alive.
func TestConnectionErrorsWhenOneBackendDies(t *testing.T) {
	for _, keepAlive := range []bool{true, false} {
		t.Run(fmt.Sprintf("keep-alive %v", keepAlive), func(t *testing.T) {
			die := func(n int64, _ http.ResponseWriter, _ *http.Request) bool {
				if n > 20 {
					panic(http.ErrAbortHandler) // the process is gone: no answer
				}
				return false
			}
			a, dying, c := newBackend(t, "i-a", nil), newBackend(t, "i-dying", die), newBackend(t, "i-c", nil)
			dying.srv.Config.ErrorLog = discardLog()
			proxy := newProxy(t, a, dying, c)
			res := runLoad(t, Config{URL: proxy.URL, Requests: 300, Concurrency: 6, Timeout: 5 * time.Second, DisableKeepAlive: !keepAlive})
			if res.Requests != 300 || res.Succeeded != 220 || res.Failures.Connection != 80 || res.Failures.Timeout != 0 || res.Failures.Status != 0 || res.Retried != 0 {
				t.Fatalf("requests %d succeeded %d retried %d failures %+v", res.Requests, res.Succeeded, res.Retried, res.Failures)
			}
			wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": 100, "i-c": 100, "i-dying": 20})
		})
	}
}

// The backend's listener really closes mid-run, with requests in flight: the
// split is not fixed, but what each live instance is credited with must
// equal what it served, and every request must be accounted for.
func TestBackendListenerClosedMidRunKeepAlive(t *testing.T) {
	var dead *backend
	var once sync.Once
	kill := func(n int64, _ http.ResponseWriter, _ *http.Request) bool {
		if n == 15 {
			once.Do(func() {
				go func() {
					dead.srv.Listener.Close()
					dead.srv.CloseClientConnections()
				}()
			})
		}
		return false
	}
	a, c := newBackend(t, "i-a", nil), newBackend(t, "i-c", nil)
	dead = newBackend(t, "i-dead", kill)
	proxy := newProxy(t, a, dead, c)
	res := runLoad(t, Config{URL: proxy.URL, Requests: 300, Concurrency: 4, Timeout: 5 * time.Second})
	if res.Requests != 300 {
		t.Fatalf("requests %d", res.Requests)
	}
	for _, b := range []*backend{a, c} {
		if got, want := res.Instances[b.id], b.served.Load(); got != want {
			t.Errorf("%s: credited %d, served %d", b.id, got, want)
		}
	}
	// The dying backend may have run a handler whose answer was cut by the
	// kill: at most one per worker.
	if got, served := res.Instances[dead.id], dead.served.Load(); got > served || got < served-4 || got < 14 {
		t.Errorf("%s: credited %d, served %d", dead.id, got, served)
	}
	if res.Failures.Connection == 0 {
		t.Errorf("no connection error after a backend died: %+v", res.Failures)
	}
	if res.Failures.Timeout != 0 || res.Failures.Status != 0 {
		t.Errorf("failures %+v", res.Failures)
	}
}

// The whole target dies: the run still ends with every request counted.
func TestTargetDiesMidRun(t *testing.T) {
	var srv *httptest.Server
	var once sync.Once
	var served atomic.Int64
	// Unstarted, so that srv is set before any handler reads it (the race
	// detector sees no order through the client's raw sockets).
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if served.Add(1) == 50 {
			once.Do(func() {
				go func() { srv.Listener.Close(); srv.CloseClientConnections() }()
			})
		}
		w.Header().Set(InstanceHeader, "i-only")
	}))
	srv.Start()
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 500, Concurrency: 5, Timeout: 5 * time.Second})
	if res.Requests != 500 || res.Failures.Connection == 0 || res.Instances["i-only"] != res.Succeeded {
		t.Fatalf("requests %d succeeded %d failures %+v instances %v", res.Requests, res.Succeeded, res.Failures, res.Instances)
	}
}

// Every request hangs: -t ends the run at once, in-flight requests are
// cancelled, not failed.
func TestDurationEndsHungRun(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	res := runLoad(t, Config{URL: srv.URL, Requests: 1000, Concurrency: 4, Timeout: time.Hour, Duration: 150 * time.Millisecond})
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
	if res.Stopped != StoppedDuration || res.Requests != 0 || res.Cancelled != 4 || res.Failed != 0 {
		t.Errorf("stopped %s requests %d cancelled %d failed %d", res.Stopped, res.Requests, res.Cancelled, res.Failed)
	}
}

// Ctrl-C (ctx cancelled) mid-run: what was measured so far is returned.
func TestInterruptReturnsPartialResult(t *testing.T) {
	var served atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) == 100 {
			cancel()
			<-r.Context().Done()
			return
		}
		w.Header().Set(InstanceHeader, "i-a")
	}))
	defer srv.Close()
	res, err := Run(ctx, Config{URL: srv.URL, Requests: 1_000_000, Concurrency: 3, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	// The 100th request hangs until the cancel; up to 2 others were in flight.
	if res.Stopped != StoppedInterrupted || res.Requests < 97 || res.Requests >= served.Load() || res.Failed != 0 || res.Cancelled < 1 {
		t.Errorf("stopped %s requests %d failed %d cancelled %d", res.Stopped, res.Requests, res.Failed, res.Cancelled)
	}
	if res.Instances["i-a"] != res.Requests {
		t.Errorf("instances %v, requests %d", res.Instances, res.Requests)
	}
}

// A dead port from the start: every request is a connection error, quickly.
func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	res := runLoad(t, Config{URL: "http://" + addr + "/", Requests: 50, Concurrency: 5, Timeout: 5 * time.Second})
	if res.Requests != 50 || res.Failures.Connection != 50 || res.Succeeded != 0 {
		t.Errorf("requests %d succeeded %d failures %+v", res.Requests, res.Succeeded, res.Failures)
	}
}

// The rate limit spaces requests: 20 requests at 200/s take at least 19 intervals.
func TestRateLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 20, Concurrency: 4, Timeout: 5 * time.Second, Rate: 200})
	if res.Requests != 20 || res.NoInstanceID != 20 {
		t.Fatalf("requests %d no header %d", res.Requests, res.NoInstanceID)
	}
	if min := 19 * 5 * time.Millisecond; res.Elapsed < min {
		t.Errorf("elapsed %v < %v", res.Elapsed, min)
	}
}

func TestRedirectIsCountedNotFollowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.invalid/", http.StatusMovedPermanently)
	}))
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 5, Concurrency: 1, Timeout: 5 * time.Second})
	if res.StatusCodes[301] != 5 || res.Failures.Status != 5 {
		t.Errorf("status codes %v failures %+v", res.StatusCodes, res.Failures)
	}
}

// A server that closes idle keep-alive connections: a request on a
// connection idle longer than StaleIdle that fails before any answer is
// sent again on a new connection, and counted as retried, not failed.
func TestStaleKeepAliveConnectionIsRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, "i-a")
	}))
	srv.Config.IdleTimeout = 10 * time.Millisecond
	srv.Start()
	defer srv.Close()
	// 10 requests/s: each waits about 100ms, 10 times the server's idle
	// timeout. StaleIdle is tiny so that any connection the server closed
	// counts as stale, whatever the scheduling delays.
	res := runLoad(t, Config{URL: srv.URL, Requests: 4, Concurrency: 1, Timeout: 5 * time.Second, Rate: 10, StaleIdle: time.Microsecond})
	if res.Requests != 4 || res.Succeeded != 4 || res.Retried < 1 || res.Retried > 3 {
		t.Errorf("requests %d succeeded %d retried %d failures %+v", res.Requests, res.Succeeded, res.Retried, res.Failures)
	}
}

// Without the stale-idle rule (StaleIdle longer than the idle time) the same
// dropped connections are failures: nothing is retried silently.
func TestDroppedKeepAliveConnectionIsAFailure(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.IdleTimeout = 10 * time.Millisecond
	srv.Start()
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 4, Concurrency: 1, Timeout: 5 * time.Second, Rate: 10, StaleIdle: time.Hour})
	if res.Requests != 4 || res.Retried != 0 || res.Failures.Connection < 1 || res.Succeeded < 2 {
		t.Errorf("requests %d succeeded %d retried %d failures %+v", res.Requests, res.Succeeded, res.Retried, res.Failures)
	}
}

func TestHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, "i-tls")
	}))
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 20, Concurrency: 2, Timeout: 5 * time.Second, Insecure: true})
	if res.Succeeded != 20 || res.Instances["i-tls"] != 20 {
		t.Errorf("succeeded %d instances %v failures %+v", res.Succeeded, res.Instances, res.Failures)
	}
	// The test certificate is not trusted: without --insecure, every request fails to connect.
	srv.Config.ErrorLog = discardLog()
	res = runLoad(t, Config{URL: srv.URL, Requests: 4, Concurrency: 2, Timeout: 5 * time.Second})
	if res.Failures.Connection != 4 {
		t.Errorf("failures %+v", res.Failures)
	}
}

// Chunked bodies, bodies until close, and Connection: close are all framed
// by the standard parser; each answer counts once.
func TestResponseFraming(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, "i-a")
		switch n.Add(1) % 3 {
		case 0: // chunked
			for range 3 {
				io.WriteString(w, "chunk ")
				w.(http.Flusher).Flush()
			}
		case 1: // Connection: close
			w.Header().Set("Connection", "close")
			io.WriteString(w, "bye")
		default: // a large body with Content-Length
			w.Header().Set("Content-Length", "100000")
			w.Write(make([]byte, 100000))
		}
	}))
	defer srv.Close()
	res := runLoad(t, Config{URL: srv.URL, Requests: 60, Concurrency: 3, Timeout: 5 * time.Second})
	if res.Succeeded != 60 || res.Instances["i-a"] != 60 || n.Load() != 60 {
		t.Errorf("succeeded %d instances %v served %d failures %+v", res.Succeeded, res.Instances, n.Load(), res.Failures)
	}
}

// rawServer answers each connection's requests with the next of answers (raw
// bytes, in turn across connections); an answer ending in "<close>" is sent
// without it and the connection is then closed. It returns the URL.
func rawServer(t *testing.T, answers ...string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var next atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					req.Body.Close()
					a := answers[(next.Add(1)-1)%int64(len(answers))]
					body, closeAfter := strings.CutSuffix(a, "<close>")
					if _, err := io.WriteString(c, body); err != nil || closeAfter {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

// Framings and header forms a real server or proxy may send, written byte
// for byte: each answer is counted once, by its final status and its
// instance, whatever the header's case, and what follows it on the
// connection is read as the next answer.
func TestResponseFramingOnTheWire(t *testing.T) {
	url := rawServer(t,
		// an interim 103 before the real answer
		"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nX-Instance-Id: i-a\r\nContent-Length: 3\r\n\r\ni-a",
		// 204: no body, even without Content-Length
		"HTTP/1.1 204 No Content\r\nx-instance-id: i-b\r\n\r\n",
		// chunked, with a trailer
		"HTTP/1.1 200 OK\r\nX-INSTANCE-ID: i-a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n",
		// a body that ends when the server closes the connection
		"HTTP/1.1 200 OK\r\nX-Instance-Id: i-b\r\n\r\nuntil close<close>",
		// HTTP/1.0 answer without keep-alive: the server closes
		"HTTP/1.0 200 OK\r\nX-Instance-Id: i-a\r\nContent-Length: 2\r\n\r\nok<close>",
		// no instance header
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	)
	res := runLoad(t, Config{URL: url, Requests: 60, Concurrency: 1, Timeout: 5 * time.Second})
	if res.Succeeded != 60 || res.Failed != 0 || res.StatusCodes[200] != 50 || res.StatusCodes[204] != 10 || len(res.StatusCodes) != 2 {
		t.Errorf("succeeded %d status codes %v failures %+v", res.Succeeded, res.StatusCodes, res.Failures)
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": 30, "i-b": 20})
	if res.NoInstanceID != 10 {
		t.Errorf("no instance ID %d, want 10", res.NoInstanceID)
	}
}

// An answer whose header arrived but whose body was cut short counts its
// status and instance and is a connection failure (so it is both a response
// and a failure, which runLoad's accounting does not allow for); a malformed
// answer is a connection failure only.
func TestTruncatedAndMalformedAnswers(t *testing.T) {
	url := rawServer(t,
		"HTTP/1.1 200 OK\r\nX-Instance-Id: i-a\r\nContent-Length: 10\r\n\r\nabc<close>",
		"HTTP/1.1 200 OK\r\nX-Instance-Id: i-a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab<close>",
		"not http at all\r\n\r\n<close>",
		"HTTP/1.1 200 OK\r\nX-Instance-Id: i-a\r\nContent-Length: 2\r\n\r\nok",
	)
	res, err := Run(context.Background(), Config{URL: url, Requests: 40, Concurrency: 1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 40 || res.Succeeded != 10 || res.Failures.Connection != 30 || res.Failures.Timeout != 0 {
		t.Errorf("requests %d succeeded %d failures %+v", res.Requests, res.Succeeded, res.Failures)
	}
	if res.StatusCodes[200] != 30 || res.Instances["i-a"] != 30 {
		t.Errorf("status codes %v instances %v", res.StatusCodes, res.Instances)
	}
}

// The client's cost per request against a loopback server that allocates
// nothing (it reads up to each request's blank line and writes a fixed
// answer), so allocs/op and B/op are the client's own; ns/op also holds the
// server's work on the same cores. scripts/bench-stress.sh compares the
// client with wrk, hey and ab.
func BenchmarkRunLoopback(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	answer := []byte("HTTP/1.1 200 OK\r\nX-Instance-Id: i-a\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ni-a\n")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 4096)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					// One request per read is how a client without
					// pipelining sends; count the blank lines to be sure.
					for range bytes.Count(buf[:n], []byte("\r\n\r\n")) {
						if _, err := c.Write(answer); err != nil {
							return
						}
					}
				}
			}()
		}
	}()
	cfg := Config{URL: "http://" + ln.Addr().String() + "/", Requests: int64(b.N), Concurrency: 8, Timeout: 5 * time.Second}
	b.ReportAllocs()
	b.ResetTimer()
	res, err := Run(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if res.Succeeded != int64(b.N) || res.Instances["i-a"] != int64(b.N) {
		b.Fatalf("succeeded %d instances %v", res.Succeeded, res.Instances)
	}
}
