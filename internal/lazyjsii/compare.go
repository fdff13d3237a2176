package lazyjsii

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// CompareTrees checks that directories a and b hold the same files (same
// relative paths) with the same bytes, and says what differs: the proof that
// lazy loading changes nothing in the synthesized output.
func CompareTrees(a, b string) error {
	fa, err := listFiles(a)
	if err != nil {
		return err
	}
	fb, err := listFiles(b)
	if err != nil {
		return err
	}
	var problems []string
	for rel := range fa {
		if !fb[rel] {
			problems = append(problems, fmt.Sprintf("%s only in %s", rel, a))
			continue
		}
		x, err := os.ReadFile(filepath.Join(a, rel))
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			problems = append(problems, fmt.Sprintf("%s differs (%d vs %d bytes; first difference at byte %d)", rel, len(x), len(y), firstDiff(x, y)))
		}
	}
	for rel := range fb {
		if !fa[rel] {
			problems = append(problems, fmt.Sprintf("%s only in %s", rel, b))
		}
	}
	if len(fa) == 0 && len(fb) == 0 {
		problems = append(problems, "both directories are empty")
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s and %s differ:\n  %s", a, b, strings.Join(problems, "\n  "))
	}
	return nil
}

func listFiles(dir string) (map[string]bool, error) {
	files := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = true
		return err
	})
	return files, err
}

func firstDiff(x, y []byte) int {
	n := min(len(x), len(y))
	for i := 0; i < n; i++ {
		if x[i] != y[i] {
			return i
		}
	}
	return n
}

// SynthStandard runs the app of moduleDir (`go run .` there) with lazy
// loading off and its output going to outdir, with env (KEY=value) added to
// this process's environment. The package cache root and the direct kernel
// that Setup may have set in this process are left out, so the app's kernel
// loads the provider the standard way, through jsii's launcher. It returns the app's combined output.
func SynthStandard(moduleDir, outdir string, env ...string) ([]byte, error) {
	if outdir == "" {
		return nil, errors.New("SynthStandard: no outdir")
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = moduleDir
	userCache, _ := os.UserCacheDir()
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k == EnvCacheRoot || (k == EnvRuntime && isOurKernel(v, BaseDir(userCache))) {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, EnvSwitch+"=0", "CDKTF_OUTDIR="+outdir)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("go run . in %s: %w\n%s", moduleDir, err, out)
	}
	return out, nil
}
