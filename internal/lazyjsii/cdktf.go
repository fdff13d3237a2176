package lazyjsii

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	_ "unsafe" // for go:linkname

	// The bindings that embed cdktf's npm tarball (named for the linkname).
	_ "github.com/hashicorp/terraform-cdk-go/cdktf/jsii"
)

// cdktfTarball is the npm tarball of cdktf that its Go bindings embed and
// hand to the kernel (their unexported `tarball`); empty if renamed, and
// then cdktf is left to the kernel as before.
//
//go:linkname cdktfTarball github.com/hashicorp/terraform-cdk-go/cdktf/jsii.tarball
var cdktfTarball []byte

// CDKTFModule is the Go module of the cdktf bindings.
const CDKTFModule = "github.com/hashicorp/terraform-cdk-go/cdktf"

// CDKTF returns the cdktf package as its bindings load it, with the rewrite
// its copy gets (LazyArchiver).
func CDKTF() (Package, error) {
	if len(embeddedCDKTF) == 0 {
		return Package{}, errors.New("the cdktf bindings no longer expose their embedded tarball")
	}
	v, id, err := pinnedModule(CDKTFModule)
	if err != nil {
		return Package{}, err
	}
	return Package{Name: "cdktf", Version: v, Tarball: embeddedCDKTF, Identity: id, Rewrite: lazyArchiver}, nil
}

// cdktf's lib/private/fs.js requires archiver when it loads, and with it 203
// modules (lodash, readable-stream, glob, zip and tar streams: about 80 ms and
// 18 MB of the kernel, measured with a bare `require`), though only
// TerraformAsset's zipping calls it. The copy requires it on that first call
// instead. Same line count, so stack traces keep their line numbers.
const (
	archiverFile  = "lib/private/fs.js"
	archiverKept  = "lib/private/fs.eager.js"
	archiverEager = `const archiver = require("archiver");`
	archiverLazy  = `const archiver = (...args) => require("archiver")(...args); // required on first use (elastic-web-tier internal/lazyjsii)`
)

var lazyArchiver = &Rewrite{File: archiverFile, Kept: archiverKept, Apply: LazyArchiver}

var archiverName = regexp.MustCompile(`\barchiver\b`)

// LazyArchiver rewrites cdktf's lib/private/fs.js so that it requires
// archiver on first use. It is strict: the require must be there once, alone
// on its line, and every other use of the name must be a call (so that the
// wrapper function behaves as the module did); it returns the number of
// calls.
func LazyArchiver(orig []byte) ([]byte, int, error) {
	lines := strings.Split(string(orig), "\n")
	at := -1
	calls := 0
	for i, l := range lines {
		if l == archiverEager {
			if at >= 0 {
				return nil, 0, fmt.Errorf("requires archiver twice (lines %d and %d)", at+1, i+1)
			}
			at = i
			continue
		}
		for _, m := range archiverName.FindAllStringIndex(l, -1) {
			if !strings.HasPrefix(l[m[1]:], "(") {
				return nil, 0, fmt.Errorf("line %d uses archiver other than by calling it: %.80q", i+1, l)
			}
			calls++
		}
	}
	if at < 0 {
		return nil, 0, fmt.Errorf("no line %q", archiverEager)
	}
	if calls == 0 {
		return nil, 0, errors.New("never calls archiver")
	}
	lines[at] = archiverLazy
	return []byte(strings.Join(lines, "\n")), calls, nil
}
