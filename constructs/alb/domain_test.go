package alb

import (
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestValidationNames: one validation record per distinct record: "*.x"
// and "x" share one, the first of them in order is kept.
func TestValidationNames(t *testing.T) {
	cases := []struct {
		name string
		sans []string
		want []string
	}{
		{"a.example.com", nil, []string{"a.example.com"}},
		{"a.example.com", []string{"*.a.example.com", "b.example.com"}, []string{"a.example.com", "b.example.com"}},
		{"*.example.com", []string{"example.com", "*.b.example.com", "b.example.com"}, []string{"*.example.com", "*.b.example.com"}},
		{"*.a.example.com", []string{"*.b.example.com"}, []string{"*.a.example.com", "*.b.example.com"}},
	}
	for _, c := range cases {
		got := validationNames(&config.Domain{Name: c.name, AlternativeNames: c.sans})
		if !slices.Equal(got, c.want) {
			t.Errorf("validationNames(%s, %q) = %q, want %q", c.name, c.sans, got, c.want)
		}
	}
}

// TestRecordIDDistinct: names that differ give different construct ids
// (a collision would fail the synth).
func TestRecordIDDistinct(t *testing.T) {
	names := []string{"a-b.c.example.com", "a.b-c.example.com", "a.b.c.example.com", "*.a.example.com", "a.example.com", "a.a.example.com", "aa.example.com"} // validated: no "_"
	seen := map[string]string{}
	for _, n := range names {
		id := recordID("alias-", n)
		if other, dup := seen[id]; dup {
			t.Errorf("recordID(%q) = recordID(%q) = %q", n, other, id)
		}
		seen[id] = n
	}
	if got, want := recordID("alias-", "*.a.example.com"), "alias-__a_example_com"; got != want {
		t.Errorf("recordID(*.a.example.com) = %q, want %q", got, want)
	}
}
