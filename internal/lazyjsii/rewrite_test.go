package lazyjsii

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseIndexFake(t *testing.T) {
	ix, err := ParseIndex([]byte(fakeIndex))
	if err != nil {
		t.Fatal(err)
	}
	want := []Export{{"alpha", "./alpha"}, {"beta", "./beta"}, {"gammaDelta", "./gamma-delta"}}
	if !reflect.DeepEqual(ix.Exports, want) {
		t.Errorf("exports = %v, want %v", ix.Exports, want)
	}
	if len(ix.Header) != 1 || !strings.HasSuffix(ix.Header[0], "= void 0;") {
		t.Errorf("header = %q", ix.Header)
	}
}

func TestParseIndexRejects(t *testing.T) {
	const head = "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n"
	cases := map[string]string{
		"other statement":        head + "exports.a = require(\"./a\");\nconsole.log(1);\n",
		"side effect require":    head + "require(\"./a\");\n",
		"computed require":       head + "exports.a = require(\"./\" + x);\n",
		"package require":        head + "exports.a = require(\"cdktf\");\n",
		"duplicate export":       head + "exports.a = require(\"./a\");\nexports.a = require(\"./b\");\n",
		"leaves the package":     head + "exports.a = require(\"./../a\");\n",
		"undeclared export":      head + "exports.a = void 0;\nexports.a = require(\"./a\");\nexports.b = require(\"./b\");\n",
		"declared not required":  head + "exports.b = exports.a = void 0;\nexports.a = require(\"./a\");\n",
		"code after comment":     head + "/* x */ exports.b = 1;\nexports.a = require(\"./a\");\n",
		"code after block end":   head + "/**\n * x\n */ exports.b = 1;\nexports.a = require(\"./a\");\n",
		"unterminated comment":   head + "exports.a = require(\"./a\");\n/*\n",
		"no use strict":          "Object.defineProperty(exports, \"__esModule\", { value: true });\nexports.a = require(\"./a\");\n",
		"no esModule":            "\"use strict\";\nexports.a = require(\"./a\");\n",
		"nothing exported":       head,
		"carriage return":        strings.ReplaceAll(head+"exports.a = require(\"./a\");\n", "\n", "\r\n"),
		"late declaration":       head + "exports.a = require(\"./a\");\nexports.b = void 0;\n",
		"name not an identifier": head + "exports.1a = require(\"./a\");\n",
		"empty name":             head + "exports. = require(\"./a\");\n",
		"quote in path":          head + "exports.a = require(\"./a\\\"\");\n",
		"two statements":         head + "exports.a = require(\"./a\"); exports.b = require(\"./b\");\n",
		"header of non-exports":  head + "exports.a = module.b = void 0;\nexports.a = require(\"./a\");\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			if ix, err := ParseIndex([]byte(src)); err == nil {
				t.Errorf("accepted, exports %v", ix.Exports)
			}
		})
	}
}

// lazyCheck evaluates an eager and a lazy index with a require that records
// what is asked for, and compares what they export.
const lazyCheck = `
const fs = require("fs");
function load(file) {
  const required = [];
  const exports = {};
  const req = (p) => { required.push(p); return { path: p }; };
  new Function("exports", "require", fs.readFileSync(file, "utf8"))(exports, req);
  return { exports, required };
}
const [eagerFile, lazyFile] = process.argv.slice(-2);
const eager = load(eagerFile), lazy = load(lazyFile);
const keys = Object.keys(eager.exports);
const out = {
  keys: keys.length,
  sameKeyOrder: JSON.stringify(keys) === JSON.stringify(Object.keys(lazy.exports)),
  esModule: lazy.exports.__esModule === eager.exports.__esModule && eager.exports.__esModule === true,
  eagerRequiredUpFront: eager.required.length,
  lazyRequiredUpFront: lazy.required.length,
  samePaths: true,
  sameDescriptors: true,
  requiredOncePerName: true,
};
for (const k of keys) {
  const a = lazy.exports[k], b = lazy.exports[k];
  if (a.path !== eager.exports[k].path || a !== b) out.samePaths = false;
  if (JSON.stringify(Object.getOwnPropertyDescriptor(lazy.exports, k)) !==
      JSON.stringify(Object.getOwnPropertyDescriptor(eager.exports, k))) out.sameDescriptors = false;
}
out.requiredOncePerName = lazy.required.length === keys.length &&
  JSON.stringify([...lazy.required].sort()) === JSON.stringify([...eager.required].sort());
// Assigning an export works before first access, as with the original.
const again = load(lazyFile);
again.exports[keys[0]] = 42;
out.assignable = again.exports[keys[0]] === 42 && again.required.length === 0;
console.log(JSON.stringify(out));
`

type lazyCheckResult struct {
	Keys                 int
	SameKeyOrder         bool
	ESModule             bool
	EagerRequiredUpFront int
	LazyRequiredUpFront  int
	SamePaths            bool
	SameDescriptors      bool
	RequiredOncePerName  bool
	Assignable           bool
}

func checkLazyIndex(t *testing.T, orig []byte, wantKeys int) {
	t.Helper()
	ix, err := ParseIndex(orig)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	eager, lazy := filepath.Join(dir, "eager.js"), filepath.Join(dir, "lazy.js")
	writeFile(t, eager, string(orig))
	writeFile(t, lazy, string(ix.LazySource()))
	var r lazyCheckResult
	runNode(t, lazyCheck, &r, eager, lazy)
	want := lazyCheckResult{
		Keys: wantKeys, SameKeyOrder: true, ESModule: true,
		EagerRequiredUpFront: wantKeys, LazyRequiredUpFront: 0,
		SamePaths: true, SameDescriptors: true, RequiredOncePerName: true, Assignable: true,
	}
	if r != want {
		t.Errorf("lazy index vs original:\n got %+v\nwant %+v", r, want)
	}
}

// The rewritten provider index exports exactly the original's names, in the
// same order, each resolving to the same module, and requires nothing up front.
func TestLazyIndexOfRealProvider(t *testing.T) {
	r := mustRealProvider(t)
	ix, err := ParseIndex(r.index)
	if err != nil {
		t.Fatalf("the provider's lib/index.js no longer has the supported shape: %v", err)
	}
	if len(ix.Exports) < 1000 {
		t.Fatalf("only %d exports in the provider index", len(ix.Exports))
	}
	checkLazyIndex(t, r.index, len(ix.Exports))
}

func TestLazyIndexFake(t *testing.T) {
	checkLazyIndex(t, []byte(fakeIndex), 3)
}

// Without tsc's header the key order is the require order.
func TestLazyIndexWithoutHeader(t *testing.T) {
	src := "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\nexports.b = require(\"./b\");\nexports.a = require(\"./a\");\n"
	checkLazyIndex(t, []byte(src), 2)
}

func TestLazySourceIsDeterministic(t *testing.T) {
	ix, err := ParseIndex([]byte(fakeIndex))
	if err != nil {
		t.Fatal(err)
	}
	a, b := ix.LazySource(), ix.LazySource()
	if string(a) != string(b) {
		t.Fatal("two renderings differ")
	}
}
