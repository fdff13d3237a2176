package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is the environments file synth reads unless ENVIRONMENTS_FILE names another.
const DefaultFile = "environments.yaml"

// Problem is one thing wrong with the file.
type Problem struct {
	// Line in the file, 0 when unknown.
	Line int
	// Env is the environment ("" for file-level problems, "defaults" for the defaults block).
	Env string
	// Field is the dotted key path, e.g. network.cidr.
	Field string
	// Msg says what the value is and what is allowed.
	Msg string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Env != "" {
		b.WriteString(p.Env + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors lists every problem found in one file.
type Errors struct {
	// Source is the file name.
	Source string
	// Problems in file order.
	Problems []Problem
}

func (e *Errors) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "%s: %d %s:", e.Source, n, noun)
	for _, p := range e.Problems {
		b.WriteString("\n  - " + p.String())
	}
	return b.String()
}

type collector struct{ problems []Problem }

func (c *collector) add(line int, env, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: line, Env: env, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading environments file: %w", err)
	}
	return Parse(path, data)
}

// LoadFromEnv loads ENVIRONMENTS_FILE, or environments.yaml when it is unset.
func LoadFromEnv() (*File, error) {
	path := os.Getenv("ENVIRONMENTS_FILE")
	if path == "" {
		path = DefaultFile
	}
	return Load(path)
}

var envNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)

// Parse decodes, defaults and validates data; source names it in errors.
// On any problem it returns *Errors listing all of them.
func Parse(source string, data []byte) (*File, error) {
	c := &collector{}
	fail := func() (*File, error) {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
		return nil, &Errors{Source: source, Problems: c.problems}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		c.add(0, "", "", "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return fail()
	}
	// yaml.Unmarshal would read the first document and ignore the rest.
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.add(0, "", "", "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
			return fail()
		}
		if len(next.Content) > 0 && !(next.Content[0].Kind == yaml.ScalarNode && next.Content[0].Tag == "!!null") {
			c.add(next.Content[0].Line, "", "", "a second YAML document starts after ---; want one document holding project, defaults and environments")
			return fail()
		}
	}
	if len(doc.Content) == 0 {
		c.add(0, "", "", "the file is empty; want a mapping with an 'environments' key (see environments.yaml)")
		return fail()
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		c.add(root.Line, "", "", "the top level is a %s; want a mapping with keys project, defaults, environments", kindName(root))
		return fail()
	}
	f := &File{Project: "webtier"}
	var defaultsNode, envsNode *yaml.Node
	var defaultsBroken []string
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if first, dup := seen[k.Value]; dup {
			c.add(k.Line, "", k.Value, "appears twice (first on line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "project":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
				c.add(v.Line, "", "project", "%s is not a string; want a name like webtier", show(v))
				continue
			}
			f.Project = v.Value
		case "defaults":
			defaultsNode = v
			start := len(c.problems)
			checkNode(c, v, reflect.TypeOf(Environment{}), "defaults", "")
			defaultsBroken = fieldsOf(c.problems[start:])
		case "environments":
			envsNode = v
		default:
			c.add(k.Line, "", k.Value, "unknown key; allowed at the top level: project, defaults, environments")
		}
	}
	if !regexp.MustCompile(`^[a-z][a-z0-9-]{1,14}[a-z0-9]$`).MatchString(f.Project) {
		c.add(0, "", "project", "%q is not allowed; want 3-16 characters: lowercase letters, digits and '-', starting with a letter", f.Project)
	}
	if envsNode == nil {
		c.add(0, "", "environments", "is missing; want a mapping of environment name to settings, e.g. dev:, stage:, prod:")
		return fail()
	}
	if envsNode.Kind != yaml.MappingNode || len(envsNode.Content) == 0 {
		c.add(envsNode.Line, "", "environments", "%s; want a non-empty mapping of environment name to settings", describeEmpty(envsNode))
		return fail()
	}
	names := map[string]int{}
	var envNodes []*yaml.Node
	for i := 0; i+1 < len(envsNode.Content); i += 2 {
		k, v := envsNode.Content[i], resolve(envsNode.Content[i+1])
		name := k.Value
		if first, dup := names[name]; dup {
			c.add(k.Line, name, "", "duplicate environment name (first defined on line %d); names must be unique", first)
			continue
		}
		names[name] = k.Line
		if !envNameRE.MatchString(name) {
			c.add(k.Line, name, "", "environment name %q is not allowed; want 1-12 lowercase letters or digits, starting with a letter (it names the stack and AWS resources)", name)
		}
		if v.Kind != yaml.MappingNode {
			c.add(v.Line, name, "", "%s; want a mapping of settings (region, availability_zones, network, ...)", describeEmpty(v))
			continue
		}
		start := len(c.problems)
		checkNode(c, v, reflect.TypeOf(Environment{}), name, "")
		broken := append(fieldsOf(c.problems[start:]), defaultsBroken...)
		env := Builtin()
		if hasKey(v, "backend") || (defaultsNode != nil && hasKey(defaultsNode, "backend")) {
			env.Backend = &Backend{Encrypt: true, UseLockfile: true}
		}
		// Type problems are reported by checkNode with their field names;
		// decoding carries on past them so every environment is still validated.
		if defaultsNode != nil {
			decodeLenient(defaultsNode, &env)
		}
		decodeLenient(v, &env)
		env.Name = name
		applyDerivedDefaults(f, &env)
		// A field with a wrong type or no value keeps its default; checkNode
		// has said so, and validating the default would only add noise.
		start = len(c.problems)
		validateEnv(c, f, &env, v)
		kept := c.problems[:start]
		for _, p := range c.problems[start:] {
			if !underAny(p.Field, broken) {
				kept = append(kept, p)
			}
		}
		c.problems = kept
		f.Environments = append(f.Environments, &env)
		envNodes = append(envNodes, v)
	}
	state := map[string]string{}
	for i, e := range f.Environments {
		if e.Backend == nil {
			continue
		}
		id := e.Backend.Bucket + "/" + e.Backend.Key
		if other, dup := state[id]; dup {
			c.add(lineOf(envNodes[i], "backend.key"), e.Name, "backend.key", "%q in bucket %s is already the state of %s; each environment needs its own key (leave key out for <project>/<env>/terraform.tfstate)", e.Backend.Key, e.Backend.Bucket, other)
			continue
		}
		state[id] = e.Name
	}
	if len(c.problems) > 0 {
		return fail()
	}
	return f, nil
}

// decodeLenient decodes n onto out, keeping the defaults already in out.
// Its errors are type errors that checkNode has already reported with field
// names, so they are dropped here.
func decodeLenient(n *yaml.Node, out *Environment) {
	_ = withoutDuplicateKeys(n, map[*yaml.Node]*yaml.Node{}).Decode(out)
}

// withoutDuplicateKeys copies n without the second and later uses of a
// mapping key (checkNode reports them): yaml.v3 refuses to decode a mapping
// with a duplicate key at all, which would drop every setting beside it and
// report them as missing. done maps each node to its copy (aliases may cycle).
func withoutDuplicateKeys(n *yaml.Node, done map[*yaml.Node]*yaml.Node) *yaml.Node {
	if n == nil || n.Kind == yaml.ScalarNode {
		return n
	}
	if cp, ok := done[n]; ok {
		return cp
	}
	cp := *n
	done[n] = &cp
	cp.Alias = withoutDuplicateKeys(n.Alias, done)
	cp.Content = make([]*yaml.Node, 0, len(n.Content))
	seen := map[string]bool{}
	for i := 0; i < len(n.Content); i++ {
		if n.Kind == yaml.MappingNode && i%2 == 0 && i+1 < len(n.Content) {
			k := n.Content[i].Value
			if seen[k] {
				i++ // drop the key and its value
				continue
			}
			seen[k] = true
		}
		cp.Content = append(cp.Content, withoutDuplicateKeys(n.Content[i], done))
	}
	return &cp
}

// fieldsOf lists the fields of problems (skipping whole-block ones).
func fieldsOf(problems []Problem) []string {
	var out []string
	for _, p := range problems {
		if p.Field != "" {
			out = append(out, p.Field)
		}
	}
	return out
}

// underAny reports whether field is one of paths or lies below one (path.x, path[i]).
func underAny(field string, paths []string) bool {
	for _, p := range paths {
		if field == p || strings.HasPrefix(field, p+".") || strings.HasPrefix(field, p+"[") {
			return true
		}
	}
	return false
}

func applyDerivedDefaults(f *File, e *Environment) {
	if e.ALB.HealthCheck.Path == "" {
		e.ALB.HealthCheck.Path = e.Compute.HealthPath
	}
	if e.Backend != nil {
		if e.Backend.Key == "" {
			e.Backend.Key = f.Project + "/" + e.Name + "/terraform.tfstate"
		}
		if e.Backend.Region == "" {
			e.Backend.Region = e.Region
		}
	}
}

func hasKey(n *yaml.Node, key string) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// lineOf finds the line of a dotted field path inside an environment node.
func lineOf(n *yaml.Node, field string) int {
	if n == nil {
		return 0
	}
	line := n.Line
	cur := n
	for _, part := range strings.Split(field, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i >= 0 {
			fmt.Sscanf(part[i:], "[%d]", &idx)
			part = part[:i]
		}
		found := false
		if cur.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == part {
					cur = resolve(cur.Content[i+1])
					line = cur.Line
					found = true
					break
				}
			}
		}
		if !found {
			return line
		}
		if idx >= 0 && cur.Kind == yaml.SequenceNode && idx < len(cur.Content) {
			cur = cur.Content[idx]
			line = cur.Line
		}
	}
	return line
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty value"
		}
		return "scalar " + show(n)
	}
	return "node"
}

func describeEmpty(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return "has no value"
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 0 {
		return "is empty"
	}
	return "is a " + kindName(n)
}

func show(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return "a " + kindName(n)
	}
	if n.Tag == "!!str" {
		return fmt.Sprintf("%q", n.Value)
	}
	return n.Value
}

// checkNode compares a YAML node with the Go type it decodes into and reports
// unknown keys, duplicate keys and wrong types with their full path.
func checkNode(c *collector, n *yaml.Node, t reflect.Type, env, path string) {
	n = resolve(n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		c.add(n.Line, env, path, "has no value; want %s", typeName(t))
		return
	}
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.add(n.Line, env, path, "is %s; want a mapping with keys %s", show(n), strings.Join(yamlKeys(t), ", "))
			return
		}
		fields := map[string]reflect.StructField{}
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if tag := strings.Split(sf.Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				fields[tag] = sf
			}
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if first, dup := seen[k.Value]; dup {
				c.add(k.Line, env, join(k.Value), "appears twice (first on line %d)", first)
				continue
			}
			seen[k.Value] = k.Line
			sf, ok := fields[k.Value]
			if !ok {
				c.add(k.Line, env, join(k.Value), "unknown key; allowed here: %s", strings.Join(yamlKeys(t), ", "))
				continue
			}
			checkNode(c, n.Content[i+1], sf.Type, env, join(k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.add(n.Line, env, path, "is %s; want a list of %s", show(n), typeName(t.Elem()))
			return
		}
		for i, e := range n.Content {
			checkNode(c, e, t.Elem(), env, fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.add(n.Line, env, path, "is %s; want a mapping of %s", show(n), typeName(t.Elem()))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			checkNode(c, n.Content[i+1], t.Elem(), env, join(n.Content[i].Value))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float") {
			c.add(n.Line, env, path, "is %s; want a string", show(n))
		}
	case reflect.Int:
		var v int
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&v) != nil {
			c.add(n.Line, env, path, "is %s; want a whole number", show(n))
		}
	case reflect.Float64:
		var v float64
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			c.add(n.Line, env, path, "is %s; want a finite number", show(n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			c.add(n.Line, env, path, "is %s; want true or false", show(n))
		}
	}
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	case reflect.Map:
		return "a mapping"
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return t.String()
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	return keys
}
