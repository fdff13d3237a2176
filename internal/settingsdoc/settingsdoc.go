// Package settingsdoc writes the settings reference of environments.yaml
// (docs/settings.md) from the documentation of constructs/config's Go types:
// every key with its YAML type, its default and its documentation, which
// states the allowed values. The types are the one description of a setting,
// so the reference cannot say something else; a test fails when the committed
// file is stale.
package settingsdoc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// Setting is one key of environments.yaml.
type Setting struct {
	// Key is the dotted path under an environment ("compute.min_size"),
	// "[]" marking a list's elements ("scaling.schedules[].cron"), or
	// under the file's top level ("project").
	Key string
	// Type is the YAML type: string, integer, number, boolean, list of X,
	// map of string to string, or block.
	Type string
	// Default is what the doc comment states after "Default:", "required"
	// for "Required", else "".
	Default string
	// File marks a key of the file's top level (project), not of an environment.
	File bool
	// Doc is the field's doc comment on one line, its leading Go field name
	// replaced by the YAML key.
	Doc string
}

// Load reads the Go files of the config package in fsys (tests excluded)
// and returns the settings, the file's own keys first, then an
// environment's (which `defaults` takes too), in field order.
func Load(fsys fs.FS) ([]Setting, error) {
	types, err := parseTypes(fsys)
	if err != nil {
		return nil, err
	}
	for _, need := range []string{"File", "Environment"} {
		if types[need] == nil {
			return nil, fmt.Errorf("settingsdoc: no struct type %s in the config package", need)
		}
	}
	var out []Setting
	// The file's defaults block is an Environment: its keys are listed once,
	// as an environment's.
	walk(types, types["File"], "", &out, map[string]bool{"Environment": true})
	for i := range out {
		out[i].File = true
	}
	walk(types, types["Environment"], "", &out, map[string]bool{})
	return out, nil
}

func parseTypes(fsys fs.FS) (map[string]*ast.StructType, error) {
	names, err := fs.Glob(fsys, "*.go")
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	types := map[string]*ast.StructType{}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, s := range gd.Specs {
				ts := s.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					types[ts.Name.Name] = st
				}
			}
		}
	}
	return types, nil
}

var (
	defaultRE  = regexp.MustCompile(`Default: (.*?)\.(?:\s|$)`)
	requiredRE = regexp.MustCompile(`\bRequired\b`)
)

func walk(types map[string]*ast.StructType, st *ast.StructType, prefix string, out *[]Setting, seen map[string]bool) {
	for _, fld := range st.Fields.List {
		key := yamlKey(fld)
		if key == "" || key == "-" || len(fld.Names) == 0 || seen[typeName(fld.Type)] {
			continue
		}
		path := key
		if prefix != "" {
			path = prefix + "." + key
		}
		doc := strings.Join(strings.Fields(fld.Doc.Text()), " ")
		if rest, ok := strings.CutPrefix(doc, fld.Names[0].Name+" "); ok {
			doc = "`" + key + "` " + rest // the Go name a Go reader sees becomes the YAML key
		}
		s := Setting{Key: path, Type: yamlType(types, fld.Type), Doc: doc}
		if m := defaultRE.FindStringSubmatch(doc); m != nil {
			s.Default = m[1]
		} else if requiredRE.MatchString(doc) {
			s.Default = "required"
		}
		*out = append(*out, s)
		// Nested blocks: a struct, a pointer to one, or a list of them.
		elem, list := fld.Type, ""
		if a, ok := elem.(*ast.ArrayType); ok {
			elem, list = a.Elt, "[]"
		}
		if p, ok := elem.(*ast.StarExpr); ok {
			elem = p.X
		}
		if id, ok := elem.(*ast.Ident); ok && types[id.Name] != nil && !seen[id.Name] {
			seen[id.Name] = true
			walk(types, types[id.Name], path+list, out, seen)
			delete(seen, id.Name)
		}
	}
}

// typeName is the struct type a field holds (through pointers and lists), or "".
func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return typeName(t.X)
	case *ast.ArrayType:
		return typeName(t.Elt)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

func yamlKey(f *ast.Field) string {
	if f.Tag == nil {
		return ""
	}
	tag, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return ""
	}
	name, _, _ := strings.Cut(reflect.StructTag(tag).Get("yaml"), ",")
	return name
}

func yamlType(types map[string]*ast.StructType, e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return yamlType(types, t.X)
	case *ast.ArrayType:
		return "list of " + yamlType(types, t.Elt)
	case *ast.MapType:
		return "map of " + yamlType(types, t.Key) + " to " + yamlType(types, t.Value)
	case *ast.Ident:
		switch t.Name {
		case "string":
			return "string"
		case "bool":
			return "boolean"
		case "int", "int32", "int64", "uint", "uint32", "uint64":
			return "integer"
		case "float32", "float64":
			return "number"
		}
		if types[t.Name] != nil {
			return "block"
		}
		return "string" // named string types: the enumerations (ComputeMode, ...)
	}
	return fmt.Sprintf("%T", e)
}

// Write writes the reference as Markdown: a table per top-level section.
func Write(w io.Writer, settings []Setting) error {
	var b strings.Builder
	b.WriteString("# Settings of environments.yaml\n\n")
	b.WriteString("Generated from the documentation of the Go types in `constructs/config` by\n" +
		"`go test ./internal/settingsdoc -update`; a test fails when this file is stale. The keys below the\n" +
		"top level are those of an environment (`environments.<name>.<key>`); each may also be set under\n" +
		"`defaults`, and the environment's own value wins. Unknown keys are errors.\n")
	sections := map[string][]Setting{}
	var order []string
	for _, s := range settings {
		sec, _, _ := strings.Cut(s.Key, ".")
		sec = strings.TrimSuffix(sec, "[]")
		if _, ok := sections[sec]; !ok {
			order = append(order, sec)
		}
		sections[sec] = append(sections[sec], s)
	}
	// Top-level scalars (project, region, ...) share one table; blocks get their own.
	var file, top []Setting
	var blocks []string
	for _, sec := range order {
		if s := sections[sec][0]; s.File {
			file = append(file, s)
			continue
		}
		if len(sections[sec]) == 1 && sections[sec][0].Type != "block" {
			top = append(top, sections[sec][0])
			continue
		}
		blocks = append(blocks, sec)
	}
	table := func(title string, rows []Setting) {
		fmt.Fprintf(&b, "\n## %s\n\n| key | type | default | meaning and allowed values |\n|---|---|---|---|\n", title)
		for _, s := range rows {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.Key, s.Type, cell(s.Default), cell(s.Doc))
		}
	}
	table("The file's top level", file)
	table("An environment's keys", top)
	for _, sec := range blocks {
		table("`"+sec+"`", sections[sec])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
