package diagram

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// README markers: the text between them is generated (READMEBlock).
const (
	BeginMarker = "<!-- diagram:begin -->"
	EndMarker   = "<!-- diagram:end -->"
)

// RegenerateCommand regenerates the committed diagrams; generated files name it.
const RegenerateCommand = "go run ./cmd/review diagrams"

// Caption is the title line of a stack's diagram.
func Caption(s *stackjson.Stack) string {
	return fmt.Sprintf("%s: %s, %s, compute mode %s", s.Name, plural(len(s.Resources), "resource"), plural(len(s.Data), "data source"), review.ComputeMode(s))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// MermaidFile is the content of docs/diagrams/<stack>.mmd.
func MermaidFile(s *stackjson.Stack) string { return mermaidFile(s, Build(s)) }

func mermaidFile(s *stackjson.Stack, d *Diagram) string {
	return fmt.Sprintf("%%%% %s: generated from the synthesized stack by `%s`; do not edit\n", s.Name, RegenerateCommand) +
		Mermaid(d)
}

// MarkdownFile is the content of docs/diagrams/<stack>.md: the caption and
// the Mermaid diagram in a fence, which GitHub and most Markdown viewers draw.
func MarkdownFile(s *stackjson.Stack) string { return markdownFile(s, Build(s)) }

func markdownFile(s *stackjson.Stack, d *Diagram) string {
	return fmt.Sprintf("# %s\n\n*%s*, generated from the synthesized JSON by `%s`; do not edit.\n\n```mermaid\n%s```\n",
		s.Name, Caption(s), RegenerateCommand, mermaidFile(s, d))
}

// READMEBlock is the README text between the markers: the Mermaid diagram of
// stack s and links to the diagram of every stack in envs, under dir (a
// slash-separated path relative to the README).
func READMEBlock(s *stackjson.Stack, envs []string, dir string) string {
	var links []string
	for _, e := range envs {
		links = append(links, fmt.Sprintf("[%s](%s/%s.md)", e, strings.TrimSuffix(dir, "/"), e))
	}
	return fmt.Sprintf("%s\n*%s*, generated from the synthesized JSON by `%s` (a test fails when it is stale). "+
		"Per environment: %s.\n\n```mermaid\n%s```\n%s",
		BeginMarker, Caption(s), RegenerateCommand, strings.Join(links, " · "), MermaidFile(s), EndMarker)
}

// ErrNoMarkers says a document lacks the diagram markers.
var ErrNoMarkers = errors.New("no " + BeginMarker + " ... " + EndMarker + " block")

// Block returns the text from the begin marker to the end marker (inclusive).
func Block(doc string) (string, error) {
	i := strings.Index(doc, BeginMarker)
	j := strings.Index(doc, EndMarker)
	if i < 0 || j < i {
		return "", ErrNoMarkers
	}
	if strings.Count(doc, BeginMarker) != 1 || strings.Count(doc, EndMarker) != 1 {
		return "", fmt.Errorf("want one %s and one %s", BeginMarker, EndMarker)
	}
	return doc[i : j+len(EndMarker)], nil
}

// ReplaceBlock replaces the marked block of doc with block.
func ReplaceBlock(doc, block string) (string, error) {
	old, err := Block(doc)
	if err != nil {
		return "", err
	}
	return strings.Replace(doc, old, block, 1), nil
}

// DiagramFiles returns the file name and content of every diagram of the
// stacks: <stack>.md.
func DiagramFiles(stacks []*stackjson.Stack) map[string]string {
	out := map[string]string{}
	for _, s := range stacks {
		out[s.Name+".md"] = MarkdownFile(s)
	}
	return out
}

// WriteDiagrams writes the diagram files of the stacks into dir and removes
// the diagram files there (.md, and the .mmd and .svg of earlier versions)
// of stacks that no longer exist. It returns
// the paths written and removed, sorted.
func WriteDiagrams(dir string, stacks []*stackjson.Stack) (written, removed []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	files := DiagramFiles(stacks)
	for _, name := range sortedKeys(files) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(files[name]), 0o644); err != nil {
			return written, removed, err
		}
		written = append(written, p)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return written, removed, err
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".md" && ext != ".mmd" && ext != ".svg") || files[e.Name()] != "" {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil {
			return written, removed, err
		}
		removed = append(removed, p)
	}
	sort.Strings(removed)
	return written, removed, nil
}
