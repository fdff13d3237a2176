package stress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// console serialises what goes to a terminal: a progress line redrawn in
// place, and event lines printed above it.
type console struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool // redraw a progress bar
	drawn   bool // a progress line is on screen
	total   int64
	limit   time.Duration
	barSize int
}

func newConsole(w io.Writer, tty bool, total int64, limit time.Duration) *console {
	return &console{w: w, tty: tty, total: total, limit: limit, barSize: 30}
}

// line prints one line, above the progress bar if one is drawn.
func (c *console) line(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drawn {
		fmt.Fprint(c.w, "\r\033[K")
		c.drawn = false
	}
	fmt.Fprintln(c.w, s)
}

// progress redraws the bar (terminals only).
func (c *console) progress(p Progress) {
	if !c.tty {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprint(c.w, "\r\033[K"+c.render(p))
	c.drawn = true
}

// clear removes the bar before the report is printed.
func (c *console) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drawn {
		fmt.Fprint(c.w, "\r\033[K")
		c.drawn = false
	}
}

func (c *console) render(p Progress) string {
	frac := -1.0
	if c.total > 0 {
		frac = float64(p.Done) / float64(c.total)
	}
	if c.limit > 0 {
		frac = max(frac, p.Elapsed.Seconds()/c.limit.Seconds())
	}
	frac = min(frac, 1)
	var b strings.Builder
	if frac >= 0 {
		n := int(frac * float64(c.barSize))
		b.WriteString("[" + strings.Repeat("=", n) + strings.Repeat(" ", c.barSize-n) + "]")
		fmt.Fprintf(&b, " %3.0f%%", 100*frac)
	}
	if c.total > 0 {
		fmt.Fprintf(&b, " %d/%d", p.Done, c.total)
	} else {
		fmt.Fprintf(&b, " %d done", p.Done)
	}
	rps := 0.0
	if s := p.Elapsed.Seconds(); s > 0 {
		rps = float64(p.Done) / s
	}
	fmt.Fprintf(&b, "  %.0f req/s  %d failed  %.1fs", rps, p.Failed, p.Elapsed.Seconds())
	return b.String()
}
