// Package testfixture is the library's own test fixture, for tests only: an
// environments file the tests own (EnvironmentsFile, a copy of the sample
// environments.yaml as first shipped) and the reviewed golden stacks
// synthesized from it (GoldenDir; TestFixtureGolden in __tests__ keeps them
// equal to what synth produces, `go test ./__tests__ -update` rewrites them).
//
// The repository's environments.yaml is the user's: it changes freely, and
// only the user's own snapshot tests (__tests__/snapshot_test.go) read it. A
// test of library behaviour reads this fixture instead, and builds a variant
// of it with Edit. The package is jsii-free and imports nothing of the
// project, so any package's tests can use it.
package testfixture

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Paths below the module root.
const (
	// FixtureDir holds the fixture's environments.yaml. The file keeps that
	// name: suppressions name their source by it.
	FixtureDir = "__tests__/testdata/fixture"
	// GoldenSubdir holds <env>.tf.json for every environment of the fixture.
	GoldenSubdir = "__tests__/testdata/golden/fixture"
)

var (
	rootOnce sync.Once
	root     string
	rootErr  error
)

// Root is the module root: the nearest directory at or above the working
// directory (a test runs in its package's directory) that has go.mod.
func Root(t testing.TB) string {
	t.Helper()
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			rootErr = err
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				rootErr = errors.New("testfixture: no go.mod at or above the working directory")
				return
			}
			dir = parent
		}
	})
	if rootErr != nil {
		t.Fatal(rootErr)
	}
	return root
}

// EnvironmentsFile is the absolute path of the fixture's environments file.
func EnvironmentsFile(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), filepath.FromSlash(FixtureDir), "environments.yaml")
}

// GoldenDir is the absolute path of the directory of the fixture's golden stacks.
func GoldenDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(Root(t), filepath.FromSlash(GoldenSubdir))
}

// Golden returns the reviewed golden stack of env (cdk.tf.json as synth writes it).
func Golden(t testing.TB, env string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(GoldenDir(t), env+".tf.json"))
	if err != nil {
		t.Fatalf("golden stack of the fixture's %s: %v (go test ./__tests__ -run TestFixtureGolden -update writes it)", env, err)
	}
	return b
}

// Change is one edit of an environments file: the value at Path (YAML keys
// separated by dots; a number indexes a list, "+" appends to one) is set to
// Value, or removed when Delete is set. Mappings on the way are created.
type Change struct {
	Path   string
	Value  any
	Delete bool
}

// Set sets path to value. A *yaml.Node value is used as it is (a copy of
// another block: see Get).
func Set(path string, value any) Change { return Change{Path: path, Value: value} }

// Remove deletes the key at path (it must exist).
func Remove(path string) Change { return Change{Path: path, Delete: true} }

// Append adds value at the end of the list at path (creating the list).
func Append(path string, value any) Change { return Change{Path: path + ".+", Value: value} }

// Edit applies changes to a YAML document, in order, and returns it
// re-encoded (two-space indent; comments kept where the YAML library keeps
// them). It is a structured edit: it does not depend on the file's layout.
func Edit(data []byte, changes ...Change) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("testfixture.Edit: the document is not a mapping")
	}
	for _, c := range changes {
		if err := apply(doc.Content[0], c); err != nil {
			return nil, fmt.Errorf("testfixture.Edit %s: %w", c.Path, err)
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Get returns a deep copy of the node at path (a block to copy elsewhere with Set).
func Get(data []byte, path string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 {
		return nil, errors.New("testfixture.Get: empty document")
	}
	n := doc.Content[0]
	for _, key := range strings.Split(path, ".") {
		next, _, err := step(n, key, false)
		if err != nil {
			return nil, fmt.Errorf("testfixture.Get %s: %w", path, err)
		}
		n = next
	}
	return deepCopy(n), nil
}

// Write writes data, edited by changes, to dir/environments.yaml and returns its path.
func Write(t testing.TB, dir string, data []byte, changes ...Change) string {
	t.Helper()
	out, err := Edit(data, changes...)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "environments.yaml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Variant writes the fixture, edited by changes, into a fresh temporary
// directory and returns the file's path.
func Variant(t testing.TB, changes ...Change) string {
	t.Helper()
	data, err := os.ReadFile(EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	return Write(t, t.TempDir(), data, changes...)
}

func apply(top *yaml.Node, c Change) error {
	keys := strings.Split(c.Path, ".")
	n := top
	for _, key := range keys[:len(keys)-1] {
		next, _, err := step(n, key, true)
		if err != nil {
			return err
		}
		n = next
	}
	last := keys[len(keys)-1]
	if c.Delete {
		return remove(n, last)
	}
	v, ok := c.Value.(*yaml.Node)
	if !ok {
		v = &yaml.Node{}
		if err := v.Encode(c.Value); err != nil {
			return err
		}
	}
	if last == "+" {
		if n.Kind == yaml.MappingNode && len(n.Content) == 0 { // created on the way
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		}
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("+ appends to a list; this is a %s", kind(n))
		}
		n.Content = append(n.Content, v)
		return nil
	}
	target, _, err := step(n, last, true)
	if err != nil {
		return err
	}
	*target = *v
	return nil
}

// step returns the child of n at key (a mapping key, or a list index),
// creating an empty mapping under a missing mapping key when create is set.
func step(n *yaml.Node, key string, create bool) (*yaml.Node, int, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], i, nil
			}
		}
		if !create {
			return nil, 0, fmt.Errorf("no key %q", key)
		}
		v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
		return v, len(n.Content) - 2, nil
	case yaml.SequenceNode:
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil, 0, fmt.Errorf("%q is not an index of this list of %d", key, len(n.Content))
		}
		return n.Content[i], i, nil
	default:
		return nil, 0, fmt.Errorf("%q is under a %s, not a mapping or list", key, kind(n))
	}
}

func remove(n *yaml.Node, key string) error {
	if n.Kind == yaml.SequenceNode {
		_, i, err := step(n, key, false)
		if err != nil {
			return err
		}
		n.Content = append(n.Content[:i], n.Content[i+1:]...)
		return nil
	}
	_, i, err := step(n, key, false)
	if err != nil {
		return err
	}
	n.Content = append(n.Content[:i], n.Content[i+2:]...)
	return nil
}

func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = nil
	for _, ch := range n.Content {
		c.Content = append(c.Content, deepCopy(ch))
	}
	return &c
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return "scalar"
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "node"
}
