// Package jsiienv prepares the process environment for the jsii kernel: the
// Node 22 that package.json pins (jsii-runtime-go 1.142 prints an end-of-life
// banner on the machine's Node 20) and no Node deprecation warnings from the
// bundled JavaScript.
//
// jsii-runtime-go reads JSII_NODE while package initializers register types,
// before main runs, so setting it from main is too late. Ensure therefore
// re-executes the program once with the environment completed.
package jsiienv

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/aws/jsii-runtime-go"
)

// Env returns the environment variables to add for root (the project
// directory holding node_modules): JSII_NODE when unset and the pinned Node
// exists, and NODE_OPTIONS with --no-deprecation (keeping jsii's own default
// heap size). Explicit settings of the caller win.
func Env(root string) map[string]string {
	add := map[string]string{}
	if os.Getenv("JSII_NODE") == "" {
		node, err := filepath.Abs(filepath.Join(root, "node_modules", "node", "bin", "node"))
		if _, statErr := os.Stat(node); err == nil && statErr == nil {
			add["JSII_NODE"] = node
		}
	}
	opts := os.Getenv("NODE_OPTIONS")
	if opts == "" {
		opts = "--max-old-space-size=4069" // jsii-runtime-go's default when NODE_OPTIONS is unset
	}
	if !strings.Contains(opts, "--no-deprecation") {
		add["NODE_OPTIONS"] = opts + " --no-deprecation"
	}
	return add
}

// Ensure completes the environment (see Env) and, when anything had to be
// added, re-executes the current program with it so the jsii kernel sees it.
// It returns only when nothing was missing or the re-exec failed; in the
// latter case the program goes on with the machine's Node.
func Ensure(root string) {
	add := Env(root)
	if len(add) == 0 {
		return
	}
	for k, v := range add {
		os.Setenv(k, v)
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	// Package initializers already created (not started) a kernel process and
	// its temp directory; remove them before the program image is replaced.
	jsii.Close()
	_ = syscall.Exec(exe, os.Args, os.Environ())
}
