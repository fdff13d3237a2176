package main

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// helper modes of this test binary, run as the measured command.
func TestMain(m *testing.M) {
	switch os.Getenv("MEASURE_HELPER") {
	case "alloc": // hold 64 MiB for a while, in a grandchild too
		b := make([]byte, 64<<20)
		for i := range b {
			b[i] = 1
		}
		if os.Getenv("MEASURE_DEPTH") == "" {
			c := exec.Command(os.Args[0])
			c.Env = append(os.Environ(), "MEASURE_DEPTH=1")
			if err := c.Run(); err != nil {
				os.Exit(3)
			}
		} else {
			time.Sleep(300 * time.Millisecond)
		}
		_ = b[len(b)-1]
		os.Exit(0)
	case "orphan": // leave a child behind (alive long enough to be sampled)
		c := exec.Command("sleep", "2")
		if err := c.Start(); err != nil {
			os.Exit(3)
		}
		time.Sleep(100 * time.Millisecond)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestMeasuresTheWholeTree(t *testing.T) {
	t.Setenv("MEASURE_HELPER", "alloc")
	r, code, err := run([]string{os.Args[0]}, 5*time.Millisecond)
	if err != nil || code != 0 {
		t.Fatalf("run: %v, exit %d", err, code)
	}
	// Parent and grandchild each hold 64 MiB while the grandchild sleeps.
	if r.peakTreeKB < 2*64*1024 || r.peakAnonKB < 2*64*1024 {
		t.Errorf("tree peak %d kB, anon %d kB: want both processes' 64 MiB counted", r.peakTreeKB, r.peakAnonKB)
	}
	if r.peakProcKB < 64*1024 || r.peakProcKB >= r.peakTreeKB {
		t.Errorf("largest process %d kB, tree %d kB", r.peakProcKB, r.peakTreeKB)
	}
	// 2, or 3 when a sample catches the short-lived child the Go runtime
	// forks once to probe for pidfd support.
	if r.procs < 2 || r.procs > 3 || len(r.orphans) != 0 {
		t.Errorf("procs %d, orphans %v; want 2 (or 3) and none", r.procs, r.orphans)
	}
	if r.user+r.sys <= 0 || r.wall < 300*time.Millisecond {
		t.Errorf("cpu %v, wall %v", r.user+r.sys, r.wall)
	}
}

func TestReportsOrphansAndExitStatus(t *testing.T) {
	t.Setenv("MEASURE_HELPER", "orphan")
	r, code, err := run([]string{os.Args[0]}, 5*time.Millisecond)
	if err != nil || code != 0 {
		t.Fatalf("run: %v, exit %d", err, code)
	}
	if len(r.orphans) != 1 {
		t.Fatalf("orphans = %v, want the sleep", r.orphans)
	}
	if p, err := os.FindProcess(r.orphans[0]); err == nil {
		_ = p.Kill()
	}
	_, code, err = run([]string{"sh", "-c", "exit " + strconv.Itoa(7)}, 5*time.Millisecond)
	if err != nil || code != 7 {
		t.Errorf("exit status %d (%v), want 7", code, err)
	}
}
