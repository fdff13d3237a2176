package config_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// goSection runs a section's Go validation on the built-in defaults of
// that section with the YAML mapping body decoded onto them (or on the
// zero value when zero is set): what a Go caller who changes those fields
// of DefaultProps gets.
type goSection struct {
	key      string // the section's key in environments.yaml
	validate func(body string, zero bool) error
}

// decodeOnto decodes the YAML mapping body onto v (a pointer).
func decodeOnto(t *testing.T, body string, v any) {
	t.Helper()
	if err := yaml.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decoding %q: %v", body, err)
	}
}

func sections(t *testing.T) []goSection {
	zones := []string{"eu-west-2a", "eu-west-2b"}
	return []goSection{
		{"network", func(body string, zero bool) error {
			n := config.DefaultNetwork()
			if zero {
				n = config.Network{}
			}
			n.CIDR = "10.0.0.0/16"
			if zero {
				n.CIDR = ""
			}
			decodeOnto(t, body, &n)
			return n.Validate(len(zones))
		}},
		{"compute", func(body string, zero bool) error {
			c := config.DefaultCompute()
			if zero {
				c = config.Compute{}
			}
			if strings.Contains(body, "spot:") {
				// What a Go caller starts a spot block from, as the reader does.
				sp := config.DefaultSpot()
				c.Spot = &sp
			}
			decodeOnto(t, body, &c)
			return c.Validate()
		}},
		{"alb", func(body string, zero bool) error {
			a := config.DefaultALB()
			if zero {
				a = config.ALB{}
			}
			decodeOnto(t, body, &a)
			return a.Validate("eu-west-2")
		}},
		{"scaling", func(body string, zero bool) error {
			s := config.DefaultScaling()
			if zero {
				s = config.Scaling{}
			}
			decodeOnto(t, body, &s)
			return s.Validate()
		}},
		{"observability", func(body string, zero bool) error {
			o := config.DefaultObservability()
			if zero {
				o = config.Observability{}
			}
			decodeOnto(t, body, &o)
			return o.Validate()
		}},
	}
}

// yamlProblems parses an environment dev (eu-west-2, two zones, network
// cidr 10.0.0.0/16) with section: body, and returns its problems as the
// reader reports them, without lines.
func yamlProblems(t *testing.T, section, body string) []string {
	t.Helper()
	network := "network: {cidr: 10.0.0.0/16}"
	if section == "network" {
		network = "" // the body sets cidr (or leaves it out)
	}
	src := fmt.Sprintf(`
environments:
  dev:
    region: eu-west-2
    availability_zones: [eu-west-2a, eu-west-2b]
    %s
    %s: %s
`, network, section, body)
	_, err := config.Parse("gopath.yaml", []byte(src))
	return problemTexts(t, err, "dev")
}

// problemTexts lists the problems of err (a *config.Errors, or nil) as
// "field: message", sorted, after checking each belongs to env.
func problemTexts(t *testing.T, err error, env string) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("error is %T, want *config.Errors: %v", err, err)
	}
	var out []string
	for _, p := range ce.Problems {
		if p.Env != env {
			t.Errorf("problem %q is of environment %q, want %q", p, p.Env, env)
		}
		out = append(out, p.Field+": "+p.Msg)
	}
	slices.Sort(out)
	return out
}

// zeroBody is the YAML mapping with every key of the zero value of t's
// type written out (nil pointers left out: YAML has no way to say "absent"
// but leaving the key out).
func zeroBody(t *testing.T, v any) string {
	t.Helper()
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		t.Fatal(err)
	}
	dropNulls(&n)
	out, err := yaml.Marshal(&n)
	if err != nil {
		t.Fatal(err)
	}
	// One line of flow style, so that it fits after "key: ".
	var flow yaml.Node
	if err := yaml.Unmarshal(out, &flow); err != nil {
		t.Fatal(err)
	}
	setFlow(&flow)
	out, err = yaml.Marshal(&flow)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func dropNulls(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		var kept []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if v := n.Content[i+1]; v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		dropNulls(c)
	}
}

func setFlow(n *yaml.Node) {
	n.Style |= yaml.FlowStyle
	for _, c := range n.Content {
		setFlow(c)
	}
}

// TestGoCallerGetsTheReadersMessages: for invalid and empty settings, what a
// section's Validate returns to a Go caller (a construct's New) is what the
// YAML reader reports for the same settings, message for message (without
// lines).
func TestGoCallerGetsTheReadersMessages(t *testing.T) {
	cases := []struct {
		section, body string
	}{
		{"network", "{cidr: 10.0.0.0/8}"},
		{"network", "{cidr: 10.0.0.0/16, nat_mode: none, flow_log_retention_days: 2}"},
		{"network", "{cidr: 10.0.0.0/16, subnet_newbits: 0}"},
		{"network", "{cidr: 10.0.0.0/16, public_subnet_cidrs: [10.0.1.0/24], private_subnet_cidrs: [10.0.1.0/25, 10.1.0.0/24]}"},
		{"compute", "{min_size: 3, max_size: 2}"},
		{"compute", "{instance_type: big, app_port: 80, root_volume_gib: 4, desired_capacity: 9}"},
		{"compute", "{drain_seconds: 10, max_instance_lifetime: 5, termination_policies: [Default, NewestInstance]}"},
		{"compute", "{spot: {instance_types: [], on_demand_base_capacity: 7}}"},
		{"compute", "{app: {image: 'bad image', port: 0}}"},
		{"compute", "{cpu_credits: unlimited, instance_type: m5.large}"},
		{"compute", "{instance_refresh: {max_healthy_percentage: 250, checkpoints: [50, 20], checkpoint_delay: 60}}"},
		{"alb", "{idle_timeout: 0, ingress_cidrs: []}"},
		{"alb", "{https: true, health_check: {path: nohealth, timeout: 20, interval: 10}}"},
		{"alb", "{certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012', https: true}"},
		{"alb", "{domain: {name: App.example.com}, slow_start: 5, stickiness: {type: cookie}}"},
		{"scaling", "{policy: fast, period: 30, target_cpu: 0}"},
		{"scaling", "{scale_in: {threshold: 80, adjustment: 1}, scale_out: {datapoints_to_alarm: 9}}"},
		{"scaling", "{schedules: [{name: a, cron: '61 * * * *'}, {name: a, cron: '0 8 * * *', min_size: 5, max_size: 2}]}"},
		{"observability", "{alarm_email: nobody, alb_5xx_threshold: 0, latency_p95_seconds: 0}"},
	}
	byKey := map[string]goSection{}
	for _, s := range sections(t) {
		byKey[s.key] = s
	}
	for _, c := range cases {
		t.Run(c.section+" "+c.body, func(t *testing.T) {
			want := yamlProblems(t, c.section, c.body)
			if len(want) == 0 {
				t.Fatalf("the reader accepts %s: %s; the case tests nothing", c.section, c.body)
			}
			got := problemTexts(t, byKey[c.section].validate(c.body, false), "")
			if !slices.Equal(got, want) {
				t.Errorf("Go caller's problems differ from the reader's\ngot:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}

	// A zero section (a Go caller who did not start from DefaultProps) is
	// refused as the reader refuses every key of it written out as zero.
	zeros := map[string]any{
		"network": config.Network{}, "compute": config.Compute{}, "alb": config.ALB{},
		"scaling": config.Scaling{}, "observability": config.Observability{},
	}
	for _, s := range sections(t) {
		t.Run(s.key+" zero", func(t *testing.T) {
			body := zeroBody(t, zeros[s.key])
			want := yamlProblems(t, s.key, body)
			if s.key == "alb" {
				// The reader reads an empty alb.health_check.path as
				// compute.health_path; a load balancer on its own has none.
				// Its message is checkPath's, as the reader gives it for an
				// empty compute.health_path.
				var msg string
				for _, p := range yamlProblems(t, "compute", `{health_path: ""}`) {
					if m, ok := strings.CutPrefix(p, "compute.health_path: "); ok {
						msg = m
					}
				}
				if msg == "" {
					t.Fatalf("the reader accepts an empty compute.health_path")
				}
				want = append(want, "alb.health_check.path: "+msg)
				slices.Sort(want)
			}
			got := problemTexts(t, s.validate("{}", true), "")
			if len(got) == 0 {
				t.Fatalf("zero %s settings were accepted", s.key)
			}
			if !slices.Equal(got, want) {
				t.Errorf("zero %s: Go caller's problems differ from the reader's (body %s)\ngot:\n  %s\nwant:\n  %s", s.key, body, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// TestEnvironmentValidateMatchesReader: Environment.Validate (what
// webtier.New runs) reports what the reader reports for a whole
// environment, the rules that span sections included.
func TestEnvironmentValidateMatchesReader(t *testing.T) {
	cases := []string{
		"compute: {drain_seconds: 60}\n    alb: {deregistration_delay: 120}",
		"network: {cidr: 10.0.0.0/16, nat_mode: none, interface_endpoints: true}\n    compute: {app: {image: nginx, port: 80}}",
		"compute_mode: ec2\n    scaling: {schedules: [{name: am, cron: '0 8 * * *', min_size: 2}]}",
		"region: eu-west-9\n    availability_zones: [us-east-1a]",
		"tags: {project: x, 'aws:cost': y}\n    suppressions: [{rule: '', resource: '', reason: ' '}]",
		"compute: {health_path: nope, min_size: 0}\n    budget: {max_monthly_usd: -1}",
		"compute_mode: lambda",
		"compute_mode: ec2\n    compute: {spot: {instance_types: [t3.small]}}",
	}
	for _, body := range cases {
		t.Run(body, func(t *testing.T) {
			base := ""
			for _, kv := range []string{"region: eu-west-2", "availability_zones: [eu-west-2a, eu-west-2b]", "network: {cidr: 10.0.0.0/16}"} {
				if !strings.Contains(body, strings.Split(kv, ":")[0]+":") {
					base += kv + "\n"
				}
			}
			src := "environments:\n  dev:\n    " + strings.ReplaceAll(base, "\n", "\n    ") + body + "\n"
			_, err := config.Parse("env.yaml", []byte(src))
			want := problemTexts(t, err, "dev")
			if len(want) == 0 {
				t.Fatalf("the reader accepts %s; the case tests nothing", body)
			}
			e := config.Builtin()
			if strings.Contains(body, "spot:") {
				sp := config.DefaultSpot()
				e.Compute.Spot = &sp
			}
			decodeOnto(t, base, &e)
			decodeOnto(t, strings.ReplaceAll(body, "\n    ", "\n"), &e)
			e.Name = "dev"
			e.ApplyDerivedDefaults(config.DefaultProject)
			got := problemTexts(t, e.Validate(config.DefaultProject), "dev")
			if !slices.Equal(got, want) {
				t.Errorf("Environment.Validate differs from the reader\ngot:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})
	}
}

// TestEnvironmentValidateNames: the project and environment names a Go
// caller gives are checked as the reader checks them.
func TestEnvironmentValidateNames(t *testing.T) {
	e := config.Builtin()
	e.Name, e.Region, e.AvailabilityZones, e.Network.CIDR = "Prod!", "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}, "10.0.0.0/16"
	e.ApplyDerivedDefaults("x")
	err := e.Validate("x")
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("Validate: got %v, want *config.Errors", err)
	}
	want := []config.Problem{
		{Field: "project", Msg: `"x" is not allowed; want 3-16 characters: lowercase letters, digits and '-', starting with a letter`},
		{Env: "Prod!", Msg: `environment name "Prod!" is not allowed; want 1-12 lowercase letters or digits, starting with a letter (it names the stack and AWS resources)`},
	}
	if !reflect.DeepEqual(ce.Problems, want) {
		t.Errorf("problems:\ngot  %+v\nwant %+v", ce.Problems, want)
	}
	if got, wantText := err.Error(), "2 problems:\n  - project: "+want[0].Msg+"\n  - Prod!: "+want[1].Msg; got != wantText {
		t.Errorf("Error():\ngot  %q\nwant %q", got, wantText)
	}
}

// TestGoUserData: a Go caller gives the user data itself; it is checked
// as the reader checks a user_data_file's contents.
func TestGoUserData(t *testing.T) {
	cases := []struct {
		name string
		set  func(c *config.Compute)
		want []string
	}{
		{"script", func(c *config.Compute) { c.UserData = "#!/bin/sh\necho hi\n" }, nil},
		{"at the limit", func(c *config.Compute) { c.UserData = strings.Repeat("x", config.MaxUserDataBytes/4*3) }, nil},
		{"too large", func(c *config.Compute) { c.UserData = strings.Repeat("x", config.MaxUserDataBytes/4*3+1) },
			[]string{"compute.user_data: is 12289 bytes, 16388 once base64-encoded; EC2 takes at most 16384 (16 KB): want at most 12288 bytes before encoding"}},
		{"file not read", func(c *config.Compute) { c.UserDataFile = "boot.sh" },
			[]string{`compute.user_data_file: "boot.sh" is read by the environments file's reader only; set Compute.UserData to the script instead`}},
		{"with app", func(c *config.Compute) { c.UserData = "#!/bin/sh\n"; c.App = &config.App{Image: "nginx", Port: 80} },
			[]string{"compute.app: is set together with Compute.UserData; both define what the instances run: keep one"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cp := config.DefaultCompute()
			c.set(&cp)
			if got := problemTexts(t, cp.Validate(), ""); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
