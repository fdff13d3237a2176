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
)

// The client is a plain HTTP/1.1 one: each worker owns at most one
// connection, writes a prepared GET on it and reads the answer with the
// standard library's parser (http.ReadResponse). Compared with http.Client
// this spares two goroutine hand-offs, a context and a timer per request
// (the per-request timeout is a deadline on the connection), and it makes
// the counting exact: nothing is retried behind the caller's back, except
// the one case below, which is counted.
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
	parse   *http.Request
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
	t.parse = &http.Request{Method: http.MethodGet, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
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

// exchange sends the request on the worker's connection (dialling one if
// needed) and reads the whole answer by deadline. It returns the response
// once its header has arrived, even if the body then fails.
func (w *worker) exchange(ctx context.Context, t *target, start, deadline time.Time, keepAlive bool, staleIdle time.Duration) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		cc := w.slot.cc // only this worker writes slot.cc
		fresh := cc == nil
		if fresh {
			var err error
			if cc, err = t.dial(ctx, deadline); err != nil {
				return nil, err
			}
			if !w.slot.set(cc) {
				cc.nc.Close()
				return nil, context.Canceled
			}
		}
		if err := cc.nc.SetDeadline(deadline); err != nil {
			w.slot.close()
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, err := cc.nc.Write(t.request)
		if err == nil {
			_, err = cc.br.Peek(1)
		}
		if err != nil {
			w.slot.close()
			if !fresh && attempt == 0 && start.Sub(cc.lastUsed) > staleIdle && !isTimeout(err) && ctx.Err() == nil {
				w.retried++
				continue
			}
			return nil, err
		}
		resp, err := http.ReadResponse(cc.br, t.parse)
		for err == nil && resp.StatusCode >= 100 && resp.StatusCode < 200 && resp.StatusCode != http.StatusSwitchingProtocols {
			resp, err = http.ReadResponse(cc.br, t.parse) // skip 1xx interim answers
		}
		if err != nil {
			w.slot.close()
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.Close || !keepAlive || resp.StatusCode == http.StatusSwitchingProtocols {
			w.slot.close()
		} else {
			cc.lastUsed = time.Now()
		}
		return resp, err
	}
}
