package stress

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type cliRun struct {
	code           int
	stdout, stderr string
}

func runMain(t *testing.T, ctx context.Context, tty bool, args ...string) cliRun {
	t.Helper()
	var out, errb strings.Builder
	code := Main(ctx, args, Env{Stdout: &out, Stderr: &errb, StderrIsTTY: tty})
	return cliRun{code, out.String(), errb.String()}
}

func idServer(t *testing.T, id string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(InstanceHeader, id)
		fmt.Fprintln(w, id)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func writeFile(t *testing.T, name, data string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The JSON report has the fields the issue names, with these names.
func TestMainJSONFields(t *testing.T) {
	proxy := newProxy(t, newBackend(t, "i-a", nil), newBackend(t, "i-b", nil))
	r := runMain(t, context.Background(), false, "-n", "100", "-c", "4", "--json", proxy.URL)
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	for _, k := range []string{"requests", "succeeded", "failed", "status_codes", "rps", "latency_ms", "instances", "evenness", "failures", "duration_s", "verdict"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, r.stdout)
		}
	}
	lat := m["latency_ms"].(map[string]any)
	for _, k := range []string{"p50", "p90", "p99", "max"} {
		if _, ok := lat[k]; !ok {
			t.Errorf("no latency_ms.%s", k)
		}
	}
	ev := m["evenness"].(map[string]any)
	if ev["max_over_min"] != 1.0 || ev["cv"] != 0.0 {
		t.Errorf("evenness %v", ev)
	}
	if m["requests"] != 100.0 || m["succeeded"] != 100.0 || m["failed"] != 0.0 {
		t.Errorf("counts %v %v %v", m["requests"], m["succeeded"], m["failed"])
	}
	if fmt.Sprint(m["status_codes"]) != "map[200:100]" || fmt.Sprint(m["instances"]) != "map[i-a:50 i-b:50]" {
		t.Errorf("status_codes %v instances %v", m["status_codes"], m["instances"])
	}
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress bar without a terminal: %q", r.stderr)
	}
}

func TestMainTextAndProgressOnTTY(t *testing.T) {
	srv := idServer(t, "i-only")
	r := runMain(t, context.Background(), true, srv.URL, "-n", "20", "-c", "2") // flags after the URL
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "\r") || !strings.Contains(r.stderr, "20/20") || !strings.Contains(r.stderr, "[====") {
		t.Errorf("no progress bar on a terminal: %q", r.stderr)
	}
	for _, want := range []string{"Requests:       20", "i-only  20  100.0%", "Verdict:        even (only 1 instance answered"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runMain(t, context.Background(), true, "--no-progress", "-n", "5", srv.URL)
	if strings.Contains(r.stderr, "\r") {
		t.Errorf("progress bar despite --no-progress: %q", r.stderr)
	}
}

func TestMainFromOutputsFile(t *testing.T) {
	srv := idServer(t, "i-a")
	host := strings.TrimPrefix(srv.URL, "http://")
	outputs := writeFile(t, "outputs.json", fmt.Sprintf(`{"dev": {"alb_dns_name": "%s"}, "prod": {"alb_dns_name": "prod.invalid"}}`, host))

	r := runMain(t, context.Background(), false, "--outputs", outputs, "-n", "5")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "2 stacks (dev, prod): pass --stack NAME") {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
	r = runMain(t, context.Background(), false, "--outputs", outputs, "--stack", "dev", "--path", "/health", "-n", "5", "--json")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"target": "http://`+host+`/health"`) {
		t.Errorf("exit %d stdout %s stderr %s", r.code, r.stdout, r.stderr)
	}
	tf := writeFile(t, "tf.json", fmt.Sprintf(`{"alb_dns_name": {"value": "%s", "type": "string", "sensitive": false}}`, host))
	r = runMain(t, context.Background(), false, "--outputs", tf, "-n", "5", "--json")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"requests": 5`) {
		t.Errorf("exit %d stdout %s stderr %s", r.code, r.stdout, r.stderr)
	}
}

// TestMainURLFromOutputs: the url output is the target (https://<domain>:
// TLS server name and Host header are the domain), dialled where
// --connect-to says; --https still means https://<alb_dns_name>.
func TestMainURLFromOutputs(t *testing.T) {
	var mu sync.Mutex
	var sni, hosts []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hosts = append(hosts, r.Host)
		mu.Unlock()
		w.Header().Set(InstanceHeader, "i-a")
	}))
	srv.TLS = &tls.Config{GetConfigForClient: func(h *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		sni = append(sni, h.ServerName)
		mu.Unlock()
		return nil, nil
	}}
	srv.StartTLS()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")
	outputs := writeFile(t, "outputs.json", `{"web": {"alb_dns_name": "web-alb.invalid", "url": "https://app.example.com"}}`)

	r := runMain(t, context.Background(), false, "--outputs", outputs, "--connect-to", addr, "--insecure", "--path", "/health", "-n", "4", "-c", "1", "--json")
	if r.code != ExitOK || !strings.Contains(r.stdout, `"target": "https://app.example.com/health"`) || !strings.Contains(r.stdout, `"succeeded": 4`) {
		t.Errorf("exit %d stdout %s stderr %s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	if len(sni) == 0 || slices.IndexFunc(sni, func(s string) bool { return s != "app.example.com" }) >= 0 {
		t.Errorf("TLS server names %q, want app.example.com", sni)
	}
	if len(hosts) != 4 || slices.IndexFunc(hosts, func(h string) bool { return h != "app.example.com" }) >= 0 {
		t.Errorf("Host headers %q, want 4 x app.example.com", hosts)
	}
	mu.Unlock()

	plain := writeFile(t, "plain.json", `{"dev": {"alb_dns_name": "dev-alb.invalid", "url": "http://dev-alb.invalid"}}`)
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, `"target": "http://dev-alb.invalid/"`},
		{[]string{"--https"}, `"target": "https://dev-alb.invalid/"`},
	} {
		args := append([]string{"--outputs", plain, "--connect-to", "127.0.0.1:1", "-n", "1", "--timeout", "1s", "--json"}, c.args...)
		if r := runMain(t, context.Background(), false, args...); !strings.Contains(r.stdout, c.want) {
			t.Errorf("%v: stdout %s, want %s", c.args, r.stdout, c.want)
		}
	}
	if r := runMain(t, context.Background(), false, "--connect-to", "nope", "http://x.invalid/", "-n", "1"); r.code == ExitOK || !strings.Contains(r.stderr, `connect-to "nope": want host:port`) {
		t.Errorf("bad --connect-to: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestMainUsageErrors(t *testing.T) {
	cases := [][]string{
		{},
		{"-n", "0", "http://127.0.0.1:1/"},
		{"-c", "0", "http://127.0.0.1:1/"},
		{"-t", "soon", "http://127.0.0.1:1/"},
		{"ftp://127.0.0.1/"},
		{"http://127.0.0.1:1/", "http://127.0.0.1:2/"},
		{"--watch", "http://127.0.0.1:1/"},
		{"--outputs", "/nonexistent/outputs.json"},
	}
	for _, args := range cases {
		r := runMain(t, context.Background(), false, args...)
		if r.code != ExitUsage || r.stdout != "" || r.stderr == "" {
			t.Errorf("%q: exit %d stdout %q stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := runMain(t, context.Background(), false, "-h"); r.code != ExitOK || !strings.Contains(r.stderr, "Usage: stress") {
		t.Errorf("-h: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestMainExitStatus(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1)%2 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if r := runMain(t, context.Background(), false, "-n", "10", srv.URL); r.code != ExitFailed || !strings.Contains(r.stdout, "Status codes:   200: 5, 503: 5") {
		t.Errorf("exit %d stdout %s", r.code, r.stdout)
	}
	// Uneven: 3 to 1 over two instances is a CV of 0.5.
	var k atomic.Int64
	uneven := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		id := "i-a"
		if k.Add(1)%4 == 0 {
			id = "i-b"
		}
		w.Header().Set(InstanceHeader, id)
	}))
	defer uneven.Close()
	if r := runMain(t, context.Background(), false, "-n", "8", "-c", "1", uneven.URL); r.code != ExitFailed || !strings.Contains(r.stdout, "uneven (CV 0.500 > tolerance 0.100") {
		t.Errorf("exit %d stdout %s", r.code, r.stdout)
	}
	if r := runMain(t, context.Background(), false, "-n", "8", "-c", "1", "--tolerance", "0.5", uneven.URL); r.code != ExitOK {
		t.Errorf("exit %d stdout %s", r.code, r.stdout)
	}
}

// Ctrl-C prints what was measured so far.
func TestMainInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 30 {
			cancel()
		}
		w.Header().Set(InstanceHeader, "i-a")
	}))
	defer srv.Close()
	r := runMain(t, ctx, false, "-n", "1000000", "-c", "2", "--json", srv.URL)
	if r.code != ExitInterrupted {
		t.Fatalf("exit %d stderr %s", r.code, r.stderr)
	}
	var rep Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Stopped != StoppedInterrupted || rep.Requests < 28 || rep.Instances["i-a"] != rep.Requests {
		t.Errorf("report %+v", rep)
	}
}

// -t alone runs for the time, not for the default -n.
func TestMainDurationAlone(t *testing.T) {
	srv := idServer(t, "i-a")
	r := runMain(t, context.Background(), false, "-t", "0.3", "-c", "2", "-q", "20", "--json", srv.URL)
	var rep Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s %s", err, r.stdout, r.stderr)
	}
	if r.code != ExitOK || rep.Stopped != StoppedDuration || rep.Requests < 1 || rep.Requests > 7 {
		t.Errorf("exit %d report %+v", r.code, rep)
	}
}

// --watch end to end: outputs file -> SDK clients on the fake endpoint with
// credentials from the environment -> events in the report.
func TestMainWatch(t *testing.T) {
	fake, awsSrv := newFakeAWS(t)
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDFAKE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "fake-secret")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")

	fake.set(func(f *fakeAWS) {
		f.targets = []fakeTarget{{id: "i-a", port: 80, state: "healthy"}}
		// After the baseline poll, a scale-out starts and a new target appears.
		f.onCall = func(action string, n int) {
			if n == 2 && action == "DescribeScalingActivities" {
				f.activities = []fakeActivity{{id: "act-1", status: "Successful", description: "Launching a new EC2 instance: i-b",
					start: time.Now().Add(-time.Millisecond), end: time.Now()}}
			}
			if n == 2 && action == "DescribeTargetHealth" {
				f.targets = append(f.targets, fakeTarget{id: "i-b", port: 80, state: "healthy"})
			}
		}
	})
	srv := idServer(t, "i-a")
	outputs := writeFile(t, "outputs.json", fmt.Sprintf(`{"dev": {"alb_dns_name": %q, "asg_name": %q, "target_group_arn": %q}}`,
		strings.TrimPrefix(srv.URL, "http://"), fakeASG, fakeTG))
	r := runMain(t, context.Background(), false, "--outputs", outputs, "--watch", "--aws-endpoint", awsSrv.URL,
		"--watch-interval", "1h", "-n", "50", "-c", "2", "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d stderr %s", r.code, r.stderr)
	}
	var rep Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range rep.Events {
		got = append(got, e.Kind+" "+e.Target+e.ActivityID+" "+e.State+e.Status+" "+e.Previous)
	}
	want := []string{"target i-a:80 healthy ", "scaling act-1 Successful ", "target i-b:80 healthy new"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events %q, want %q", got, want)
	}
	if rep.Requests != 50 {
		t.Errorf("requests %d", rep.Requests)
	}
	for _, w := range []string{"watch: polling scaling activities of dev-web and target health of " + fakeTG, "watch +", "i-b:80 healthy (was new)"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	// Without credentials the baseline poll fails before any load is sent.
	fake.set(func(f *fakeAWS) { f.deny = true })
	r = runMain(t, context.Background(), false, "--outputs", outputs, "--watch", "--aws-endpoint", awsSrv.URL, "-n", "5")
	if r.code != ExitFailed || !strings.Contains(r.stderr, "AccessDenied") || r.stdout != "" {
		t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
}
