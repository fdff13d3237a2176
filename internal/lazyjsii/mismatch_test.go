package lazyjsii

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/platformstarter/elastic-web-tier/internal/jsiienv"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// A dependency bump that changes a file the copies rewrite must never break
// synth, nor change it silently: with the real packages of the bindings,
// each one with one such file changed the way a new release could change it,
// the app's kernel loads that package the standard way, Setup says so in
// exactly one line on stderr, and the synthesized output is byte for byte
// the output of the standard loading (EWT_LAZY_JSII=0).
//
// Each case runs in a process of its own (this test binary, TestHelperMismatch):
// Setup acts once per process, before the kernel starts.
func TestMismatchFallsBackWithIdenticalOutput(t *testing.T) {
	if os.Getenv(envMismatch) != "" {
		t.Skip("helper process")
	}
	nodeBin(t)
	root := testfixture.Root(t)
	envFile := testfixture.EnvironmentsFile(t)

	// The helpers get a user cache of their own: with a package left to the
	// kernel, the kernel files that package's standard entry in the package
	// cache root beside the copy, which would make every later run of the
	// shared cache report the copy bypassed.
	cache := t.TempDir()
	standard := filepath.Join(t.TempDir(), "standard")
	if _, err := SynthStandard(root, standard, "ENVIRONMENTS_FILE="+envFile); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		// wantActive: the provider is still loaded lazily (only the other
		// package falls back).
		wantActive bool
		// wantLine is the start and wantIn a part of the one line on stderr.
		wantLine, wantIn string
	}{
		{
			name:     "provider",
			wantLine: "lazy jsii loading off: preparing the copy of " + ProviderName + " ",
			wantIn:   "lib/index.js: index line ",
		},
		{
			name:       "cdktf",
			wantActive: true,
			wantLine:   "lazy jsii loading: cdktf ",
			wantIn:     "not copied (lib/private/fs.js: ",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "cdktf.out")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMismatch$", "-test.count=1")
			cmd.Dir = root
			cmd.Env = helperEnv(root, envMismatch+"="+c.name, "CDKTF_OUTDIR="+out, "ENVIRONMENTS_FILE="+envFile, "XDG_CACHE_HOME="+cache)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("helper: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
			}

			var st Status
			_, js, ok := strings.Cut(stdout.String(), statusPrefix)
			if !ok {
				t.Fatalf("the helper printed no status:\n%s", stdout.String())
			}
			js, _, _ = strings.Cut(js, "\n")
			if err := json.Unmarshal([]byte(js), &st); err != nil {
				t.Fatalf("status %q: %v", js, err)
			}
			if st.Active && !isUnder(st.Root, cache) {
				t.Errorf("the helper's package cache root %s is not under its own cache %s", st.Root, cache)
			}
			if st.Active != c.wantActive {
				t.Errorf("lazy loading active = %v, want %v (status %+v)", st.Active, c.wantActive, st)
			}

			lines := strings.SplitAfter(stderr.String(), "\n")
			if lines[len(lines)-1] == "" {
				lines = lines[:len(lines)-1]
			}
			if len(lines) != 1 || !strings.HasSuffix(lines[0], "\n") {
				t.Fatalf("stderr has %d lines, want exactly one:\n%s", len(lines), stderr.String())
			}
			lines[0] = strings.TrimSuffix(lines[0], "\n")
			t.Logf("stderr: %s", lines[0])
			if !strings.HasPrefix(lines[0], c.wantLine) || !strings.Contains(lines[0], c.wantIn) ||
				!strings.HasSuffix(lines[0], " the standard (slower) way") {
				t.Errorf("stderr = %q, want a line starting %q, containing %q, ending %q", lines[0], c.wantLine, c.wantIn, " the standard (slower) way")
			}

			if err := CompareTrees(standard, out); err != nil {
				t.Errorf("output differs from the standard loading's: %v", err)
			}
		})
	}
}

const (
	envMismatch  = "LAZYJSII_TEST_MISMATCH"
	statusPrefix = "LAZYJSII_STATUS="
)

// helperEnv is this process's environment for a helper that synthesizes:
// without what a lazy parent set for its own kernel, with the Node settings
// the app's jsiienv.Ensure would set, and with add.
func helperEnv(root string, add ...string) []string {
	userCache, _ := os.UserCacheDir()
	var env []string
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k == EnvCacheRoot || k == EnvSwitch || k == EnvVerbose || k == "XDG_CACHE_HOME" || (k == EnvRuntime && isOurKernel(v, BaseDir(userCache))) {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range jsiienv.Env(root) {
		env = append(env, k+"="+v)
	}
	return append(env, add...)
}

// TestHelperMismatch is the app (Setup, then synth) with one file of a real
// package changed; the status goes to stdout, Setup's line to stderr.
func TestHelperMismatch(t *testing.T) {
	which := os.Getenv(envMismatch)
	if which == "" {
		t.Skip("run by TestMismatchFallsBackWithIdenticalOutput")
	}
	h := osHost()
	switch which {
	case "provider":
		// A release whose index does more than require its modules.
		p, err := AWSProvider()
		if err != nil {
			t.Fatal(err)
		}
		p = changedFile(t, p, indexFile, func(b []byte) []byte {
			// (On a line of its own: the index ends in a comment without a newline.)
			return append(b, "\nObject.defineProperty(exports, \"VERSION\", { value: \"0.0.0\" });\n"...)
		})
		h.pkg = func() (Package, error) { return p, nil }
	case "cdktf":
		// A release compiled with esModuleInterop: tsc wraps the require.
		p, err := CDKTF()
		if err != nil {
			t.Fatal(err)
		}
		p = changedFile(t, p, archiverFile, func(b []byte) []byte {
			return bytes.Replace(b, []byte(archiverEager), []byte(`const archiver = __importDefault(require("archiver"));`), 1)
		})
		h.extra = func() []Package { return []Package{p} }
	default:
		t.Fatalf("%s=%q: want provider or cdktf", envMismatch, which)
	}
	st := setup(os.Stderr, h)
	js, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString(statusPrefix + string(js) + "\n")
	err = synth.Run(io.Discard, synth.Outdir(), policy.Check, review.SummaryCheck)
	jsii.Close()
	if err != nil {
		t.Fatal(err)
	}
}

// changedFile returns p with file (a path in the package) replaced by edit of
// it, in a tarball built again; edit must change it. The package is no longer
// the module version's content, so it has no Identity.
func changedFile(t *testing.T, p Package, file string, edit func([]byte) []byte) Package {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(p.Tarball))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	changed := false
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(hdr.Name, "./") == "package/"+file {
			edited := edit(body)
			if bytes.Equal(edited, body) {
				t.Fatalf("the edit leaves %s of %s %s as it is", file, p.Name, p.Version)
			}
			body, changed = edited, true
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if !changed {
		t.Fatalf("%s %s has no %s", p.Name, p.Version, file)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p.Tarball, p.Identity = buf.Bytes(), ""
	return p
}
