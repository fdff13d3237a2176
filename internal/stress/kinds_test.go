package stress

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// Every kind of run (plain http, without keep-alive, with a rate cap, over
// https) answers and counts every request exactly once.
func TestRunKinds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, "i-a")
	}))
	defer srv.Close()
	tls := httptest.NewTLSServer(srv.Config.Handler)
	defer tls.Close()
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"plain http", Config{URL: srv.URL}},
		{"no keep-alive", Config{URL: srv.URL, DisableKeepAlive: true}},
		{"rate cap", Config{URL: srv.URL, Rate: 1000}},
		{"https", Config{URL: tls.URL, Insecure: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Requests, tc.cfg.Concurrency, tc.cfg.Timeout = 20, 4, 5*time.Second
			res, err := Run(context.Background(), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.Succeeded != 20 || res.Instances["i-a"] != 20 {
				t.Errorf("succeeded %d, instances %v; want 20 answers from i-a", res.Succeeded, res.Instances)
			}
		})
	}
}

// Many workers share the requests across two backends behind a proxy: every
// request is answered and counted once, per instance as the backends saw it.
func TestWorkersShareRequests(t *testing.T) {
	a := newBackend(t, "i-a", nil)
	b := newBackend(t, "i-b", nil)
	proxy := newProxy(t, a, b)
	res := runLoad(t, Config{URL: proxy.URL, Requests: 3001, Concurrency: 7, Timeout: 5 * time.Second})
	if res.Succeeded != 3001 || a.served.Load()+b.served.Load() != 3001 {
		t.Errorf("succeeded %d, served %d + %d; want 3001", res.Succeeded, a.served.Load(), b.served.Load())
	}
	wantCounts(t, "instances", res.Instances, map[string]int64{"i-a": a.served.Load(), "i-b": b.served.Load()})
}
