package config

import (
	"strings"
	"testing"
)

// TestClean: text from the YAML decoder is printed with its control
// characters escaped and cut; its messages today quote no file content, so
// this is checked directly.
func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"line 3: did not find expected key", "line 3: did not find expected key"},
		{"bad \x1b[31mred\n", `bad \x1b[31mred\n`},
		{"bidi \u202e", `bidi \u202e`},
		{strings.Repeat("é", 250), strings.Repeat("é", 200) + "..."},
	}
	for _, c := range cases {
		if got := clean(c.in, 200); got != c.want {
			t.Errorf("clean(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
