package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGolden compares each environment's synthesized cdk.tf.json with the
// reviewed golden file byte for byte. `go test ./__tests__ -update` rewrites
// them; review the diff before committing.
func TestGolden(t *testing.T) {
	r := defaultSynth(t)
	for _, env := range []string{"dev", "stage", "prod"} {
		t.Run(env, func(t *testing.T) {
			got, ok := r.raw[env]
			if !ok {
				t.Fatalf("no stack %q synthesized; got %v", env, keys(r.raw))
			}
			checkGolden(t, env, got, filepath.Join("testdata", "golden", env+".tf.json"))
		})
	}
}

// TestDeterministic: the same config gives byte-identical JSON, also when
// synthesized from another folder (a checkout elsewhere), and no absolute
// path of the machine leaks into the output.
func TestDeterministic(t *testing.T) {
	first := defaultSynth(t)
	elsewhere := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join(repoRoot, "environments.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, "environments.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(elsewhere)
	second := synthFile(t, "environments.yaml")
	if len(second.raw) != len(first.raw) {
		t.Fatalf("got %d stacks the second time, want %d", len(second.raw), len(first.raw))
	}
	for name, a := range first.raw {
		b := second.raw[name]
		if !bytes.Equal(a, b) {
			t.Errorf("%s: second synth differs:\n%s", name, lineDiff(string(a), string(b)))
		}
		for _, p := range []string{repoRoot, elsewhere, os.TempDir(), first.dir, second.dir} {
			if strings.Contains(string(b), p) {
				t.Errorf("%s: output contains the absolute path %q", name, p)
			}
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// lineDiff shows the first differing lines with a little context.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		b.WriteString("  line " + strconv.Itoa(i+1) + ":\n    - " + wl + "\n    + " + gl + "\n")
		if shown++; shown == 15 {
			b.WriteString("  ...\n")
			break
		}
	}
	return b.String()
}

// checkGolden compares a synthesized stack with its golden file, or
// rewrites the file under -update.
func checkGolden(t *testing.T, env string, got []byte, golden string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run `go test ./__tests__ -update` to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run `go test ./__tests__ -update` and review the diff):\n%s", env, golden, lineDiff(string(want), string(got)))
	}
}
