package lazyjsii

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// The provider package is read from the bindings and pinned by go.mod.
func TestAWSProviderMatchesGoMod(t *testing.T) {
	r := mustRealProvider(t)
	gomod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(ProviderModule) + `\s+v(\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatalf("go.mod does not require %s", ProviderModule)
	}
	if r.Name != ProviderName || r.Version != string(m[1]) {
		t.Errorf("AWSProvider = %s %s, go.mod pins %s", r.Name, r.Version, m[1])
	}
	var pj struct{ Name, Version string }
	if err := json.Unmarshal(r.packageJSON, &pj); err != nil {
		t.Fatal(err)
	}
	if pj.Name != r.Name || pj.Version != r.Version {
		t.Errorf("the embedded tarball holds %s %s, want %s %s", pj.Name, pj.Version, r.Name, r.Version)
	}
}

func TestGoModVersion(t *testing.T) {
	const path = "example.com/p/v2"
	cases := map[string]struct {
		gomod, want, err string
	}{
		"block":         {"module m\n\nrequire (\n\texample.com/p/v2 v2.3.4 // indirect\n)\n", "2.3.4", ""},
		"single line":   {"module m\nrequire example.com/p/v2 v2.3.4\n", "2.3.4", ""},
		"replaced":      {"module m\nrequire example.com/p/v2 v2.3.4\nreplace example.com/p/v2 => ../p\n", "", "replaces"},
		"not required":  {"module m\nrequire example.com/q v1.0.0\n", "", "does not require"},
		"not a release": {"module m\nrequire example.com/p/v2 master\n", "", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := goModVersion("go.mod", []byte(c.gomod), path)
			if c.want != "" {
				if err != nil || got != c.want {
					t.Errorf("= %q, %v; want %q", got, err, c.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("= %q, %v; want an error containing %q", got, err, c.err)
			}
		})
	}
}

func TestModuleVersionFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{Deps: []*debug.Module{
		{Path: "a", Version: "v1.2.3"},
		{Path: "b", Version: "v1.0.0", Replace: &debug.Module{Path: "c", Version: "v1.0.1"}},
		{Path: "d", Version: "v1.0.0", Replace: &debug.Module{Path: "../d"}},
		{Path: "e", Version: "(devel)"},
	}}
	for path, want := range map[string]string{"a": "1.2.3", "b": "1.0.1", "d": "", "e": "", "x": ""} {
		got, err := moduleVersion(bi, path)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("moduleVersion(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
}

// A binary and a test binary name the embedded tarballs the same way (the
// module version), so they share one copy; it is never a hash of 33 MB.
func TestIdentityIsTheModuleVersion(t *testing.T) {
	p, err := AWSProvider()
	if err != nil {
		t.Fatal(err)
	}
	if want := ProviderModule + "@v" + p.Version; p.Identity != want {
		t.Errorf("provider identity %q, want %q", p.Identity, want)
	}
	c, err := CDKTF()
	if err != nil {
		t.Fatal(err)
	}
	if want := CDKTFModule + "@v" + c.Version; c.Identity != want {
		t.Errorf("cdktf identity %q, want %q", c.Identity, want)
	}
}
