//go:build !linux

package config

import "os"

// pseudoFS names the pseudo file system the open file fh is on, or "": only
// Linux's (/proc, /sys, ...) are known.
func pseudoFS(*os.File) string { return "" }
