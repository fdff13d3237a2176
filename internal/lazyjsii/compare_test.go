package lazyjsii

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCompareTrees(t *testing.T) {
	mk := func(files map[string]string) string {
		dir := t.TempDir()
		for p, body := range files {
			writeFile(t, filepath.Join(dir, p), body)
		}
		return dir
	}
	base := map[string]string{"manifest.json": "{}", "stacks/dev/cdk.tf.json": `{"a":1}`}
	same := mk(base)
	if err := CompareTrees(mk(base), same); err != nil {
		t.Errorf("identical trees: %v", err)
	}
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"one byte differs": {map[string]string{"manifest.json": "{}", "stacks/dev/cdk.tf.json": `{"a":2}`}, "stacks/dev/cdk.tf.json differs (7 vs 7 bytes; first difference at byte 5)"},
		"file missing":     {map[string]string{"manifest.json": "{}"}, "stacks/dev/cdk.tf.json only in"},
		"extra file":       {map[string]string{"manifest.json": "{}", "stacks/dev/cdk.tf.json": `{"a":1}`, "stacks/prod/cdk.tf.json": "{}"}, "stacks/prod/cdk.tf.json only in"},
		"longer":           {map[string]string{"manifest.json": "{}\n", "stacks/dev/cdk.tf.json": `{"a":1}`}, "manifest.json differs (2 vs 3 bytes; first difference at byte 2)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := CompareTrees(same, mk(c.files))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	if err := CompareTrees(t.TempDir(), t.TempDir()); err == nil {
		t.Error("two empty directories compare equal")
	}
	if err := CompareTrees(same, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory compares equal")
	}
}
