package outputs

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeTable: the README's outputs table is the contract rendered from
// this package, so the documentation never drifts from the code.
func TestReadmeTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- outputs:begin -->\n", "<!-- outputs:end -->"
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", begin, end)
	}
	if got, want := s[i+len(begin):j], MarkdownTable(); got != want {
		t.Errorf("README outputs table is stale; want:\n%s\ngot:\n%s", want, got)
	}
}

func TestContractNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Contract {
		if seen[s.Name] || s.Description == "" || (s.Type != "string" && s.Type != "list(string)") {
			t.Errorf("contract entry %+v is duplicated or incomplete", s)
		}
		seen[s.Name] = true
	}
}
