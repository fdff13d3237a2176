package e2e

import (
	"bytes"
	"fmt"
	"os"

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

// EditEnv is editEnvFile on the file's bytes.
func EditEnv(data []byte, env string, path []string, value any) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping of settings")
	}
	envs := child(doc.Content[0], "environments", false)
	if envs == nil || envs.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("no environments mapping")
	}
	node := child(envs, env, false)
	if node == nil {
		return nil, fmt.Errorf("no environment %q", env)
	}
	for _, key := range path[:len(path)-1] {
		node = child(node, key, true)
	}
	var v yaml.Node
	if err := v.Encode(value); err != nil {
		return nil, err
	}
	last := path[len(path)-1]
	if existing := child(node, last, false); existing != nil {
		*existing = v
	} else {
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: last}, &v)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
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
