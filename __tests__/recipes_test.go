package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// recipeRE finds the recipes of the README: a marker naming the recipe and
// the suppressions it deletes ("delete: ENV RULE", any number, separated by
// semicolons), then the YAML block a user adds to environments.yaml.
var recipeRE = regexp.MustCompile("(?s)<!-- recipe: ([a-z0-9-]+)((?:; delete: [a-z0-9]+ [A-Z0-9-]+)*) -->\n```yaml\n(.*?)```")

// Every recipe of the README, applied as written to the library's fixture
// (a copy of the committed environments), synthesizes with every policy
// check passing (the budgets included).
func TestReadmeRecipes(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	recipes := recipeRE.FindAllStringSubmatch(string(readme), -1)
	if len(recipes) < 4 {
		t.Fatalf("found %d recipes in README.md, want at least 4 (add-environment, switch-compute-mode, custom-domain, alarm-email)", len(recipes))
	}
	for _, r := range recipes {
		name, deletes, snippet := r[1], r[2], r[3]
		t.Run(name, func(t *testing.T) {
			changes, envs, err := recipeChanges(fixture, snippet, deletes)
			if err != nil {
				t.Fatal(err)
			}
			out := synthFile(t, testfixture.Write(t, t.TempDir(), fixture, changes...), policy.Check)
			for _, env := range envs {
				if out.stacks[env] == nil {
					t.Errorf("no stack %s after the recipe", env)
				}
			}
		})
	}
}

// recipeChanges turns a recipe's YAML (environments: {ENV: {...}}) into one
// Set per leaf (a scalar or a list; mappings, inline or not, are descended), so that
// the recipe adds to an environment's blocks rather than replacing them, and
// a Remove per deleted suppression. It returns the environments named.
func recipeChanges(fixture []byte, snippet, deletes string) ([]testfixture.Change, []string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(snippet), &doc); err != nil {
		return nil, nil, fmt.Errorf("recipe YAML: %w", err)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode || len(root.Content) != 2 || root.Content[0].Value != "environments" {
		return nil, nil, fmt.Errorf("recipe YAML: want one top-level key, environments")
	}
	var changes []testfixture.Change
	var envs []string
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		if n.Kind != yaml.MappingNode {
			changes = append(changes, testfixture.Set(path, n))
			return
		}
		for i := 0; i < len(n.Content); i += 2 {
			walk(path+"."+n.Content[i].Value, n.Content[i+1])
		}
	}
	envMap := root.Content[1]
	for i := 0; i < len(envMap.Content); i += 2 {
		env := envMap.Content[i].Value
		envs = append(envs, env)
		walk("environments."+env, envMap.Content[i+1])
	}
	for _, d := range strings.Split(deletes, ";") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(d), "delete:"))
		if len(f) == 0 {
			continue
		}
		env, rule := f[0], f[1]
		list, err := testfixture.Get(fixture, "environments."+env+".suppressions")
		if err != nil {
			return nil, nil, err
		}
		found := false
		for i, s := range list.Content {
			for j := 0; j+1 < len(s.Content); j += 2 {
				if s.Content[j].Value == "rule" && s.Content[j+1].Value == rule {
					changes = append(changes, testfixture.Remove(fmt.Sprintf("environments.%s.suppressions.%d", env, i)))
					found = true
				}
			}
		}
		if !found {
			return nil, nil, fmt.Errorf("%s has no suppression of %s to delete", env, rule)
		}
	}
	return changes, envs, nil
}

// The recipe test can fail: the one-line switch of dev to asg (its default
// sizes cost more than dev's budget) and a domain next to the EWT-ALB-4
// suppression it makes stale are refused by synth.
func TestReadmeRecipesCanFail(t *testing.T) {
	fixture, err := os.ReadFile(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, snippet, want string }{
		{"asg without sizes", "environments:\n  dev:\n    compute_mode: asg\n", "EWT-COST-1"},
		{"domain, suppression kept", "environments:\n  prod:\n    alb:\n      domain: {name: app.example.com, zone_name: example.com}\n", "EWT-ALB-4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			changes, _, err := recipeChanges(fixture, c.snippet, "")
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("ENVIRONMENTS_FILE", testfixture.Write(t, t.TempDir(), fixture, changes...))
			var log strings.Builder
			err = synth.Run(&log, filepath.Join(t.TempDir(), "cdktf.out"), policy.Check)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("synth: got %v, want an error naming %s", err, c.want)
			}
		})
	}
}
