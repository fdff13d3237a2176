package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// DefaultFile is the environments file synth reads unless ENVIRONMENTS_FILE names another.
const DefaultFile = "environments.yaml"

// Limits of the loader. Any file within them is read in well under a second;
// a file beyond them fails with one problem that says which limit it broke.
const (
	// MaxFileBytes is the largest environments file read: 1 MiB.
	MaxFileBytes = 1 << 20
	// MaxValues is how many YAML values (scalars, lists, mappings) the file
	// may hold, counting the defaults block once per environment (it is
	// applied to each). A real file holds a few hundred.
	MaxValues = 50_000
	// MaxAliasValues is how many values aliases (*name) may add by repeating
	// anchored blocks (&name). Sharing a block between environments adds a
	// few hundred; a file that adds more is an alias bomb.
	MaxAliasValues = 10_000
	// MaxMappingKeys is how many keys one mapping may have (the YAML decoder
	// compares each key of a mapping with every other). The most any
	// setting allows is 45 tags.
	MaxMappingKeys = 1000
	// MaxProblems is how many problems an error lists; it says how many more
	// there were.
	MaxProblems = 100
)

// Problem is one thing wrong with the file.
type Problem struct {
	// Line in the file, 0 when unknown.
	Line int
	// Env is the environment ("" for file-level problems, "defaults" for the defaults block).
	Env string
	// Field is the dotted key path, e.g. network.cidr; keys that are not
	// plain words are quoted, e.g. tags."cost center".
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
		b.WriteString(keyText(p.Env) + ": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors lists the problems found in one file, or in the settings a Go
// caller gave a construct (without lines): at most MaxProblems of them, and
// how many more there were.
type Errors struct {
	// Source is the file name, or the path of the construct that was given
	// the settings ("" when unknown).
	Source string
	// Problems in file order: at most MaxProblems, and one more when the
	// YAML decoder gave up past them.
	Problems []Problem
	// Omitted counts the problems found beyond MaxProblems, not listed.
	Omitted int
}

func (e *Errors) Error() string {
	var b strings.Builder
	n := len(e.Problems) + e.Omitted
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	if e.Source != "" {
		b.WriteString(e.Source + ": ")
	}
	fmt.Fprintf(&b, "%d %s", n, noun)
	if e.Omitted > 0 {
		fmt.Fprintf(&b, " (the first %d are listed, %d more are left out)", len(e.Problems), e.Omitted)
	}
	b.WriteString(":")
	for _, p := range e.Problems {
		b.WriteString("\n  - " + p.String())
	}
	return b.String()
}

// collector gathers problems: the first MaxProblems in full, then only a
// count. It also remembers which fields had a type problem (checkNode), so
// that validation does not report the default such a field kept.
type collector struct {
	problems []Problem
	omitted  int
	broken   map[string]bool // env + "\x00" + field
}

func newCollector() *collector { return &collector{broken: map[string]bool{}} }

func (c *collector) full() bool { return len(c.problems) >= MaxProblems }

func (c *collector) add(line int, env, field, format string, args ...any) {
	if c.full() {
		c.omitted++
		return
	}
	c.problems = append(c.problems, Problem{Line: line, Env: env, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// addAlways adds a problem even past MaxProblems: one that says why the
// problems before it may be incomplete (the decoder gave up).
func (c *collector) addAlways(line int, env, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Line: line, Env: env, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// typeProblem adds a problem of checkNode and marks the field broken.
func (c *collector) typeProblem(line int, env, field, format string, args ...any) {
	c.broken[env+"\x00"+field] = true
	c.add(line, env, field, format, args...)
}

// isBroken reports whether field, or a field above it (network for
// network.cidr, tags for tags.x), had a type problem in environment env or
// in the defaults block.
func (c *collector) isBroken(env, field string) bool {
	for i := 0; i <= len(field); i++ {
		if i == len(field) || field[i] == '.' || field[i] == '[' {
			if c.broken[env+"\x00"+field[:i]] || c.broken["defaults\x00"+field[:i]] {
				return true
			}
		}
	}
	return false
}

// Load reads and validates the file at path.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading environments file: %w", err)
	}
	defer fh.Close()
	// One byte more than the limit tells a file at the limit from a larger one.
	data, err := io.ReadAll(io.LimitReader(fh, MaxFileBytes+1))
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

var (
	envNameRE = regexp.MustCompile(`^[a-z][a-z0-9]{0,11}$`)
	projectRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,14}[a-z0-9]$`)
)

// Parse decodes, defaults and validates data; source names it in errors.
// On any problem it returns *Errors listing them.
func Parse(source string, data []byte) (*File, error) {
	c := newCollector()
	fail := func() (*File, error) {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
		return nil, &Errors{Source: source, Problems: c.problems, Omitted: c.omitted}
	}
	if len(data) > MaxFileBytes {
		c.add(0, "", "", "the file is larger than %d bytes (1 MiB); an environments file is a few kilobytes", MaxFileBytes)
		return fail()
	}
	if checkTabs(c, data) {
		return fail()
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		c.add(0, "", "", "malformed YAML: %s", yamlError(err))
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
			c.add(0, "", "", "malformed YAML: %s", yamlError(err))
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
	if line, msg := checkSize(root); msg != "" {
		c.add(line, "", "", "%s", msg)
		return fail()
	}
	checkMergeKeys(c, root)
	f := &File{Project: DefaultProject, Dir: filepath.Dir(source)}
	var defaultsNode, envsNode *yaml.Node
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		if isMergeKey(k) {
			continue // reported by checkMergeKeys
		}
		if first, dup := seen[k.Value]; dup {
			c.add(k.Line, "", keyText(k.Value), "appears twice (first on line %d)", first)
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
			checkNode(c, v, reflect.TypeOf(Environment{}), "defaults", "")
		case "environments":
			envsNode = v
		default:
			c.add(k.Line, "", keyText(k.Value), "unknown key; allowed at the top level: project, defaults, environments")
		}
	}
	if msg := projectProblem(f.Project); msg != "" {
		c.add(0, "", "project", "%s", msg)
	}
	if envsNode == nil {
		c.add(0, "", "environments", "is missing; want a mapping of environment name to settings, e.g. dev:, stage:, prod:")
		return fail()
	}
	if envsNode.Kind != yaml.MappingNode || len(envsNode.Content) == 0 {
		c.add(envsNode.Line, "", "environments", "%s; want a non-empty mapping of environment name to settings", describeEmpty(envsNode))
		return fail()
	}
	var defaultsCopy *yaml.Node
	if defaultsNode != nil {
		defaultsCopy = withoutDuplicateKeys(defaultsNode, map[*yaml.Node]*yaml.Node{})
	}
	defaultsFailed := false
	names := map[string]int{}
	var envNodes []*yaml.Node
	for i := 0; i+1 < len(envsNode.Content); i += 2 {
		k, v := envsNode.Content[i], resolve(envsNode.Content[i+1])
		if isMergeKey(k) {
			continue // reported by checkMergeKeys
		}
		name := k.Value
		if first, dup := names[name]; dup {
			c.add(k.Line, name, "", "duplicate environment name (first defined on line %d); names must be unique", first)
			continue
		}
		names[name] = k.Line
		if msg := envNameProblem(name); msg != "" {
			c.add(k.Line, name, "", "%s", msg)
		}
		if v.Kind != yaml.MappingNode {
			c.add(v.Line, name, "", "%s; want a mapping of settings (region, availability_zones, network, ...)", describeEmpty(v))
			continue
		}
		checkNode(c, v, reflect.TypeOf(Environment{}), name, "")
		env := Builtin()
		if hasKey(v, "backend") || (defaultsNode != nil && hasKey(defaultsNode, "backend")) {
			b := DefaultBackend()
			env.Backend = &b
		}
		if hasPath(v, "compute", "spot") || (defaultsNode != nil && hasPath(defaultsNode, "compute", "spot")) {
			sp := DefaultSpot()
			env.Compute.Spot = &sp
		}
		if hasPath(v, "compute", "warm_pool") || (defaultsNode != nil && hasPath(defaultsNode, "compute", "warm_pool")) {
			wp := DefaultWarmPool()
			env.Compute.WarmPool = &wp
		}
		if hasPath(v, "scaling", "predictive") || (defaultsNode != nil && hasPath(defaultsNode, "scaling", "predictive")) {
			pr := DefaultPredictive()
			env.Scaling.Predictive = &pr
		}
		if hasKey(v, "assume_role") || (defaultsNode != nil && hasKey(defaultsNode, "assume_role")) {
			ar := DefaultAssumeRole()
			env.AssumeRole = &ar
		}
		// Type problems are reported by checkNode with their field names;
		// decoding carries on past them so every environment is still
		// validated. A decoder that gives up (excessive aliasing) leaves the
		// environment half read: that is reported, and nothing is validated
		// on top of it.
		if defaultsCopy != nil {
			if err := decodeLenient(defaultsCopy, &env); err != nil {
				if !defaultsFailed {
					c.addAlways(defaultsNode.Line, "defaults", "", "%s", decoderGaveUp(err))
				}
				defaultsFailed = true
				continue
			}
		}
		if err := decodeLenient(withoutDuplicateKeys(v, map[*yaml.Node]*yaml.Node{}), &env); err != nil {
			c.addAlways(v.Line, name, "", "%s", decoderGaveUp(err))
			continue
		}
		env.Name = name
		env.ApplyDerivedDefaults(f.Project)
		validateEnv(c, f, &env, v, defaultsNode)
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
			c.add(lineOf(envNodes[i], "backend.key"), e.Name, "backend.key", "%s in bucket %s is already the state of %s; each environment needs its own key (leave key out for <project>/<env>/terraform.tfstate)", q(e.Backend.Key), q(e.Backend.Bucket), other)
			continue
		}
		state[id] = e.Name
	}
	if len(c.problems) > 0 || c.omitted > 0 {
		return fail()
	}
	return f, nil
}

// yamlError is the decoder's message without its "yaml: " prefix, made safe
// to print (see clean).
func yamlError(err error) string {
	return clean(strings.TrimPrefix(err.Error(), "yaml: "), 200)
}

// decoderGaveUp says that the YAML decoder stopped reading an environment.
func decoderGaveUp(err error) string {
	msg := yamlError(err)
	if strings.Contains(msg, "excessive aliasing") {
		return "excessive aliasing: the YAML decoder stopped reading here because aliases (*name) repeat anchored blocks (&name) too often; write the settings out instead"
	}
	return "the YAML decoder stopped reading here: " + msg
}

// checkSize counts the values the loader will visit, aliases expanded and
// the defaults block once per environment, and says what is wrong when the
// file is beyond MaxValues or MaxAliasValues or an alias contains itself. It
// takes time proportional to the file, whatever the aliases expand to.
func checkSize(root *yaml.Node) (line int, msg string) {
	var defaults *yaml.Node
	envs := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		switch v := resolve(root.Content[i+1]); root.Content[i].Value {
		case "defaults":
			if defaults == nil {
				defaults = root.Content[i+1]
			}
		case "environments":
			if v.Kind == yaml.MappingNode {
				envs += len(v.Content) / 2
			}
		}
	}
	s := &sizer{memo: map[*yaml.Node]int{}, active: map[*yaml.Node]bool{}}
	all := satAdd(s.expanded(root), satMul(envs, s.expanded(defaults)))
	if s.cycle != nil {
		return s.cycle.Line, fmt.Sprintf("the anchor &%s contains an alias of itself; its value would never end", keyText(s.cycle.Anchor))
	}
	if big := widestMapping(root); big != nil {
		return big.Line, fmt.Sprintf("this mapping has %d keys; at most %d are read (tags allow 45)", len(big.Content)/2, MaxMappingKeys)
	}
	raw := satAdd(rawCount(root), satMul(envs, rawCount(defaults)))
	switch {
	case raw > MaxValues:
		return 0, fmt.Sprintf("the file holds more than %d values (lists, mappings and scalars, the defaults block counted once per environment); an environments file holds a few hundred", MaxValues)
	case all-raw > MaxAliasValues:
		return 0, fmt.Sprintf("excessive aliasing: aliases (*name) repeat anchored blocks (&name) into more than %d values; at most %d may come from aliases; write the settings out instead", MaxAliasValues, MaxAliasValues)
	}
	return 0, ""
}

// checkTabs reports every line of data that holds a tab, and whether there
// was one. YAML indents with spaces only, and a tab elsewhere (between a key
// and its value, in a comment) looks the same as spaces: the file takes none.
func checkTabs(c *collector, data []byte) bool {
	found := false
	for line, rest := 1, data; len(rest) > 0; line++ {
		text, next, _ := bytes.Cut(rest, []byte("\n"))
		if i := bytes.IndexByte(text, '\t'); i >= 0 {
			c.add(line, "", "", "a tab character (column %d); YAML indents with spaces only, and this file takes no tabs anywhere: replace each tab with spaces", utf8.RuneCount(text[:i])+1)
			found = true
		}
		rest = next
	}
	return found
}

// isMergeKey reports whether the mapping key k is YAML's merge key (<<,
// unquoted).
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
}

// checkMergeKeys reports every merge key (<<) of the file as written,
// where it is: under an environment, in the defaults block, or at the top.
// A merge key copies the keys of another mapping into this one, and which
// of them win is not visible in the file; the loader takes none (an alias
// of a whole block is fine).
func checkMergeKeys(c *collector, root *yaml.Node) {
	var walk func(n *yaml.Node, env, path string, level int)
	walk = func(n *yaml.Node, env, path string, level int) {
		join := func(k string) string {
			if path == "" {
				return keyText(k)
			}
			return path + "." + keyText(k)
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if isMergeKey(k) {
					c.add(k.Line, env, path, "a YAML merge key (<<) copies another mapping's keys into this one, hiding which settings win; the loader takes no merge keys: write the settings out, or use an alias (*name) of a whole block")
				}
				switch {
				case level == 0 && k.Value == "defaults":
					walk(v, "defaults", "", 1)
				case level == 0 && k.Value == "environments":
					walk(v, "", "", 2)
				case level == 2:
					walk(v, k.Value, "", 3)
				default:
					walk(v, env, join(k.Value), 3)
				}
			}
		case yaml.SequenceNode:
			for i, e := range n.Content {
				walk(e, env, fmt.Sprintf("%s[%d]", path, i), 3)
			}
		}
	}
	walk(root, "", "", 0)
}

// sizer counts values with aliases expanded, remembering each node's count,
// so that an alias bomb costs no more than its own size to measure.
type sizer struct {
	memo   map[*yaml.Node]int
	active map[*yaml.Node]bool
	cycle  *yaml.Node
}

func (s *sizer) expanded(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.AliasNode {
		return s.expanded(n.Alias)
	}
	if v, ok := s.memo[n]; ok {
		return v
	}
	if s.active[n] {
		if s.cycle == nil {
			s.cycle = n
		}
		return math.MaxInt / 2
	}
	s.active[n] = true
	total := 1
	for _, ch := range n.Content {
		total = satAdd(total, s.expanded(ch))
	}
	delete(s.active, n)
	s.memo[n] = total
	return total
}

// rawCount counts the nodes of the tree as written (an alias counts one).
func rawCount(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	total := 1
	for _, ch := range n.Content {
		total += rawCount(ch)
	}
	return total
}

// widestMapping returns the first mapping of the tree as written with more
// than MaxMappingKeys keys, or nil.
func widestMapping(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode && len(n.Content)/2 > MaxMappingKeys {
		return n
	}
	for _, ch := range n.Content {
		if big := widestMapping(ch); big != nil {
			return big
		}
	}
	return nil
}

// satAdd and satMul add and multiply counts without overflowing.
func satAdd(a, b int) int {
	if a > math.MaxInt/2 || b > math.MaxInt/2 {
		return math.MaxInt / 2
	}
	return min(a+b, math.MaxInt/2)
}

func satMul(a, b int) int {
	if a != 0 && b > (math.MaxInt/2)/a {
		return math.MaxInt / 2
	}
	return a * b
}

// decodeLenient decodes n onto out, keeping the defaults already in out.
// Type errors are dropped: checkNode has reported them with field names, and
// the decoder carries on past them. Any other error means the decoder gave
// up (excessive aliasing, an alias of itself) and out is half written.
func decodeLenient(n *yaml.Node, out *Environment) error {
	err := n.Decode(out)
	var te *yaml.TypeError
	if err == nil || errors.As(err, &te) {
		return nil
	}
	return err
}

// withoutDuplicateKeys copies n without the second and later uses of a
// mapping key (checkNode reports them): yaml.v3 refuses to decode a mapping
// with a duplicate key at all, which would drop every setting beside it and
// report them as missing. It leaves out merge keys (<<) too, which
// checkMergeKeys reports: nothing they would merge is decoded. done maps
// each node to its copy (aliases may cycle).
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
			if seen[k] || isMergeKey(n.Content[i]) {
				i++ // drop the key and its value
				continue
			}
			seen[k] = true
		}
		cp.Content = append(cp.Content, withoutDuplicateKeys(n.Content[i], done))
	}
	return &cp
}

// ApplyDerivedDefaults fills in the defaults that come from other settings
// of e, as the YAML reader does after decoding: alb.health_check.path left
// empty is compute.health_path, a domain turns alb.https on, and a backend's
// key and region left empty are <project>/<env>/terraform.tfstate and the
// environment's region. webtier.New applies them too.
func (e *Environment) ApplyDerivedDefaults(project string) {
	if e.ALB.HealthCheck.Path == "" {
		e.ALB.HealthCheck.Path = e.Compute.HealthPath
	}
	if e.ALB.Domain != nil {
		e.ALB.HTTPS = true // the domain's certificate serves HTTPS
	}
	if e.Backend != nil {
		if e.Backend.Key == "" {
			e.Backend.Key = project + "/" + e.Name + "/terraform.tfstate"
		}
		if e.Backend.Region == "" {
			e.Backend.Region = e.Region
		}
	}
}

// projectProblem says what is wrong with a project name, or "".
func projectProblem(project string) string {
	if projectRE.MatchString(project) {
		return ""
	}
	return fmt.Sprintf("%s is not allowed; want 3-16 characters: lowercase letters, digits and '-', starting with a letter", q(project))
}

// envNameProblem says what is wrong with an environment name, or "".
func envNameProblem(name string) string {
	if envNameRE.MatchString(name) {
		return ""
	}
	return fmt.Sprintf("environment name %s is not allowed; want 1-12 lowercase letters or digits, starting with a letter (it names the stack and AWS resources)", q(name))
}

// hasPath reports whether the mapping n has the nested keys path.
func hasPath(n *yaml.Node, path ...string) bool {
	for _, key := range path {
		n = resolve(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return false
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return false
		}
		n = next
	}
	return true
}

// valueAt returns the value at the nested keys path of the mapping n, or nil.
func valueAt(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		n = resolve(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key && !isMergeKey(n.Content[i]) {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return resolve(n)
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

// plainScalarRE matches numbers and words that need no quotes in a message.
var plainScalarRE = regexp.MustCompile(`^[-+]?[0-9A-Za-z._]{1,48}$`)

// show renders a node for a message: strings quoted and cut (see q), other
// scalars as written when they are short plain words or numbers, else quoted.
func show(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return "a " + kindName(n)
	}
	switch {
	case n.Tag == "!!str":
		return q(n.Value)
	case n.Tag != "" && !strings.HasPrefix(n.Tag, "!!"):
		return "a value tagged " + keyText(n.Tag)
	case plainScalarRE.MatchString(n.Value):
		return n.Value
	}
	return q(n.Value)
}

// maxShown is how many characters of a value from the file a message shows.
const maxShown = 48

// q quotes a value from the file for a message, in Go syntax (newlines,
// control characters, terminal escape sequences and invalid UTF-8 show as
// \n, \x1b, ...), cut to maxShown characters with the full length said.
func q(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return strconv.Quote(s)
	}
	r := []rune(s)
	return fmt.Sprintf("%s... (%d characters)", strconv.Quote(string(r[:maxShown])), len(r))
}

// qASCII quotes a value like q, with every non-ASCII character escaped
// (\u0435): for names that are ASCII by definition (regions, zones), so
// that a look-alike of an ASCII letter shows.
func qASCII(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return strconv.QuoteToASCII(s)
	}
	r := []rune(s)
	return fmt.Sprintf("%s... (%d characters)", strconv.QuoteToASCII(string(r[:maxShown])), len(r))
}

// plainKeyRE matches keys and names shown as written: ASCII letters, digits
// and the punctuation of tag keys, no space, quote, dot or bracket (which
// would blur a path), not ending in ':' (which would blur "field: message").
var plainKeyRE = regexp.MustCompile(`^[A-Za-z0-9_:/=+@!#$%&*,;?^|~-]{0,47}[A-Za-z0-9_/=+@!#$%&*,;?^|~-]$`)

// keyText renders a key, name or identifier from the file (a field path's
// key, a region, a zone) as written when it is plain (see plainKeyRE), else
// quoted and cut like a value, so that none can end a problem line, forge
// another or break a path apart.
func keyText(k string) string {
	if plainKeyRE.MatchString(k) {
		return k
	}
	return q(k)
}

// clean makes text from elsewhere (the YAML decoder's messages, which may
// quote the file) safe to print: escapes for anything not printable, cut to
// max characters.
func clean(s string, max int) string {
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "..."
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			quoted := strconv.Quote(s)
			return quoted[1 : len(quoted)-1]
		}
	}
	return s
}

var decimalRE = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)$`)

// wholeNumber says what is wrong with a YAML integer, or "" when it is a
// decimal number that fits 64 bits. Validation range-checks every whole
// number setting within 32 bits (the size AWS stores them in).
func wholeNumber(v string) string {
	if !decimalRE.MatchString(v) {
		sign, digits := "", strings.TrimLeft(v, "+-")
		if strings.HasPrefix(v, "-") {
			sign = "-"
		}
		if digits != "" && strings.Trim(digits, "0123456789") == "" {
			if digits = strings.TrimLeft(digits, "0"); digits == "" {
				digits, sign = "0", ""
			}
			return fmt.Sprintf("%s has a leading zero, which YAML reads as an octal number; write it without, e.g. %s%s", q(v), sign, digits)
		}
		return fmt.Sprintf("%s is not written in decimal digits; want a whole number such as 30", q(v))
	}
	if _, err := strconv.ParseInt(v, 10, 64); err != nil {
		return fmt.Sprintf("%s is out of range for a whole number; each setting says its range (all fit the 32 bits AWS stores)", q(v))
	}
	return ""
}

// checkNode compares a YAML node with the Go type it decodes into and reports
// unknown keys, duplicate keys and wrong types with their full path. The
// caller has bounded the file's size with aliases expanded (checkSize), so
// walking aliases again at each use is cheap.
func checkNode(c *collector, n *yaml.Node, t reflect.Type, env, path string) {
	n = resolve(n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		c.typeProblem(n.Line, env, path, "has no value; want %s", typeName(t))
		return
	}
	join := func(k string) string {
		if path == "" {
			return keyText(k)
		}
		return path + "." + keyText(k)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.typeProblem(n.Line, env, path, "is %s; want a mapping with keys %s", show(n), strings.Join(yamlKeys(t), ", "))
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
			if isMergeKey(k) {
				continue // reported by checkMergeKeys
			}
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
			c.typeProblem(n.Line, env, path, "is %s; want a list of %s", show(n), typeName(t.Elem()))
			return
		}
		for i, e := range n.Content {
			checkNode(c, e, t.Elem(), env, fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.typeProblem(n.Line, env, path, "is %s; want a mapping of %s", show(n), typeName(t.Elem()))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !isMergeKey(n.Content[i]) { // reported by checkMergeKeys
				checkNode(c, n.Content[i+1], t.Elem(), env, join(n.Content[i].Value))
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!int" && n.Tag != "!!float") {
			c.typeProblem(n.Line, env, path, "is %s; want a string", show(n))
		}
	case reflect.Int:
		// YAML tags digits beyond 64 bits !!float; they are whole numbers out of range.
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && !(n.Tag == "!!float" && decimalRE.MatchString(n.Value))) {
			c.typeProblem(n.Line, env, path, "is %s; want a whole number", show(n))
		} else if msg := wholeNumber(n.Value); msg != "" {
			c.typeProblem(n.Line, env, path, "%s", msg)
		}
	case reflect.Float64:
		var v float64
		switch {
		case n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0):
			c.typeProblem(n.Line, env, path, "is %s; want a finite number", show(n))
		case n.Tag == "!!int" && !decimalRE.MatchString(n.Value):
			c.typeProblem(n.Line, env, path, "%s", wholeNumber(n.Value))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			c.typeProblem(n.Line, env, path, "is %s; want true or false", show(n))
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
