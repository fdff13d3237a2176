package lazyjsii

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPrepareKernelWritesAndRepairs(t *testing.T) {
	root := t.TempDir()
	cmd, err := PrepareKernel(root)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, kernelDir)
	if want := "'" + filepath.Join(dir, "kernel") + "'"; cmd != want {
		t.Errorf("command %s, want %s", cmd, want)
	}
	if !isOurKernel(cmd, root) || isOurKernel(cmd, t.TempDir()) || isOurKernel("node kernel", root) {
		t.Error("isOurKernel does not tell our command from others")
	}
	for _, f := range []string{"kernel", "kernel.js", "lib/program.js", "lib/runtime-index-worker.js"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "lib", "*.map")); len(m) != 0 {
		t.Errorf("source maps copied: %v", m)
	}
	// A changed file is replaced by the right one.
	writeFile(t, filepath.Join(dir, "lib", "program.js"), "// not the kernel\n")
	if _, err := PrepareKernel(root); err != nil {
		t.Fatal(err)
	}
	want, _ := kernelFiles(dir)
	if err := kernelMatches(dir, want); err != nil {
		t.Errorf("after repair: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(root, ".tmp")); len(left) != 0 {
		t.Errorf("temporary directories left: %v", left)
	}
	if _, err := PrepareKernel(filepath.Join(t.TempDir(), "it's")); err == nil {
		t.Error("accepted a path with a quote")
	}
}

// startKernel starts cmd the way jsii-runtime-go starts JSII_RUNTIME: through
// a shell, with pipes for stdin, stdout and stderr.
func startKernel(t *testing.T, cmd string) (*exec.Cmd, *bufio.Writer, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	c := exec.Command("/bin/sh", "-c", cmd)
	c.Env = append(os.Environ(), "JSII_NODE="+nodeBin(t))
	in, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
	return c, bufio.NewWriter(in), bufio.NewReader(out), &stderr
}

// The real kernel, started directly: it greets on the response pipe, answers
// a request and exits on {"exit":0}.
func TestDirectKernelSpeaksTheProtocol(t *testing.T) {
	cmd, err := PrepareKernel(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c, in, out, stderr := startKernel(t, cmd)
	line, err := out.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, `{"hello":"@jsii/runtime@`) {
		t.Fatalf("greeting %q, %v; stderr: %s", line, err, stderr)
	}
	// A request the kernel answers without any assembly: a stats query.
	in.WriteString(`{"api":"stats"}` + "\n")
	in.Flush()
	line, err = out.ReadString('\n')
	var resp struct {
		OK *struct {
			ObjectCount *int `json:"objectCount"`
		} `json:"ok"`
	}
	if err != nil || json.Unmarshal([]byte(line), &resp) != nil || resp.OK == nil || resp.OK.ObjectCount == nil {
		t.Fatalf("stats answer %q, %v; stderr: %s", line, err, stderr)
	}
	in.WriteString(`{"exit":0}` + "\n")
	in.Flush()
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("kernel exited with %v; stderr: %s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("kernel did not exit on {\"exit\":0}")
	}
}

// What the launcher did for the kernel's own output still holds: writes to
// descriptor 3 reach the response pipe and nothing else does; console.log
// reaches the host's stdout through a {"stdout": base64} line on stderr, and
// console.error reaches stderr.
func TestDirectKernelKeepsTheProtocolChannelClean(t *testing.T) {
	dir := filepath.Join(t.TempDir(), kernelDir)
	files := map[string]string{
		"kernel.js": kernelPreload,
		"kernel":    kernelScript(dir),
		"lib/program.js": `"use strict";
const fs = require("fs");
const buf = Buffer.alloc(100);
const n = fs.readSync(3, buf, 0, buf.length, null);
console.log("to stdout");
console.error("to stderr");
fs.writeSync(3, "answer to " + buf.subarray(0, n).toString().trim() + "\n");
`,
	}
	for rel, body := range files {
		writeFile(t, filepath.Join(dir, rel), body)
	}
	if err := os.Chmod(filepath.Join(dir, "kernel"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, in, out, stderr := startKernel(t, shQuote(filepath.Join(dir, "kernel")))
	in.WriteString("question\n")
	in.Flush()
	rest, _ := out.ReadString(0) // to EOF: the kernel has exited
	if err := c.Wait(); err != nil {
		t.Fatalf("%v; stderr: %s", err, stderr)
	}
	if rest != "answer to question\n" {
		t.Errorf("response pipe got %q", rest)
	}
	var msg struct{ Stdout []byte }
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &msg) != nil || string(msg.Stdout) != "to stdout\n" || lines[1] != "to stderr" {
		t.Errorf("stderr got %q", stderr.String())
	}
}
