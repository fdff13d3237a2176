package stress

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// The client is a plain HTTP/1.1 one: each worker owns at most one
// connection, writes a prepared GET on it and reads the answer's header with
// fasthttp's parser into a ResponseHeader the worker reuses, so that a
// request allocates nothing (http.ReadResponse built a header map, its
// strings and a body reader for every answer: 10 allocations, 740 bytes).
// Bodies are skipped by their Content-Length, or read to their end through
// fasthttp's body stream (chunked with trailers, or until the server
// closes). Compared with http.Client this also spares two goroutine
// hand-offs, a context and a timer per request (the per-request timeout is a
// deadline on the connection), and it makes the counting exact: nothing is
// retried behind the caller's back, except the one case below, which is
// counted.
//
// DefaultStaleIdle: a keep-alive connection that sat idle this long may
// have been closed by the server or the ALB just as it is reused. A request
// on such a connection that fails before any byte of the answer is sent once
// more on a new connection, and counted in Result.Retried. Under load
// connections are never idle this long, so every failure is reported as it
// happened.
const DefaultStaleIdle = time.Second

// target is the prepared request of a run.
type target struct {
	addr    string      // host:port to dial
	tls     *tls.Config // nil for http
	request []byte      // the bytes of the GET
}

func newTarget(cfg Config) (*target, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return nil, err
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("not an http(s) URL: %q", cfg.URL)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	t := &target{addr: net.JoinHostPort(u.Hostname(), port)}
	if cfg.ConnectTo != "" {
		if _, _, err := net.SplitHostPort(cfg.ConnectTo); err != nil {
			return nil, fmt.Errorf("connect-to %q: want host:port (%v)", cfg.ConnectTo, err)
		}
		t.addr = cfg.ConnectTo
	}
	if u.Scheme == "https" {
		t.tls = &tls.Config{
			ServerName:         u.Hostname(),
			InsecureSkipVerify: cfg.Insecure, //nolint:gosec // opt-in flag
			NextProtos:         []string{"http/1.1"},
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: elastic-web-tier-stress/1\r\nAccept: */*\r\n", u.RequestURI(), u.Host)
	if cfg.DisableKeepAlive {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	t.request = []byte(b.String())
	return t, nil
}

// clientConn is a worker's connection.
type clientConn struct {
	nc       net.Conn
	br       *bufio.Reader
	lastUsed time.Time
}

// connSlot holds a worker's connection where the run's cancellation can
// reach it: abort puts its deadline in the past, so a blocked read returns.
type connSlot struct {
	mu      sync.Mutex
	cc      *clientConn
	aborted bool
}

func (s *connSlot) set(cc *clientConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aborted {
		return false
	}
	s.cc = cc
	return true
}

func (s *connSlot) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cc != nil {
		s.cc.nc.Close()
		s.cc = nil
	}
}

func (s *connSlot) abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.aborted = true
	if s.cc != nil {
		_ = s.cc.nc.SetDeadline(time.Unix(1, 0))
	}
}

// dial opens a connection (and its TLS session) by deadline.
func (t *target) dial(ctx context.Context, deadline time.Time) (*clientConn, error) {
	d := net.Dialer{Deadline: deadline, KeepAlive: 30 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", t.addr)
	if err != nil {
		return nil, err
	}
	if t.tls != nil {
		tc := tls.Client(nc, t.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	return &clientConn{nc: nc, br: bufio.NewReaderSize(nc, 4096)}, nil
}

// answer is what exchange read of a response: its status and the instance
// that sent it (X-Instance-Id; nil when absent, valid until the worker's next
// exchange).
type answer struct {
	status   int
	instance []byte
}

// exchange sends the request on the worker's connection (dialling one if
// needed) and reads the whole answer by deadline. It returns the answer once
// its header has arrived (ok), even if the body then fails.
func (w *worker) exchange(ctx context.Context, t *target, start, deadline time.Time, keepAlive bool, staleIdle time.Duration) (a answer, ok bool, err error) {
	for attempt := 0; ; attempt++ {
		cc := w.slot.cc // only this worker writes slot.cc
		fresh := cc == nil
		if fresh {
			if cc, err = t.dial(ctx, deadline); err != nil {
				return a, false, err
			}
			if !w.slot.set(cc) {
				cc.nc.Close()
				return a, false, context.Canceled
			}
		}
		if err = cc.nc.SetDeadline(deadline); err != nil {
			w.slot.close()
			return a, false, err
		}
		if err = ctx.Err(); err != nil {
			return a, false, err
		}
		_, err = cc.nc.Write(t.request)
		if err == nil {
			_, err = cc.br.Peek(1)
		}
		if err != nil {
			w.slot.close()
			if !fresh && attempt == 0 && start.Sub(cc.lastUsed) > staleIdle && !isTimeout(err) && ctx.Err() == nil {
				w.retried++
				continue
			}
			return a, false, err
		}
		h := &w.resp.Header
		err = h.Read(cc.br)
		for err == nil && h.StatusCode() >= 100 && h.StatusCode() < 200 && h.StatusCode() != http.StatusSwitchingProtocols {
			err = h.Read(cc.br) // skip 1xx interim answers
		}
		if err != nil {
			w.slot.close()
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return a, false, err
		}
		a = answer{status: h.StatusCode(), instance: h.Peek(InstanceHeader)}
		if a.status == http.StatusSwitchingProtocols {
			// The connection now speaks another protocol: not ours to read.
			w.slot.close()
			return a, true, nil
		}
		reuse, err := discardBody(&w.resp, cc.br)
		if err != nil || !reuse || h.ConnectionClose() || !keepAlive {
			w.slot.close()
		} else {
			cc.lastUsed = time.Now()
		}
		return a, true, err
	}
}

// discardBody reads resp's body from br and drops it, by its framing:
// Content-Length, chunked (with trailers), or until the connection closes
// (then the connection cannot be reused). Bodies other than Content-Length
// ones go through fasthttp's body stream, so memory stays bounded whatever
// their size.
func discardBody(resp *fasthttp.Response, br *bufio.Reader) (reuse bool, err error) {
	status := resp.Header.StatusCode()
	if status == http.StatusNoContent || status == http.StatusNotModified {
		return true, nil
	}
	n := resp.Header.ContentLength()
	if n >= 0 {
		// The common case, without the stream: skip n bytes.
		if _, err := br.Discard(n); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return false, err
		}
		return true, nil
	}
	resp.StreamBody = true
	if err := resp.ReadBody(br, 0); err != nil {
		return false, err
	}
	_, err = io.Copy(io.Discard, resp.BodyStream())
	if cerr := resp.CloseBodyStream(); err == nil {
		err = cerr
	}
	// -1 is chunked (framed: the connection can be reused); -2 is a body
	// that ends when the server closes.
	return n == -1 && err == nil, err
}
