package lazyjsii

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	_ "unsafe" // for go:linkname

	// The runtime that embeds the jsii kernel's JavaScript (imported by every
	// jsii binding; named here for the linkname below).
	_ "github.com/aws/jsii-runtime-go/runtime"
)

// The direct kernel: jsii-runtime-go starts `node bin/jsii-runtime.js`, a
// launcher that spawns a second Node process running the kernel
// (lib/program.js), gives it a socket as file descriptor 3 for the jsii
// protocol, and relays that socket to and from its own stdin and stdout (the
// Go program's pipes); the kernel's stdout and stderr it wraps in JSON lines
// ({"stdout": base64}) on its stderr, which jsii-runtime-go unwraps. Every
// run also writes that JavaScript (2 MB with source maps) to a new temporary
// directory and removes it at jsii.Close.
//
// jsii-runtime-go runs $JSII_RUNTIME (through $SHELL -c) instead when it is
// set. PrepareKernel writes, once per jsii-runtime-go version, the kernel's
// own files (lib/, from the runtime's embedded copy) next to a two-line shell
// script that starts the kernel in place of the launcher: the Go program's
// request pipe becomes descriptor 3 (the kernel reads its requests there),
// the response pipe descriptor 4, and descriptor 1 goes to stderr. A
// preloaded script (kernel.js) sends the kernel's writes to descriptor 3 to
// descriptor 4 instead, and wraps what JavaScript writes to process.stdout
// in the launcher's {"stdout": base64} lines, so that it still reaches the Go
// program's stdout. One Node process instead of two, and no relay.

// runtimeFS is the jsii kernel's JavaScript that jsii-runtime-go embeds (its
// unexported internal/embedded.embeddedFS, files under resources/). Should
// the runtime rename it, it is empty and PrepareKernel says so: the launcher
// is then used as usual.
//
//go:linkname runtimeFS github.com/aws/jsii-runtime-go/internal/embedded.embeddedFS
var runtimeFS embed.FS

// Environment variables of the direct kernel.
const (
	// EnvLauncher set to 1 keeps jsii's Node launcher (no direct kernel).
	EnvLauncher = "EWT_JSII_LAUNCHER"
	// EnvRuntime is jsii-runtime-go's setting for the command that starts
	// the kernel.
	EnvRuntime = "JSII_RUNTIME"
)

// kernelDir is the directory under a cache root that holds the direct kernel.
const kernelDir = ".direct-kernel"

// The preloaded script. Descriptor numbers are those the shell script sets.
const kernelPreload = `"use strict";
// Preloaded into the jsii kernel (lib/program.js) by elastic-web-tier
// (internal/lazyjsii) in place of jsii's launcher process: the kernel reads
// its requests from descriptor 3, as it does under the launcher, but its
// responses go to descriptor 4 (the host's response pipe), and what
// JavaScript writes to process.stdout goes to stderr in the launcher's
// {"stdout": "<base64>"} lines, which the host turns back into its stdout.
const fs = require("fs");
const writeSync = fs.writeSync;
fs.writeSync = function (fd, ...rest) {
  return writeSync.call(this, fd === 3 ? 4 : fd, ...rest);
};
process.stdout.write = function (chunk, encoding, callback) {
  if (typeof encoding === "function") {
    callback = encoding;
    encoding = undefined;
  }
  const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), encoding);
  writeSync(2, JSON.stringify({ stdout: data.toString("base64") }) + "\n");
  if (typeof callback === "function") {
    process.nextTick(callback);
  }
  return true;
};
`

// kernelScript is the command JSII_RUNTIME names.
func kernelScript(dir string) string {
	return `#!/bin/sh
# The jsii kernel without jsii's Node launcher (elastic-web-tier internal/lazyjsii):
# requests on descriptor 3, responses on 4 (kernel.js), stdout to stderr.
exec "${JSII_NODE:-node}" --preserve-symlinks --require ` + shQuote(filepath.Join(dir, "kernel.js")) + " " +
		shQuote(filepath.Join(dir, "lib", "program.js")) + ` 3<&0 4>&1 1>&2
`
}

// shQuote quotes s for sh (s has no single quote: PrepareKernel checks).
func shQuote(s string) string { return "'" + s + "'" }

// kernelFiles returns the files of the direct kernel for dir: the kernel's
// JavaScript from the runtime (without source maps), the preload and the
// script, by path relative to dir.
func kernelFiles(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	entries, err := fs.ReadDir(runtimeFS, "resources/lib")
	if err != nil || len(entries) == 0 {
		return nil, errors.New("jsii-runtime-go no longer exposes its embedded kernel (internal/embedded.embeddedFS)")
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".map") {
			continue
		}
		b, err := runtimeFS.ReadFile(path.Join("resources/lib", e.Name()))
		if err != nil {
			return nil, err
		}
		files["lib/"+e.Name()] = b
	}
	if files["lib/program.js"] == nil {
		return nil, errors.New("the embedded jsii kernel has no lib/program.js")
	}
	files["kernel.js"] = []byte(kernelPreload)
	files["kernel"] = []byte(kernelScript(dir))
	return files, nil
}

// PrepareKernel makes sure root holds the direct kernel, building it when it
// is missing or differs in any byte from what this program would write, and
// returns the value for JSII_RUNTIME.
func PrepareKernel(root string) (string, error) {
	if runtime.GOOS == "windows" {
		return "", errors.New("no direct kernel on Windows")
	}
	dir := filepath.Join(root, kernelDir)
	if strings.ContainsAny(dir, `'\`) {
		return "", fmt.Errorf("the cache path %s has a quote or backslash", dir)
	}
	want, err := kernelFiles(dir)
	if err != nil {
		return "", err
	}
	cmd := shQuote(filepath.Join(dir, "kernel"))
	if kernelMatches(dir, want) == nil {
		return cmd, nil
	}
	tmpRoot := filepath.Join(root, ".tmp")
	if err := os.MkdirAll(tmpRoot, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(tmpRoot, "kernel-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for rel, b := range want {
		p := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		mode := fs.FileMode(0o644)
		if rel == "kernel" {
			mode = 0o755
		}
		if err := os.WriteFile(p, b, mode); err != nil {
			return "", err
		}
	}
	// Replace a stale copy: move it aside first (rename is atomic), so that
	// a process using it keeps whole files.
	if _, err := os.Lstat(dir); err == nil {
		trash := filepath.Join(tmpRoot, "old-kernel-"+randomSuffix())
		if err := os.Rename(dir, trash); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		defer os.RemoveAll(trash)
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process installed one at the same moment: use it if it is right.
		if kernelMatches(dir, want) == nil {
			return cmd, nil
		}
		return "", fmt.Errorf("installing the direct kernel: %w", err)
	}
	return cmd, kernelMatches(dir, want)
}

// kernelMatches checks that dir holds exactly the files of want.
func kernelMatches(dir string, want map[string][]byte) error {
	for rel, b := range want {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, b) {
			return fmt.Errorf("%s differs", rel)
		}
	}
	info, err := os.Stat(filepath.Join(dir, "kernel"))
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o100 == 0 {
		return errors.New("kernel is not executable")
	}
	return nil
}
