package stress

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"
)

// The tests of this package run with the engine Run picks (the event loop
// for plain http on Linux); TestGoroutineEngine runs them all again with the
// goroutine engine.
func TestMain(m *testing.M) {
	if e := os.Getenv("STRESS_TEST_ENGINE"); e != "" {
		engineOverride = e
	}
	os.Exit(m.Run())
}

func TestGoroutineEngine(t *testing.T) {
	if !haveLoopEngine || engineOverride != "" {
		t.Skip("the goroutine engine is the only one here")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^Test", "-test.count=1")
	cmd.Env = append(os.Environ(), "STRESS_TEST_ENGINE=goroutines")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the tests with the goroutine engine failed: %v\n%s", err, out)
	}
}

// Which engine serves which run.
func TestEngineChoice(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, "i-a")
	}))
	defer srv.Close()
	tls := httptest.NewTLSServer(srv.Config.Handler)
	defer tls.Close()
	loop := "loop"
	if !haveLoopEngine || engineOverride == "goroutines" {
		loop = "goroutines"
	}
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"plain http", Config{URL: srv.URL}, loop},
		{"no keep-alive", Config{URL: srv.URL, DisableKeepAlive: true}, loop},
		{"rate cap", Config{URL: srv.URL, Rate: 1000}, "goroutines"},
		{"https", Config{URL: tls.URL, Insecure: true}, "goroutines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Requests, tc.cfg.Concurrency, tc.cfg.Timeout = 20, 4, 5*time.Second
			res, err := Run(context.Background(), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.engine != tc.want || res.Succeeded != 20 || res.Instances["i-a"] != 20 {
				t.Errorf("engine %s, succeeded %d, instances %v; want engine %s, 20 answers from i-a", res.engine, res.Succeeded, res.Instances, tc.want)
			}
		})
	}
}

// Several loops share the workers and the requests: every request is
// answered and counted once.
func TestSeveralLoops(t *testing.T) {
	if !haveLoopEngine || engineOverride == "goroutines" {
		t.Skip("no event loops")
	}
	defer func(n int) { loopsOverride = n }(loopsOverride)
	loopsOverride = 3
	a := newBackend(t, "i-a", nil)
	b := newBackend(t, "i-b", nil)
	proxy := newProxy(t, a, b)
	res := runLoad(t, Config{URL: proxy.URL, Requests: 3001, Concurrency: 7, Timeout: 5 * time.Second})
	if res.engine != "loop" || res.Succeeded != 3001 || a.served.Load()+b.served.Load() != 3001 {
		t.Errorf("engine %s, succeeded %d, served %d + %d; want loop, 3001", res.engine, res.Succeeded, a.served.Load(), b.served.Load())
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": a.served.Load(), "i-b": b.served.Load()})
}
