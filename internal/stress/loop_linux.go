//go:build linux

package stress

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// The event-loop engine, for plain http without a rate cap (what a load test
// of an ALB runs): GOMAXPROCS loops, each owning a share of the workers'
// connections as non-blocking sockets on its own epoll set, as wrk does.
// Each worker still owns one connection and its counts; what goes is a
// goroutine per connection parked on Go's netpoller (the scheduler, a read
// that returns EAGAIN before each wait, thread wake-ups): a request costs a
// write, a read and a share of one epoll_wait. Requests, answers, framing,
// timeouts, the stale keep-alive retry and cancellation follow the goroutine
// engine (exchange in conn.go), and the tests run against both engines.

const haveLoopEngine = true

// loopsOverride, when > 0, sets the number of loops (tests).
var loopsOverride int

// maxLoopHeader bounds an answer's header (fasthttp's default limit).
const maxLoopHeader = 64 << 10

// loopConn is a worker's connection in a loop, and the request on it.
type loopConn struct {
	w  *worker
	fd int // -1: none

	// The request in flight.
	active   bool
	t0       time.Time
	deadline time.Time
	attempt  int
	fresh    bool      // the connection was dialled for this request
	lastUsed time.Time // end of the previous answer on this connection
	addrIdx  int       // the address being dialled
	wrote    int       // bytes of the request written
	wantOut  bool      // EPOLLOUT is watched
	got      bool      // a byte of the answer arrived
	state    connState

	// The answer.
	buf      []byte // unread input: buf[:n]
	n        int
	scanned  int // buf[:scanned] holds no header end
	a        answer
	instance []byte // a.instance's own copy
	answered bool
	reuse    bool
	left     int // body bytes still to skip (Content-Length or chunk data)
	chunk    chunkState
}

type connState int

const (
	stConnecting connState = iota
	stWriting
	stHeader
	stBody       // Content-Length: left bytes
	stChunked    // chunked framing (chunk says where)
	stUntilClose // the body ends when the server closes
	stIdle       // answered; the connection waits for the next request
)

type chunkState int

const (
	chSize chunkState = iota
	chData
	chDataEnd
	chTrailer
)

// resolveLoop resolves the target's host once for the run: the addresses a
// connection tries in turn. ok is false when the loop engine cannot be used
// (the goroutine engine then reports what is wrong, request by request).
func resolveLoop(ctx context.Context, addr string) (aps []netip.AddrPort, ok bool) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, false
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, false
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if ips, err = net.DefaultResolver.LookupNetIP(rctx, "ip", host); err != nil {
			return nil, false
		}
	}
	for _, ip := range ips {
		if ip.Zone() != "" || port < 0 || port > 65535 {
			return nil, false
		}
		aps = append(aps, netip.AddrPortFrom(ip.Unmap(), uint16(port)))
	}
	return aps, len(aps) > 0
}

// sockaddrs are a loop's own (Connect writes into a Sockaddr).
func sockaddrs(aps []netip.AddrPort) []unix.Sockaddr {
	sas := make([]unix.Sockaddr, len(aps))
	for i, ap := range aps {
		if ap.Addr().Is4() {
			sas[i] = &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
		} else {
			sas[i] = &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16()}
		}
	}
	return sas
}

// eventLoop is one loop's state.
type eventLoop struct {
	r     *run
	ep    int
	stop  int // eventfd written when the run is cancelled
	addrs []unix.Sockaddr
	conns []*loopConn
	byFD  map[int]*loopConn
	evs   []unix.EpollEvent

	// The header parser's input (reused).
	hr bytes.Reader
	br *bufio.Reader
}

// runLoops serves the workers with event loops until they are done. It
// first sends on started whether it runs: false, before any request, when
// the engine cannot serve this run (the caller then runs the goroutine
// engine).
func (r *run) runLoops(workers []*worker, started chan<- bool) {
	if r.target.tls != nil || r.cfg.Rate > 0 || engineOverride == "goroutines" {
		started <- false
		return
	}
	addrs, ok := resolveLoop(r.ctx, r.target.addr)
	if !ok {
		started <- false
		return
	}
	// Half as many loops as Ps (at least one): a loop blocked in epoll_wait
	// holds its P, and while another P is idle Go's scheduler leaves it so;
	// with every P in a blocked loop it hands them to new threads at each
	// wait (measured on 2 cores with the server beside it: 1.4x the CPU per
	// request of one loop).
	n := min(max(runtime.GOMAXPROCS(0)/2, 1), len(workers))
	if loopsOverride > 0 {
		n = min(loopsOverride, len(workers))
	}

	loops := make([]*eventLoop, n)
	for i := range loops {
		l, err := newEventLoop(r, sockaddrs(addrs))
		if err != nil {
			for _, l := range loops[:i] {
				l.close()
			}
			started <- false
			return
		}
		loops[i] = l
	}
	for i, w := range workers {
		l := loops[i%n]
		l.conns = append(l.conns, &loopConn{w: w, fd: -1, buf: make([]byte, 4096)})
	}
	started <- true
	stopped := make(chan struct{})
	stopAll := context.AfterFunc(r.ctx, func() {
		defer close(stopped)
		one := []byte{1, 0, 0, 0, 0, 0, 0, 0}
		for _, l := range loops {
			_, _ = unix.Write(l.stop, one)
		}
	})
	done := make(chan struct{}, n)
	for _, l := range loops {
		go func() {
			defer func() { done <- struct{}{} }()
			l.run()
		}()
	}
	for range loops {
		<-done
	}
	// The eventfds are closed only when no stop can still write to them.
	if !stopAll() {
		<-stopped
	}
	for _, l := range loops {
		l.close()
	}
}

func newEventLoop(r *run, addrs []unix.Sockaddr) (*eventLoop, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	stop, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		unix.Close(ep)
		return nil, err
	}
	if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, stop, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(stop)}); err != nil {
		unix.Close(ep)
		unix.Close(stop)
		return nil, err
	}
	l := &eventLoop{r: r, ep: ep, stop: stop, addrs: addrs, byFD: map[int]*loopConn{}, evs: make([]unix.EpollEvent, 128)}
	l.br = bufio.NewReaderSize(&l.hr, maxLoopHeader)
	return l, nil
}

func (l *eventLoop) close() {
	unix.Close(l.ep)
	unix.Close(l.stop)
}

// run starts a request on every connection, then serves events until every
// worker's share of the requests is done or the run is cancelled.
func (l *eventLoop) run() {
	active := 0
	for _, c := range l.conns {
		if l.next(c) {
			active++
		}
	}
	for active > 0 {
		timeout := -1
		if d, ok := l.nextDeadline(); ok {
			timeout = int(time.Until(d)/time.Millisecond) + 1
			if timeout < 0 {
				timeout = 0
			}
		}
		k, err := unix.EpollWait(l.ep, l.evs, timeout)
		if err != nil && err != unix.EINTR {
			for _, c := range l.conns {
				if c.active {
					l.finish(c, fmt.Errorf("epoll_wait: %w", err))
				}
			}
			break
		}
		if l.r.ctx.Err() != nil {
			break
		}
		for _, ev := range l.evs[:max(k, 0)] {
			c := l.byFD[int(ev.Fd)]
			if c == nil || !c.active {
				continue
			}
			l.event(c, ev.Events)
			// The next request goes out at once, as its answer's worker
			// is free (keeping the server busy while this batch is read).
			if !c.active && !l.next(c) {
				c.w = nil
			}
		}
		now := time.Now()
		for _, c := range l.conns {
			if c.active && !now.Before(c.deadline) {
				l.finish(c, os.ErrDeadlineExceeded)
			}
		}
		active = 0
		for _, c := range l.conns {
			if !c.active && c.w != nil {
				if !l.next(c) {
					c.w = nil // this worker is done
					continue
				}
			}
			if c.active {
				active++
			}
		}
	}
	// Cancelled (or epoll failed): requests in flight are cancelled.
	for _, c := range l.conns {
		if c.active {
			l.finish(c, context.Canceled)
		}
		l.closeConn(c)
		if c.w != nil {
			l.r.flush(c.w)
		}
	}
}

func (l *eventLoop) nextDeadline() (time.Time, bool) {
	var d time.Time
	for _, c := range l.conns {
		if c.active && (d.IsZero() || c.deadline.Before(d)) {
			d = c.deadline
		}
	}
	return d, !d.IsZero()
}

// next claims the worker's next request and starts it; false when the
// worker has no more (its share is done or the run was stopped).
func (l *eventLoop) next(c *loopConn) bool {
	if c.w == nil {
		return false
	}
	r := l.r
	k := r.issued.Add(1)
	if (r.cfg.Requests > 0 && k > r.cfg.Requests) || r.ctx.Err() != nil {
		l.closeConn(c)
		r.flush(c.w)
		return false
	}
	c.active = true
	c.t0 = time.Now()
	c.deadline = c.t0.Add(r.cfg.Timeout)
	c.attempt = 0
	l.start(c)
	return true
}

// start sends the request on the connection, dialling one if needed.
func (l *eventLoop) start(c *loopConn) {
	c.answered, c.reuse, c.got = false, false, false
	c.a = answer{}
	c.wrote = 0
	c.fresh = c.fd < 0
	if c.fresh {
		c.addrIdx = 0
		if err := l.dial(c); err != nil {
			l.finish(c, err)
		}
		return
	}
	c.state = stWriting
	l.write(c)
}

// dial starts a non-blocking connect to the connection's current address.
func (l *eventLoop) dial(c *loopConn) error {
	sa := l.addrs[c.addrIdx]
	family := unix.AF_INET
	if _, ok := sa.(*unix.SockaddrInet6); ok {
		family = unix.AF_INET6
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_TCP)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	// As Go's dialer: no Nagle delay, TCP keep-alive.
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
	c.fd = fd
	c.n, c.scanned = 0, 0
	c.wantOut = true
	l.byFD[fd] = c
	if err := unix.EpollCtl(l.ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(fd)}); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	c.state = stConnecting
	err = unix.Connect(fd, sa)
	if err != nil && err != unix.EINPROGRESS {
		return l.dialFailed(c, err)
	}
	return nil
}

// dialFailed tries the next address, or returns the error.
func (l *eventLoop) dialFailed(c *loopConn, err error) error {
	l.closeConn(c)
	if c.addrIdx+1 < len(l.addrs) && time.Now().Before(c.deadline) {
		c.addrIdx++
		return l.dial(c)
	}
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", err)}
}

// write sends what is left of the request; on EAGAIN the rest waits for
// EPOLLOUT. MSG_NOSIGNAL: a closed connection is an EPIPE, not a signal.
func (l *eventLoop) write(c *loopConn) {
	req := l.r.target.request
	for c.wrote < len(req) {
		m, err := unix.SendmsgN(c.fd, req[c.wrote:], nil, nil, unix.MSG_NOSIGNAL)
		if err == unix.EAGAIN {
			if !c.wantOut {
				c.wantOut = true
				_ = unix.EpollCtl(l.ep, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP, Fd: int32(c.fd)})
			}
			return
		}
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			l.failed(c, &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", err)})
			return
		}
		c.wrote += m
	}
	if c.wantOut {
		c.wantOut = false
		_ = unix.EpollCtl(l.ep, unix.EPOLL_CTL_MOD, c.fd, &unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(c.fd)})
	}
	c.state = stHeader
	// An answer may already be buffered (a server that answers early).
	l.parse(c)
}

// event handles epoll's events for the connection.
func (l *eventLoop) event(c *loopConn, ev uint32) {
	switch c.state {
	case stConnecting:
		if ev&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) == 0 {
			return
		}
		soErr, err := unix.GetsockoptInt(c.fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err == nil && soErr != 0 {
			err = unix.Errno(soErr)
		}
		if err != nil {
			if err := l.dialFailed(c, err); err != nil {
				l.finish(c, err)
			}
			return
		}
		// Connected (EPOLLOUT is watched since dial, until write is done).
		c.state = stWriting
		l.write(c)
	case stWriting:
		l.write(c)
	default:
		if ev&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP|unix.EPOLLRDHUP) != 0 {
			l.read(c)
		}
	}
}

// read takes what the socket holds and parses it.
func (l *eventLoop) read(c *loopConn) {
	if c.n == len(c.buf) {
		if len(c.buf) >= maxLoopHeader && c.state == stHeader {
			l.failed(c, errors.New("answer header larger than 64 KiB"))
			return
		}
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.n])
		c.buf = nb
	}
	m, err := unix.Read(c.fd, c.buf[c.n:])
	for err == unix.EINTR {
		m, err = unix.Read(c.fd, c.buf[c.n:])
	}
	switch {
	case err == unix.EAGAIN:
		return
	case err != nil:
		l.failed(c, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)})
		return
	case m == 0:
		l.eof(c)
		return
	}
	c.got = true
	c.n += m
	l.parse(c)
}

// eof: the server closed the connection.
func (l *eventLoop) eof(c *loopConn) {
	switch c.state {
	case stUntilClose:
		c.reuse = false
		l.finish(c, nil)
	case stHeader:
		if c.n == 0 && !c.answered {
			l.failed(c, io.EOF)
			return
		}
		l.failed(c, io.ErrUnexpectedEOF)
	default:
		l.failed(c, io.ErrUnexpectedEOF)
	}
}

// parse advances the answer over the buffered input.
func (l *eventLoop) parse(c *loopConn) {
	for c.active {
		switch c.state {
		case stHeader:
			end := headerEnd(c.buf[:c.n], c.scanned)
			if end < 0 {
				c.scanned = max(c.n-3, 0)
				return
			}
			if !l.header(c, end) {
				return
			}
		case stBody:
			k := min(c.left, c.n)
			c.consume(k)
			c.left -= k
			if c.left > 0 {
				return
			}
			l.finish(c, nil)
			return
		case stChunked:
			done, err := c.chunked()
			if err != nil {
				l.failed(c, err)
				return
			}
			if !done {
				return
			}
			l.finish(c, nil)
			return
		case stUntilClose:
			c.consume(c.n)
			return
		default:
			return
		}
	}
}

// header parses the header in buf[:end] and sets up the body. It returns
// whether parse should go on (an interim 1xx answer was skipped or a body
// follows).
func (l *eventLoop) header(c *loopConn, end int) bool {
	h := &c.w.resp.Header
	l.hr.Reset(c.buf[:end])
	l.br.Reset(&l.hr)
	err := h.Read(l.br)
	c.consume(end)
	c.scanned = 0
	if err != nil {
		l.failed(c, err)
		return false
	}
	status := h.StatusCode()
	if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
		return true // skip 1xx interim answers
	}
	c.instance = append(c.instance[:0], h.Peek(InstanceHeader)...)
	c.a = answer{status: status}
	if len(c.instance) > 0 {
		c.a.instance = c.instance
	}
	c.answered = true
	if status == http.StatusSwitchingProtocols {
		c.reuse = false
		l.finish(c, nil)
		return false
	}
	c.reuse = !h.ConnectionClose() && !l.r.cfg.DisableKeepAlive
	if status == http.StatusNoContent || status == http.StatusNotModified {
		l.finish(c, nil)
		return false
	}
	switch n := h.ContentLength(); {
	case n >= 0:
		c.state, c.left = stBody, n
	case n == -1:
		c.state, c.chunk, c.left = stChunked, chSize, 0
	default:
		c.state, c.reuse = stUntilClose, false
	}
	return true
}

// headerEnd returns the length of the header in b (through its blank line,
// CRLF or bare LF as fasthttp accepts), or -1; b[:from] holds no end.
func headerEnd(b []byte, from int) int {
	for i := from; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		i += j
		if i+1 < len(b) && b[i+1] == '\n' {
			return i + 2
		}
		if i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n' {
			return i + 3
		}
	}
	return -1
}

// consume drops the first k buffered bytes.
func (c *loopConn) consume(k int) {
	if k == c.n {
		c.n = 0
		return
	}
	copy(c.buf, c.buf[k:c.n])
	c.n -= k
}

// chunked advances over a chunked body (RFC 9112 section 7.1): size lines,
// data, CRLFs, and trailer lines up to the blank one.
func (c *loopConn) chunked() (done bool, err error) {
	for {
		switch c.chunk {
		case chSize, chTrailer:
			i := bytes.IndexByte(c.buf[:c.n], '\n')
			if i < 0 {
				if c.n > 4096 {
					return false, errors.New("chunk size line longer than 4 KiB")
				}
				return false, nil
			}
			line := bytes.TrimRight(c.buf[:i], "\r")
			if c.chunk == chTrailer {
				c.consume(i + 1)
				if len(line) == 0 {
					return true, nil
				}
				continue
			}
			if j := bytes.IndexByte(line, ';'); j >= 0 {
				line = line[:j]
			}
			size, perr := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 62)
			if perr != nil || len(bytes.TrimSpace(line)) == 0 {
				return false, fmt.Errorf("malformed chunk size %q", line)
			}
			c.consume(i + 1)
			if size == 0 {
				c.chunk = chTrailer
				continue
			}
			c.chunk, c.left = chData, int(size)
		case chData:
			k := min(c.left, c.n)
			c.consume(k)
			c.left -= k
			if c.left > 0 {
				return false, nil
			}
			c.chunk = chDataEnd
		case chDataEnd:
			if c.n < 2 {
				return false, nil
			}
			if c.buf[0] != '\r' || c.buf[1] != '\n' {
				return false, errors.New("chunk data not followed by CRLF")
			}
			c.consume(2)
			c.chunk = chSize
		}
	}
}

// failed ends the request with err, unless it may go once more on a new
// connection: the first attempt, on a keep-alive connection idle longer than
// StaleIdle, failing before any byte of the answer (see DefaultStaleIdle).
func (l *eventLoop) failed(c *loopConn, err error) {
	r := l.r
	if !c.fresh && c.attempt == 0 && !c.got && !c.answered && c.t0.Sub(c.lastUsed) > r.cfg.StaleIdle && !isTimeout(err) && r.ctx.Err() == nil {
		c.w.retried++
		c.attempt++
		l.closeConn(c)
		l.start(c)
		return
	}
	l.finish(c, err)
}

// finish records the request's outcome and keeps or closes the connection.
func (l *eventLoop) finish(c *loopConn, err error) {
	if !c.active {
		return
	}
	c.active = false
	if err != nil || !c.reuse {
		l.closeConn(c)
	} else {
		c.state = stIdle
		c.lastUsed = time.Now()
	}
	l.r.record(c.w, c.t0, c.a, c.answered, err)
}

func (l *eventLoop) closeConn(c *loopConn) {
	if c.fd < 0 {
		return
	}
	delete(l.byFD, c.fd)
	_ = unix.EpollCtl(l.ep, unix.EPOLL_CTL_DEL, c.fd, nil)
	unix.Close(c.fd)
	c.fd = -1
	c.n, c.scanned = 0, 0
}
