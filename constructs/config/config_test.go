package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// fixtureFile is the library's test fixture, a copy of the sample
// environments.yaml as first shipped (internal/testfixture); the sample is
// the user's and may change freely.
const fixtureFile = "../../" + testfixture.FixtureDir + "/environments.yaml"

// TestFixtureFile loads the fixture: three environments in file order, the
// modes and sizes it sets, and the documented defaults for everything it
// leaves out.
func TestFixtureFile(t *testing.T) {
	f, err := config.Load(fixtureFile)
	if err != nil {
		t.Fatalf("Load(%s): %v", fixtureFile, err)
	}
	if f.Project != "webtier" {
		t.Errorf("project: got %q, want %q", f.Project, "webtier")
	}
	if got, want := envNames(f), []string{"dev", "stage", "prod"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("environments: got %v, want %v (file order)", got, want)
	}
	var expects []expect
	// Set per environment in the file.
	perEnv := map[string][]expect{
		"dev": {
			{path: "compute_mode", want: config.ComputeEC2},
			{path: "production", want: false},
			{path: "availability_zones", want: []string{"us-east-1a", "us-east-1b"}},
			{path: "network.cidr", want: "10.10.0.0/16"},
			{path: "network.nat_mode", want: config.NATSingle},
			{path: "network.flow_log_retention_days", want: 7},
			{path: "compute.instance_type", want: "t3.micro"},
			{path: "alb.deletion_protection", want: false},
		},
		"stage": {
			{path: "compute_mode", want: config.ComputeASG},
			{path: "production", want: false},
			{path: "availability_zones", want: []string{"us-east-1a", "us-east-1b"}},
			{path: "network.cidr", want: "10.20.0.0/16"},
			{path: "network.nat_mode", want: config.NATSingle},
			{path: "network.flow_log_retention_days", want: 30},
			{path: "compute.instance_type", want: "t3.micro"},
			{path: "compute.min_size", want: 2},
			{path: "compute.max_size", want: 4},
			{path: "compute.desired_capacity", want: 2},
			{path: "alb.deletion_protection", want: false},
		},
		"prod": {
			{path: "compute_mode", want: config.ComputeASG},
			{path: "production", want: true},
			{path: "availability_zones", want: []string{"us-east-1a", "us-east-1b", "us-east-1c"}},
			{path: "network.cidr", want: "10.30.0.0/16"},
			{path: "network.nat_mode", want: config.NATPerAZ},
			{path: "network.flow_log_retention_days", want: 90},
			{path: "compute.instance_type", want: "t3.small"},
			{path: "compute.min_size", want: 3},
			{path: "compute.max_size", want: 9},
			{path: "compute.desired_capacity", want: 3},
			{path: "alb.deletion_protection", want: true},
		},
	}
	// From the defaults block or the documented built-in defaults, the same everywhere.
	common := []expect{
		{path: "region", want: "us-east-1"},
		{path: "network.subnet_newbits", want: 8},
		{path: "network.flow_logs", want: true},
		{path: "network.s3_gateway_endpoint", want: true},
		{path: "compute.app_port", want: 8080},
		{path: "compute.health_path", want: "/health"},
		{path: "compute.root_volume_gib", want: 8},
		{path: "alb.https", want: false},
		{path: "alb.ingress_cidrs", want: []string{"0.0.0.0/0"}},
		{path: "alb.health_check.path", want: "/health"},
		{path: "alb.health_check.interval", want: 15},
		{path: "alb.health_check.timeout", want: 5},
		{path: "scaling.policy", want: config.PolicyStep},
		{path: "scaling.period", want: 60},
		{path: "scaling.scale_out", want: config.Rule{Threshold: 70, EvaluationPeriods: 2, DatapointsToAlarm: 2, Adjustment: 1}},
		{path: "scaling.scale_in", want: config.Rule{Threshold: 30, EvaluationPeriods: 5, DatapointsToAlarm: 5, Adjustment: -1}},
		{path: "scaling.warmup_seconds", want: 120},
		{path: "observability.alb_5xx_threshold", want: 10},
		{path: "observability.unhealthy_host_minutes", want: 3},
		{path: "observability.latency_p95_seconds", want: 1.0},
	}
	for _, name := range []string{"dev", "stage", "prod"} {
		for _, x := range append(perEnv[name], common...) {
			x.env = name
			expects = append(expects, x)
		}
	}
	checkExpects(t, f, expects)
}

// TestDocumentedDefaults: an environment that sets only what is required gets
// every default types.go documents. The want is written out from the
// documentation, not taken from Builtin, so a drifting default fails here.
func TestDocumentedDefaults(t *testing.T) {
	f := mustParse(t, `
environments:
  dev:
    region: eu-west-2
    availability_zones: [eu-west-2a, eu-west-2b]
    network: {cidr: 10.0.0.0/16}
`)
	if f.Project != "webtier" {
		t.Errorf("project: got %q, want webtier", f.Project)
	}
	want := config.Environment{
		Name:              "dev",
		Region:            "eu-west-2",
		AvailabilityZones: []string{"eu-west-2a", "eu-west-2b"},
		ComputeMode:       config.ComputeASG,
		Network: config.Network{
			CIDR: "10.0.0.0/16", SubnetNewbits: 8, NATMode: config.NATSingle,
			FlowLogs: true, FlowLogRetentionDays: 30, S3GatewayEndpoint: true,
		},
		Compute: config.Compute{
			InstanceType:    "t3.micro",
			CPUCredits:      config.CPUCreditsStandard,
			AMISSMParameter: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
			AppPort:         8080, HealthPath: "/health", RootVolumeGiB: 8,
			MinSize: 2, MaxSize: 6, DesiredCapacity: 2,
			HealthCheckGracePeriod: 120, MinHealthyPercentage: 90,
			InstanceRefresh: config.InstanceRefresh{
				AutoRollback: true, SkipMatching: true, GateOnAlarms: true, MaxHealthyPercentage: 100,
			},
			Notifications: true,
		},
		ALB: config.ALB{
			IngressCIDRs: []string{"0.0.0.0/0"},
			SSLPolicy:    "ELBSecurityPolicy-TLS13-1-2-2021-06",
			IdleTimeout:  60, DeregistrationDelay: 30,
			AccessLogs: true, AccessLogRetentionDays: 90, WAF: true,
			Stickiness: config.Stickiness{Duration: 86400}, Algorithm: "round_robin",
			DesyncMitigationMode: "defensive", HTTP2: true, IPAddressType: "ipv4",
			HealthCheck: config.HealthCheck{
				Path: "/health", Matcher: "200", Interval: 15, Timeout: 5,
				HealthyThreshold: 2, UnhealthyThreshold: 3,
			},
		},
		Scaling: config.Scaling{
			Policy: config.PolicyStep, Period: 60,
			ScaleOut:      config.Rule{Threshold: 70, EvaluationPeriods: 2, DatapointsToAlarm: 2, Adjustment: 1},
			ScaleIn:       config.Rule{Threshold: 30, EvaluationPeriods: 5, DatapointsToAlarm: 5, Adjustment: -1},
			WarmupSeconds: 120, TargetCPU: 50, TargetMemory: 70, TargetRequestsPerTarget: 1000,
		},
		Observability: config.Observability{ALB5xxThreshold: 10, UnhealthyHostMinutes: 3, LatencyP95Seconds: 1,
			Logs: config.Logs{Enabled: true, RetentionDays: 30, MemoryAlarmPercent: 90}},
	}
	got := *env(t, f, "dev")
	for _, d := range diffStruct("Environment", reflect.ValueOf(got), reflect.ValueOf(want)) {
		t.Error(d)
	}
}

// TestBuiltinIsFresh: Builtin hands out a new value each call, so one
// environment's changes cannot leak into the next.
func TestBuiltinIsFresh(t *testing.T) {
	a := config.Builtin()
	a.ALB.IngressCIDRs[0] = "10.0.0.0/8"
	if got := config.Builtin().ALB.IngressCIDRs; !reflect.DeepEqual(got, []string{"0.0.0.0/0"}) {
		t.Fatalf("Builtin().ALB.IngressCIDRs after changing an earlier copy: got %v, want [0.0.0.0/0]", got)
	}
}

// TestDefaultsLayering: built-in defaults, then the defaults block, then the
// environment's own block. Scalars: the later layer wins. Mappings of
// settings (network, compute.., scaling.scale_out): merged field by field.
// Lists: the later layer replaces the whole list. tags: merged key by key,
// the environment's value winning; one environment's tags never reach another.
func TestDefaultsLayering(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		expects []expect
	}{
		{
			name: "defaults block overrides builtin, environment overrides defaults",
			src: `
defaults:
  region: eu-west-1
  availability_zones: [eu-west-1a, eu-west-1b]
  compute_mode: ec2
  compute: {instance_type: t3.small, app_port: 9000}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
  two:
    compute_mode: asg
    compute: {instance_type: m7g.large}
    network: {cidr: 10.2.0.0/16}
`,
			expects: []expect{
				{"one", "region", "eu-west-1"},
				{"one", "compute_mode", config.ComputeEC2},
				{"one", "compute.instance_type", "t3.small"},
				{"one", "compute.app_port", 9000},
				{"one", "compute.root_volume_gib", 8},
				{"two", "region", "eu-west-1"},
				{"two", "compute_mode", config.ComputeASG},
				{"two", "compute.instance_type", "m7g.large"},
				{"two", "compute.app_port", 9000}, // sibling key of the defaults block kept
				{"two", "compute.min_size", 2},
			},
		},
		{
			name: "nested settings merge field by field across all three layers",
			src: `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  scaling:
    scale_out: {threshold: 80}
  alb:
    health_check: {interval: 30}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
    scaling:
      scale_out: {adjustment: 2}
    alb:
      health_check: {timeout: 10}
`,
			expects: []expect{
				{"one", "scaling.scale_out", config.Rule{Threshold: 80, EvaluationPeriods: 2, DatapointsToAlarm: 2, Adjustment: 2}},
				{"one", "scaling.scale_in", config.Rule{Threshold: 30, EvaluationPeriods: 5, DatapointsToAlarm: 5, Adjustment: -1}},
				{"one", "scaling.period", 60},
				{"one", "alb.health_check.interval", 30},
				{"one", "alb.health_check.timeout", 10},
				{"one", "alb.health_check.healthy_threshold", 2},
				{"one", "network.nat_mode", config.NATSingle},
			},
		},
		{
			name: "lists replace the earlier layer's list, never append",
			src: `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  alb:
    ingress_cidrs: [10.0.0.0/8, 192.168.0.0/16]
  suppressions:
    - {rule: EWT-ALB-1, resource: x/alb/lb, reason: from defaults}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
  two:
    availability_zones: [us-east-1a, us-east-1b, us-east-1c]
    network: {cidr: 10.2.0.0/16}
    alb:
      ingress_cidrs: [203.0.113.0/24]
    suppressions:
      - {rule: EWT-VPC-1, resource: two/network/vpc, reason: from two}
`,
			expects: []expect{
				{"one", "availability_zones", []string{"us-east-1a", "us-east-1b"}},
				{"one", "alb.ingress_cidrs", []string{"10.0.0.0/8", "192.168.0.0/16"}},
				{"one", "suppressions", []config.Suppression{{Rule: "EWT-ALB-1", Resource: "x/alb/lb", Reason: "from defaults"}}},
				{"two", "availability_zones", []string{"us-east-1a", "us-east-1b", "us-east-1c"}},
				{"two", "alb.ingress_cidrs", []string{"203.0.113.0/24"}},
				{"two", "suppressions", []config.Suppression{{Rule: "EWT-VPC-1", Resource: "two/network/vpc", Reason: "from two"}}},
			},
		},
		{
			name: "tags merge key by key and do not leak between environments",
			src: `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  tags: {team: web, cost-center: "100"}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
    tags: {cost-center: "200", owner: alice}
  two:
    network: {cidr: 10.2.0.0/16}
  three:
    network: {cidr: 10.3.0.0/16}
    tags: {owner: bob}
`,
			expects: []expect{
				{"one", "tags", map[string]string{"team": "web", "cost-center": "200", "owner": "alice"}},
				{"two", "tags", map[string]string{"team": "web", "cost-center": "100"}},
				{"three", "tags", map[string]string{"team": "web", "cost-center": "100", "owner": "bob"}},
			},
		},
		{
			name: "booleans: false overrides a true default and true a false one",
			src: `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  production: true
  network: {flow_logs: false}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
  two:
    production: false
    network: {cidr: 10.2.0.0/16, flow_logs: true, s3_gateway_endpoint: false}
`,
			expects: []expect{
				{"one", "production", true},
				{"one", "network.flow_logs", false},
				{"one", "network.s3_gateway_endpoint", true},
				{"two", "production", false},
				{"two", "network.flow_logs", true},
				{"two", "network.s3_gateway_endpoint", false},
			},
		},
		{
			name: "alb.health_check.path follows compute.health_path unless set",
			src: `
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
  compute: {health_path: /ready}
environments:
  one:
    network: {cidr: 10.1.0.0/16}
  two:
    network: {cidr: 10.2.0.0/16}
    alb:
      health_check: {path: /live}
`,
			expects: []expect{
				{"one", "compute.health_path", "/ready"},
				{"one", "alb.health_check.path", "/ready"},
				{"two", "compute.health_path", "/ready"},
				{"two", "alb.health_check.path", "/live"},
			},
		},
		{
			name: "one environment's values do not reach the next",
			src: `
environments:
  one:
    region: eu-central-1
    availability_zones: [eu-central-1a, eu-central-1b]
    compute_mode: ec2
    network: {cidr: 10.1.0.0/16, nat_mode: none, interface_endpoints: true}
    alb: {ingress_cidrs: [10.0.0.0/8]}
  two:
    region: us-west-2
    availability_zones: [us-west-2a, us-west-2b]
    network: {cidr: 10.2.0.0/16}
`,
			expects: []expect{
				{"two", "compute_mode", config.ComputeASG},
				{"two", "network.nat_mode", config.NATSingle},
				{"two", "alb.ingress_cidrs", []string{"0.0.0.0/0"}},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkExpects(t, mustParse(t, c.src), c.expects)
		})
	}
}

// TestBackendDefaults: a backend block, in the environment or in defaults,
// gets encrypt and use_lockfile true, the key <project>/<env>/terraform.tfstate
// and the environment's region unless it says otherwise; no block means local state.
func TestBackendDefaults(t *testing.T) {
	const envs = `
environments:
  one:
    region: eu-west-2
    availability_zones: [eu-west-2a, eu-west-2b]
    network: {cidr: 10.1.0.0/16}
%s
  two:
    region: us-west-2
    availability_zones: [us-west-2a, us-west-2b]
    network: {cidr: 10.2.0.0/16}
%s
`
	cases := []struct {
		name     string
		top      string // before environments:
		oneExtra string // added to environment one
		twoExtra string // added to environment two
		one, two *config.Backend
	}{
		{
			name:     "bucket only",
			oneExtra: "    backend: {bucket: my-state}",
			one:      &config.Backend{Bucket: "my-state", Key: "webtier/one/terraform.tfstate", Region: "eu-west-2", Encrypt: true, UseLockfile: true},
		},
		{
			name:     "the key follows the project",
			top:      "project: acme",
			oneExtra: "    backend: {bucket: my-state}",
			one:      &config.Backend{Bucket: "my-state", Key: "acme/one/terraform.tfstate", Region: "eu-west-2", Encrypt: true, UseLockfile: true},
		},
		{
			name:     "explicit key and region are kept",
			oneExtra: "    backend: {bucket: my-state, key: state/one.tfstate, region: us-east-1, encrypt: true, use_lockfile: true}",
			one:      &config.Backend{Bucket: "my-state", Key: "state/one.tfstate", Region: "us-east-1", Encrypt: true, UseLockfile: true},
		},
		{
			name: "a backend in defaults gives every environment its own key and region",
			top:  "defaults:\n  backend: {bucket: team-state}",
			one:  &config.Backend{Bucket: "team-state", Key: "webtier/one/terraform.tfstate", Region: "eu-west-2", Encrypt: true, UseLockfile: true},
			two:  &config.Backend{Bucket: "team-state", Key: "webtier/two/terraform.tfstate", Region: "us-west-2", Encrypt: true, UseLockfile: true},
		},
		{
			name:     "an environment's backend merges with the defaults block's",
			top:      "defaults:\n  backend: {bucket: team-state}",
			twoExtra: "    backend: {region: eu-north-1}",
			one:      &config.Backend{Bucket: "team-state", Key: "webtier/one/terraform.tfstate", Region: "eu-west-2", Encrypt: true, UseLockfile: true},
			two:      &config.Backend{Bucket: "team-state", Key: "webtier/two/terraform.tfstate", Region: "eu-north-1", Encrypt: true, UseLockfile: true},
		},
		{
			name: "no backend anywhere is local state",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustParse(t, c.top+fmt.Sprintf(envs, c.oneExtra, c.twoExtra))
			for _, w := range []struct {
				name string
				want *config.Backend
			}{{"one", c.one}, {"two", c.two}} {
				got := env(t, f, w.name).Backend
				if !reflect.DeepEqual(got, w.want) {
					t.Errorf("%s: backend: got %s, want %s", w.name, showBackend(got), showBackend(w.want))
				}
			}
		})
	}
}

func showBackend(b *config.Backend) string {
	if b == nil {
		return "nil (local state)"
	}
	return fmt.Sprintf("%+v", *b)
}

// TestEnvironmentOrder: environments come back in file order, whatever it is.
func TestEnvironmentOrder(t *testing.T) {
	for _, order := range [][]string{
		{"dev", "stage", "prod"},
		{"prod", "dev", "stage"},
		{"zulu", "alpha", "mike", "bravo"},
		{"solo"},
	} {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			var b strings.Builder
			b.WriteString("defaults:\n  region: us-east-1\n  availability_zones: [us-east-1a, us-east-1b]\nenvironments:\n")
			for i, name := range order {
				fmt.Fprintf(&b, "  %s:\n    network: {cidr: 10.%d.0.0/16}\n", name, i)
			}
			f := mustParse(t, b.String())
			if got := envNames(f); !reflect.DeepEqual(got, order) {
				t.Errorf("got %v, want %v", got, order)
			}
			for i, e := range f.Environments {
				if want := fmt.Sprintf("10.%d.0.0/16", i); e.Network.CIDR != want {
					t.Errorf("%s: network.cidr: got %s, want %s (settings must stay with their environment)", e.Name, e.Network.CIDR, want)
				}
			}
		})
	}
}

// marker is one "# want:" comment of testdata/many-problems.yaml.
type marker struct {
	line       int
	env, field string
	want       []string
}

func readMarkers(t *testing.T, path string) []marker {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []marker
	for i, line := range strings.Split(string(data), "\n") {
		idx := strings.Index(line, "  # want: ")
		if idx < 0 {
			continue
		}
		parts := strings.Split(line[idx+len("  # want: "):], "|")
		head := strings.Fields(parts[0])
		m := marker{line: i + 1, env: head[0]}
		if len(head) > 1 {
			m.field = head[1]
		}
		for _, w := range parts[1:] {
			m.want = append(m.want, strings.TrimSpace(w))
		}
		out = append(out, m)
	}
	return out
}

// TestEveryProblemAtOnce: a file with N independent mistakes yields exactly N
// problems, in line order, each on its line and naming environment, field,
// the bad value and what is allowed.
func TestEveryProblemAtOnce(t *testing.T) {
	const path = "testdata/many-problems.yaml"
	markers := readMarkers(t, path)
	if len(markers) < 10 {
		t.Fatalf("%s: got %d want: markers, want at least 10", path, len(markers))
	}
	_, err := config.Load(path)
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("Load(%s): got %v (%T), want *config.Errors", path, err, err)
	}
	if ce.Source != path {
		t.Errorf("Source: got %q, want %q", ce.Source, path)
	}
	if len(ce.Problems) != len(markers) {
		t.Errorf("got %d problems, want %d:\n%v", len(ce.Problems), len(markers), err)
	}
	if !sort.SliceIsSorted(ce.Problems, func(i, j int) bool { return ce.Problems[i].Line < ce.Problems[j].Line }) {
		t.Errorf("problems are not in line order:\n%v", err)
	}
	for _, m := range markers {
		var matched []config.Problem
		for _, p := range ce.Problems {
			if p.Env == m.env && p.Field == m.field {
				matched = append(matched, p)
			}
		}
		if len(matched) != 1 {
			t.Errorf("line %d: got %d problems for env %q field %q, want 1:\n%v", m.line, len(matched), m.env, m.field, err)
			continue
		}
		p := matched[0]
		if p.Line != m.line {
			t.Errorf("%s: %s: got line %d, want %d", m.env, m.field, p.Line, m.line)
		}
		text := p.String()
		for _, w := range append([]string{m.env + ": ", fmt.Sprintf("line %d: ", m.line)}, m.want...) {
			if !strings.Contains(text, w) {
				t.Errorf("line %d: problem %q does not contain %q", m.line, text, w)
			}
		}
		if !strings.Contains(err.Error(), "\n  - "+text) {
			t.Errorf("Error() does not list %q:\n%v", text, err)
		}
	}
}

// TestProblemsDeterministic: the same file gives the same message every time
// (problems on one line must not come out in map order).
func TestProblemsDeterministic(t *testing.T) {
	src := []byte(`
environments:
  dev:
    region: us-east-1
    availability_zones: [us-east-1a, us-east-1b]
    network: {cidr: 10.0.0.0/16}
    tags: {aws:a: x, aws:b: y, aws:c: z, aws:d: w}
`)
	_, first := config.Parse("t.yaml", src)
	if first == nil {
		t.Fatal("Parse accepted tags with the reserved aws: prefix")
	}
	for i := 0; i < 30; i++ {
		if _, err := config.Parse("t.yaml", src); err == nil || err.Error() != first.Error() {
			t.Fatalf("run %d: got\n%v\nwant (run 0)\n%v", i+1, err, first)
		}
	}
}

func TestErrorText(t *testing.T) {
	problems := []struct {
		p    config.Problem
		want string
	}{
		{config.Problem{Line: 3, Env: "dev", Field: "network.cidr", Msg: "is missing"}, "line 3: dev: network.cidr: is missing"},
		{config.Problem{Line: 5, Env: "prod", Msg: "has no value"}, "line 5: prod: has no value"},
		{config.Problem{Field: "project", Msg: `"X" is not allowed`}, `project: "X" is not allowed`},
		{config.Problem{Msg: "the file is empty"}, "the file is empty"},
	}
	for _, c := range problems {
		if got := c.p.String(); got != c.want {
			t.Errorf("%#v.String(): got %q, want %q", c.p, got, c.want)
		}
	}
	errs := []struct {
		e    config.Errors
		want string
	}{
		{config.Errors{Source: "a.yaml", Problems: []config.Problem{{Line: 1, Msg: "x"}}}, "a.yaml: 1 problem:\n  - line 1: x"},
		{config.Errors{Source: "b.yaml", Problems: []config.Problem{{Msg: "x"}, {Env: "dev", Msg: "y"}}}, "b.yaml: 2 problems:\n  - x\n  - dev: y"},
	}
	for _, c := range errs {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error(): got %q, want %q", got, c.want)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	f, err := config.Load(path)
	if f != nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(%s): got %v, %v; want nil and an fs.ErrNotExist error", path, f, err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

// TestLoadFromEnv: ENVIRONMENTS_FILE names the file; unset or empty, it is
// environments.yaml in the working directory.
func TestLoadFromEnv(t *testing.T) {
	dir := t.TempDir()
	write := func(name, env string) string {
		p := filepath.Join(dir, name)
		src := fmt.Sprintf("environments:\n  %s:\n    region: us-east-1\n    availability_zones: [us-east-1a, us-east-1b]\n    network: {cidr: 10.0.0.0/16}\n", env)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("environments.yaml", "fromcwd")
	other := write("other.yaml", "fromvar")
	t.Chdir(dir)
	for _, c := range []struct{ value, want string }{{other, "fromvar"}, {"", "fromcwd"}} {
		t.Setenv("ENVIRONMENTS_FILE", c.value)
		f, err := config.LoadFromEnv()
		if err != nil {
			t.Fatalf("ENVIRONMENTS_FILE=%q: %v", c.value, err)
		}
		if got := envNames(f); !reflect.DeepEqual(got, []string{c.want}) {
			t.Errorf("ENVIRONMENTS_FILE=%q: got environments %v, want [%s]", c.value, got, c.want)
		}
	}
}
