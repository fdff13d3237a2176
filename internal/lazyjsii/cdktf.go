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

var lazyArchiver = &Rewrite{File: archiverFile, Kept: archiverKept, Apply: LazyArchiver, Next: lazyStackTrace}

// cdktf captures a stack trace for every token it creates (Intrinsic, Lazy,
// lists: a creation stack for error messages) and formats it at once: V8's
// stack formatting and the split into lines are about 45 ms of a synth's
// kernel CPU (CPU profile: defaultPrepareStackTrace 25 ms, captureStackTrace
// 24 ms), for messages that a synth that succeeds never prints. The copy
// captures the same frames (V8 keeps them) and formats them when the array is
// first read: captureStackTrace returns an array proxy that builds the same
// lines then. Same line count.
const (
	stackTraceFile = "lib/tokens/private/stack-trace.js"
	stackTraceKept = "lib/tokens/private/stack-trace.eager.js"
)

const stackTraceEager = `    if (!object.stack) {
        return [];
    }
    return object.stack
        .split("\n")
        .slice(1)
        .map((s) => s.replace(/^\s*at\s+/, ""));
}`

const stackTraceLazy = `    // elastic-web-tier (internal/lazyjsii): the lines are made when the array is first read.
    let lines;
    const made = () => (lines = lines || (object.stack ? object.stack.split("\n").slice(1).map((s) => s.replace(/^\s*at\s+/, "")) : []));
    return new Proxy([], {
        get: (_, k) => Reflect.get(made(), k), has: (_, k) => Reflect.has(made(), k), set: (_, k, v) => Reflect.set(made(), k, v),
        ownKeys: () => Reflect.ownKeys(made()), getOwnPropertyDescriptor: (_, k) => Reflect.getOwnPropertyDescriptor(made(), k),
        deleteProperty: (_, k) => Reflect.deleteProperty(made(), k), defineProperty: (_, k, d) => Reflect.defineProperty(made(), k, d) });
}`

var lazyStackTrace = &Rewrite{File: stackTraceFile, Kept: stackTraceKept, Apply: LazyStackTrace}

// LazyStackTrace rewrites cdktf's lib/tokens/private/stack-trace.js so that
// the creation stacks are formatted on first read. It is strict: the end of
// captureStackTrace must be exactly the one it knows, once, and the function
// must be the one that captures into "object".
func LazyStackTrace(orig []byte) ([]byte, int, error) {
	src := string(orig)
	if n := strings.Count(src, stackTraceEager); n != 1 {
		return nil, 0, fmt.Errorf("has the end of captureStackTrace %d times, want 1", n)
	}
	if !strings.Contains(src, "function captureStackTrace(below) {") || !strings.Contains(src, "Error.captureStackTrace(object, below);") {
		return nil, 0, errors.New("no captureStackTrace(below) capturing into object")
	}
	if strings.Count(stackTraceEager, "\n") != strings.Count(stackTraceLazy, "\n") {
		panic("lazyjsii: the stack-trace rewrite changes the line count")
	}
	return []byte(strings.Replace(src, stackTraceEager, stackTraceLazy, 1)), 1, nil
}

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
