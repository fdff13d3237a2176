// Command measure runs a command and reports what its whole process tree
// cost: wall time, CPU time (user+system of the command and every descendant
// it waited for, from wait4's rusage) and peak resident memory, the largest
// sum of VmRSS over all live processes of the tree, sampled from /proc every
// few milliseconds; also the largest sum of RssAnon (the anonymous part:
// heaps and stacks, without file-backed pages such as the binaries' code,
// which VmRSS counts once per process that maps them). GNU time's "maximum resident set size" is only the
// largest single process; a jsii app is a Go process plus two Node processes.
// It also reports processes of the tree still alive after the command ended
// (orphans). Sampling sees the processes alive at a sample, which for a jsii
// app (a Go process and its Node kernel for the whole run) is all of them.
//
//	measure -o result.txt [-interval 5ms] -- command args...
//
// The result is one line of key=value pairs. The command's own output and
// exit status pass through.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	out := flag.String("o", "", "file to write the result line to (default: standard error)")
	interval := flag.Duration("interval", 5*time.Millisecond, "sampling interval")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: measure [-o file] [-interval d] -- command args...")
		os.Exit(2)
	}
	res, code, err := run(flag.Args(), *interval)
	if err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(2)
	}
	line := res.String() + "\n"
	if *out == "" {
		fmt.Fprint(os.Stderr, line)
	} else if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

type result struct {
	wall, user, sys time.Duration
	peakTreeKB      int64 // largest sum of VmRSS over the tree at one sample
	peakAnonKB      int64 // largest sum of RssAnon (heaps, stacks) over the tree
	peakProcKB      int64 // largest VmRSS of one process
	procs           int   // distinct processes seen in the tree
	orphans         []int // processes of the tree alive after the command ended
	samples         int
	exit            int
}

func (r result) String() string {
	orphans := make([]string, len(r.orphans))
	for i, p := range r.orphans {
		orphans[i] = strconv.Itoa(p)
	}
	return fmt.Sprintf("wall_ms=%d cpu_ms=%d user_ms=%d sys_ms=%d tree_rss_peak_kb=%d tree_anon_peak_kb=%d proc_rss_peak_kb=%d procs=%d orphans=%d orphan_pids=%s samples=%d exit=%d",
		r.wall.Milliseconds(), (r.user + r.sys).Milliseconds(), r.user.Milliseconds(), r.sys.Milliseconds(),
		r.peakTreeKB, r.peakAnonKB, r.peakProcKB, r.procs, len(r.orphans), strings.Join(orphans, ","), r.samples, r.exit)
}

// proc identifies a process across pid reuse.
type proc struct {
	pid   int
	start string // starttime from /proc/<pid>/stat
}

func run(args []string, interval time.Duration) (result, int, error) {
	var r result
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return r, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	seen := map[proc]bool{}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var waitErr error
loop:
	for {
		r.sample(cmd.Process.Pid, seen)
		select {
		case waitErr = <-done:
			break loop
		case <-tick.C:
		}
	}
	r.wall = time.Since(begin)
	code := 0
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return r, 0, waitErr
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.user = time.Duration(ru.Utime.Nano())
		r.sys = time.Duration(ru.Stime.Nano())
	}
	code = cmd.ProcessState.ExitCode()
	r.exit = code
	r.procs = len(seen)
	time.Sleep(50 * time.Millisecond) // let children that are exiting go
	for p := range seen {
		if p.pid != cmd.Process.Pid && startTime(p.pid) == p.start {
			r.orphans = append(r.orphans, p.pid)
		}
	}
	if code < 0 { // killed by a signal
		code = 1
	}
	return r, code, nil
}

// sample adds up the resident memory of root and its descendants.
func (r *result) sample(root int, seen map[proc]bool) {
	var total, anon int64
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		rss, a, ok := memory(pid)
		if !ok {
			continue
		}
		if start := startTime(pid); start != "" {
			seen[proc{pid, start}] = true
		}
		total += rss
		anon += a
		r.peakProcKB = max(r.peakProcKB, rss)
		queue = append(queue, children(pid)...)
	}
	r.peakTreeKB = max(r.peakTreeKB, total)
	r.peakAnonKB = max(r.peakAnonKB, anon)
	r.samples++
}

// memory returns VmRSS and RssAnon of pid in kB (0 for a zombie).
func memory(pid int) (rss, anon int64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		key, v, found := strings.Cut(line, ":")
		if found && key == "Tgid" && strings.TrimSpace(v) != strconv.Itoa(pid) {
			return 0, 0, false // a thread of another process, not a process
		}
		if !found || (key != "VmRSS" && key != "RssAnon") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			return 0, 0, false
		}
		if key == "VmRSS" {
			rss = kb
		} else {
			anon = kb
		}
	}
	return rss, anon, true
}

func children(pid int) []int {
	var kids []int
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if k, err := strconv.Atoi(f); err == nil {
				kids = append(kids, k)
			}
		}
	}
	return kids
}

func startTime(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return ""
	}
	return f[19] // field 22, starttime
}
