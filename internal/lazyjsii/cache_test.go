package lazyjsii

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDigestIsTheKernelsKey(t *testing.T) {
	// jsii-runtime 1.142 digestFile(tarball, name, version): sha256 over the
	// tarball then "\0" + name and "\0" + version.
	p := Package{Name: "n", Version: "1", Tarball: []byte("abc")}
	sum := sha256.Sum256([]byte("abc\x00n\x001"))
	if got, want := p.Digest(), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("Digest = %s, want %s", got, want)
	}
	other := p
	other.Version = "2"
	if other.Digest() == p.Digest() {
		t.Error("the version does not change the digest")
	}
}

func TestEntryDirMatchesTheKernelsLayout(t *testing.T) {
	p := Package{Name: "@cdktf/provider-aws", Version: "19.54.0", Tarball: []byte("x")}
	got, err := EntryDir("/c", p)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("/c", "@cdktf", "provider-aws", "19.54.0", p.Digest()); got != want {
		t.Errorf("EntryDir = %s, want %s", got, want)
	}
	// Characters outside [@a-z0-9_./-] become "_" (upper case included).
	p.Name, p.Version = "Odd Name", "1.0.0+Build"
	got, _ = EntryDir("/c", p)
	if want := filepath.Join("/c", "_dd_ame", "1.0.0_uild", p.Digest()); got != want {
		t.Errorf("EntryDir = %s, want %s", got, want)
	}
	p.Name = "a/../b"
	if _, err := EntryDir("/c", p); err == nil {
		t.Error("accepted a .. segment")
	}
}

func TestPrepareBuildsAVerifiedEntry(t *testing.T) {
	root := t.TempDir()
	p := fakePackage(t)
	res, err := Prepare(root, p)
	if err != nil {
		t.Fatal(err)
	}
	entry, _ := EntryDir(root, p.Handed())
	if res.Entry != entry || res.Root != root || res.Exports != 3 || !res.Prepared {
		t.Fatalf("first Prepare = %+v", res)
	}
	for _, f := range []string{markerFile, stampFile, manifestFile, eagerFile, indexFile, "lib/alpha/index.js", ".jsii"} {
		if _, err := os.Stat(filepath.Join(entry, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(entry, eagerFile)); string(b) != fakeIndex {
		t.Errorf("%s is not the original index", eagerFile)
	}
	if left, _ := os.ReadDir(filepath.Join(root, ".tmp")); len(left) != 0 {
		t.Errorf("temporary directories left: %v", left)
	}
	again, err := Prepare(root, p)
	if err != nil || again.Prepared || again.Exports != 3 {
		t.Errorf("second Prepare = %+v, %v; want the entry reused", again, err)
	}
}

// Node loads the prepared package: nothing but the index up front, then only
// the module asked for; the kept original loads everything.
func TestPreparedEntryLoadsLazilyInNode(t *testing.T) {
	root := t.TempDir()
	res, err := Prepare(root, fakePackage(t))
	if err != nil {
		t.Fatal(err)
	}
	const script = `
const dir = process.argv[process.argv.length - 1];
const out = {};
const ix = require(dir + "/lib/index.js");
out.upFront = [...(globalThis.__loaded || [])];
out.keys = Object.keys(ix);
out.beta = new ix.beta.Thing().name();
out.afterBeta = [...globalThis.__loaded];
out.sameObject = ix.beta === require(dir + "/lib/beta");
require(dir + "/lib/index.eager.js");
out.afterEager = [...globalThis.__loaded].sort();
console.log(JSON.stringify(out));
`
	var got struct {
		UpFront    []string
		Keys       []string
		Beta       string
		AfterBeta  []string
		SameObject bool
		AfterEager []string
	}
	runNode(t, script, &got, res.Entry)
	want := `{[] [alpha beta gammaDelta] beta [beta] true [alpha beta gamma-delta]}`
	if s := fmt.Sprint(got); s != want {
		t.Errorf("got %s\nwant %s", s, want)
	}
}

func TestPrepareRebuildsABrokenEntry(t *testing.T) {
	p := fakePackage(t)
	cases := map[string]func(t *testing.T, entry string){
		"lazy index edited": func(t *testing.T, entry string) {
			writeFile(t, filepath.Join(entry, indexFile), "exports.alpha = 1;\n")
		},
		"original index edited": func(t *testing.T, entry string) {
			writeFile(t, filepath.Join(entry, eagerFile), strings.Replace(fakeIndex, "./beta", "./alpha", 1))
		},
		// Files other than the stamp, package.json and the rewritten one
		// are checked once a day: damage found at the next daily check.
		"module missing, a day later": func(t *testing.T, entry string) {
			if err := os.Remove(filepath.Join(entry, "lib/beta/index.js")); err != nil {
				t.Fatal(err)
			}
			ageCheck(t, entry, manifestCheckAge+time.Minute)
		},
		"module truncated, a day later": func(t *testing.T, entry string) {
			writeFile(t, filepath.Join(entry, "lib/beta/index.js"), "")
			ageCheck(t, entry, manifestCheckAge+time.Minute)
		},
		"module missing, never checked": func(t *testing.T, entry string) {
			if err := os.Remove(filepath.Join(entry, "lib/beta/index.js")); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(entry, checkedFile)); err != nil {
				t.Fatal(err)
			}
		},
		"stamp of another version": func(t *testing.T, entry string) {
			b, _ := os.ReadFile(filepath.Join(entry, stampFile))
			writeFile(t, filepath.Join(entry, stampFile), strings.Replace(string(b), `"1.2.3"`, `"1.2.2"`, 1))
		},
		"no stamp (a kernel-made entry)": func(t *testing.T, entry string) {
			if err := os.Remove(filepath.Join(entry, stampFile)); err != nil {
				t.Fatal(err)
			}
		},
		"no marker": func(t *testing.T, entry string) {
			if err := os.Remove(filepath.Join(entry, markerFile)); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			res, err := Prepare(root, p)
			if err != nil {
				t.Fatal(err)
			}
			damage(t, res.Entry)
			if _, err := verify(res.Entry, p, p.Handed().Digest()); err == nil {
				t.Fatal("verify accepted the damaged entry")
			}
			again, err := Prepare(root, p)
			if err != nil || !again.Prepared {
				t.Fatalf("Prepare after damage = %+v, %v; want a rebuild", again, err)
			}
			if _, err := verify(res.Entry, p, p.Handed().Digest()); err != nil {
				t.Errorf("rebuilt entry does not verify: %v", err)
			}
			if left, _ := os.ReadDir(filepath.Join(root, ".tmp")); len(left) != 0 {
				t.Errorf("left in .tmp: %v", left)
			}
		})
	}
}

// ageCheck makes the last full check of entry's files age old.
func ageCheck(t *testing.T, entry string, age time.Duration) {
	t.Helper()
	then := time.Now().Add(-age)
	if err := os.Chtimes(filepath.Join(entry, checkedFile), then, then); err != nil {
		t.Fatal(err)
	}
}

// Every file of a copy is checked at its first use and then at most once a
// day; a check in the future (clock set back) does not count.
func TestManifestCheckedDaily(t *testing.T) {
	root := t.TempDir()
	p := fakePackage(t)
	res, err := Prepare(root, p)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(res.Entry, checkedFile))
	if err != nil {
		t.Fatalf("the first check left no record: %v", err)
	}
	if time.Since(info.ModTime()) > time.Minute {
		t.Errorf("check recorded at %v", info.ModTime())
	}
	if err := os.Remove(filepath.Join(res.Entry, "lib/beta/index.js")); err != nil {
		t.Fatal(err)
	}
	digest := p.Handed().Digest()
	if _, err := verify(res.Entry, p, digest); err != nil {
		t.Errorf("within the day: %v (want the per-file check skipped)", err)
	}
	ageCheck(t, res.Entry, -time.Hour) // in the future
	if _, err := verify(res.Entry, p, digest); err == nil {
		t.Error("a check recorded in the future was trusted")
	}
}

// The kernel may add files (its runtime index) to the entry; that is fine.
func TestVerifyAllowsKernelFiles(t *testing.T) {
	root := t.TempDir()
	p := fakePackage(t)
	res, err := Prepare(root, p)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(res.Entry, ".jsii.runtime.v1.json"), "{}")
	if _, err := verify(res.Entry, p, p.Handed().Digest()); err != nil {
		t.Error(err)
	}
}

func TestPrepareRefusesMismatches(t *testing.T) {
	files := func(edit func(map[string]string)) map[string]string {
		f := fakeFiles("1.2.3")
		edit(f)
		return f
	}
	cases := map[string][]byte{
		"other version in tarball": makeTarball(t, fakeFiles("1.2.4")),
		"other name in tarball": makeTarball(t, files(func(f map[string]string) {
			f["package.json"] = `{"name": "@ewt/other", "version": "1.2.3"}`
		})),
		"index of another shape": makeTarball(t, files(func(f map[string]string) {
			f["lib/index.js"] = fakeIndex + "globalThis.sideEffect = 1;\n"
		})),
		"no index":                 makeTarball(t, files(func(f map[string]string) { delete(f, "lib/index.js") })),
		"symlink":                  makeTarball(t, fakeFiles("1.2.3"), tarEntry{hdr: tar.Header{Name: "package/lib/link", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}}),
		"path leaving the package": makeTarball(t, fakeFiles("1.2.3"), tarEntry{hdr: tar.Header{Name: "package/../../evil.js", Typeflag: tar.TypeReg, Mode: 0o644}, body: "x"}),
		"not gzip":                 []byte("plain"),
		"empty tarball":            makeTarball(t, map[string]string{}),
	}
	for name, tarball := range cases {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			p := Package{Name: "@ewt/fake-provider", Version: "1.2.3", Tarball: tarball}
			if res, err := Prepare(root, p); err == nil {
				t.Fatalf("Prepare accepted it: %+v", res)
			}
			entry, _ := EntryDir(root, p.Handed())
			if _, err := os.Stat(entry); !os.IsNotExist(err) {
				t.Errorf("an entry was installed anyway (%v)", err)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(root), "evil.js")); err == nil {
				t.Error("a file was written outside the entry")
			}
		})
	}
}

// Several processes preparing the same entry at once all end up using one
// verified entry and leave no temporary directories behind.
func TestPrepareConcurrentProcesses(t *testing.T) {
	if os.Getenv("LAZYJSII_HELPER_ROOT") != "" {
		t.Skip("helper process")
	}
	root := t.TempDir()
	tarball := filepath.Join(t.TempDir(), "fake.tgz")
	p := fakePackage(t)
	if err := os.WriteFile(tarball, p.Tarball, 0o644); err != nil {
		t.Fatal(err)
	}
	const n = 4
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestHelperPrepare$", "-test.v")
		cmds[i].Env = append(os.Environ(), "LAZYJSII_HELPER_ROOT="+root, "LAZYJSII_HELPER_TARBALL="+tarball)
	}
	outs := make([][]byte, n)
	errs := make(chan error, n)
	for i, c := range cmds {
		go func() {
			var err error
			outs[i], err = c.CombinedOutput()
			errs <- err
		}()
	}
	for range cmds {
		if err := <-errs; err != nil {
			t.Errorf("helper failed: %v", err)
		}
	}
	prepared := 0
	for _, o := range outs {
		if !strings.Contains(string(o), "PREPARED=") {
			t.Fatalf("helper output without result:\n%s", o)
		}
		if strings.Contains(string(o), "PREPARED=true") {
			prepared++
		}
	}
	if prepared != 1 {
		t.Errorf("%d processes report having installed the entry, want 1", prepared)
	}
	if _, err := verify(mustEntry(t, root, p), p, p.Handed().Digest()); err != nil {
		t.Errorf("entry does not verify: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(root, ".tmp")); len(left) != 0 {
		t.Errorf("left in .tmp: %v", left)
	}
	siblings, _ := os.ReadDir(filepath.Dir(mustEntry(t, root, p)))
	if len(siblings) != 1 {
		t.Errorf("version directory holds %d entries, want 1", len(siblings))
	}
}

func TestHelperPrepare(t *testing.T) {
	root := os.Getenv("LAZYJSII_HELPER_ROOT")
	if root == "" {
		t.Skip("run by TestPrepareConcurrentProcesses")
	}
	b, err := os.ReadFile(os.Getenv("LAZYJSII_HELPER_TARBALL"))
	if err != nil {
		t.Fatal(err)
	}
	// Hold the built copy so that all helpers have built theirs before the
	// first one installs: they race for the rename.
	testHookBeforeInstall = func() { time.Sleep(500 * time.Millisecond) }
	res, err := Prepare(root, Package{Name: "@ewt/fake-provider", Version: "1.2.3", Tarball: b})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("PREPARED=%v\n", res.Prepared)
}

func mustEntry(t *testing.T, root string, p Package) string {
	t.Helper()
	e, err := EntryDir(root, p.Handed())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestRemoveStaleKeepsFreshDirectories(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "fresh", "f"), "x")
	removeStale(dir, 0)
	if _, err := os.Stat(filepath.Join(dir, "fresh")); err == nil {
		t.Error("age 0 kept a directory")
	}
	writeFile(t, filepath.Join(dir, "fresh", "f"), "x")
	removeStale(dir, 1<<62)
	if _, err := os.Stat(filepath.Join(dir, "fresh")); err != nil {
		t.Error("a fresh directory was removed")
	}
}
