package lazyjsii

import (
	"fmt"
	"strings"
	"testing"
)

// What Setup costs on every run once the copy exists: the cache key digest
// of the embedded provider tarball (33 MB) ...
func BenchmarkDigestOfProviderTarball(b *testing.B) {
	p := mustRealProvider(b)
	b.SetBytes(int64(len(p.Tarball)))
	for b.Loop() {
		_ = p.Digest()
	}
}

// ... and verifying the copy (stamp, package.json, index re-derived from the
// original, every file's size), here for a package shaped like the provider:
// 2,000 modules.
func BenchmarkVerifyPreparedCopy(b *testing.B) {
	p := manyModulesPackage(b, 2000)
	root := b.TempDir()
	if _, err := Prepare(root, p); err != nil {
		b.Fatal(err)
	}
	entry, _ := EntryDir(root, p.Handed())
	digest := p.Handed().Digest()
	for b.Loop() {
		if _, err := verify(entry, p, digest); err != nil {
			b.Fatal(err)
		}
	}
}

// Parsing the provider's index and rendering the lazy one (done when
// preparing and again when verifying).
func BenchmarkParseAndRenderProviderIndex(b *testing.B) {
	src := mustRealProvider(b).index
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		ix, err := ParseIndex(src)
		if err != nil {
			b.Fatal(err)
		}
		_ = ix.LazySource()
	}
}

func manyModulesPackage(b *testing.B, n int) Package {
	files := fakeFiles("1.2.3")
	var header, requires strings.Builder
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("resource%04d", i)
		files[fmt.Sprintf("lib/resource-%04d/index.js", i)] = fakeModule(names[i]) + strings.Repeat("// padding\n", 200)
		fmt.Fprintf(&requires, "exports.%s = require(\"./resource-%04d\");\n", names[i], i)
	}
	for i := n - 1; i >= 0; i-- {
		header.WriteString("exports." + names[i] + " = ")
	}
	files["lib/index.js"] = "\"use strict\";\n" + esModuleLine + "\n" + header.String() + "void 0;\n" + requires.String()
	return Package{Name: "@ewt/fake-provider", Version: "1.2.3", Tarball: makeTarball(b, files)}
}
