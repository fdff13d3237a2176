// Package tfjson is the one typed reader of the Terraform JSON that CDKTF
// synthesizes (cdktf.out/stacks/<name>/cdk.tf.json). It is plain Go, with no
// jsii, so the policy checks, the scaling simulator and the review tools that
// share it test in milliseconds.
package stackjson

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// FileName is the name CDKTF gives a synthesized stack's Terraform JSON.
const FileName = "cdk.tf.json"

// Stack is one synthesized stack.
type Stack struct {
	// Name is the stack's id (the environment name), taken from the directory.
	Name string
	// Resources holds every managed resource, sorted by address.
	Resources []Resource
	// Data holds every data source, sorted by address.
	Data []Resource
	// Outputs by name.
	Outputs map[string]Output
	// Backend is the terraform backend block ("local", "s3", ...).
	Backend Backend
	// Raw is the whole decoded document.
	Raw map[string]any
}

// Resource is one resource or data source block.
type Resource struct {
	// Type is the Terraform type, e.g. "aws_vpc".
	Type string
	// Name is the Terraform logical name (CDKTF's logical id).
	Name string
	// Path is the construct path CDKTF records in "//" metadata, e.g. "dev/network/vpc".
	Path string
	// Attrs are the block's arguments as decoded JSON ("//" removed).
	Attrs map[string]any
	// Meta is the block's "//" metadata object (CDKTF's metadata and any
	// project annotations such as code suppressions).
	Meta map[string]any
}

// Output is one output block.
type Output struct {
	Value       any
	Description string
	Sensitive   bool
}

// Backend is the terraform.backend block.
type Backend struct {
	// Type is the backend type ("local", "s3"); empty when none is declared.
	Type string
	// Config is the backend's arguments.
	Config map[string]any
}

// Address is the Terraform address: "aws_vpc.name" or "data.aws_x.name".
func (r Resource) Address() string { return r.Type + "." + r.Name }

// Where names a resource for a human: its construct path when known, else its address.
func (r Resource) Where() string {
	if r.Path != "" {
		return r.Path + " (" + r.Address() + ")"
	}
	return r.Address()
}

// Get walks nested maps and lists: Get("metadata_options", "http_tokens").
// A list with one element (Terraform JSON's nested block form) is stepped into
// transparently when the next key is a string; an int key indexes a list.
func (r Resource) Get(path ...any) (any, bool) { return Walk(r.Attrs, path...) }

// String returns the string at path, or "" and false.
func (r Resource) String(path ...any) (string, bool) {
	v, ok := r.Get(path...)
	s, isStr := v.(string)
	return s, ok && isStr
}

// Number returns the number at path, or 0 and false.
func (r Resource) Number(path ...any) (float64, bool) {
	v, ok := r.Get(path...)
	f, isNum := v.(float64)
	return f, ok && isNum
}

// Bool returns the bool at path, or false and false.
func (r Resource) Bool(path ...any) (bool, bool) {
	v, ok := r.Get(path...)
	b, isBool := v.(bool)
	return b, ok && isBool
}

// List returns the list at path (a single non-list value becomes a one-element list).
func (r Resource) List(path ...any) []any {
	v, ok := r.Get(path...)
	if !ok || v == nil {
		return nil
	}
	if l, isList := v.([]any); isList {
		return l
	}
	return []any{v}
}

// Walk follows path through decoded JSON.
func Walk(v any, path ...any) (any, bool) {
	for _, p := range path {
		switch key := p.(type) {
		case string:
			if l, ok := v.([]any); ok && len(l) == 1 {
				v = l[0]
			}
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[key]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || key < 0 || key >= len(l) {
				return nil, false
			}
			v = l[key]
		default:
			return nil, false
		}
	}
	return v, true
}

// LoadDir reads <dir>/cdk.tf.json; the stack takes the directory's name.
func LoadDir(dir string) (*Stack, error) {
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, err
	}
	return Parse(filepath.Base(filepath.Clean(dir)), b)
}

// LoadAll reads every stack under outdir/stacks, sorted by name.
func LoadAll(outdir string) ([]*Stack, error) {
	entries, err := os.ReadDir(filepath.Join(outdir, "stacks"))
	if err != nil {
		return nil, err
	}
	var stacks []*Stack
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		s, err := LoadDir(filepath.Join(outdir, "stacks", e.Name()))
		if err != nil {
			return nil, err
		}
		stacks = append(stacks, s)
	}
	if len(stacks) == 0 {
		return nil, fmt.Errorf("no stacks under %s", filepath.Join(outdir, "stacks"))
	}
	return stacks, nil
}

// Parse decodes one stack's JSON.
func Parse(name string, data []byte) (*Stack, error) {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Stack{Name: name, Raw: raw, Outputs: map[string]Output{}}
	s.Resources = blocks(raw["resource"], "")
	s.Data = blocks(raw["data"], "data.")
	if outs, ok := raw["output"].(map[string]any); ok {
		for k, v := range outs {
			m, _ := v.(map[string]any)
			o := Output{Value: m["value"]}
			o.Description, _ = m["description"].(string)
			o.Sensitive, _ = m["sensitive"].(bool)
			s.Outputs[k] = o
		}
	}
	if be, ok := Walk(raw, "terraform", "backend"); ok {
		if m, ok := be.(map[string]any); ok {
			for t, cfg := range m {
				s.Backend.Type = t
				s.Backend.Config, _ = cfg.(map[string]any)
			}
		}
	}
	s.foldRollout()
	return s, nil
}

func blocks(v any, prefix string) []Resource {
	byType, _ := v.(map[string]any)
	var out []Resource
	for typ, byName := range byType {
		names, _ := byName.(map[string]any)
		for name, body := range names {
			attrs, _ := body.(map[string]any)
			r := Resource{Type: prefix + typ, Name: name, Attrs: map[string]any{}}
			for k, a := range attrs {
				if k == "//" {
					r.Meta, _ = a.(map[string]any)
					if p, ok := Walk(a, "metadata", "path"); ok {
						r.Path, _ = p.(string)
					}
					continue
				}
				r.Attrs[k] = a
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address() < out[j].Address() })
	return out
}

// OfType returns the resources (or, with a "data." prefix, data sources) of one type.
func (s *Stack) OfType(typ string) []Resource {
	src := s.Resources
	if strings.HasPrefix(typ, "data.") {
		src = s.Data
	}
	var out []Resource
	for _, r := range src {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource or data source with the given address.
func (s *Stack) Find(address string) (Resource, bool) {
	src := s.Resources
	if strings.HasPrefix(address, "data.") {
		src = s.Data
	}
	i := sort.Search(len(src), func(i int) bool { return src[i].Address() >= address })
	if i < len(src) && src[i].Address() == address {
		return src[i], true
	}
	return Resource{}, false
}

// CountByType counts resources per type.
func (s *Stack) CountByType() map[string]int {
	m := map[string]int{}
	for _, r := range s.Resources {
		m[r.Type]++
	}
	return m
}

// Ref is one reference found in an expression: "${aws_lb.alb_123.arn}".
type Ref struct {
	// Address is the referenced resource address ("aws_lb.alb_123" or "data.x.y").
	Address string
	// Attr is the attribute path after the address ("arn", "id", "" if none).
	Attr string
}

var refRE = regexp.MustCompile(`\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*)`)
var interpRE = regexp.MustCompile(`\$\{([^}]*)\}`)

// Refs returns every resource reference inside v (strings with ${...}),
// in order of appearance, without duplicates. Variables, locals and
// function names are not references and are skipped.
func Refs(v any) []Ref {
	var out []Ref
	seen := map[Ref]bool{}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			for _, m := range interpRE.FindAllStringSubmatch(t, -1) {
				for _, r := range refRE.FindAllStringSubmatch(m[1], -1) {
					addr := r[1]
					root := strings.SplitN(addr, ".", 2)[0]
					// key and val are the symbols of CDKTF's for expressions
					// ({ for key, val in ...: val.x => val }), not resources.
					if root == "var" || root == "local" || root == "each" || root == "count" || root == "self" || root == "path" || root == "terraform" || root == "key" || root == "val" {
						continue
					}
					if strings.Contains(addr, "(") {
						continue
					}
					// For data sources the regex's optional "data." prefix already
					// took data.<type>.<name> into the address.
					attr := strings.TrimPrefix(r[2], ".")
					ref := Ref{Address: addr, Attr: attr}
					if !seen[ref] {
						seen[ref] = true
						out = append(out, ref)
					}
				}
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(t[k])
			}
		}
	}
	walk(v)
	return out
}

// RefTo reports whether v is exactly one interpolation referencing address
// (any attribute), e.g. "${aws_lb.alb.arn}".
func RefTo(v any, address string) bool {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return false
	}
	refs := Refs(s)
	return len(refs) == 1 && refs[0].Address == address
}

// Region is the region of the stack's default (alias-free) aws provider
// block, "" when none sets a literal one.
func (s *Stack) Region() string {
	v, _ := Walk(s.Raw, "provider", "aws")
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	for _, p := range list {
		if a, _ := Walk(p, "alias"); a != nil && a != "" {
			continue
		}
		if r, ok := Walk(p, "region"); ok {
			if rs, isStr := r.(string); isStr && rs != "" && !strings.Contains(rs, "${") {
				return rs
			}
		}
	}
	return ""
}

// Literal reads v as a literal number: a JSON number or a numeric string
// (the provider bindings write some numbers as strings), finite; a token
// reference or anything else is not one.
func Literal(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, true
		}
	}
	return 0, false
}
