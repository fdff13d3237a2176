package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// editEnvFile sets environments.<env>.<path...> = value in the environments
// file at file, creating mappings on the way, and keeps the rest (comments
// included) as it was. It is how the harness changes the config, as a user
// would edit the file.
func editEnvFile(file, env string, path []string, value any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := EditEnv(data, env, path, value)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, out, 0o644)
}

// appendEnvFile appends item to the list environments.<env>.<key> of the
// environments file (creating the list).
func appendEnvFile(file, env, key string, item any) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := editEnv(data, env, []string{key}, item, true)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, out, 0o644)
}

// DropSuppressions removes the suppressions of rule from environment env's
// suppressions list: a setting the harness turns on (S3 state) leaves the
// committed suppression of its rule matching nothing, which fails synth.
// Nothing changes when env has none.
func DropSuppressions(data []byte, env, rule string) ([]byte, error) {
	doc, node, err := envNode(data, env)
	if err != nil {
		return nil, err
	}
	list := child(node, "suppressions", false)
	if list == nil || list.Kind != yaml.SequenceNode {
		return data, nil
	}
	kept := list.Content[:0]
	for _, item := range list.Content {
		if r := child(item, "rule", false); item.Kind == yaml.MappingNode && r != nil && r.Value == rule {
			continue
		}
		kept = append(kept, item)
	}
	list.Content = kept
	return encode(doc)
}

// EditEnv is editEnvFile on the file's bytes.
func EditEnv(data []byte, env string, path []string, value any) ([]byte, error) {
	return editEnv(data, env, path, value, false)
}

func editEnv(data []byte, env string, path []string, value any, appendToList bool) ([]byte, error) {
	doc, node, err := envNode(data, env)
	if err != nil {
		return nil, err
	}
	for _, key := range path[:len(path)-1] {
		node = child(node, key, true)
	}
	var v yaml.Node
	if err := v.Encode(value); err != nil {
		return nil, err
	}
	last := path[len(path)-1]
	existing := child(node, last, false)
	switch {
	case appendToList && existing != nil && existing.Kind == yaml.SequenceNode:
		existing.Content = append(existing.Content, &v)
	case appendToList:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{&v}}
		if existing != nil {
			*existing = *seq
		} else {
			node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, seq)
		}
	case existing != nil:
		*existing = v
	default:
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, &v)
	}
	return encode(doc)
}

// child returns the value node of key in mapping m (creating an empty
// mapping when create is set and the key is missing).
func child(m *yaml.Node, key string, create bool) *yaml.Node {
	if m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	if !create {
		return nil
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

// Setting is one change the harness makes to the environments file before
// anything is synthesized, as a user would edit it: environments.<Env>.<Path>
// = Value. It is how a run exercises settings the committed file leaves off
// (interface endpoints in stage, by default).
type Setting struct {
	Env   string
	Path  []string
	Value any
}

func (s Setting) String() string {
	return fmt.Sprintf("%s.%s=%v", s.Env, strings.Join(s.Path, "."), s.Value)
}

// ParseSetting reads ENV.KEY[.KEY...]=VALUE, the value in YAML (true, 3,
// a string, {a: 1}).
func ParseSetting(s string) (Setting, error) {
	lhs, rhs, ok := strings.Cut(s, "=")
	parts := strings.Split(lhs, ".")
	if !ok || len(parts) < 2 || slices.Contains(parts, "") {
		return Setting{}, fmt.Errorf("setting %q: want ENV.KEY[.KEY...]=VALUE, e.g. stage.network.interface_endpoints=true", s)
	}
	var v any
	if err := yaml.Unmarshal([]byte(rhs), &v); err != nil {
		return Setting{}, fmt.Errorf("setting %q: the value is not YAML: %v", s, err)
	}
	return Setting{Env: parts[0], Path: parts[1:], Value: v}, nil
}

// DefaultSettings are what cmd/e2e changes unless told otherwise: stage
// runs without NAT, on its interface endpoints (off in the committed file,
// where NAT serves), so the emulator shows they exist with private DNS. No
// NAT also keeps stage within its budget through the update step (a larger
// instance type): the endpoints cost more than the one NAT gateway. dev
// gets a custom domain (alb.domain, looked up by zone name: the harness
// makes the zone), so every run deploys the certificate, its validation
// records, HTTPS and the alias records; the committed file has no real zone.
// prod gets the fleet settings the committed file leaves at AWS's defaults
// (a drain hook, a termination policy, an instance lifetime, a default
// warm-up), so the emulator holds and reads them back; it deploys its warm
// pool, launch hook, scale-out steps and predictive policy as committed.
// Stage gets Spot capacity above one on-demand instance (AWS refuses a
// warm pool next to a mixed instances policy, so not prod). dev is
// dual-stack (network.ipv6, alb.ip_address_type dualstack), so its domain
// gets AAAA records beside the A records and its load balancer ::/0 rules.
// The account guard: prod names the harness's own account (account_id), so
// a deploy with another account's credentials is refused first; stage
// deploys into RoleAccount through assume_role, and the harness's checks
// act as that role.
var DefaultSettings = []string{
	"dev.network.ipv6=true", "dev.alb.ip_address_type=dualstack",
	"prod.account_id=" + HarnessAccount,
	"stage.account_id=" + RoleAccount, "stage.assume_role.role_arn=arn:aws:iam::" + RoleAccount + ":role/webtier-deploy",
	"stage.assume_role.session_name=webtier-stage-e2e",
	"stage.network.nat_mode=none", "stage.network.interface_endpoints=true",
	"dev.alb.domain.name=app.dev.example.com", "dev.alb.domain.zone_name=example.com",
	"prod.compute.drain_seconds=60", "prod.compute.termination_policies=[OldestLaunchTemplate]",
	"prod.compute.max_instance_lifetime=604800", "prod.compute.default_instance_warmup=120",
	"stage.compute.spot.instance_types=[t3.micro]", "stage.compute.spot.on_demand_base_capacity=1",
}

// errNoEnv: the file has no such environment.
var errNoEnv = errors.New("no environment")

// applySettings writes the environments file at from, with settings
// applied, to to. A setting for an environment the file does not have
// (another -config) is skipped and returned in skipped.
func applySettings(from, to string, settings []Setting) (applied, skipped []Setting, err error) {
	data, err := os.ReadFile(from)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range settings {
		out, err := EditEnv(data, s.Env, s.Path, s.Value)
		switch {
		case errors.Is(err, errNoEnv):
			skipped = append(skipped, s)
			continue
		case err != nil:
			return nil, nil, fmt.Errorf("%s: setting %s: %w", from, s, err)
		}
		data = out
		applied = append(applied, s)
	}
	return applied, skipped, os.WriteFile(to, data, 0o644)
}

// envNode decodes an environments file and finds environment env's node in it.
func envNode(data []byte, env string) (*yaml.Node, *yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("not a mapping of settings")
	}
	envs := child(doc.Content[0], "environments", false)
	if envs == nil || envs.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("no environments mapping")
	}
	node := child(envs, env, false)
	if node == nil {
		return nil, nil, fmt.Errorf("%w %q", errNoEnv, env)
	}
	return &doc, node, nil
}

// encode writes doc back as YAML with the file's two-space indent.
func encode(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
