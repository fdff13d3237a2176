// Package lazyjsii makes the jsii kernel load only the AWS provider code that
// the stacks use.
//
// @cdktf/provider-aws's lib/index.js requires all of its ~2,090 resource
// modules (192 MB of JavaScript) as soon as the first AWS type is used, and V8
// compiling them is most of a synth's time and memory. Setup prepares, in a
// project cache directory outside git
// (<user cache>/elastic-web-tier/jsii-lazy/v<format>-jsii-<runtime version>/),
// a jsii package cache entry for that package, filed where the kernel looks
// for it (name/version/digest of the tarball the Go bindings embed), whose
// index defines each export as a getter that requires its module on first
// access; the original index is kept beside it as index.eager.js. It then
// points the kernel at that cache (JSII_RUNTIME_PACKAGE_CACHE_ROOT); the
// kernel extracts the other packages (cdktf, constructs) there as usual.
//
// Before every use the copy is verified: the provider version go.mod pins
// (build information, or go.mod itself in test binaries) matches the embedded
// tarball's package.json; the lazy index is exactly what the original turns
// into (so it exports the same names, in the same order); every file is there
// with its size. A copy that does not verify is rebuilt, in a temporary
// directory renamed into place, so that concurrent processes are safe. The
// first use of a copy has the kernel load it once and waits for the kernel's
// runtime index of the package, which also proves the kernel uses the copy.
//
// When anything does not match, Setup leaves the environment as it was and
// prints one line: the kernel then loads the package the standard way.
// EWT_LAZY_JSII=0 turns it off.
//
// With lazy loading on, Setup also starts the kernel without jsii's Node
// launcher process (see PrepareKernel; EWT_JSII_LAUNCHER=1 keeps it), makes a
// copy of cdktf the same way whose lib/private/fs.js requires archiver (203
// modules) on first use instead of at load (LazyArchiver) and whose token
// creation stacks are formatted when first read (LazyStackTrace), and files both
// copies under the digest of a stand-in tarball of a few hundred bytes
// (Package.Stub) that it has the bindings hand the kernel instead of the
// real ones: the kernel then digests that instead of reading and hashing the
// 33 MB provider tarball, which the Go side no longer writes to a temporary
// file either. The real tarball is named in the stand-in by the Go module
// version that embeds it, so checking a copy on use needs no hashing of it.
package lazyjsii

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/jsii-runtime-go"
	awsjsii "github.com/cdktf/cdktf-provider-aws-go/aws/v19/jsii"
	"github.com/mattn/go-isatty"
)

// Environment variables.
const (
	// EnvSwitch turns lazy loading off with 0 (also false, off, no); empty,
	// 1, true, on or yes leave it on.
	EnvSwitch = "EWT_LAZY_JSII"
	// EnvVerbose set to 1 makes Setup say in one line what it did even when
	// all went well (make bench uses it to check the app really uses it).
	EnvVerbose = "EWT_LAZY_JSII_VERBOSE"
	// EnvCacheRoot is the kernel's package cache root setting that Setup sets.
	EnvCacheRoot = "JSII_RUNTIME_PACKAGE_CACHE_ROOT"
	// envCacheSwitch is the kernel's switch for its package cache, which lazy
	// loading needs.
	envCacheSwitch = "JSII_RUNTIME_PACKAGE_CACHE"
	// envValidate (any non-empty value) makes the kernel validate assemblies.
	envValidate = "JSII_VALIDATE_ASSEMBLIES"
)

// Status is what Setup did.
type Status struct {
	Active   bool   // the kernel will load the lazily loading copy
	Off      bool   // EWT_LAZY_JSII turned lazy loading off
	Reason   string // why it is not active (empty when it is, or when Off)
	Root     string // the package cache root given to the kernel
	Entry    string // the provider package directory in it
	Package  string // the provider package and version, e.g. "@cdktf/provider-aws 19.54.0"
	Exports  int    // names the provider index exports
	Prepared bool   // Setup built the copy (first use of this version)
	// Direct is set when the kernel runs without jsii's Node launcher
	// (JSII_RUNTIME names the direct kernel; see PrepareKernel).
	Direct bool
	// Others are the other packages with a copy (cdktf), or why not.
	Others []string
	// Standard are the other packages that could not be copied (a file not
	// of the shape the rewrite knows, after a dependency bump) and are
	// loaded the standard way, each with why: Setup says so in its one line.
	Standard []string
	// KernelNote says why the launcher is kept (empty when Direct, or when
	// EWT_JSII_LAUNCHER=1 asked for it).
	KernelNote string
	Took       time.Duration
}

var (
	setupOnce sync.Once
	current   Status
)

// Setup turns on lazy loading of the AWS provider for this process's jsii
// kernel; w gets at most one line (a fallback notice, the first preparation
// of a version when w is a terminal, or with EWT_LAZY_JSII_VERBOSE=1 the
// status). Call it at the start of main (after jsiienv.Ensure) or of
// TestMain, before the first jsii call: it restarts the kernel process that package initializers created but
// have not started yet, so that the kernel sees the cache root. Later calls
// return the first call's status.
func Setup(w io.Writer) Status {
	setupOnce.Do(func() { current = setup(w, osHost()) })
	return current
}

// Current returns the status of the process's Setup (the zero Status, not
// active, before Setup ran).
func Current() Status { return current }

// host is what setup needs from the process; tests replace it.
type host struct {
	getenv        func(string) string
	setenv        func(string, string) error
	unsetenv      func(string) error
	cacheDir      func() (string, error)
	pkg           func() (Package, error)
	jsiiVersion   func() (string, error)
	kernelRunning func() bool
	restartKernel func()
	// loadProvider makes the kernel load the provider package (starting the
	// kernel if needed); it panics on failure, as jsii calls do.
	loadProvider func()
	// extra returns the other packages to copy (cdktf), those it can.
	extra func() []Package
	// hand makes the bindings of a package hand the kernel a tarball; false
	// for a package it does not know.
	hand func(name string, tarball []byte) bool
	// prepareKernel prepares the direct kernel under a root and returns
	// the JSII_RUNTIME value that starts it.
	prepareKernel func(root string) (string, error)
	indexTimeout  time.Duration
}

func osHost() host {
	return host{
		getenv:        os.Getenv,
		setenv:        os.Setenv,
		unsetenv:      os.Unsetenv,
		cacheDir:      os.UserCacheDir,
		pkg:           AWSProvider,
		jsiiVersion:   func() (string, error) { return pinnedVersion(JSIIRuntimeModule) },
		kernelRunning: kernelRunning,
		// jsii.Close ends the kernel process and removes its temp directory;
		// the next jsii call creates a new one with the current environment.
		restartKernel: jsii.Close,
		loadProvider:  awsjsii.Initialize,
		extra: func() []Package {
			if p, err := CDKTF(); err == nil {
				return []Package{p}
			}
			return nil
		},
		hand:          handTarball,
		prepareKernel: PrepareKernel,
		indexTimeout:  2 * time.Minute,
	}
}

// BaseDir is where lazily loading copies live: <user cache>/elastic-web-tier/jsii-lazy.
func BaseDir(userCache string) string {
	return filepath.Join(userCache, "elastic-web-tier", "jsii-lazy")
}

// RootDir is the package cache root for this format of copies and this
// version of jsii-runtime-go (whose kernel decides the cache layout and writes
// its runtime index into the copy): another version starts afresh.
func RootDir(userCache, runtimeVersion string) string {
	return filepath.Join(BaseDir(userCache), fmt.Sprintf("v%d-jsii-%s", formatVersion, runtimeVersion))
}

// JSIIRuntimeModule is the Go module of the jsii runtime.
const JSIIRuntimeModule = "github.com/aws/jsii-runtime-go"

// unusedRootAge is how long a root no process uses is kept (the kernel's own
// expiry of unused cache entries is 30 days too).
const unusedRootAge = 30 * 24 * time.Hour

func setup(w io.Writer, h host) (st Status) {
	start := time.Now()
	verbose := h.getenv(EnvVerbose) == "1"
	defer func() {
		st.Took = time.Since(start)
		switch {
		case st.Off:
			if verbose {
				fmt.Fprintf(w, "lazy jsii loading: off (%s=%s)\n", EnvSwitch, h.getenv(EnvSwitch))
			}
		case !st.Active:
			fmt.Fprintf(w, "lazy jsii loading off: %s; loading the provider the standard (slower) way\n", st.Reason)
		case len(st.Standard) > 0:
			fmt.Fprintf(w, "lazy jsii loading: %s; loading it the standard (slower) way\n", strings.Join(st.Standard, "; "))
		case st.Prepared && (verbose || isTerminal(w)):
			// Only for a person (or when asked): a script or a test that reads
			// the program's stderr sees the same output on the first run as
			// on every other.
			fmt.Fprintf(w, "lazy jsii loading: prepared a lazily loading copy of %s (%d exports)%s in %.1fs (once per version), %s: %s\n",
				st.Package, st.Exports, st.othersSummary(), st.Took.Seconds(), st.kernelSummary(), st.Entry)
		case verbose:
			fmt.Fprintf(w, "lazy jsii loading: active for %s (%d exports)%s, copies checked in %dms, %s: %s\n",
				st.Package, st.Exports, st.othersSummary(), st.Took.Milliseconds(), st.kernelSummary(), st.Entry)
		}
	}()
	fallback := func(format string, args ...any) Status {
		return Status{Reason: fmt.Sprintf(format, args...)}
	}

	userCache, cacheErr := h.cacheDir()
	inherited := h.getenv(EnvCacheRoot)
	ours := cacheErr == nil && inherited != "" && isUnder(inherited, BaseDir(userCache))
	// A JSII_RUNTIME that names a direct kernel of ours was set by a parent
	// process that has lazy loading on.
	inheritedRuntime := h.getenv(EnvRuntime)
	oursRuntime := cacheErr == nil && isOurKernel(inheritedRuntime, BaseDir(userCache))

	switch v := strings.ToLower(strings.TrimSpace(h.getenv(EnvSwitch))); v {
	case "", "1", "true", "on", "yes":
	case "0", "false", "off", "no":
		if ours || oursRuntime { // set by a parent process that has it on: undo it for our kernel
			if h.kernelRunning() {
				return fallback("%s=%s came after the jsii kernel started with lazy loading", EnvSwitch, v)
			}
			for _, k := range []string{EnvCacheRoot, EnvRuntime} {
				if (k == EnvCacheRoot && ours) || (k == EnvRuntime && oursRuntime) {
					if err := h.unsetenv(k); err != nil {
						return fallback("%v", err)
					}
				}
			}
			h.restartKernel()
		}
		return Status{Off: true}
	default:
		return fallback("%s=%q is neither 0 nor 1", EnvSwitch, h.getenv(EnvSwitch))
	}
	if c := h.getenv(envCacheSwitch); c != "" && !strings.EqualFold(c, "enabled") {
		return fallback("%s=%s turns off the package cache it needs", envCacheSwitch, c)
	}
	if cacheErr != nil {
		return fallback("no cache directory: %v", cacheErr)
	}
	runtimeVersion, err := h.jsiiVersion()
	if err != nil {
		return fallback("%v", err)
	}
	root := RootDir(userCache, runtimeVersion)
	if inherited != "" && filepath.Clean(inherited) != root {
		return fallback("%s is already set (to %s)", EnvCacheRoot, inherited)
	}
	if inherited == "" && h.kernelRunning() {
		return fallback("Setup was called after the jsii kernel started")
	}
	pkg, err := h.pkg()
	if err != nil {
		return fallback("%v", err)
	}
	res, err := Prepare(root, pkg)
	if err != nil {
		return fallback("preparing the copy of %s %s in %s: %v", pkg.Name, pkg.Version, root, err)
	}
	if other := standardEntry(res.Entry); other != "" {
		return fallback("the jsii kernel used %s instead of the prepared copy", other)
	}
	st = Status{Active: true, Root: res.Root, Entry: res.Entry, Package: pkg.Name + " " + pkg.Version, Exports: res.Exports, Prepared: res.Prepared}
	// The other packages with a copy (cdktf): optional, each on its own.
	managed := []Package{pkg}
	entries := []string{res.Entry}
	for _, p := range h.extra() {
		r, err := Prepare(root, p)
		if err == nil && standardEntry(r.Entry) != "" {
			err = errors.New("the kernel filed it elsewhere")
		}
		if err != nil {
			// Prepare's errors about the package start with its name and version.
			why := strings.TrimPrefix(err.Error(), p.Name+" "+p.Version+": ")
			msg := fmt.Sprintf("%s %s not copied (%s)", p.Name, p.Version, why)
			st.Others = append(st.Others, msg)
			st.Standard = append(st.Standard, msg)
			continue
		}
		managed = append(managed, p)
		entries = append(entries, r.Entry)
		st.Others = append(st.Others, p.Name+" "+p.Version)
		st.Prepared = st.Prepared || r.Prepared
	}
	// The bindings hand the kernel the stand-in tarballs, whose digests
	// name the copies; on any fallback below they get the originals back.
	for _, p := range managed {
		if !h.hand(p.Name, p.Stub()) {
			return fallback("cannot hand the jsii kernel a stand-in tarball of %s", p.Name)
		}
	}
	defer func() {
		if !st.Active {
			for _, p := range managed {
				h.hand(p.Name, p.Tarball)
			}
		}
	}()
	// The direct kernel, unless asked not to or another runtime command is set.
	restart := false
	switch {
	case h.getenv(EnvLauncher) == "1":
	case oursRuntime:
		st.Direct = true // inherited from a parent that prepared it
	case inheritedRuntime != "":
		st.KernelNote = EnvRuntime + " is already set"
	default:
		cmd, err := h.prepareKernel(root)
		if err != nil {
			st.KernelNote = err.Error()
			break
		}
		if err := h.setenv(EnvRuntime, cmd); err != nil {
			return fallback("%v", err)
		}
		st.Direct, restart = true, true
	}
	if inherited == "" {
		if err := h.setenv(EnvCacheRoot, root); err != nil {
			if st.Direct && !oursRuntime {
				_ = h.unsetenv(EnvRuntime)
			}
			return fallback("%v", err)
		}
		restart = true
	}
	if restart {
		h.restartKernel()
	}
	if st.Prepared {
		pruneUnusedRoots(BaseDir(userCache), root, unusedRootAge)
	}
	// With JSII_VALIDATE_ASSEMBLIES the kernel neither uses nor builds a
	// runtime index (it parses the assembly to validate it); the JavaScript
	// is still loaded lazily.
	if h.getenv(envValidate) == "" && !allIndexed(entries) {
		if err := warmUp(h, entries); err != nil {
			// Back to the standard path, with a kernel that has not seen the
			// root nor the direct kernel.
			_ = h.unsetenv(EnvCacheRoot)
			if st.Direct && !oursRuntime {
				_ = h.unsetenv(EnvRuntime)
			}
			h.restartKernel()
			return fallback("%v", err)
		}
		st.Prepared = true
	}
	return st
}

func allIndexed(entries []string) bool {
	for _, e := range entries {
		if !runtimeIndexReady(e) {
			return false
		}
	}
	return true
}

// othersSummary lists the other copies for the status line.
func (st Status) othersSummary() string {
	if len(st.Others) == 0 {
		return ""
	}
	return " and " + strings.Join(st.Others, ", ")
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// kernelSummary says in a few words how the kernel is started.
func (st Status) kernelSummary() string {
	switch {
	case st.Direct:
		return "direct kernel (no Node launcher)"
	case st.KernelNote != "":
		return "jsii's Node launcher (" + st.KernelNote + ")"
	default:
		return "jsii's Node launcher (" + EnvLauncher + "=1)"
	}
}

// isOurKernel reports whether a JSII_RUNTIME value names a direct kernel
// under base (as PrepareKernel returns it: a single-quoted path).
func isOurKernel(v, base string) bool {
	p, ok := strings.CutPrefix(v, "'")
	if !ok {
		return false
	}
	p, ok = strings.CutSuffix(p, "'")
	return ok && filepath.Base(p) == "kernel" && filepath.Base(filepath.Dir(p)) == kernelDir && isUnder(p, base)
}

// runtimeIndexReady reports whether entry holds the kernel's runtime index of
// the package (.jsii.runtime.v<N>.json, written last when it builds one).
// Without it the kernel parses the package's 116 MB assembly on every load.
func runtimeIndexReady(entry string) bool {
	m, _ := filepath.Glob(filepath.Join(entry, ".jsii.runtime.v*.json"))
	return len(m) > 0
}

// warmUp has the kernel load the packages from the prepared copies once
// (loading the provider loads cdktf too) and waits until it has written its
// runtime index in every entry. The kernel builds the index in a worker
// thread after a load without one, which a short synth does not live to
// finish; this first load waits for it. It also proves that the kernel uses
// the copies: had it filed a package elsewhere, the index would never appear
// here.
func warmUp(h host, entries []string) (err error) {
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the jsii kernel could not load the prepared copy: %v", r)
			}
		}()
		h.loadProvider()
	}()
	if err != nil {
		return err
	}
	for _, entry := range entries {
		if other := standardEntry(entry); other != "" {
			return fmt.Errorf("the jsii kernel used %s instead of the prepared copy", other)
		}
	}
	deadline := time.Now().Add(h.indexTimeout)
	for _, entry := range entries {
		for !runtimeIndexReady(entry) {
			if time.Now().After(deadline) {
				return fmt.Errorf("the jsii kernel wrote no runtime index into %s within %s", entry, h.indexTimeout)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

// standardEntry returns a complete cache entry next to entry (same package
// and version, another digest) that the kernel made itself, which means it
// did not find the prepared copy; "" when there is none.
func standardEntry(entry string) string {
	siblings, _ := os.ReadDir(filepath.Dir(entry))
	for _, d := range siblings {
		p := filepath.Join(filepath.Dir(entry), d.Name())
		if !d.IsDir() || p == entry {
			continue
		}
		_, errMarker := os.Lstat(filepath.Join(p, markerFile))
		_, errStamp := os.Lstat(filepath.Join(p, stampFile))
		if errMarker == nil && errStamp != nil {
			return p
		}
	}
	return ""
}

// pruneUnusedRoots removes the roots under base other than keep (left by
// other versions) in which no cache entry was used for age: the kernel
// touches an entry's marker file on every use.
func pruneUnusedRoots(base, keep string, age time.Duration) {
	dirs, _ := os.ReadDir(base)
	for _, d := range dirs {
		p := filepath.Join(base, d.Name())
		if !d.IsDir() || p == keep || usedSince(p, time.Now().Add(-age)) {
			continue
		}
		_ = os.RemoveAll(p)
	}
}

// usedSince reports whether a marker file under dir (cache entries are at
// most four levels down: @scope/name/version/digest) was touched after t.
func usedSince(dir string, t time.Time) bool {
	used := false
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || used {
			return filepath.SkipDir
		}
		if rel, _ := filepath.Rel(dir, p); d.IsDir() && strings.Count(rel, string(filepath.Separator)) >= 4 {
			return filepath.SkipDir
		}
		if d.Name() == markerFile {
			if info, err := d.Info(); err == nil && info.ModTime().After(t) {
				used = true
			}
		}
		return nil
	})
	return used
}

func isUnder(p, dir string) bool {
	rel, err := filepath.Rel(dir, filepath.Clean(p))
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// kernelRunning reports whether this process has a jsii kernel child (Linux:
// /proc; elsewhere it cannot tell and says no).
func kernelRunning() bool {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, pid := range strings.Fields(string(b)) {
			cmd, err := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
			if err == nil && strings.Contains(string(cmd), "jsii-runtime") {
				return true
			}
		}
	}
	return false
}
