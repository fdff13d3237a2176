package config

import "go.yaml.in/yaml/v3"

// validateIgnored refuses settings the stack would drop or override
// without a word: Spot in ec2 mode (a single instance has no mixed
// instances policy) and https: false next to a domain (the domain's
// certificate serves HTTPS whatever https says). n is the environment's
// node and defaults the defaults block's (or nil): a setting from the
// defaults block is reported on its line there, and the message says so.
func validateIgnored(e *Environment, n, defaults *yaml.Node, bad func(line int, field, format string, args ...any)) {
	// origin returns the line of the setting at path and where it comes
	// from: the environment's own block, else the defaults block.
	origin := func(path ...string) (int, string) {
		if v := valueAt(n, path...); v != nil {
			return v.Line, ""
		}
		if v := valueAt(defaults, path...); v != nil {
			return v.Line, " (in the defaults block, which applies to every environment)"
		}
		if n == nil { // a Go caller's settings: no lines
			return 0, ""
		}
		return resolve(n).Line, ""
	}
	if e.Compute.Spot != nil && e.ComputeMode == ComputeEC2 {
		line, from := origin("compute", "spot")
		fix := "remove spot"
		if from != "" {
			fix = "move spot from defaults into the blocks of the asg environments"
		}
		bad(line, "compute.spot", "is set%s but compute_mode is ec2: one instance has no mixed instances policy, so Spot would be ignored; use compute_mode: asg, or %s", from, fix)
	}
	if e.ALB.Domain != nil {
		if v := explicitHTTPS(n, defaults); v != nil && !isTrue(v) {
			line, from := origin("alb", "https")
			bad(line, "alb.https", "is false%s but alb.domain is set: the domain's certificate always serves HTTPS, so https: false would be ignored; remove https: false, or remove domain to serve HTTP only", from)
		}
	}
}

// explicitHTTPS returns the alb.https value the file writes for the
// environment (its own block first, then the defaults block), or nil.
func explicitHTTPS(n, defaults *yaml.Node) *yaml.Node {
	if v := valueAt(n, "alb", "https"); v != nil {
		return v
	}
	return valueAt(defaults, "alb", "https")
}

// isTrue reports whether the YAML scalar v is the boolean true.
func isTrue(v *yaml.Node) bool {
	var b bool
	return v.Kind == yaml.ScalarNode && v.Tag == "!!bool" && v.Decode(&b) == nil && b
}
