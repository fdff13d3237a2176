package lazyjsii

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeHost stands in for the process: environment, cache directory, the
// package, and a kernel that "loads" the package by writing a runtime index.
type fakeHost struct {
	env      map[string]string
	cache    string
	pkg      Package
	pkgErr   error
	jsiiErr  error
	running  bool
	restarts int
	loads    int
	onLoad   func(f *fakeHost) // default: write the runtime index into the entry
	// kernelErr makes preparing the direct kernel fail; kernelCalls counts
	// the preparations.
	kernelErr   error
	kernelCalls int
	// extra are the other packages to copy; handed is what each package's
	// bindings were last told to hand the kernel.
	extra  []Package
	handed map[string][]byte
}

// kernelCmd is what the fake direct kernel's JSII_RUNTIME is.
func (f *fakeHost) kernelCmd() string {
	return shQuote(filepath.Join(RootDir(f.cache, "1.0.0"), kernelDir, "kernel"))
}

func newFakeHost(t *testing.T) *fakeHost {
	return &fakeHost{env: map[string]string{}, cache: t.TempDir(), pkg: fakePackage(t)}
}

func (f *fakeHost) entry() string {
	e, _ := EntryDir(RootDir(f.cache, "1.0.0"), f.pkg.Handed())
	return e
}

func (f *fakeHost) host() host {
	return host{
		getenv:   func(k string) string { return f.env[k] },
		setenv:   func(k, v string) error { f.env[k] = v; return nil },
		unsetenv: func(k string) error { delete(f.env, k); return nil },
		cacheDir: func() (string, error) { return f.cache, nil },
		pkg: func() (Package, error) {
			return f.pkg, f.pkgErr
		},
		jsiiVersion: func() (string, error) {
			if f.jsiiErr != nil {
				return "", f.jsiiErr
			}
			return "1.0.0", nil
		},
		kernelRunning: func() bool { return f.running },
		restartKernel: func() { f.restarts++ },
		loadProvider: func() {
			f.loads++
			if f.onLoad != nil {
				f.onLoad(f)
				return
			}
			if err := os.WriteFile(filepath.Join(f.entry(), ".jsii.runtime.v1.json"), []byte("{}"), 0o644); err != nil {
				panic(err)
			}
		},
		extra: func() []Package { return f.extra },
		hand: func(name string, b []byte) bool {
			known := name == f.pkg.Name
			for _, p := range f.extra {
				known = known || name == p.Name
			}
			if known {
				if f.handed == nil {
					f.handed = map[string][]byte{}
				}
				f.handed[name] = b
			}
			return known
		},
		prepareKernel: func(root string) (string, error) {
			f.kernelCalls++
			if f.kernelErr != nil {
				return "", f.kernelErr
			}
			return shQuote(filepath.Join(root, kernelDir, "kernel")), nil
		},
		indexTimeout: 300 * time.Millisecond,
	}
}

func runSetup(t *testing.T, f *fakeHost) (Status, string) {
	t.Helper()
	var w bytes.Buffer
	st := setup(&w, f.host())
	out := w.String()
	if strings.Count(out, "\n") > 1 {
		t.Errorf("more than one line of notice:\n%s", out)
	}
	return st, out
}

func TestSetupActivates(t *testing.T) {
	f := newFakeHost(t)
	f.env[EnvVerbose] = "1" // the preparation notice goes to a terminal, or with verbose
	st, out := runSetup(t, f)
	root := RootDir(f.cache, "1.0.0")
	if !st.Active || st.Root != root || st.Entry != f.entry() || st.Exports != 3 || !st.Prepared || st.Package != "@ewt/fake-provider 1.2.3" {
		t.Fatalf("status = %+v", st)
	}
	if f.env[EnvCacheRoot] != root {
		t.Errorf("%s = %q, want %q", EnvCacheRoot, f.env[EnvCacheRoot], root)
	}
	if !st.Direct || f.env[EnvRuntime] != f.kernelCmd() || f.kernelCalls != 1 {
		t.Errorf("direct %v, %s = %q, preparations %d; want the direct kernel", st.Direct, EnvRuntime, f.env[EnvRuntime], f.kernelCalls)
	}
	if f.restarts != 1 || f.loads != 1 {
		t.Errorf("restarts = %d, loads = %d; want 1 and 1 (restart for the new root, one warm-up load)", f.restarts, f.loads)
	}
	if !strings.HasPrefix(out, "lazy jsii loading: prepared") {
		t.Errorf("notice = %q", out)
	}

	// Next process: the copy and its runtime index are there; quiet, no warm-up.
	g := &fakeHost{env: map[string]string{}, cache: f.cache, pkg: f.pkg}
	st, out = runSetup(t, g)
	if !st.Active || st.Prepared || g.loads != 0 || g.restarts != 1 || out != "" {
		t.Errorf("second run: status %+v, loads %d, restarts %d, notice %q", st, g.loads, g.restarts, out)
	}

	// Verbose: one status line.
	g = &fakeHost{env: map[string]string{EnvVerbose: "1"}, cache: f.cache, pkg: f.pkg}
	if _, out = runSetup(t, g); !strings.HasPrefix(out, "lazy jsii loading: active") {
		t.Errorf("verbose notice = %q", out)
	}

	// A child of a process that set the root and the direct kernel keeps
	// them and restarts nothing.
	g = &fakeHost{env: map[string]string{EnvCacheRoot: root, EnvRuntime: f.kernelCmd()}, cache: f.cache, pkg: f.pkg}
	if st, _ = runSetup(t, g); !st.Active || !st.Direct || g.restarts != 0 || g.kernelCalls != 0 {
		t.Errorf("inherited root and kernel: status %+v, restarts %d, kernel preparations %d", st, g.restarts, g.kernelCalls)
	}
	// With the root alone inherited, the direct kernel is added: one restart.
	g = &fakeHost{env: map[string]string{EnvCacheRoot: root}, cache: f.cache, pkg: f.pkg}
	if st, _ = runSetup(t, g); !st.Active || !st.Direct || g.restarts != 1 {
		t.Errorf("inherited root: status %+v, restarts %d", st, g.restarts)
	}
}

// The direct kernel is optional: asked off, someone else's JSII_RUNTIME, or
// a failed preparation keep jsii's launcher, and lazy loading stays on.
func TestSetupKeepsTheLauncher(t *testing.T) {
	cases := map[string]struct {
		arrange func(f *fakeHost)
		note    string
		runtime string // JSII_RUNTIME afterwards
	}{
		"asked for":          {func(f *fakeHost) { f.env[EnvLauncher] = "1" }, "", ""},
		"other JSII_RUNTIME": {func(f *fakeHost) { f.env[EnvRuntime] = "my-kernel" }, "JSII_RUNTIME is already set", "my-kernel"},
		"preparation fails":  {func(f *fakeHost) { f.kernelErr = errors.New("no kernel here") }, "no kernel here", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeHost(t)
			f.env[EnvVerbose] = "1"
			c.arrange(f)
			st, out := runSetup(t, f)
			if !st.Active || st.Direct || st.KernelNote != c.note || f.env[EnvRuntime] != c.runtime {
				t.Errorf("status %+v, %s = %q", st, EnvRuntime, f.env[EnvRuntime])
			}
			if f.restarts != 1 {
				t.Errorf("restarts %d, want 1 (for the root)", f.restarts)
			}
			if !strings.Contains(out, "jsii's Node launcher") {
				t.Errorf("notice %q does not say the launcher is used", out)
			}
		})
	}
}

// With assembly validation the kernel uses no runtime index: no warm-up.
func TestSetupWithValidationSkipsWarmUp(t *testing.T) {
	f := newFakeHost(t)
	f.env[envValidate] = "1"
	f.onLoad = func(*fakeHost) { t.Error("warm-up load with JSII_VALIDATE_ASSEMBLIES set") }
	if st, _ := runSetup(t, f); !st.Active || f.loads != 0 {
		t.Errorf("status %+v, loads %d", st, f.loads)
	}
}

func TestSetupOff(t *testing.T) {
	for _, v := range []string{"0", "false", "off", "no", "OFF"} {
		f := newFakeHost(t)
		f.env[EnvSwitch] = v
		st, out := runSetup(t, f)
		if !st.Off || st.Active || out != "" || f.restarts != 0 || f.env[EnvCacheRoot] != "" {
			t.Errorf("%s=%s: status %+v, notice %q, restarts %d, env %v", EnvSwitch, v, st, out, f.restarts, f.env)
		}
		if _, err := os.Stat(RootDir(f.cache, "1.0.0")); err == nil {
			t.Errorf("%s=%s: the cache was prepared anyway", EnvSwitch, v)
		}
	}
	// Off in a child whose parent had it on: the inherited root and direct
	// kernel are removed and the kernel process created with them is replaced.
	f := newFakeHost(t)
	f.env[EnvSwitch] = "0"
	f.env[EnvCacheRoot] = RootDir(f.cache, "1.0.0")
	f.env[EnvRuntime] = f.kernelCmd()
	if st, _ := runSetup(t, f); !st.Off || f.env[EnvCacheRoot] != "" || f.env[EnvRuntime] != "" || f.restarts != 1 {
		t.Errorf("inherited root: status %+v, env %v, restarts %d", st, f.env, f.restarts)
	}
	// Someone else's root and runtime command are not ours to remove.
	f = newFakeHost(t)
	f.env[EnvSwitch] = "0"
	f.env[EnvCacheRoot] = "/elsewhere"
	f.env[EnvRuntime] = "'/elsewhere/" + kernelDir + "/kernel'"
	if runSetup(t, f); f.env[EnvCacheRoot] != "/elsewhere" || f.env[EnvRuntime] == "" || f.restarts != 0 {
		t.Errorf("foreign root: env %v, restarts %d", f.env, f.restarts)
	}
}

func TestSetupOnValues(t *testing.T) {
	for _, v := range []string{"", "1", "true", "on", "yes"} {
		f := newFakeHost(t)
		f.env[EnvSwitch] = v
		if st, _ := runSetup(t, f); !st.Active {
			t.Errorf("%s=%q: not active: %s", EnvSwitch, v, st.Reason)
		}
	}
}

// Every fallback: not active, one notice line, environment as it was (or
// restored), and the standard path for the kernel.
func TestSetupFallsBack(t *testing.T) {
	cases := map[string]struct {
		arrange func(f *fakeHost)
		reason  string
	}{
		"unknown switch value":       {func(f *fakeHost) { f.env[EnvSwitch] = "maybe" }, "neither 0 nor 1"},
		"package cache disabled":     {func(f *fakeHost) { f.env[envCacheSwitch] = "disabled" }, "turns off the package cache"},
		"root set by the user":       {func(f *fakeHost) { f.env[EnvCacheRoot] = "/mine" }, "already set (to /mine)"},
		"kernel already running":     {func(f *fakeHost) { f.running = true }, "after the jsii kernel started"},
		"no provider tarball":        {func(f *fakeHost) { f.pkgErr = errors.New("no tarball") }, "no tarball"},
		"tarball of another version": {func(f *fakeHost) { f.pkg.Version = "9.9.9" }, "the tarball holds @ewt/fake-provider 1.2.3, not @ewt/fake-provider 9.9.9"},
		"kernel fails to load the copy": {func(f *fakeHost) {
			f.onLoad = func(*fakeHost) { panic("JsiiError: boom") }
		}, "could not load the prepared copy: JsiiError: boom"},
		"kernel writes no runtime index": {func(f *fakeHost) {
			f.onLoad = func(*fakeHost) {}
		}, "wrote no runtime index"},
		"kernel files the package elsewhere": {func(f *fakeHost) {
			f.onLoad = func(f *fakeHost) {
				other := filepath.Join(filepath.Dir(f.entry()), "0000")
				if err := os.MkdirAll(other, 0o755); err != nil {
					panic(err)
				}
				if err := os.WriteFile(filepath.Join(other, markerFile), nil, 0o644); err != nil {
					panic(err)
				}
			}
		}, "instead of the prepared copy"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFakeHost(t)
			c.arrange(f)
			before := map[string]string{}
			for k, v := range f.env {
				before[k] = v
			}
			st, out := runSetup(t, f)
			if st.Active || st.Off {
				t.Fatalf("status = %+v", st)
			}
			if !strings.Contains(st.Reason, c.reason) {
				t.Errorf("reason = %q, want it to contain %q", st.Reason, c.reason)
			}
			if !strings.HasPrefix(out, "lazy jsii loading off: ") || !strings.HasSuffix(out, "the standard (slower) way\n") {
				t.Errorf("notice = %q", out)
			}
			for _, k := range []string{EnvCacheRoot, EnvRuntime} {
				if f.env[k] != before[k] {
					t.Errorf("%s = %q after fallback, was %q", k, f.env[k], before[k])
				}
			}
			if f.restarts%2 != 0 {
				t.Errorf("kernel restarted %d times: a kernel with the lazy root may be left", f.restarts)
			}
		})
	}
}

// A standard entry of the provider beside the prepared copy means the kernel
// does not find the copy: Setup must not claim lazy loading.
func TestSetupNoticesABypassedCopy(t *testing.T) {
	f := newFakeHost(t)
	if st, _ := runSetup(t, f); !st.Active {
		t.Fatal(st.Reason)
	}
	writeFile(t, filepath.Join(filepath.Dir(f.entry()), "ffff", markerFile), "")
	g := &fakeHost{env: map[string]string{}, cache: f.cache, pkg: f.pkg}
	if st, _ := runSetup(t, g); st.Active || !strings.Contains(st.Reason, "instead of the prepared copy") {
		t.Errorf("status = %+v", st)
	}
}

func TestIsUnder(t *testing.T) {
	for p, want := range map[string]bool{"/a/b/c": true, "/a/b/c/": true, "/a/b": false, "/a/bc": false, "/a": false, "/a/b/../x": false} {
		if got := isUnder(p, "/a/b"); got != want {
			t.Errorf("isUnder(%q, /a/b) = %v", p, got)
		}
	}
}

// Roots of other versions go once no entry in them was used for a while.
func TestPruneUnusedRoots(t *testing.T) {
	base := t.TempDir()
	keep := filepath.Join(base, "v1-jsii-2.0.0")
	recent := filepath.Join(base, "v1-jsii-1.9.0")
	old := filepath.Join(base, "v1-jsii-1.8.0")
	empty := filepath.Join(base, "v0")
	for _, r := range []string{keep, recent, old} {
		writeFile(t, filepath.Join(r, "@cdktf", "provider-aws", "1.0.0", "d1g", markerFile), "")
		writeFile(t, filepath.Join(r, "cdktf", "0.21.0", "d1g", markerFile), "")
	}
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-40 * 24 * time.Hour)
	for _, r := range []string{keep, old} {
		for _, m := range []string{filepath.Join(r, "@cdktf", "provider-aws", "1.0.0", "d1g", markerFile), filepath.Join(r, "cdktf", "0.21.0", "d1g", markerFile)} {
			if err := os.Chtimes(m, long, long); err != nil {
				t.Fatal(err)
			}
		}
	}
	// recent: only its unscoped package was used lately.
	if err := os.Chtimes(filepath.Join(recent, "@cdktf", "provider-aws", "1.0.0", "d1g", markerFile), long, long); err != nil {
		t.Fatal(err)
	}
	pruneUnusedRoots(base, keep, 30*24*time.Hour)
	for dir, want := range map[string]bool{keep: true, recent: true, old: false, empty: false} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}

// The first preparation is said only to a terminal (or with verbose): a
// program whose stderr is read by a script or a test prints nothing extra on
// its first run. A fallback is always said.
func TestPreparationNoticeOnlyForATerminal(t *testing.T) {
	f := newFakeHost(t)
	st, out := runSetup(t, f)
	if !st.Active || !st.Prepared || out != "" {
		t.Errorf("status %+v, notice %q; want a quiet preparation", st, out)
	}
}
