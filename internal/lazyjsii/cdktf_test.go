package lazyjsii

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTarFile returns one file of an npm tarball.
func readTarFile(t *testing.T, tarball []byte, name string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tarball))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the tarball: %v", name, err)
		}
		if strings.TrimPrefix(h.Name, "./") == "package/"+name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

// The real cdktf's fs.js has the shape LazyArchiver knows: one line
// changes, the line count stays.
func TestLazyArchiverOfRealCDKTF(t *testing.T) {
	p, err := CDKTF()
	if err != nil {
		t.Fatal(err)
	}
	orig := readTarFile(t, p.Tarball, archiverFile)
	got, calls, err := LazyArchiver(orig)
	if err != nil {
		t.Fatal(err)
	}
	if calls < 1 || bytes.Count(got, []byte("\n")) != bytes.Count(orig, []byte("\n")) {
		t.Errorf("calls %d, lines %d -> %d", calls, bytes.Count(orig, []byte("\n")), bytes.Count(got, []byte("\n")))
	}
	if diff := len(strings.Split(string(got), "\n")); diff == 0 || !bytes.Contains(got, []byte(archiverLazy)) || bytes.Contains(got, []byte(archiverEager)) {
		t.Error("the require line was not replaced")
	}
}

func TestLazyArchiverRejects(t *testing.T) {
	call := "function zip() { return archiver(\"zip\", {}); }\n"
	for name, src := range map[string]string{
		"no require":      "const fs = require(\"fs\");\n" + call,
		"required twice":  archiverEager + "\n" + archiverEager + "\n" + call,
		"used as a value": archiverEager + "\nmodule.exports = archiver;\n" + call,
		"property use":    archiverEager + "\narchiver.create(\"zip\");\n" + call,
		"never called":    archiverEager + "\n",
	} {
		if _, _, err := LazyArchiver([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A package shaped like cdktf: the copy loads without archiver and requires
// it on the first call, which gets what the original would.
func TestLazyArchiverInNode(t *testing.T) {
	files := map[string]string{
		"package.json": `{"name": "cdktf", "version": "0.0.1", "main": "lib/index.js"}`,
		"lib/index.js": `"use strict";` + "\n" + `exports.zip = require("./private/fs").zip;` + "\n",
		archiverFile: `"use strict";` + "\n" + archiverEager + "\n" +
			`exports.zip = (name) => archiver("zip", { name });` + "\n",
		stackTraceFile: fakeStackTrace,
		"node_modules/archiver/index.js": `"use strict";` + "\n" +
			`globalThis.__archiverLoaded = true;` + "\n" +
			`module.exports = (format, opts) => format + ":" + opts.name;` + "\n",
	}
	p := Package{Name: "cdktf", Version: "0.0.1", Tarball: makeTarball(t, files), Rewrite: lazyArchiver}
	res, err := Prepare(t.TempDir(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Exports != 1 {
		t.Errorf("calls counted %d, want 1", res.Exports)
	}
	const script = `
const dir = process.argv[process.argv.length - 1];
const m = require(dir);
const out = { upFront: !!globalThis.__archiverLoaded };
out.zip = m.zip("a");
out.after = !!globalThis.__archiverLoaded;
console.log(JSON.stringify(out));
`
	var got struct {
		UpFront bool
		Zip     string
		After   bool
	}
	runNode(t, script, &got, res.Entry)
	if got.UpFront || got.Zip != "zip:a" || !got.After {
		t.Errorf("got %+v", got)
	}
}

// The copy is filed under the stand-in tarball's digest, which changes with
// the real tarball's identity; a copy of another source does not verify.
func TestStandInTarball(t *testing.T) {
	p := fakePackage(t)
	stub := p.Stub()
	if len(stub) > 4096 || !bytes.Equal(stub, p.Stub()) {
		t.Errorf("stand-in of %d bytes, deterministic %v", len(stub), bytes.Equal(stub, p.Stub()))
	}
	if pj := readTarFile(t, stub, "package.json"); !bytes.Contains(pj, []byte(`"name":"@ewt/fake-provider"`)) || !bytes.Contains(pj, []byte("sha256:"+sha(p.Tarball))) {
		t.Errorf("stand-in package.json %s", pj)
	}
	q := p
	q.Identity = "example.com/mod@v1.2.3 h1:abc"
	if bytes.Equal(q.Stub(), stub) {
		t.Error("the identity does not change the stand-in")
	}
	root := t.TempDir()
	res, err := Prepare(root, p)
	if err != nil {
		t.Fatal(err)
	}
	real, _ := EntryDir(root, p)
	if res.Entry == real || filepath.Base(res.Entry) != p.Handed().Digest() {
		t.Errorf("entry %s; want it under the stand-in's digest, not %s", res.Entry, real)
	}
	if _, err := verify(res.Entry, q, p.Handed().Digest()); err == nil || !strings.Contains(err.Error(), "is a copy of") {
		t.Errorf("verify with another source: %v", err)
	}
}

// Setup hands the kernel stand-ins for every copied package, and the
// originals again when it falls back.
func TestSetupHandsStandIns(t *testing.T) {
	extraFiles := map[string]string{
		"package.json": `{"name": "cdktf", "version": "0.0.1"}`,
		archiverFile:   archiverEager + "\nexports.zip = () => archiver(\"zip\");\n",
		stackTraceFile: fakeStackTrace,
	}
	extra := Package{Name: "cdktf", Version: "0.0.1", Tarball: makeTarball(t, extraFiles), Rewrite: lazyArchiver}
	f := newFakeHost(t)
	f.extra = []Package{extra}
	f.onLoad = func(f *fakeHost) {
		for _, p := range []Package{f.pkg, extra} {
			e, _ := EntryDir(RootDir(f.cache, "1.0.0"), p.Handed())
			writeFile(t, filepath.Join(e, ".jsii.runtime.v1.json"), "{}")
		}
	}
	st, _ := runSetup(t, f)
	if !st.Active || fmt.Sprint(st.Others) != "[cdktf 0.0.1]" {
		t.Fatalf("status %+v", st)
	}
	if !bytes.Equal(f.handed[f.pkg.Name], f.pkg.Stub()) || !bytes.Equal(f.handed["cdktf"], extra.Stub()) {
		t.Errorf("handed %d and %d bytes, want the stand-ins", len(f.handed[f.pkg.Name]), len(f.handed["cdktf"]))
	}
	e, _ := EntryDir(RootDir(f.cache, "1.0.0"), extra.Handed())
	if b, err := os.ReadFile(filepath.Join(e, archiverFile)); err != nil || !strings.HasPrefix(string(b), archiverLazy) {
		t.Errorf("cdktf copy: %q, %v", b, err)
	}

	// A kernel that cannot load the copies: the originals are handed back.
	g := newFakeHost(t)
	g.extra = []Package{extra}
	g.onLoad = func(*fakeHost) { panic("JsiiError: boom") }
	if st, _ := runSetup(t, g); st.Active {
		t.Fatalf("status %+v", st)
	}
	if !bytes.Equal(g.handed[g.pkg.Name], g.pkg.Tarball) || !bytes.Equal(g.handed["cdktf"], extra.Tarball) {
		t.Error("the original tarballs were not handed back after the fallback")
	}

	// An extra package that cannot be copied is left to the kernel.
	h := newFakeHost(t)
	bad := extra
	bad.Tarball = makeTarball(t, map[string]string{"package.json": `{"name": "cdktf", "version": "0.0.1"}`, archiverFile: "// no archiver\n", stackTraceFile: fakeStackTrace})
	h.extra = []Package{bad}
	st, out := runSetup(t, h)
	if !st.Active || len(st.Others) != 1 || !strings.Contains(st.Others[0], "not copied") || h.handed["cdktf"] != nil {
		t.Errorf("status %+v, handed cdktf %d bytes", st, len(h.handed["cdktf"]))
	}
	// ... and Setup says so in its one line.
	want := "lazy jsii loading: cdktf 0.0.1 not copied (lib/private/fs.js: line 1 uses archiver other than by calling it: \"// no archiver\"); loading it the standard (slower) way\n"
	if out != want {
		t.Errorf("notice = %q, want %q", out, want)
	}
}

// fakeStackTrace is cdktf's stack-trace.js, as shipped.
const fakeStackTrace = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.captureStackTrace = captureStackTrace;
function captureStackTrace(below) {
    below = below || captureStackTrace; // hide myself if nothing else
    const object = { stack: "" };
    const previousLimit = Error.stackTraceLimit;
    try {
        Error.stackTraceLimit = Number.MAX_SAFE_INTEGER;
        Error.captureStackTrace(object, below);
    }
    finally {
        Error.stackTraceLimit = previousLimit;
    }
` + stackTraceEager + "\n"

func TestLazyStackTraceRejects(t *testing.T) {
	for name, src := range map[string]string{
		"other end":   strings.Replace(fakeStackTrace, ".slice(1)", ".slice(2)", 1),
		"twice":       fakeStackTrace + stackTraceEager,
		"no function": strings.Replace(fakeStackTrace, "function captureStackTrace(below) {", "function capture(below) {", 1),
	} {
		if _, _, err := LazyStackTrace([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// On the real cdktf file, in Node: the rewritten captureStackTrace gives,
// when read, exactly the lines of the original (called from the same place),
// and the result behaves as the array it was: Array.isArray, length, index,
// join, map, JSON, spread.
func TestLazyStackTraceInNode(t *testing.T) {
	p, err := CDKTF()
	if err != nil {
		t.Fatal(err)
	}
	orig := readTarFile(t, p.Tarball, stackTraceFile)
	lazy, _, err := LazyStackTrace(orig)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(lazy, []byte("\n")) != bytes.Count(orig, []byte("\n")) {
		t.Error("line count changed")
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "eager.js"), string(orig))
	writeFile(t, filepath.Join(dir, "lazy.js"), string(lazy))
	const script = `
const dir = process.argv[process.argv.length - 1];
const fns = [require(dir + "/eager.js").captureStackTrace, require(dir + "/lazy.js").captureStackTrace];
function call(f) { return f(); }
const got = [];
for (const f of fns) got.push(call(f));
const [e, l] = got;
console.log(JSON.stringify({
  same: JSON.stringify(e) === JSON.stringify(l),
  lines: e.length,
  isArray: Array.isArray(l),
  length: l.length === e.length,
  index: l[0] === e[0],
  join: l.join("\n") === e.join("\n"),
  map: JSON.stringify(l.map((s) => s.length)) === JSON.stringify(e.map((s) => s.length)),
  spread: JSON.stringify([...l]) === JSON.stringify(e),
  keys: JSON.stringify(Object.keys(l)) === JSON.stringify(Object.keys(e)),
}));
`
	var got map[string]any
	runNode(t, script, &got, dir)
	for _, k := range []string{"same", "isArray", "length", "index", "join", "map", "spread", "keys"} {
		if got[k] != true {
			t.Errorf("%s: %v (all: %v)", k, got[k], got)
		}
	}
	if n, _ := got["lines"].(float64); n < 2 {
		t.Errorf("the original captured %v lines", got["lines"])
	}
}
