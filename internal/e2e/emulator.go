package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MotoVersion is the emulator version the shims were written for and the
// harness requires.
const MotoVersion = "5.2.1"

//go:embed motoshim/shim.py
var shimSource []byte

// CheckMoto checks that python can import moto (with flask, which its server
// needs) at MotoVersion, and says how to get it when not.
func CheckMoto(ctx context.Context, python string) error {
	if _, err := exec.LookPath(python); err != nil {
		return fmt.Errorf("the AWS emulator needs Python 3 with moto %s: %q not found on PATH (set -python)", MotoVersion, python)
	}
	cmd := exec.CommandContext(ctx, python, "-c", "import moto, flask, werkzeug; print(moto.__version__)")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("the AWS emulator moto %s is not installed for %s (%s): install it with `pip install 'moto[server]==%s'`; it cannot be installed from this network, the project's machines come with it",
			MotoVersion, python, lastLine(string(out)), MotoVersion)
	}
	if v := strings.TrimSpace(string(out)); v != MotoVersion {
		return fmt.Errorf("moto %s found, the harness and its shims need moto %s", v, MotoVersion)
	}
	return nil
}

// Emulator is one moto server with the shims, on a loopback port.
type Emulator struct {
	// URL is http://127.0.0.1:PORT, for AWS_ENDPOINT_URL.
	URL string
	// Log is the server's log file.
	Log string

	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
	err  error
}

// StartEmulator starts moto with the shims in dir (it writes shim.py and
// moto.log there) on a free loopback port and waits until it answers.
func StartEmulator(ctx context.Context, python, dir string) (*Emulator, error) {
	shim := filepath.Join(dir, "shim.py")
	if err := os.WriteFile(shim, shimSource, 0o644); err != nil {
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a port picked free can be taken before moto binds it
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		e, err := startOn(ctx, python, shim, dir, port)
		if err == nil {
			return e, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func startOn(ctx context.Context, python, shim, dir string, port int) (*Emulator, error) {
	logPath := filepath.Join(dir, "moto.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(python, shim, "--host", "127.0.0.1", "--port", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(scrubbedEnv(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true", "PYTHONUNBUFFERED=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	e := &Emulator{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { e.err = cmd.Wait(); logf.Close(); close(e.done) }()

	deadline := time.Now().Add(60 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-e.done:
			return nil, fmt.Errorf("the emulator exited at start (%v): %s", e.err, tail(logPath, 5))
		case <-ctx.Done():
			e.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := client.Get(e.URL + "/")
		if err == nil { // any answer: the server is up
			resp.Body.Close()
			return e, nil
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("the emulator did not answer on %s within 60s: %s", e.URL, tail(logPath, 5))
		}
	}
}

// Stop ends the server.
func (e *Emulator) Stop() {
	e.once.Do(func() {
		if e.cmd.Process != nil {
			_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGTERM)
		}
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
			<-e.done
		}
	})
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the last n lines of a file, joined with " | ".
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// scrubbedEnv is the process environment without anything that could point
// a command at a real AWS account or a real registry.
func scrubbedEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "AWS_"), strings.HasPrefix(k, "TF_"), k == "CDKTF_OUTDIR", k == "ENVIRONMENTS_FILE":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// firstLine is s up to its first newline, trimmed.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
