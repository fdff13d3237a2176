package lazyjsii

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Package is an npm package as jsii bindings hand it to the kernel: the name
// and version they pass to Load and the tarball they embed.
type Package struct {
	Name    string
	Version string
	Tarball []byte
	// Identity names the tarball's content without reading it: the Go
	// module version that embeds it ("path@vX.Y.Z"; see pinnedModule).
	// Empty (a replaced module): the tarball's sha256 is computed instead.
	Identity string
	// Rewrite is what the copy changes; nil is the provider's lazy index.
	Rewrite *Rewrite
}

// Rewrite is the one file of a package that its copy changes: File is
// replaced by Apply of its original, which is kept as Kept.
type Rewrite struct {
	File, Kept string
	// Apply returns the new content and a count to report (the provider
	// index's exports), or an error when the original is not of the shape
	// it knows.
	Apply func(orig []byte) ([]byte, int, error)
	// Next is another file the copy changes, or nil.
	Next *Rewrite
}

// lazyIndex is the provider's rewrite: lib/index.js becomes the lazily
// loading index.
var lazyIndex = &Rewrite{File: indexFile, Kept: eagerFile, Apply: func(orig []byte) ([]byte, int, error) {
	ix, err := ParseIndex(orig)
	if err != nil {
		return nil, 0, err
	}
	return ix.LazySource(), len(ix.Exports), nil
}}

func (p Package) rewrite() *Rewrite {
	if p.Rewrite == nil {
		return lazyIndex
	}
	return p.Rewrite
}

// source is what the stand-in tarball says p's tarball is.
func (p Package) source() string {
	if p.Identity != "" {
		return p.Identity
	}
	return "sha256:" + sha(p.Tarball)
}

// Stub is the stand-in tarball that Setup hands the bindings to pass to the
// kernel instead of p's: a package.json naming p and the source of its real
// tarball, a few hundred bytes. The kernel only digests the tarball it is
// handed to find its cache entry, where Prepare filed the copy; so it reads
// and hashes this instead of p's tarball (33 MB for the provider, which the
// Go side also writes to a temporary file on every run).
func (p Package) Stub() []byte {
	pj, _ := json.Marshal(struct {
		Name        string `json:"name"`
		Version     string `json:"version"`
		Description string `json:"description"`
	}{p.Name, p.Version, "stand-in handed to the jsii kernel by elastic-web-tier (internal/lazyjsii) for the tarball " + p.source() +
		"; the kernel finds the prepared copy of that tarball under this one's digest"})
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.NoCompression)
	tw := tar.NewWriter(zw)
	_ = tw.WriteHeader(&tar.Header{Name: "package/package.json", Mode: 0o644, Size: int64(len(pj)), Typeflag: tar.TypeReg,
		ModTime: time.Unix(0, 0), Format: tar.FormatUSTAR})
	_, _ = tw.Write(pj)
	_ = tw.Close()
	_ = zw.Close()
	return buf.Bytes()
}

// Handed is p as the kernel gets it from Setup: with the stand-in tarball.
// Its digest names the directory of the prepared copy.
func (p Package) Handed() Package {
	return Package{Name: p.Name, Version: p.Version, Tarball: p.Stub(), Identity: p.Identity, Rewrite: p.Rewrite}
}

// Digest is the hex digest the jsii kernel files p under in its package
// cache: sha256 of the tarball, then for each of name and version a NUL byte
// and the string (jsii-runtime 1.142 `digestFile(tarball, name, version)`).
func (p Package) Digest() string {
	h := sha256.New()
	h.Write(p.Tarball)
	for _, s := range []string{p.Name, p.Version} {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

var keyUnsafe = regexp.MustCompile(`[^@a-z0-9_.\\/-]+`)

// EntryDir is the directory under a package cache root where the jsii kernel
// looks for p (jsii-runtime 1.142 `DiskCache.entry(name, version, digest)`:
// each key has runs of other characters replaced by "_" and is split on
// slashes).
func EntryDir(root string, p Package) (string, error) {
	parts := []string{root}
	for _, key := range []string{p.Name, p.Version, p.Digest()} {
		for _, seg := range strings.FieldsFunc(keyUnsafe.ReplaceAllString(key, "_"), func(r rune) bool { return r == '/' || r == '\\' }) {
			if seg == ".." || seg == "." {
				return "", fmt.Errorf("cache key %q has a %q segment", key, seg)
			}
			parts = append(parts, seg)
		}
	}
	return filepath.Join(parts...), nil
}

// Files the lazily loading copy adds next to the package's own files.
const (
	markerFile   = ".jsii-runtime-package-cache" // the kernel's "entry is complete" marker
	stampFile    = ".ewt-lazy.json"
	manifestFile = ".ewt-lazy-files"
	indexFile    = "lib/index.js"
	eagerFile    = "lib/index.eager.js"
	// formatVersion changes whenever what Prepare writes changes, so that
	// older copies are rebuilt (it is also part of the cache root). 2: filed
	// under the stand-in tarball's digest; cdktf copied too. 3: cdktf's
	// creation stacks formatted on first read.
	formatVersion = 3
)

// stamp records what an entry was prepared from; verify checks it on use.
type stamp struct {
	Format      int    `json:"format"`
	Name        string `json:"name"`
	Version     string `json:"version"`
	Digest      string `json:"digest"` // of the stand-in tarball
	Source      string `json:"source"` // the real tarball (Package.Identity, or its sha256)
	Rewritten   string `json:"rewritten"`
	Exports     int    `json:"exports"`
	EagerSHA256 string `json:"eager_sha256"` // the rewritten file's original
	IndexSHA256 string `json:"index_sha256"` // the rewritten file
	Files       int    `json:"files"`
	// More are the other rewritten files (Rewrite.Next), in order.
	More []rewriteStamp `json:"more,omitempty"`
}

// rewriteStamp records one more rewritten file.
type rewriteStamp struct {
	File      string `json:"file"`
	Count     int    `json:"count"`
	OrigSHA   string `json:"orig_sha256"`
	NewSHA256 string `json:"new_sha256"`
}

// applyRewrite rewrites rw.File in dir, keeping the original as rw.Kept.
func applyRewrite(dir string, rw *Rewrite) (orig, changed []byte, count int, err error) {
	orig, err = os.ReadFile(filepath.Join(dir, rw.File))
	if err != nil {
		return nil, nil, 0, err
	}
	changed, count, err = rw.Apply(orig)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", rw.File, err)
	}
	if err := os.WriteFile(filepath.Join(dir, rw.Kept), orig, 0o644); err != nil {
		return nil, nil, 0, err
	}
	return orig, changed, count, os.WriteFile(filepath.Join(dir, rw.File), changed, 0o644)
}

// checkRewrite checks that rw.File in dir is exactly the rewrite of its kept
// original, whose hashes the stamp recorded.
func checkRewrite(dir string, rw *Rewrite, origSHA, newSHA string, count int) error {
	orig, err := os.ReadFile(filepath.Join(dir, rw.Kept))
	if err != nil {
		return err
	}
	if sha(orig) != origSHA {
		return fmt.Errorf("%s was changed", rw.Kept)
	}
	changed, err := os.ReadFile(filepath.Join(dir, rw.File))
	if err != nil {
		return err
	}
	if sha(changed) != newSHA {
		return fmt.Errorf("%s was changed", rw.File)
	}
	want, n, err := rw.Apply(orig)
	if err != nil {
		return err
	}
	if !bytes.Equal(want, changed) || n != count {
		return fmt.Errorf("%s is not the rewrite of %s", rw.File, rw.Kept)
	}
	return nil
}

// testHookBeforeInstall lets a test hold a built copy before it is renamed
// into place, so that concurrent preparations really race.
var testHookBeforeInstall func()

// Result tells where Prepare left the lazily loading copy.
type Result struct {
	Root     string // the package cache root to give the kernel
	Entry    string // the package directory in it
	Exports  int    // names the index exports
	Prepared bool   // this call built the entry (it was missing or did not verify)
}

// Prepare makes sure root holds a verified lazily loading copy of p where the
// jsii kernel will look for it when handed p's stand-in tarball (Stub),
// building it when it is missing or does not verify. It is idempotent and safe to run in several processes at once:
// each builds in its own temporary directory under root and renames it into
// place; a process that loses the race uses the winner's copy once it
// verifies.
func Prepare(root string, p Package) (Result, error) {
	res := Result{Root: root}
	entry, err := EntryDir(root, p.Handed())
	if err != nil {
		return res, err
	}
	res.Entry = entry
	digest := filepath.Base(entry)
	if st, err := verify(entry, p, digest); err == nil {
		res.Exports = st.Exports
		return res, nil
	}

	tmpRoot := filepath.Join(root, ".tmp")
	if err := os.MkdirAll(tmpRoot, 0o700); err != nil {
		return res, err
	}
	removeStale(tmpRoot, time.Hour)
	tmp, err := os.MkdirTemp(tmpRoot, "prepare-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	if err := build(tmp, p, digest); err != nil {
		return res, err
	}
	st, err := verify(tmp, p, digest)
	if err != nil {
		return res, fmt.Errorf("the copy just built does not verify: %w", err)
	}
	res.Exports, res.Prepared = st.Exports, true
	if testHookBeforeInstall != nil {
		testHookBeforeInstall()
	}
	if err := os.MkdirAll(filepath.Dir(entry), 0o700); err != nil {
		return res, err
	}
	for attempt := 0; ; attempt++ {
		if err := os.Rename(tmp, entry); err == nil {
			return res, nil
		} else if attempt == 2 {
			return res, fmt.Errorf("installing the copy: %w", err)
		}
		// Someone else's entry is in the way.
		if st, err := verify(entry, p, digest); err == nil {
			res.Exports, res.Prepared = st.Exports, false // another process won
			return res, nil
		}
		// A broken entry: move it aside (rename is atomic) and retry.
		trash := filepath.Join(tmpRoot, "broken-"+randomSuffix())
		if err := os.Rename(entry, trash); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("moving aside the broken copy %s: %w", entry, err)
		}
		defer os.RemoveAll(trash)
	}
}

// build extracts p's tarball into dir the way the kernel does (the leading
// "package/" stripped), keeps the original of the rewritten file, writes its
// new content, the manifest, the stamp and last the kernel's marker.
func build(dir string, p Package, digest string) error {
	if err := extract(dir, p.Tarball); err != nil {
		return fmt.Errorf("extracting %s %s: %w", p.Name, p.Version, err)
	}
	if err := checkPackageJSON(dir, p); err != nil {
		return err
	}
	rw := p.rewrite()
	orig, changed, count, err := applyRewrite(dir, rw)
	if err != nil {
		return fmt.Errorf("%s %s: %w", p.Name, p.Version, err)
	}
	var more []rewriteStamp
	for r := rw.Next; r != nil; r = r.Next {
		o, c, n, err := applyRewrite(dir, r)
		if err != nil {
			return fmt.Errorf("%s %s: %w", p.Name, p.Version, err)
		}
		more = append(more, rewriteStamp{File: r.File, Count: n, OrigSHA: sha(o), NewSHA256: sha(c)})
	}
	files, err := writeManifest(dir)
	if err != nil {
		return err
	}
	st := stamp{
		Format: formatVersion, Name: p.Name, Version: p.Version, Digest: digest, Source: p.source(), Rewritten: rw.File,
		Exports: count, EagerSHA256: sha(orig), IndexSHA256: sha(changed), Files: files, More: more,
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, stampFile), append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, markerFile), nil, 0o644)
}

// verify checks that dir is a complete lazily loading copy of p made by this
// format: stamp (for p's real tarball), package.json, the rewritten file
// being exactly what its kept original turns into (for the provider: the
// same names exported), and every file of the manifest present with its
// size.
func verify(dir string, p Package, digest string) (stamp, error) {
	var st stamp
	b, err := os.ReadFile(filepath.Join(dir, stampFile))
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%s: %w", stampFile, err)
	}
	if st.Format != formatVersion || st.Name != p.Name || st.Version != p.Version || st.Digest != digest {
		return st, fmt.Errorf("%s is for %s %s (format %d), not %s %s (format %d)", stampFile, st.Name, st.Version, st.Format, p.Name, p.Version, formatVersion)
	}
	if src := p.source(); st.Source != src {
		return st, fmt.Errorf("%s is a copy of %s, not of %s", stampFile, st.Source, src)
	}
	rw := p.rewrite()
	if st.Rewritten != rw.File {
		return st, fmt.Errorf("%s rewrote %s, not %s", stampFile, st.Rewritten, rw.File)
	}
	if err := checkPackageJSON(dir, p); err != nil {
		return st, err
	}
	if err := checkRewrite(dir, rw, st.EagerSHA256, st.IndexSHA256, st.Exports); err != nil {
		return st, err
	}
	i := 0
	for r := rw.Next; r != nil; r = r.Next {
		if i >= len(st.More) || st.More[i].File != r.File {
			return st, fmt.Errorf("%s does not record the rewrite of %s", stampFile, r.File)
		}
		m := st.More[i]
		if err := checkRewrite(dir, r, m.OrigSHA, m.NewSHA256, m.Count); err != nil {
			return st, err
		}
		i++
	}
	if i != len(st.More) {
		return st, fmt.Errorf("%s records %d more rewrites, not %d", stampFile, len(st.More), i)
	}
	if err := checkManifestDaily(dir, st.Files); err != nil {
		return st, err
	}
	if _, err := os.Lstat(filepath.Join(dir, markerFile)); err != nil {
		return st, err
	}
	return st, nil
}

// checkedFile's modification time is when checkManifestDaily last checked
// every file of an entry.
const checkedFile = ".ewt-lazy-checked"

// manifestCheckAge is how long a full check of an entry's files holds.
const manifestCheckAge = 24 * time.Hour

// checkManifestDaily runs checkManifest when the last full check of dir is
// older than manifestCheckAge (or the copy was never checked), and records
// the time of a check that passed. Checking every file is an lstat of each
// (4,600 for the provider and cdktf together, about 30 ms of a synth's CPU);
// the stamp, package.json and the rewritten file are checked on every use
// regardless. A file lost between two checks makes the kernel fail loudly
// (module not found), never synthesize something else.
func checkManifestDaily(dir string, want int) error {
	p := filepath.Join(dir, checkedFile)
	if info, err := os.Stat(p); err == nil && time.Since(info.ModTime()) < manifestCheckAge && !info.ModTime().After(time.Now()) {
		return nil
	}
	if err := checkManifest(dir, want); err != nil {
		return err
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		return nil // a read-only cache is still usable; it is checked every time
	}
	now := time.Now()
	_ = os.Chtimes(p, now, now)
	return nil
}

func checkPackageJSON(dir string, p Package) error {
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return err
	}
	var pj struct{ Name, Version string }
	if err := json.Unmarshal(b, &pj); err != nil {
		return fmt.Errorf("package.json: %w", err)
	}
	if pj.Name != p.Name || pj.Version != p.Version {
		return fmt.Errorf("the tarball holds %s %s, not %s %s", pj.Name, pj.Version, p.Name, p.Version)
	}
	return nil
}

// extract unpacks a gzipped npm tarball into dir, dropping the first path
// component. Only regular files and directories are accepted.
func extract(dir string, tarball []byte) error {
	zr, err := gzip.NewReader(bytes.NewReader(tarball))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	files := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if path.IsAbs(h.Name) || slices.Contains(strings.Split(h.Name, "/"), "..") {
			return fmt.Errorf("%s: path leaves the package", h.Name)
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		i := strings.IndexByte(name, '/')
		if i < 0 { // the top directory itself (or a top-level file, which the kernel drops too)
			continue
		}
		rel := name[i+1:]
		target := filepath.Join(dir, filepath.FromSlash(rel))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			mode := fs.FileMode(h.Mode)&0o777&^0o022 | 0o600
			f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			files++
		case tar.TypeXGlobalHeader:
		default:
			return fmt.Errorf("%s: unsupported entry type %q", h.Name, h.Typeflag)
		}
	}
	if files == 0 {
		return errors.New("the tarball holds no files")
	}
	return zr.Close()
}

// writeManifest lists every regular file under dir with its size.
func writeManifest(dir string) (int, error) {
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		lines = append(lines, strconv.FormatInt(info.Size(), 10)+"\t"+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return 0, err
	}
	sort.Strings(lines)
	return len(lines), os.WriteFile(filepath.Join(dir, manifestFile), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// checkManifest checks that every file the manifest lists is there with its
// size (the kernel may add files of its own, such as its runtime index).
func checkManifest(dir string, want int) error {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != want {
		return fmt.Errorf("%s lists %d files, the stamp says %d", manifestFile, len(lines), want)
	}
	for _, l := range lines {
		size, rel, ok := strings.Cut(l, "\t")
		if !ok {
			return fmt.Errorf("%s: bad line %q", manifestFile, l)
		}
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return fmt.Errorf("missing file: %w", err)
		}
		if !info.Mode().IsRegular() || strconv.FormatInt(info.Size(), 10) != size {
			return fmt.Errorf("%s was changed", rel)
		}
	}
	return nil
}

// removeStale deletes leftovers of interrupted runs.
func removeStale(dir string, age time.Duration) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
