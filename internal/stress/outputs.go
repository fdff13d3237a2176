package stress

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
)

// Names of the stack outputs the stress command reads (the contract in
// internal/outputs).
const (
	OutputALBDNSName     = outputs.ALBDNSName
	OutputASGName        = outputs.ASGName
	OutputTargetGroupARN = outputs.TargetGroupARN
	OutputURL            = outputs.URL
)

// Outputs are the values the stress command takes from a deployed stack.
type Outputs struct {
	// Stack is the stack the values came from ("" for terraform output -json).
	Stack          string
	ALBDNSName     string
	ASGName        string
	TargetGroupARN string
	// URL clients use (https://<domain> with alb.domain); "" in outputs
	// files of stacks from before the url output.
	URL string
}

// LoadOutputs reads an outputs file; see ParseOutputs.
func LoadOutputs(path, stack string) (Outputs, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Outputs{}, err
	}
	o, err := ParseOutputs(data, stack)
	if err != nil {
		return Outputs{}, fmt.Errorf("%s: %w", path, err)
	}
	return o, nil
}

// ParseOutputs reads the outputs of one stack from either shape:
//
//   - `npx cdktf deploy --outputs-file F`: {"<stack>": {"alb_dns_name": "...", ...}}
//     (cdktf nests the outputs of nested constructs one level deeper per
//     construct; a name not at the stack's top is looked for below it);
//   - `terraform output -json`: {"alb_dns_name": {"value": "...", "type": "string", "sensitive": false}, ...}.
//
// A plain {"alb_dns_name": "..."} map is taken as well. stack picks one stack
// of a cdktf file; it is required when the file holds several.
func ParseOutputs(data []byte, stack string) (Outputs, error) {
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&top); err != nil {
		return Outputs{}, fmt.Errorf("not a JSON object of outputs: %w", err)
	}
	if len(top) == 0 {
		return Outputs{}, errors.New("no outputs in the file (was the stack deployed?)")
	}
	var values map[string]any // output name (possibly nested) -> value
	switch {
	case isTerraformOutputs(top):
		values = make(map[string]any, len(top))
		for k, v := range top {
			values[k] = v.(map[string]any)["value"]
		}
	case isFlat(top):
		values = top
	default: // cdktf: stack -> outputs
		names := make([]string, 0, len(top))
		for k := range top {
			names = append(names, k)
		}
		sort.Strings(names)
		switch {
		case stack != "":
			v, ok := top[stack]
			if !ok {
				return Outputs{}, fmt.Errorf("no stack %q in the outputs file; it holds: %s", stack, strings.Join(names, ", "))
			}
			m, ok := v.(map[string]any)
			if !ok {
				return Outputs{}, fmt.Errorf("stack %q: outputs are not an object", stack)
			}
			values = m
		case len(names) == 1:
			stack = names[0]
			values, _ = top[stack].(map[string]any)
		default:
			return Outputs{}, fmt.Errorf("the outputs file holds %d stacks (%s): pass --stack NAME", len(names), strings.Join(names, ", "))
		}
	}
	o := Outputs{Stack: stack}
	var err error
	if o.ALBDNSName, err = lookupString(values, OutputALBDNSName); err != nil {
		return Outputs{}, err
	}
	if o.ALBDNSName == "" {
		return Outputs{}, fmt.Errorf("no %s in the outputs%s (has: %s)", OutputALBDNSName, ofStack(stack), strings.Join(leafNames(values), ", "))
	}
	if o.ASGName, err = lookupString(values, OutputASGName); err != nil {
		return Outputs{}, err
	}
	if o.TargetGroupARN, err = lookupString(values, OutputTargetGroupARN); err != nil {
		return Outputs{}, err
	}
	if o.URL, err = lookupString(values, OutputURL); err != nil {
		return Outputs{}, err
	}
	return o, nil
}

func ofStack(stack string) string {
	if stack == "" {
		return ""
	}
	return " of stack " + stack
}

// isTerraformOutputs tells the `terraform output -json` shape: every value is
// an object with a "value" key and a "type" or "sensitive" key.
func isTerraformOutputs(top map[string]any) bool {
	for _, v := range top {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		_, hasValue := m["value"]
		_, hasType := m["type"]
		_, hasSensitive := m["sensitive"]
		if !hasValue || !(hasType || hasSensitive) {
			return false
		}
	}
	return true
}

// isFlat tells a plain name -> value map: some value is not an object.
func isFlat(top map[string]any) bool {
	for _, v := range top {
		if _, ok := v.(map[string]any); !ok {
			return true
		}
	}
	return false
}

// lookupString finds name at the top of values, else anywhere below it
// (cdktf nests outputs of nested constructs). Two matches below the top are
// ambiguous; a value that is not a string is an error.
func lookupString(values map[string]any, name string) (string, error) {
	v, ok := values[name]
	if !ok {
		var found []any
		var walk func(m map[string]any)
		walk = func(m map[string]any) {
			for k, x := range m {
				if k == name {
					found = append(found, x)
				} else if sub, ok := x.(map[string]any); ok {
					walk(sub)
				}
			}
		}
		walk(values)
		switch len(found) {
		case 0:
			return "", nil
		case 1:
			v = found[0]
		default:
			return "", fmt.Errorf("%s appears %d times in nested constructs: pass the target explicitly", name, len(found))
		}
	}
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is a %T, want a string", name, v)
	}
	return s, nil
}

// leafNames lists the output names in values (nested names as a/b).
func leafNames(values map[string]any) []string {
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok {
				walk(prefix+k+"/", sub)
			} else {
				out = append(out, prefix+k)
			}
		}
	}
	walk("", values)
	sort.Strings(out)
	if len(out) == 0 {
		return []string{"nothing"}
	}
	return out
}
