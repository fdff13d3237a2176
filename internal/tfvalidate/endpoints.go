package tfvalidate

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// EndpointsFile is the file, next to the built provider binary, that lists
// the provider's service endpoint attributes (one a line, aliases left out).
// scripts/build-provider.sh writes it from the provider's source.
const EndpointsFile = "endpoints.txt"

var (
	schemaAttrRE = regexp.MustCompile(`^\s*"([a-z0-9_]+)": \{\s*$`)
	caseRE       = regexp.MustCompile(`^\s*case ("[a-z0-9_]+"(?:, "[a-z0-9_]+")*):\s*$`)
)

// ParseEndpoints reads the AWS provider's generated
// internal/provider/provider_gen.go and returns the names of the "endpoints"
// block's attributes, sorted, without the aliases: the provider warns
// ("Only one of the following attributes should be set") when a service's
// name and one of its aliases are both set, so only the first name of each
// alias group is kept.
func ParseEndpoints(src []byte) ([]string, error) {
	var (
		names   []string
		aliases = map[string]bool{}
		in      string
	)
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "func endpointsSchema("):
			in = "schema"
			continue
		case strings.HasPrefix(line, "func expandEndpoints("):
			in = "expand"
			continue
		case line == "}":
			in = ""
			continue
		}
		switch in {
		case "schema":
			if m := schemaAttrRE.FindStringSubmatch(line); m != nil {
				names = append(names, m[1])
			}
		case "expand":
			if m := caseRE.FindStringSubmatch(line); m != nil {
				group := strings.Split(strings.ReplaceAll(m[1], `"`, ""), ", ")
				for _, a := range group[1:] {
					aliases[a] = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no endpoint attributes found: expected func endpointsSchema() with one %q line per service", `"name": {`)
	}
	if len(aliases) == 0 {
		return nil, fmt.Errorf("no endpoint aliases found: expected func expandEndpoints() with %q lines", `case "name", "alias":`)
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !aliases[n] && !seen[n] {
			out = append(out, n)
			seen[n] = true
		}
	}
	sort.Strings(out)
	return out, nil
}
