// Package jsiienv prepares the process environment for the jsii kernel before
// its first use: the Node 22 that package.json pins (jsii-runtime-go 1.142
// prints an end-of-life banner on Node 20) and no Node deprecation warnings
// from the bundled JavaScript.
package jsiienv

import (
	"os"
	"path/filepath"
	"strings"
)

// Setup sets JSII_NODE to <root>/node_modules/node/bin/node when it is unset
// and that file exists, and adds --no-deprecation to NODE_OPTIONS. Explicit
// settings of the caller win.
func Setup(root string) {
	if os.Getenv("JSII_NODE") == "" {
		node := filepath.Join(root, "node_modules", "node", "bin", "node")
		if _, err := os.Stat(node); err == nil {
			os.Setenv("JSII_NODE", node)
		}
	}
	if opts := os.Getenv("NODE_OPTIONS"); !strings.Contains(opts, "--no-deprecation") {
		os.Setenv("NODE_OPTIONS", strings.TrimSpace(opts+" --no-deprecation"))
	}
}
