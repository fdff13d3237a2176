package diagram

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// The committed docs/diagrams are what the current code draws from the
// user's snapshots (__tests__/testdata/golden/<env>.tf.json, which follow
// environments.yaml: make snapshots): a change to the environments, the
// constructs or this package without regenerating fails here. -update
// rewrites them.
func TestCommittedDiagrams(t *testing.T) {
	stacks := snapshotStacks(t)
	files := DiagramFiles(stacks)
	for _, name := range sortedKeys(files) {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, filepath.Join(docsDir, name), files[name])
		})
	}
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); (ext == ".md" || ext == ".mmd" || ext == ".svg") && files[e.Name()] == "" {
			if *update {
				if err := os.Remove(filepath.Join(docsDir, e.Name())); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("%s/%s belongs to no stack (run %s, which removes it)", docsDir, e.Name(), RegenerateCommand)
		}
	}
}

// The README's diagram block is the generated one. The README is not this
// package's: until it has the markers, the test says so and skips.
func TestREADMEDiagram(t *testing.T) {
	doc, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Block(string(doc))
	if errors.Is(err, ErrNoMarkers) && !strings.Contains(string(doc), BeginMarker) && !strings.Contains(string(doc), EndMarker) {
		t.Skipf("README.md has no %s ... %s block yet", BeginMarker, EndMarker)
	}
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	stacks := snapshotStacks(t)
	var names []string
	var prod *stackjson.Stack
	for _, s := range stacks {
		names = append(names, s.Name)
		if s.Name == "prod" {
			prod = s
		}
	}
	if prod == nil {
		t.Skipf("environments.yaml has no prod (the README's diagram is prod's); have %v", names)
	}
	want := READMEBlock(prod, names, "docs/diagrams")
	if *update {
		updated, err := ReplaceBlock(string(doc), want)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(readmeFile, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != want {
		t.Errorf("README.md diagram block is stale (run make snapshots, or %s):\n%s", RegenerateCommand, lineDiff(want, got))
	}
}

// snapshotStacks are the user's snapshots, one per environment of
// environments.yaml, in review order.
func snapshotStacks(t *testing.T) []*stackjson.Stack {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "__tests__", "testdata", "golden", "*.tf.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no snapshots in __tests__/testdata/golden (err %v): make snapshots writes them", err)
	}
	var stacks []*stackjson.Stack
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := stackjson.Parse(strings.TrimSuffix(filepath.Base(f), ".tf.json"), b)
		if err != nil {
			t.Fatal(err)
		}
		stacks = append(stacks, s)
	}
	f, err := config.Load(filepath.Join("..", "..", "environments.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return review.OrderStacks(stacks, f)
}

func TestBlock(t *testing.T) {
	tests := []struct {
		doc, want, err string
	}{
		{"a\n" + BeginMarker + "\nx\n" + EndMarker + "\nb", BeginMarker + "\nx\n" + EndMarker, ""},
		{"no markers", "", "no "},
		{EndMarker + BeginMarker, "", "no "},
		{BeginMarker + BeginMarker + EndMarker, "", "want one"},
	}
	for _, tt := range tests {
		got, err := Block(tt.doc)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("Block(%q) = %q, %v; want %q, error containing %q", tt.doc, got, err, tt.want, tt.err)
		}
	}
	doc := "head\n" + BeginMarker + "\nold\n" + EndMarker + "\ntail\n"
	got, err := ReplaceBlock(doc, BeginMarker+"\nnew\n"+EndMarker)
	if want := "head\n" + BeginMarker + "\nnew\n" + EndMarker + "\ntail\n"; err != nil || got != want {
		t.Errorf("ReplaceBlock: got %q, %v; want %q", got, err, want)
	}
}

func TestREADMEBlockContent(t *testing.T) {
	s := goldenStack(t, "prod")
	block := READMEBlock(s, []string{"dev", "stage", "prod"}, "docs/diagrams/")
	for _, want := range []string{
		BeginMarker + "\n",
		"[dev](docs/diagrams/dev.md) · [stage](docs/diagrams/stage.md) · [prod](docs/diagrams/prod.md)",
		"```mermaid\n" + MermaidFile(s) + "```\n" + EndMarker,
	} {
		if !strings.Contains(block, want) {
			t.Errorf("README block lacks %q", want)
		}
	}
}

func TestWriteDiagrams(t *testing.T) {
	dir := t.TempDir()
	// qa is gone; dev's .mmd and .svg are what earlier versions wrote.
	stale := filepath.Join(dir, "qa.svg")
	keep := filepath.Join(dir, "notes.txt")
	for _, p := range []string{stale, keep, filepath.Join(dir, "qa.md"), filepath.Join(dir, "dev.mmd"), filepath.Join(dir, "dev.svg")} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stacks := []*stackjson.Stack{goldenStack(t, "dev")}
	written, removed, err := WriteDiagrams(dir, stacks)
	if err != nil {
		t.Fatal(err)
	}
	wantWritten := []string{filepath.Join(dir, "dev.md")}
	wantRemoved := []string{filepath.Join(dir, "dev.mmd"), filepath.Join(dir, "dev.svg"), filepath.Join(dir, "qa.md"), stale}
	if strings.Join(written, ",") != strings.Join(wantWritten, ",") || strings.Join(removed, ",") != strings.Join(wantRemoved, ",") {
		t.Errorf("written %v, removed %v; want %v, %v", written, removed, wantWritten, wantRemoved)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if want := "dev.md,notes.txt"; strings.Join(names, ",") != want {
		t.Errorf("directory holds %v, want %s", names, want)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "dev.md"))
	if want := MarkdownFile(stacks[0]); string(got) != want || !strings.Contains(want, "```mermaid\n"+MermaidFile(stacks[0])+"```\n") {
		t.Errorf("dev.md: got %q, want MarkdownFile, the Mermaid diagram in a fence", got)
	}
}
