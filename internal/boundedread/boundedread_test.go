package boundedread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		max           int64
		tooBig        bool
	}{
		{"under", "abc", 4, false},
		{"at the limit", "abcd", 4, false},
		{"over", "abcde", 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			data, tooBig, err := ReadFile(p, tc.max)
			if err != nil || tooBig != tc.tooBig || (!tooBig && string(data) != tc.content) || int64(len(data)) > tc.max+1 {
				t.Errorf("got %q, tooBig %v, err %v; want %q, tooBig %v", data, tooBig, err, tc.content, tc.tooBig)
			}
		})
	}
	if _, _, err := ReadFile(filepath.Join(dir, "missing"), 4); err == nil {
		t.Error("a missing file read without error")
	}
}
