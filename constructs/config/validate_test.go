package config_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// build writes an environments file: one environment (dev unless env names
// another) with a valid region, zones and CIDR, then each path=value of sets
// (a dotted key path and a YAML value) written over it. Paths starting with
// "/" are top-level keys of the file (e.g. "/project").
func build(t *testing.T, env string, sets ...string) []byte {
	t.Helper()
	if env == "" {
		env = "dev"
	}
	tree := map[string]any{
		"region":             "us-east-1",
		"availability_zones": []string{"us-east-1a", "us-east-1b"},
		"network":            map[string]any{"cidr": "10.0.0.0/16"},
	}
	doc := map[string]any{"environments": map[string]any{env: tree}}
	if len(sets)%2 != 0 {
		t.Fatalf("sets must be path, value pairs: %q", sets)
	}
	for i := 0; i < len(sets); i += 2 {
		path, value := sets[i], sets[i+1]
		var node yaml.Node
		if err := yaml.Unmarshal([]byte(value), &node); err != nil || len(node.Content) == 0 {
			t.Fatalf("value %q of %s is not YAML: %v", value, path, err)
		}
		m := tree
		if strings.HasPrefix(path, "/") {
			m, path = doc, path[1:]
		}
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = node.Content[0]
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// problemsOf parses data and returns its problems (nil when it is valid).
func problemsOf(t *testing.T, data []byte) (*config.File, *config.Errors) {
	t.Helper()
	f, err := config.Parse("t.yaml", data)
	if err == nil {
		return f, nil
	}
	var ce *config.Errors
	if !errors.As(err, &ce) {
		t.Fatalf("Parse: got %T %v, want *config.Errors", err, err)
	}
	return nil, ce
}

// many returns a YAML flow list of n items made by item(i).
func many(n int, item func(i int) string) string {
	s := make([]string, n)
	for i := range s {
		s[i] = item(i)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// TestValidationProblems triggers every check of validate.go: each case is a
// valid file with one setting wrong, and wants exactly n problems (1 unless
// it says), one of them on field with each of the want texts.
// uuid is a WAFv2 web ACL ID.
const uuid = "a1b2c3d4-5678-90ab-cdef-0123456789ab"

func TestValidationProblems(t *testing.T) {
	const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
	longPath := "/" + strings.Repeat("a", 1024)
	cases := []struct {
		name  string
		env   string
		sets  []string
		field string
		want  []string
		n     int
	}{
		// Region and zones.
		{name: "region missing", sets: []string{"region", `""`}, field: "region", want: []string{"is missing", "us-east-1"}},
		{name: "region of GovCloud", sets: []string{"region", "us-gov-west-1", "availability_zones", "[us-gov-west-1a, us-gov-west-1b]"},
			field: "region", want: []string{`"us-gov-west-1"`, "aws-us-gov partition", "arn:aws:", "only the aws partition"}},
		{name: "region of China", sets: []string{"region", "cn-north-1", "availability_zones", "[cn-north-1a, cn-north-1b]"},
			field: "region", want: []string{`"cn-north-1"`, "aws-cn partition"}},
		{name: "region shaped like one but unknown", sets: []string{"region", "us-east-9", "availability_zones", "[us-east-9a, us-east-9b]"},
			field: "region", want: []string{`"us-east-9"`, "AWS SDK for Go v2", "partitions.json", "us-east-1, us-east-2"}},
		{name: "region not a region", sets: []string{"region", "mars-north-1", "availability_zones", "[mars-north-1a, mars-north-1b]"},
			field: "region", want: []string{`"mars-north-1"`, "not an AWS region", "af-south-1"}},
		{name: "region with a Cyrillic look-alike", sets: []string{"region", "us-\u0435ast-1"}, field: "region",
			want: []string{`"us-\u0435ast-1" is not an AWS region`, `'\u0435' (U+0435)`, "ASCII", "did you mean us-east-1?"}},
		{name: "region with a look-alike, unknown", sets: []string{"region", "eu-w\u0435st-9", "availability_zones", "[eu-west-9a, eu-west-9b]"}, field: "region",
			want: []string{`"eu-w\u0435st-9"`, "U+0435", "did you mean eu-west-1 or eu-west-2 or eu-west-3?"}},
		{name: "zone with a look-alike", sets: []string{"availability_zones", "[us-east-1a, \"us-\u0435ast-1b\"]"}, field: "availability_zones[1]",
			want: []string{`"us-\u0435ast-1b" is not a zone of region us-east-1`}},
		{name: "region typo", sets: []string{"region", "us-esat-1", "availability_zones", "[us-esat-1a, us-esat-1b]"}, field: "region", want: []string{`"us-esat-1"`, "did you mean us-east-1?"}},
		{name: "zones missing", sets: []string{"availability_zones", "[]"}, field: "availability_zones", want: []string{"is missing", "[us-east-1a, us-east-1b]"}},
		{name: "one zone", sets: []string{"availability_zones", "[us-east-1a]"}, field: "availability_zones", want: []string{"1 zone (us-east-1a)", "at least 2"}},
		{name: "zone twice", sets: []string{"availability_zones", "[us-east-1a, us-east-1a]"}, field: "availability_zones[1]", want: []string{`"us-east-1a"`, "twice", "distinct"}},
		{name: "zone of another region", sets: []string{"availability_zones", "[us-east-1a, eu-west-1b]"}, field: "availability_zones[1]", want: []string{`"eu-west-1b"`, "region us-east-1", "us-east-1a"}},
		{name: "compute mode", sets: []string{"compute_mode", "lambda"}, field: "compute_mode", want: []string{`"lambda"`, "allowed: ec2, asg"}},
		{name: "name prefix too long", env: "environment1", sets: []string{"/project", "platformstarter1"}, want: []string{`"platformstarter1-environment1"`, "29 characters", "28"}},

		// Network.
		{name: "nat mode", sets: []string{"network.nat_mode", "dual"}, field: "network.nat_mode", want: []string{`"dual"`, "none, single, per_az"}},
		{name: "no NAT without interface endpoints", sets: []string{"network.nat_mode", "none"}, field: "network.nat_mode",
			want: []string{"is none but network.interface_endpoints is false", "Session Manager", "interface_endpoints: true", "nat_mode: single or per_az"}},
		{name: "no NAT with interface endpoints off explicitly, ec2 mode", sets: []string{"compute_mode", "ec2", "network.nat_mode", "none", "network.interface_endpoints", "false"}, field: "network.nat_mode",
			want: []string{"is none but network.interface_endpoints is false"}},
		{name: "flow log retention", sets: []string{"network.flow_log_retention_days", "8"}, field: "network.flow_log_retention_days", want: []string{"8 is not", "1, 3, 5, 7, 14"}},
		{name: "cidr missing", sets: []string{"network.cidr", `""`}, field: "network.cidr", want: []string{"is missing", "/16 to /24"}},
		{name: "cidr malformed", sets: []string{"network.cidr", "10.0.0/16"}, field: "network.cidr", want: []string{`"10.0.0/16"`, "not an IPv4 CIDR"}},
		{name: "cidr IPv6", sets: []string{"network.cidr", "fd00::/48"}, field: "network.cidr", want: []string{`"fd00::/48"`, "not an IPv4 CIDR"}},
		{name: "cidr host bits", sets: []string{"network.cidr", "10.0.0.1/16"}, field: "network.cidr", want: []string{"host bits", "10.0.0.0/16"}},
		{name: "cidr prefix", sets: []string{"network.cidr", "10.0.0.0/8"}, field: "network.cidr", want: []string{"prefix /8", "/16 to /24"}},
		{name: "newbits too big", sets: []string{"network.subnet_newbits", "13"}, field: "network.subnet_newbits", want: []string{"13 gives /29", "1 to 12"}},
		{name: "newbits zero", sets: []string{"network.subnet_newbits", "0"}, field: "network.subnet_newbits", want: []string{"0 gives no subnets", "1 to 12"}},
		{name: "newbits leave no room", sets: []string{"availability_zones", "[us-east-1a, us-east-1b, us-east-1c]", "network.subnet_newbits", "1"},
			field: "network.subnet_newbits", want: []string{"room for 1 subnets", "3 availability zones"}},
		{name: "subnet count", sets: []string{"network.public_subnet_cidrs", "[10.0.1.0/24]", "network.private_subnet_cidrs", "[10.0.2.0/24, 10.0.3.0/24]"},
			field: "network.public_subnet_cidrs", want: []string{"lists 1 subnets for 2", "one per zone"}},
		{name: "subnet malformed", sets: []string{"network.public_subnet_cidrs", "[x, 10.0.1.0/24]", "network.private_subnet_cidrs", "[10.0.2.0/24, 10.0.3.0/24]"},
			field: "network.public_subnet_cidrs[0]", want: []string{`"x"`, "IPv4 network CIDR"}},
		{name: "subnet too small", sets: []string{"network.public_subnet_cidrs", "[10.0.0.0/29, 10.0.1.0/24]", "network.private_subnet_cidrs", "[10.0.2.0/24, 10.0.3.0/24]"},
			field: "network.public_subnet_cidrs[0]", want: []string{`"10.0.0.0/29"`, "/28 or larger"}},
		{name: "subnet outside the VPC", sets: []string{"network.public_subnet_cidrs", "[10.1.0.0/24, 10.0.1.0/24]", "network.private_subnet_cidrs", "[10.0.2.0/24, 10.0.3.0/24]"},
			field: "network.public_subnet_cidrs[0]", want: []string{`"10.1.0.0/24"`, "outside the VPC 10.0.0.0/16"}},
		{name: "subnet inside an earlier one", sets: []string{"network.public_subnet_cidrs", "[10.0.0.0/23, 10.0.2.0/24]", "network.private_subnet_cidrs", "[10.0.1.0/24, 10.0.3.0/24]"},
			field: "network.private_subnet_cidrs[0]", want: []string{`"10.0.1.0/24" overlaps 10.0.0.0/23`}},
		{name: "subnet around an earlier one", sets: []string{"network.public_subnet_cidrs", "[10.0.1.0/24, 10.0.2.0/24]", "network.private_subnet_cidrs", "[10.0.0.0/23, 10.0.4.0/24]"},
			field: "network.private_subnet_cidrs[0]", want: []string{`"10.0.0.0/23" overlaps 10.0.1.0/24`}},
		{name: "subnet twice", sets: []string{"network.public_subnet_cidrs", "[10.0.1.0/24, 10.0.2.0/24]", "network.private_subnet_cidrs", "[10.0.3.0/24, 10.0.2.0/24]"},
			field: "network.private_subnet_cidrs[1]", want: []string{`"10.0.2.0/24" overlaps 10.0.2.0/24`}},

		// Compute, checked in ec2 mode too.
		{name: "instance type", sets: []string{"compute.instance_type", "t3micro"}, field: "compute.instance_type", want: []string{`"t3micro"`, "did you mean t3.micro?"}},
		{name: "instance type of a known family, unknown size", sets: []string{"compute.instance_type", "t3.mega"}, field: "compute.instance_type",
			want: []string{`"t3.mega" is not an EC2 instance type`, "AWS SDK for Go v2", "the t3 family has t3.nano, t3.micro, t3.small, t3.medium, t3.large, t3.xlarge, t3.2xlarge"}},
		{name: "instance type in capitals", sets: []string{"compute.instance_type", "T3.Micro"}, field: "compute.instance_type", want: []string{`"T3.Micro" is not an EC2 instance type; want t3.micro`, "lowercase"}},
		{name: "instance type of no family", sets: []string{"compute.instance_type", "q9.huge"}, field: "compute.instance_type", want: []string{`"q9.huge" is not an EC2 instance type`, "t3.micro"}},
		{name: "instance type in ec2 mode", sets: []string{"compute_mode", "ec2", "compute.instance_type", "m5.mega"}, field: "compute.instance_type", want: []string{`"m5.mega"`, "the m5 family has m5.large"}},
		{name: "ami id", sets: []string{"compute.ami_id", "ami-123"}, field: "compute.ami_id", want: []string{`"ami-123"`, "8 or 17 hex digits"}},
		{name: "ami parameter", sets: []string{"compute.ami_ssm_parameter", "aws/x"}, field: "compute.ami_ssm_parameter", want: []string{`"aws/x"`, "SSM parameter path"}},
		{name: "app port", sets: []string{"compute.app_port", "80"}, field: "compute.app_port", want: []string{"80 is not allowed", "1024 to 65535"}},
		{name: "health path slash", sets: []string{"compute.health_path", "health"}, field: "compute.health_path", want: []string{`"health" must start with /`}},
		{name: "health path length", sets: []string{"compute.health_path", longPath}, field: "compute.health_path", want: []string{"1025 characters", "at most 1024"}},
		{name: "root volume", sets: []string{"compute.root_volume_gib", "4"}, field: "compute.root_volume_gib", want: []string{"4 is not allowed", "8 to 16384"}},
		{name: "grace period", sets: []string{"compute.health_check_grace_period", "-1"}, field: "compute.health_check_grace_period", want: []string{"-1 is not allowed", "0 to 7200"}},
		{name: "min size", sets: []string{"compute.min_size", "0"}, field: "compute.min_size", want: []string{"0 is not allowed", "1 to 100"}},
		{name: "min size in ec2 mode", sets: []string{"compute_mode", "ec2", "compute.min_size", "0"}, field: "compute.min_size", want: []string{"0 is not allowed", "1 to 100"}},
		{name: "max size", sets: []string{"compute.max_size", "101"}, field: "compute.max_size", want: []string{"101 is not allowed", "1 to 100"}},
		{name: "min above max", sets: []string{"compute.min_size", "4", "compute.max_size", "3", "compute.desired_capacity", "3"}, field: "compute.min_size", want: []string{"min_size (4) must be <= max_size (3)"}},
		{name: "desired outside", sets: []string{"compute.desired_capacity", "7"}, field: "compute.desired_capacity", want: []string{"desired_capacity (7) must be between min_size (2) and max_size (6)"}},
		{name: "min healthy percentage", sets: []string{"compute.min_healthy_percentage", "101"}, field: "compute.min_healthy_percentage", want: []string{"101 is not a percentage", "0 to 100"}},

		// Compute: rollouts, capacity and lifecycle (validate_compute.go).
		{name: "max healthy percentage low", sets: []string{"compute.instance_refresh.max_healthy_percentage", "99"}, field: "compute.instance_refresh.max_healthy_percentage", want: []string{"99 is not allowed", "100 to 200"}},
		{name: "max healthy percentage high", sets: []string{"compute.instance_refresh.max_healthy_percentage", "201"}, field: "compute.instance_refresh.max_healthy_percentage", want: []string{"201 is not allowed", "100 to 200"}},
		{name: "max minus min healthy above 100", sets: []string{"compute.instance_refresh.max_healthy_percentage", "200", "compute.min_healthy_percentage", "90"},
			field: "compute.instance_refresh.max_healthy_percentage", want: []string{"max_healthy_percentage (200) - compute.min_healthy_percentage (90) = 110", "at most 100", "raise min_healthy_percentage to 100 or lower max_healthy_percentage to 190"}},
		{name: "checkpoint zero", sets: []string{"compute.instance_refresh.checkpoints", "[0, 50]"}, field: "compute.instance_refresh.checkpoints[0]", want: []string{"0 is not a percentage", "1 to 100"}},
		{name: "checkpoint above 100", sets: []string{"compute.instance_refresh.checkpoints", "[50, 101]"}, field: "compute.instance_refresh.checkpoints[1]", want: []string{"101 is not a percentage", "1 to 100"}},
		{name: "checkpoints not ascending", sets: []string{"compute.instance_refresh.checkpoints", "[50, 20, 100]"}, field: "compute.instance_refresh.checkpoints[1]", want: []string{"20 is not above the checkpoint before it (50)", "ascending"}},
		{name: "checkpoint twice", sets: []string{"compute.instance_refresh.checkpoints", "[50, 50]"}, field: "compute.instance_refresh.checkpoints[1]", want: []string{"50 is not above the checkpoint before it (50)", "each once"}},
		{name: "checkpoint delay without checkpoints", sets: []string{"compute.instance_refresh.checkpoint_delay", "600"}, field: "compute.instance_refresh.checkpoint_delay", want: []string{"checkpoints is empty", "add checkpoints or remove checkpoint_delay"}},
		{name: "checkpoint delay negative", sets: []string{"compute.instance_refresh.checkpoints", "[50]", "compute.instance_refresh.checkpoint_delay", "-1"}, field: "compute.instance_refresh.checkpoint_delay", want: []string{"-1 is not allowed", "0 to 172800"}},
		{name: "checkpoint delay above 2 days", sets: []string{"compute.instance_refresh.checkpoints", "[50]", "compute.instance_refresh.checkpoint_delay", "172801"}, field: "compute.instance_refresh.checkpoint_delay", want: []string{"172801 is not allowed", "0 to 172800"}},
		{name: "refresh warmup negative", sets: []string{"compute.instance_refresh.instance_warmup", "-1"}, field: "compute.instance_refresh.instance_warmup", want: []string{"-1 is not allowed", "0 to 3600"}},
		{name: "refresh warmup above 1 hour", sets: []string{"compute.instance_refresh.instance_warmup", "3601"}, field: "compute.instance_refresh.instance_warmup", want: []string{"3601 is not allowed", "0 to 3600"}},
		{name: "default instance warmup", sets: []string{"compute.default_instance_warmup", "3601"}, field: "compute.default_instance_warmup", want: []string{"3601 is not allowed", "0 to 3600"}},
		{name: "termination policy unknown", sets: []string{"compute.termination_policies", "[Newest]"}, field: "compute.termination_policies[0]", want: []string{`"Newest" is not a termination policy`, "allowed: Default, AllocationStrategy, OldestLaunchTemplate, ClosestToNextInstanceHour, NewestInstance, OldestInstance"}},
		{name: "termination policy of launch configurations", sets: []string{"compute.termination_policies", "[OldestLaunchConfiguration]"}, field: "compute.termination_policies[0]", want: []string{`"OldestLaunchConfiguration" does not apply`, "launch template"}},
		{name: "termination policy twice", sets: []string{"compute.termination_policies", "[OldestInstance, OldestInstance]"}, field: "compute.termination_policies[1]", want: []string{`"OldestInstance" is listed twice`}},
		{name: "termination policy Default not last", sets: []string{"compute.termination_policies", "[Default, OldestInstance]"}, field: "compute.termination_policies[0]", want: []string{`Default is listed before "OldestInstance"`, "want Default last"}},
		{name: "max instance lifetime below a day", sets: []string{"compute.max_instance_lifetime", "86399"}, field: "compute.max_instance_lifetime", want: []string{"86399 is not allowed", "0 (no limit) or 86400 to 31536000"}},
		{name: "max instance lifetime above a year", sets: []string{"compute.max_instance_lifetime", "31536001"}, field: "compute.max_instance_lifetime", want: []string{"31536001 is not allowed", "86400 to 31536000"}},
		{name: "max instance lifetime negative", sets: []string{"compute.max_instance_lifetime", "-1"}, field: "compute.max_instance_lifetime", want: []string{"-1 is not allowed"}},
		{name: "drain seconds below a heartbeat", sets: []string{"compute.drain_seconds", "29"}, field: "compute.drain_seconds", want: []string{"29 is not allowed", "0 (no termination hook) or 30 to 7200"}},
		{name: "drain seconds above two hours", sets: []string{"compute.drain_seconds", "7201"}, field: "compute.drain_seconds", want: []string{"7201 is not allowed", "30 to 7200"}},
		{name: "drain seconds shorter than deregistration", sets: []string{"compute.drain_seconds", "45", "alb.deregistration_delay", "60"}, field: "compute.drain_seconds", want: []string{"drain_seconds (45) must be >= alb.deregistration_delay (60)", "adds nothing"}},
		{name: "spot in ec2 mode", sets: []string{"compute_mode", "ec2", "compute.spot", "{instance_types: [t3.small]}"}, field: "compute.spot",
			want: []string{"is set but compute_mode is ec2", "Spot would be ignored", "compute_mode: asg, or remove spot"}},
		{name: "spot without instance types", sets: []string{"compute.spot", "{on_demand_base_capacity: 1}"}, field: "compute.spot.instance_types", want: []string{"is empty", "e.g. [t3.small"}},
		{name: "spot instance type malformed", sets: []string{"compute.spot", "{instance_types: [t3.small, T3 micro]}"}, field: "compute.spot.instance_types[1]", want: []string{`"T3 micro" is not an EC2 instance type`}},
		{name: "spot instance type twice", sets: []string{"compute.spot", "{instance_types: [t3.small, t3.small]}"}, field: "compute.spot.instance_types[1]", want: []string{`"t3.small" is listed twice`}},
		{name: "spot instance type unknown", sets: []string{"compute.spot", "{instance_types: [t3.small, t3a.mega]}"}, field: "compute.spot.instance_types[1]", want: []string{`"t3a.mega" is not an EC2 instance type`, "the t3a family has t3a.nano"}},
		{name: "spot too many instance types", sets: []string{"compute.spot", "{instance_types: " + many(41, func(i int) string { return string(ec2types.InstanceType("").Values()[i]) }) + "}"}, field: "compute.spot.instance_types", want: []string{"lists 41 types", "at most 40"}},
		{name: "spot allocation strategy", sets: []string{"compute.spot", "{instance_types: [t3.small], allocation_strategy: cheapest}"}, field: "compute.spot.allocation_strategy",
			want: []string{`"cheapest" is not a Spot allocation strategy`, "allowed: price-capacity-optimized, capacity-optimized, capacity-optimized-prioritized, lowest-price"}},
		{name: "spot base above max size", sets: []string{"compute.spot", "{instance_types: [t3.small], on_demand_base_capacity: 7}"}, field: "compute.spot.on_demand_base_capacity", want: []string{"on_demand_base_capacity (7) must be <= compute.max_size (6)"}},
		{name: "spot base negative", sets: []string{"compute.spot", "{instance_types: [t3.small], on_demand_base_capacity: -1}"}, field: "compute.spot.on_demand_base_capacity", want: []string{"-1 is not allowed", "0 to 100"}},
		{name: "spot on-demand percentage", sets: []string{"compute.spot", "{instance_types: [t3.small], on_demand_percentage_above_base: 101}"}, field: "compute.spot.on_demand_percentage_above_base", want: []string{"101 is not a percentage", "0 (all Spot above the base) to 100"}},
		{name: "app and user data file", sets: []string{"compute.app", "{image: nginx:stable, port: 80}", "compute.user_data_file", "testdata/userdata.sh"}, field: "compute.app", want: []string{"together with compute.user_data_file", "keep one"}},
		{name: "app image missing", sets: []string{"compute.app", "{port: 80}"}, field: "compute.app.image", want: []string{"is missing", "nginx:stable"}},
		{name: "app image malformed", sets: []string{"compute.app", "{image: \"nginx:stable; rm -rf /\", port: 80}"}, field: "compute.app.image", want: []string{`"nginx:stable; rm -rf /" is not a container image reference`}},
		{name: "app image upper case", sets: []string{"compute.app", "{image: Nginx, port: 80}"}, field: "compute.app.image", want: []string{`"Nginx" is not a container image reference`, "must be lowercase"}},
		{name: "app port", sets: []string{"compute.app", "{image: nginx:stable, port: 0}"}, field: "compute.app.port", want: []string{"0 is not a port", "1 to 65535"}},
		{name: "app without NAT", sets: []string{"compute.app", "{image: nginx:stable, port: 80}", "network.nat_mode", "none", "network.interface_endpoints", "true"}, field: "compute.app", want: []string{`pull "nginx:stable"`, "network.nat_mode is none"}},
		{name: "user data file missing", sets: []string{"compute.user_data_file", "testdata/no-such-file.sh"}, field: "compute.user_data_file", want: []string{`"testdata/no-such-file.sh" cannot be read (no such file or directory)`, "relative to the environments file"}},
		{name: "user data file empty", sets: []string{"compute.user_data_file", "testdata/empty.txt"}, field: "compute.user_data_file", want: []string{`"testdata/empty.txt" is empty`}},
		{name: "user data file too large", sets: []string{"compute.user_data_file", "testdata/userdata-12289.sh"}, field: "compute.user_data_file", want: []string{`"testdata/userdata-12289.sh" is 12289 bytes, 16388 once base64-encoded`, "at most 16384 (16 KB)", "at most 12288 bytes before encoding"}},

		// Load balancer.
		{name: "no ingress", sets: []string{"alb.ingress_cidrs", "[]"}, field: "alb.ingress_cidrs", want: []string{"is empty", "0.0.0.0/0"}},
		{name: "too many ingress CIDRs", sets: []string{"alb.ingress_cidrs", many(31, func(i int) string { return fmt.Sprintf("10.%d.0.0/16", i) })},
			field: "alb.ingress_cidrs", want: []string{"lists 31 CIDRs", "60 inbound rules", "at most 30"}},
		{name: "ingress CIDR twice", sets: []string{"alb.ingress_cidrs", "[10.0.0.0/16, 203.0.113.0/24, 10.0.0.0/16]"}, field: "alb.ingress_cidrs[2]",
			want: []string{`"10.0.0.0/16" is listed twice (first as alb.ingress_cidrs[0])`, "duplicate security group rule"}},
		{name: "https false next to a domain", sets: []string{"alb.https", "false", "alb.domain", "{name: app.example.com, zone_id: Z123}"}, field: "alb.https",
			want: []string{"is false but alb.domain is set", "always serves HTTPS", "remove https: false"}},
		{name: "ingress IPv6", sets: []string{"alb.ingress_cidrs", "['::/0']"}, field: "alb.ingress_cidrs[0]", want: []string{`"::/0"`, "IPv4 network CIDR"}},
		{name: "https without certificate", sets: []string{"alb.https", "true"}, field: "alb.certificate_arn", want: []string{"is missing but alb.https is true", "us-east-1"}},
		{name: "certificate without https", sets: []string{"alb.certificate_arn", cert}, field: "alb.https", want: []string{"is false but alb.certificate_arn is set"}},
		{name: "certificate malformed", sets: []string{"alb.https", "true", "alb.certificate_arn", "arn:aws:acm:us-east-1:1:certificate/x"},
			field: "alb.certificate_arn", want: []string{`"arn:aws:acm:us-east-1:1:certificate/x"`, "arn:aws:acm:<region>"}},
		{name: "certificate of another partition", sets: []string{"alb.https", "true", "alb.certificate_arn", strings.Replace(cert, "arn:aws:", "arn:aws-us-gov:", 1)},
			field: "alb.certificate_arn", want: []string{"is not an ACM certificate ARN", "want arn:aws:acm:"}},
		{name: "certificate of another region", sets: []string{"alb.https", "true", "alb.certificate_arn", strings.Replace(cert, "us-east-1", "eu-west-1", 1)},
			field: "alb.certificate_arn", want: []string{"is in region eu-west-1", "own region us-east-1"}},
		{name: "TLS policy EWT-ALB-3 refuses, without https too", sets: []string{"alb.ssl_policy", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"},
			field: "alb.ssl_policy", want: []string{`"ELBSecurityPolicy-TLS-1-2-Ext-2018-06"`, "TLS 1.2+", "EWT-ALB-3", "ELBSecurityPolicy-TLS13-1-2-2021-06"}},
		{name: "idle timeout", sets: []string{"alb.idle_timeout", "0"}, field: "alb.idle_timeout", want: []string{"0 is not allowed", "1 to 4000"}},
		{name: "access log retention", sets: []string{"alb.access_log_retention_days", "3651"}, field: "alb.access_log_retention_days", want: []string{"3651 is not allowed", "1 to 3650"}},
		{name: "access log bucket name", sets: []string{"alb.access_log_bucket", "Logs_Bucket"}, field: "alb.access_log_bucket", want: []string{`"Logs_Bucket" is not an S3 bucket name`, "3-63 lowercase letters"}},
		{name: "access log bucket of two dots", sets: []string{"alb.access_log_bucket", "logs..example"}, field: "alb.access_log_bucket", want: []string{`"logs..example" is not an S3 bucket name`, "no '..'"}},
		{name: "access log bucket shaped as an IP", sets: []string{"alb.access_log_bucket", "192.168.5.4"}, field: "alb.access_log_bucket", want: []string{`"192.168.5.4" is not an S3 bucket name`, "not an IP address"}},
		{name: "access log bucket too short", sets: []string{"alb.access_log_bucket", "ab"}, field: "alb.access_log_bucket", want: []string{`"ab" is not an S3 bucket name`}},
		{name: "access log bucket without logs", sets: []string{"alb.access_log_bucket", "org-alb-logs", "alb.access_logs", "false"}, field: "alb.access_log_bucket",
			want: []string{"is set but alb.access_logs and alb.connection_logs are false"}},
		{name: "web ACL ARN malformed", sets: []string{"alb.waf_web_acl_arn", "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/" + uuid}, field: "alb.waf_web_acl_arn",
			want: []string{"is not a regional WAFv2 web ACL ARN", "regional/webacl/<name>/<id>"}},
		{name: "web ACL ARN of another partition", sets: []string{"alb.waf_web_acl_arn", "arn:aws-cn:wafv2:us-east-1:123456789012:regional/webacl/org/" + uuid}, field: "alb.waf_web_acl_arn",
			want: []string{"is not a regional WAFv2 web ACL ARN", "want arn:aws:wafv2:"}},
		{name: "web ACL ARN of another region", sets: []string{"alb.waf_web_acl_arn", "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/org/" + uuid}, field: "alb.waf_web_acl_arn",
			want: []string{"is in region eu-west-1", "own region us-east-1"}},
		{name: "web ACL ARN without waf", sets: []string{"alb.waf_web_acl_arn", "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/org/" + uuid, "alb.waf", "false"}, field: "alb.waf_web_acl_arn",
			want: []string{"is set but alb.waf is false"}},
		{name: "deregistration delay", sets: []string{"alb.deregistration_delay", "3601"}, field: "alb.deregistration_delay", want: []string{"3601 is not allowed", "0 to 3600"}},
		{name: "health check path", sets: []string{"alb.health_check.path", "live"}, field: "alb.health_check.path", want: []string{`"live" must start with /`}},
		{name: "health check path length", sets: []string{"alb.health_check.path", longPath}, field: "alb.health_check.path", want: []string{"1025 characters"}},
		{name: "matcher", sets: []string{"alb.health_check.matcher", "2xx"}, field: "alb.health_check.matcher", want: []string{`"2xx"`, "200-299"}},
		{name: "interval", sets: []string{"alb.health_check.interval", "301"}, field: "alb.health_check.interval", want: []string{"301 is not allowed", "5 to 300"}},
		{name: "timeout", sets: []string{"alb.health_check.timeout", "1"}, field: "alb.health_check.timeout", want: []string{"1 is not allowed", "2 to 120"}},
		{name: "timeout not below interval", sets: []string{"alb.health_check.interval", "10", "alb.health_check.timeout", "10"}, field: "alb.health_check.timeout", want: []string{"timeout (10) must be < interval (10)"}},
		{name: "healthy threshold", sets: []string{"alb.health_check.healthy_threshold", "1"}, field: "alb.health_check.healthy_threshold", want: []string{"1 is not allowed", "2 to 10"}},
		{name: "unhealthy threshold", sets: []string{"alb.health_check.unhealthy_threshold", "11"}, field: "alb.health_check.unhealthy_threshold", want: []string{"11 is not allowed", "2 to 10"}},

		// Custom domain.
		{name: "domain name missing", sets: []string{"alb.domain", "{zone_id: Z123}"}, field: "alb.domain.name", want: []string{"is missing", "app.example.com"}},
		{name: "domain name one label", sets: []string{"alb.domain", "{name: app, zone_id: Z123}"}, field: "alb.domain.name", want: []string{`"app" has one label`}},
		{name: "domain name bad label", sets: []string{"alb.domain", "{name: -app.example.com, zone_id: Z123}"}, field: "alb.domain.name", want: []string{`"-app.example.com" has the label "-app"`, "not starting or ending with a hyphen"}},
		{name: "domain name uppercase", sets: []string{"alb.domain", "{name: App.example.com, zone_id: Z123}"}, field: "alb.domain.name", want: []string{`"App.example.com" has the label "App"`, "lowercase"}},
		{name: "domain name underscore", sets: []string{"alb.domain", "{name: my_app.example.com, zone_id: Z123}"}, field: "alb.domain.name", want: []string{`label "my_app"`}},
		{name: "domain name trailing dot", sets: []string{"alb.domain", "{name: app.example.com., zone_id: Z123}"}, field: "alb.domain.name", want: []string{`"app.example.com." ends in a dot`}},
		{name: "domain name inner wildcard", sets: []string{"alb.domain", "{name: 'app.*.example.com', zone_id: Z123}"}, field: "alb.domain.name", want: []string{"wildcard that is not the first label"}},
		{name: "domain name long label", sets: []string{"alb.domain", "{name: " + strings.Repeat("a", 64) + ".example.com, zone_id: Z123}"}, field: "alb.domain.name", want: []string{"1-63 lowercase letters"}},
		{name: "domain name too long", sets: []string{"alb.domain", "{name: " + strings.Repeat("a.", 125) + "example.com, zone_id: Z123}"}, field: "alb.domain.name", want: []string{"261 characters", "at most 253"}},
		{name: "domain without zone", sets: []string{"alb.domain", "{name: app.example.com}"}, field: "alb.domain", want: []string{"neither zone_id nor zone_name", `"app.example.com"`}},
		{name: "domain with both zones", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z123, zone_name: example.com}"}, field: "alb.domain.zone_name", want: []string{"together with zone_id", "exactly one"}},
		{name: "zone id lowercase", sets: []string{"alb.domain", "{name: app.example.com, zone_id: z123}"}, field: "alb.domain.zone_id", want: []string{`"z123" is not a Route53 hosted zone ID`, "Z0123456789ABCDEFGHIJ"}},
		{name: "zone id too long", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z" + strings.Repeat("A", 33) + "}"}, field: "alb.domain.zone_id", want: []string{"is not a Route53 hosted zone ID", "1 to 32"}},
		{name: "zone id only Z", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z}"}, field: "alb.domain.zone_id", want: []string{`"Z" is not a Route53 hosted zone ID`}},
		{name: "zone name invalid", sets: []string{"alb.domain", "{name: app.example.com, zone_name: 'ex ample.com'}"}, field: "alb.domain.zone_name", want: []string{`"ex ample.com" has the label "ex ample"`}},
		{name: "zone name wildcard", sets: []string{"alb.domain", "{name: app.example.com, zone_name: '*.example.com'}"}, field: "alb.domain.zone_name", want: []string{`"*.example.com" has a wildcard`, "example.com"}},
		{name: "name outside the zone", sets: []string{"alb.domain", "{name: app.example.org, zone_name: example.com}"}, field: "alb.domain.name", want: []string{`"app.example.org" is not in the zone example.com`}},
		{name: "name a suffix but not in the zone", sets: []string{"alb.domain", "{name: badexample.com, zone_name: example.com}"}, field: "alb.domain.name", want: []string{`"badexample.com" is not in the zone example.com`}},
		{name: "alternative name outside the zone", sets: []string{"alb.domain", "{name: app.example.com, zone_name: example.com, alternative_names: [www.example.com, www.example.net]}"},
			field: "alb.domain.alternative_names[1]", want: []string{`"www.example.net" is outside the zone example.com`}},
		{name: "alternative name invalid", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z123, alternative_names: ['www..example.com']}"},
			field: "alb.domain.alternative_names[0]", want: []string{`"www..example.com" has the label ""`}},
		{name: "alternative name repeats the name", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z123, alternative_names: [app.example.com]}"},
			field: "alb.domain.alternative_names[0]", want: []string{`"app.example.com" is listed twice`}},
		{name: "too many alternative names", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z123, alternative_names: " + many(10, func(i int) string { return fmt.Sprintf("n%d.example.com", i) }) + "}"},
			field: "alb.domain.alternative_names", want: []string{"lists 10 names", "at most 9"}},
		{name: "domain with certificate", sets: []string{"alb.domain", "{name: app.example.com, zone_id: Z123}", "alb.certificate_arn", cert},
			field: "alb.certificate_arn", want: []string{"together with alb.domain", "remove certificate_arn"}},

		// Target group and load balancer knobs.
		{name: "slow start below 30", sets: []string{"alb.slow_start", "29"}, field: "alb.slow_start", want: []string{"29 is not allowed", "30 to 900", "0 for no slow start"}},
		{name: "slow start above 900", sets: []string{"alb.slow_start", "901"}, field: "alb.slow_start", want: []string{"901 is not allowed"}},
		{name: "slow start negative", sets: []string{"alb.slow_start", "-1"}, field: "alb.slow_start", want: []string{"-1 is not allowed"}},
		{name: "stickiness type", sets: []string{"alb.stickiness", "{type: app_cookie}"}, field: "alb.stickiness.type", want: []string{`"app_cookie" is not a stickiness type`, "lb_cookie"}},
		{name: "stickiness duration zero", sets: []string{"alb.stickiness", "{type: lb_cookie, duration: 0}"}, field: "alb.stickiness.duration", want: []string{"0 is not allowed", "1 to 604800"}},
		{name: "stickiness duration too long, without type too", sets: []string{"alb.stickiness.duration", "604801"}, field: "alb.stickiness.duration", want: []string{"604801 is not allowed"}},
		{name: "algorithm", sets: []string{"alb.algorithm", "random"}, field: "alb.algorithm", want: []string{`"random" is not a load balancing algorithm`, "round_robin, least_outstanding_requests"}},
		{name: "desync mode", sets: []string{"alb.desync_mitigation_mode", "off"}, field: "alb.desync_mitigation_mode", want: []string{`"off" is not a desync mitigation mode`, "defensive, strictest, monitor"}},

		// Scaling, checked in ec2 mode and for either policy.
		{name: "scaling policy", sets: []string{"scaling.policy", "simple"}, field: "scaling.policy", want: []string{`"simple"`, "step, target_tracking, request_count"}},
		{name: "target requests zero", sets: []string{"scaling.policy", "request_count", "scaling.target_requests_per_target", "0"}, field: "scaling.target_requests_per_target", want: []string{"0 is not allowed", "1 to 100000 requests per target per minute"}},
		{name: "target requests above the bound, step policy", sets: []string{"scaling.target_requests_per_target", "100001"}, field: "scaling.target_requests_per_target", want: []string{"100001 is not allowed", "1 to 100000"}},
		{name: "minutes to full with request count", sets: []string{"scaling.policy", "request_count", "scaling.max_minutes_to_full", "10"}, field: "scaling.max_minutes_to_full", want: []string{"10 is set but scaling.policy is request_count", "step policies only"}},
		{name: "target cpu", sets: []string{"scaling.target_cpu", "100"}, field: "scaling.target_cpu", want: []string{"100 is not allowed", "above 0 and below 100"}},
		{name: "target cpu with step policy", sets: []string{"scaling.policy", "step", "scaling.target_cpu", "0"}, field: "scaling.target_cpu", want: []string{"0 is not allowed"}},
		{name: "period", sets: []string{"scaling.period", "90"}, field: "scaling.period", want: []string{"90 is not a period", "multiple of 60"}},
		{name: "period with target tracking", sets: []string{"scaling.policy", "target_tracking", "scaling.period", "90"}, field: "scaling.period", want: []string{"90 is not a period"}},
		{name: "period in ec2 mode", sets: []string{"compute_mode", "ec2", "scaling.period", "90"}, field: "scaling.period", want: []string{"90 is not a period"}},
		{name: "scale out threshold", sets: []string{"scaling.scale_out.threshold", "101"}, field: "scaling.scale_out.threshold", want: []string{"101 is not a CPU percentage", "0 to 100"}},
		{name: "scale in threshold", sets: []string{"scaling.scale_in.threshold", "-1"}, field: "scaling.scale_in.threshold", want: []string{"-1 is not a CPU percentage"}},
		{name: "evaluation periods zero", sets: []string{"scaling.scale_out.evaluation_periods", "0", "scaling.scale_out.datapoints_to_alarm", "1"},
			field: "scaling.scale_out.evaluation_periods", want: []string{"0 is not allowed", "1 to 1440", "86400"}, n: 2},
		{name: "evaluation periods above a day", sets: []string{"scaling.scale_in.evaluation_periods", "1441"}, field: "scaling.scale_in.evaluation_periods", want: []string{"1441 is not allowed", "1 to 1440"}},
		{name: "evaluation periods span", sets: []string{"scaling.period", "3600", "scaling.scale_in.evaluation_periods", "25"},
			field: "scaling.scale_in.evaluation_periods", want: []string{"25 periods of 3600 s", "more than one day"}},
		{name: "datapoints zero", sets: []string{"scaling.scale_out.datapoints_to_alarm", "0"}, field: "scaling.scale_out.datapoints_to_alarm", want: []string{"0 is not allowed", "at least 1"}},
		{name: "datapoints above periods", sets: []string{"scaling.scale_out.datapoints_to_alarm", "3"}, field: "scaling.scale_out.datapoints_to_alarm", want: []string{"datapoints_to_alarm (3) must be <= evaluation_periods (2)"}},
		{name: "scale out adjustment sign", sets: []string{"scaling.scale_out.adjustment", "0"}, field: "scaling.scale_out.adjustment", want: []string{"0 has the wrong sign", "positive", "1 to 100"}},
		{name: "scale in adjustment sign", sets: []string{"scaling.scale_in.adjustment", "1"}, field: "scaling.scale_in.adjustment", want: []string{"1 has the wrong sign", "negative", "-1 to -100"}},
		{name: "scale out adjustment size", sets: []string{"scaling.scale_out.adjustment", "101"}, field: "scaling.scale_out.adjustment", want: []string{"101 is more instances than a group holds", "100 at most"}},
		{name: "scale in adjustment of min int64 is not a sign error", sets: []string{"scaling.scale_in.adjustment", "-9223372036854775808"},
			field: "scaling.scale_in.adjustment", want: []string{"-9223372036854775808 is more instances than a group holds"}},
		{name: "thresholds inverted", sets: []string{"scaling.scale_out.threshold", "30", "scaling.scale_in.threshold", "70"},
			field: "scaling.scale_in.threshold", want: []string{"scale_in.threshold (70) must be < scale_out.threshold (30)"}},
		{name: "warmup", sets: []string{"scaling.warmup_seconds", "3601"}, field: "scaling.warmup_seconds", want: []string{"3601 is not allowed", "0 to 3600"}},

		// Scheduled actions.
		{name: "schedules in ec2 mode", sets: []string{"compute_mode", "ec2", "scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 2}]"},
			field: "scaling.schedules", want: []string{"lists 1 scheduled actions but compute_mode is ec2", "compute_mode: asg"}},
		{name: "too many schedules", sets: []string{"scaling.schedules", "[" + strings.Trim(many(126, func(i int) string { return fmt.Sprintf("{name: s%d, cron: '0 8 * * *', min_size: 2}", i) }), "[]") + "]"},
			field: "scaling.schedules", want: []string{"lists 126 scheduled actions", "AWS allows 125"}},
		{name: "schedule name missing", sets: []string{"scaling.schedules", "[{cron: '0 8 * * *', min_size: 2}]"}, field: "scaling.schedules[0].name", want: []string{"is missing", "1-64 letters"}},
		{name: "schedule name charset", sets: []string{"scaling.schedules", "[{name: 'office hours', cron: '0 8 * * *', min_size: 2}]"}, field: "scaling.schedules[0].name", want: []string{`"office hours" is not allowed`, "1-64 letters, digits"}},
		{name: "schedule name length", sets: []string{"scaling.schedules", "[{name: " + strings.Repeat("a", 65) + ", cron: '0 8 * * *', min_size: 2}]"}, field: "scaling.schedules[0].name", want: []string{"is not allowed", "1-64"}},
		{name: "schedule name twice", sets: []string{"scaling.schedules", "[{name: day, cron: '0 8 * * *', min_size: 2}, {name: day, cron: '0 19 * * *', min_size: 1}]"},
			field: "scaling.schedules[1].name", want: []string{`"day" is already the name of scaling.schedules[0]`, "unique"}},
		{name: "schedule cron missing", sets: []string{"scaling.schedules", "[{name: a, min_size: 2}]"}, field: "scaling.schedules[0].cron", want: []string{"is missing", "5 fields"}},
		{name: "schedule cron six fields", sets: []string{"scaling.schedules", "[{name: a, cron: '0 0 8 * * 1-5', min_size: 2}]"}, field: "scaling.schedules[0].cron", want: []string{`"0 0 8 * * 1-5"`, "must be Unix cron with 5 fields"}},
		{name: "schedule cron bad hour", sets: []string{"scaling.schedules", "[{name: a, cron: '0 25 * * *', min_size: 2}]"}, field: "scaling.schedules[0].cron", want: []string{`"0 25 * * *"`, "allowed is Unix cron"}},
		{name: "schedule cron time zone prefix", sets: []string{"scaling.schedules", "[{name: a, cron: 'CRON_TZ=UTC 0 8 * * *', min_size: 2}]"}, field: "scaling.schedules[0].cron", want: []string{"time zone prefix", "use time_zone"}},
		{name: "schedule time zone", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', time_zone: Mars/Olympus, min_size: 2}]"}, field: "scaling.schedules[0].time_zone", want: []string{`"Mars/Olympus" is not an IANA time zone`, "America/New_York"}},
		{name: "schedule time zone Local", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', time_zone: Local, min_size: 2}]"}, field: "scaling.schedules[0].time_zone", want: []string{`"Local" is not an IANA time zone`}},
		{name: "schedule time zone path", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', time_zone: ../../etc/passwd, min_size: 2}]"}, field: "scaling.schedules[0].time_zone", want: []string{"is not an IANA time zone"}},
		{name: "schedule sets nothing", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *'}]"}, field: "scaling.schedules[0]", want: []string{"sets none of min_size, max_size and desired_capacity"}},
		{name: "schedule min size zero", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 0}]"}, field: "scaling.schedules[0].min_size", want: []string{"0 is not allowed", "1 to 100", "leave it out"}},
		{name: "schedule max size -1", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', max_size: -1}]"}, field: "scaling.schedules[0].max_size", want: []string{"-1 is not allowed", "leave it out to keep the group's"}},
		{name: "schedule desired above 100", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', desired_capacity: 101}]"}, field: "scaling.schedules[0].desired_capacity", want: []string{"101 is not allowed", "1 to 100"}},
		{name: "schedule min above max", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 4, max_size: 3}]"}, field: "scaling.schedules[0].min_size", want: []string{"min_size (4) must be <= max_size (3)"}},
		{name: "schedule desired below min", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 3, desired_capacity: 2}]"}, field: "scaling.schedules[0].desired_capacity", want: []string{"desired_capacity (2) must be >= min_size (3)"}},
		{name: "schedule desired above max", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', max_size: 3, desired_capacity: 4}]"}, field: "scaling.schedules[0].desired_capacity", want: []string{"desired_capacity (4) must be <= max_size (3)"}},
		{name: "schedule start not RFC 3339", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 2, start: '2026-03-01 08:00'}]"}, field: "scaling.schedules[0].start", want: []string{`"2026-03-01 08:00" is not an RFC 3339 time`, "2026-03-01T08:00:00Z"}},
		{name: "schedule end with fractions", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 2, end: '2026-03-01T08:00:00.5Z'}]"}, field: "scaling.schedules[0].end", want: []string{"fractions of a second", "whole seconds"}},
		{name: "schedule end before start", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: 2, start: '2026-03-01T08:00:00Z', end: '2026-03-01T03:00:00-05:00'}]"},
			field: "scaling.schedules[0].end", want: []string{`"2026-03-01T03:00:00-05:00" must be after start (2026-03-01T08:00:00Z)`}},
		{name: "schedule size wrong type", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min_size: two}]"}, field: "scaling.schedules[0].min_size", want: []string{`"two"`, "whole number"}},
		{name: "schedule unknown key", sets: []string{"scaling.schedules", "[{name: a, cron: '0 8 * * *', min: 2}]"}, field: "scaling.schedules[0].min", want: []string{"unknown key", "min_size, max_size, desired_capacity"}, n: 2},

		// Observability.
		{name: "alarm email", sets: []string{"observability.alarm_email", "nobody"}, field: "observability.alarm_email", want: []string{`"nobody"`, "oncall@example.com"}},
		{name: "5xx threshold", sets: []string{"observability.alb_5xx_threshold", "0"}, field: "observability.alb_5xx_threshold", want: []string{"0 is not allowed", "1 to 1000000"}},
		{name: "unhealthy minutes", sets: []string{"observability.unhealthy_host_minutes", "61"}, field: "observability.unhealthy_host_minutes", want: []string{"61 is not allowed", "1 to 60"}},
		{name: "latency", sets: []string{"observability.latency_p95_seconds", "0"}, field: "observability.latency_p95_seconds", want: []string{"0 is not allowed", "above 0 and up to 60"}},

		// State.
		{name: "backend bucket missing", sets: []string{"backend", "{key: a/b}"}, field: "backend.bucket", want: []string{"is missing", "S3 bucket"}},
		{name: "backend bucket name", sets: []string{"backend", "{bucket: My_Bucket}"}, field: "backend.bucket", want: []string{`"My_Bucket"`, "3-63 lowercase"}},
		{name: "backend key", sets: []string{"backend", "{bucket: state, key: /abs}"}, field: "backend.key", want: []string{`"/abs"`, "webtier/dev/terraform.tfstate"}},
		{name: "backend region with a look-alike", sets: []string{"backend", "{bucket: state, region: \"eu-w\u0435st-1\"}"}, field: "backend.region", want: []string{`"eu-w\u0435st-1"`, "did you mean eu-west-1?"}},
		{name: "backend region of GovCloud", sets: []string{"backend", "{bucket: state, region: us-gov-west-1}"}, field: "backend.region", want: []string{"aws-us-gov partition"}},
		{name: "backend not encrypted", sets: []string{"backend", "{bucket: state, encrypt: false}"}, field: "backend.encrypt", want: []string{"is false", "want true"}},
		{name: "backend without lock", sets: []string{"backend", "{bucket: state, use_lockfile: false}"}, field: "backend.use_lockfile", want: []string{"is false", "lock"}},

		// Tags: lengths in characters.
		{name: "too many tags", sets: []string{"tags", "{" + strings.Trim(many(46, func(i int) string { return fmt.Sprintf("t%d: v", i) }), "[]") + "}"},
			field: "tags", want: []string{"has 46 tags", "AWS allows 50", "at most 45"}},
		{name: "empty tag key", sets: []string{"tags", `{"": v}`}, field: `tags.""`, want: []string{"empty tag key", "1 to 128"}},
		{name: "tag key of 129 characters", sets: []string{"tags", "{" + strings.Repeat("é", 129) + ": v}"}, field: "tags." + `"` + strings.Repeat("é", 48) + `"` + "... (129 characters)",
			want: []string{"the key is 129 characters", "1 to 128"}},
		{name: "aws: tag", sets: []string{"tags", "{aws:team: web}"}, field: "tags.aws:team", want: []string{`"aws:team" is not allowed`, "not starting with aws:"}},
		{name: "tag key with a character AWS refuses", sets: []string{"tags", "{'team!': web}"}, field: "tags.team!", want: []string{`the key "team!" holds '!' (U+0021), which AWS refuses in tags`, "letters, digits, spaces and _ . : / = + - @"}},
		{name: "tag key with a quoted merge key", sets: []string{"tags", "{'<<': web}"}, field: `tags."<<"`, want: []string{`holds '<' (U+003C)`}},
		{name: "tag value with a semicolon", sets: []string{"tags", "{team: 'a;b'}"}, field: "tags.team", want: []string{`the value "a;b" holds ';' (U+003B)`}},
		{name: "tag value with a tab", sets: []string{"tags", `{team: "a\tb"}`}, field: "tags.team", want: []string{`the value "a\tb" holds '\t' (U+0009)`}},
		{name: "tag value with a newline", sets: []string{"tags", `{team: "a\nb"}`}, field: "tags.team", want: []string{`holds '\n' (U+000A)`}},
		{name: "reserved tag", sets: []string{"tags", "{Name: x}"}, field: "tags.Name", want: []string{"set by the stack", "project, environment, managed-by, Name, Tier"}},
		{name: "tag value of 257 characters", sets: []string{"tags", "{team: " + strings.Repeat("ü", 257) + "}"}, field: "tags.team", want: []string{"the value is 257 characters", "up to 256"}},

		// Suppressions.
		{name: "suppression rule", sets: []string{"suppressions", "[{resource: dev/alb/lb, reason: r}]"}, field: "suppressions[0].rule", want: []string{"is missing", "EWT-ALB-1"}},
		{name: "suppression resource", sets: []string{"suppressions", "[{rule: EWT-ALB-1, reason: r}]"}, field: "suppressions[0].resource", want: []string{"is missing", "dev/alb/lb"}},
		{name: "suppression reason", sets: []string{"suppressions", "[{rule: EWT-ALB-1, resource: dev/alb/lb, reason: ' '}]"}, field: "suppressions[0].reason", want: []string{"written reason"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, c.env, c.sets...)
			_, ce := problemsOf(t, data)
			if ce == nil {
				t.Fatalf("accepted; want a problem on %q\n%s", c.field, data)
			}
			n := c.n
			if n == 0 {
				n = 1
			}
			if len(ce.Problems) != n || ce.Omitted != 0 {
				t.Errorf("got %d problems (%d omitted), want %d:\n%v", len(ce.Problems), ce.Omitted, n, ce)
			}
			env := c.env
			if env == "" {
				env = "dev"
			}
			var p *config.Problem
			for i := range ce.Problems {
				if ce.Problems[i].Env == env && ce.Problems[i].Field == c.field {
					p = &ce.Problems[i]
				}
			}
			if p == nil {
				t.Fatalf("no problem with env %q field %q:\n%v", env, c.field, ce)
			}
			if p.Line < 1 {
				t.Errorf("problem has no line: %v", p)
			}
			for _, w := range c.want {
				if !strings.Contains(p.String(), w) {
					t.Errorf("problem %q does not contain %q", p.String(), w)
				}
			}
		})
	}
}

// TestValidValuesAccepted: the edges of the allowed ranges, and values
// that look odd but are allowed, load.
func TestValidValuesAccepted(t *testing.T) {
	cases := []acceptedCase{
		{"no NAT with interface endpoints", []string{"network.nat_mode", "none", "network.interface_endpoints", "true"}, "network.interface_endpoints", true},
		{"interface endpoints next to a NAT", []string{"network.interface_endpoints", "true"}, "network.nat_mode", config.NATSingle},
		{"zero min healthy percentage", []string{"compute.min_healthy_percentage", "0"}, "compute.min_healthy_percentage", 0},
		{"zero warmup", []string{"scaling.warmup_seconds", "0"}, "scaling.warmup_seconds", 0},
		{"zero grace period", []string{"compute.health_check_grace_period", "0"}, "compute.health_check_grace_period", 0},
		{"zero deregistration delay", []string{"alb.deregistration_delay", "0"}, "alb.deregistration_delay", 0},
		{"zero scale-in threshold", []string{"scaling.scale_in.threshold", "0"}, "scaling.scale_in.threshold", 0.0},
		{"explicit plus sign", []string{"scaling.scale_out.adjustment", "+2"}, "scaling.scale_out.adjustment", 2},
		{"largest adjustment", []string{"scaling.scale_in.adjustment", "-100"}, "scaling.scale_in.adjustment", -100},
		{"tag key of 128 two-byte characters", []string{"tags", "{" + strings.Repeat("é", 128) + ": v}"}, "tags", map[string]string{strings.Repeat("é", 128): "v"}},
		{"tags of every script and every allowed punctuation", []string{"tags", "{'cost center': 'Ünïcode 名前 ٣ _.:/=+-@', 'Équipe:α/β': ''}"}, "tags",
			map[string]string{"cost center": "Ünïcode 名前 ٣ _.:/=+-@", "Équipe:α/β": ""}},
		{"overlapping but distinct ingress CIDRs", []string{"alb.ingress_cidrs", "[0.0.0.0/0, 10.0.0.0/8, 10.0.0.0/16]"}, "alb.ingress_cidrs", []string{"0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16"}},
		{"https true next to a domain", []string{"alb.https", "true", "alb.domain", "{name: app.example.com, zone_id: Z1}"}, "alb.https", true},
		{"spot in asg mode", []string{"compute_mode", "asg", "compute.spot", "{instance_types: [t3.small]}"}, "compute.spot.instance_types", []string{"t3.small"}},
		{"tag value of 256 characters", []string{"tags", "{team: " + strings.Repeat("ü", 256) + "}"}, "tags", map[string]string{"team": strings.Repeat("ü", 256)}},
		{"45 tags", []string{"tags", "{" + strings.Trim(many(45, func(i int) string { return fmt.Sprintf("t%d: v", i) }), "[]") + "}"}, "alb.https", false},
		{"30 ingress CIDRs", []string{"alb.ingress_cidrs", many(30, func(i int) string { return fmt.Sprintf("10.%d.0.0/16", i) })}, "alb.https", false},
		{"every region of the aws partition", nil, "region", "us-east-1"},
		{"backend region of the environment", []string{"backend", "{bucket: state}"}, "backend.region", "us-east-1"},
		{"empty backend region is the environment's", []string{"backend", `{bucket: state, region: ""}`}, "backend.region", "us-east-1"},
		{"domain turns https on", []string{"alb.domain", "{name: app.example.com, zone_id: Z0123456789ABCDEFGHIJ}"}, "alb.https", true},
		{"https with a domain needs no certificate", []string{"alb.https", "true", "alb.domain", "{name: app.example.com, zone_id: Z1}"}, "alb.certificate_arn", ""},
		{"domain at the zone apex", []string{"alb.domain", "{name: example.com, zone_name: example.com}"}, "alb.domain.name", "example.com"},
		{"wildcard alternative name in the zone", []string{"alb.domain", "{name: app.example.com, zone_name: example.com, alternative_names: ['*.app.example.com', example.com]}"},
			"alb.domain.alternative_names", []string{"*.app.example.com", "example.com"}},
		{"nine alternative names", []string{"alb.domain", "{name: app.example.com, zone_id: Z1, alternative_names: " + many(9, func(i int) string { return fmt.Sprintf("n%d.example.com", i) }) + "}"}, "alb.https", true},
		{"longest zone id", []string{"alb.domain", "{name: app.example.com, zone_id: Z" + strings.Repeat("9", 32) + "}"}, "alb.https", true},
		{"slow start 30", []string{"alb.slow_start", "30"}, "alb.slow_start", intp(30)},
		{"slow start 900", []string{"alb.slow_start", "900"}, "alb.slow_start", intp(900)},
		{"slow start 0 is a value", []string{"alb.slow_start", "0"}, "alb.slow_start", intp(0)},
		{"stickiness defaults to a day", []string{"alb.stickiness", "{type: lb_cookie}"}, "alb.stickiness.duration", 86400},
		{"stickiness of a second", []string{"alb.stickiness", "{type: lb_cookie, duration: 1}"}, "alb.stickiness.duration", 1},
		{"stickiness of 7 days", []string{"alb.stickiness", "{type: lb_cookie, duration: 604800}"}, "alb.stickiness.duration", 604800},
		{"least outstanding requests", []string{"alb.algorithm", "least_outstanding_requests"}, "alb.algorithm", config.AlgorithmLeastOutstanding},
		{"strictest desync mitigation", []string{"alb.desync_mitigation_mode", "strictest"}, "alb.desync_mitigation_mode", config.DesyncStrictest},
		{"http2 off", []string{"alb.http2", "false"}, "alb.http2", false},
		{"an access log bucket of dots and hyphens", []string{"alb.access_log_bucket", "org.alb-logs.1"}, "alb.access_log_bucket", "org.alb-logs.1"},
		{"an access log bucket for connection logs only", []string{"alb.access_log_bucket", "org-logs", "alb.access_logs", "false", "alb.connection_logs", "true"}, "alb.access_log_bucket", "org-logs"},
		{"a web ACL of the region", []string{"alb.waf_web_acl_arn", "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/Org_ACL-1/" + uuid}, "alb.waf_web_acl_arn",
			"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/Org_ACL-1/" + uuid},
		{"connection logs without access logs", []string{"alb.connection_logs", "true", "alb.access_logs", "false"}, "alb.connection_logs", true},
		{"a schedule with every field", []string{"scaling.schedules", "[{name: office-hours.start_1, cron: '0 8 * * 1-5', time_zone: America/New_York, min_size: 1, max_size: 100, desired_capacity: 1, start: '2026-03-01T08:00:00-05:00', end: '2027-03-01T00:00:00Z'}]"},
			"scaling.schedules", []config.Schedule{{Name: "office-hours.start_1", Cron: "0 8 * * 1-5", TimeZone: "America/New_York", MinSize: ptrTo(1), MaxSize: ptrTo(100), DesiredCapacity: ptrTo(1), Start: "2026-03-01T08:00:00-05:00", End: "2027-03-01T00:00:00Z"}}},
		{"a schedule setting one size, in UTC", []string{"scaling.schedules", "[{name: night, cron: '0 19 * * *', max_size: 2}]"},
			"scaling.schedules", []config.Schedule{{Name: "night", Cron: "0 19 * * *", MaxSize: ptrTo(2)}}},
		{"125 schedules", []string{"scaling.schedules", "[" + strings.Trim(many(125, func(i int) string { return fmt.Sprintf("{name: s%d, cron: '0 8 * * *', min_size: 2}", i) }), "[]") + "]"}, "alb.https", false},
		{"every modern TLS policy", []string{"alb.ssl_policy", config.ModernTLSPolicies[len(config.ModernTLSPolicies)-1]}, "alb.ssl_policy", config.ModernTLSPolicies[len(config.ModernTLSPolicies)-1]},
	}
	checkAccepted(t, cases)
	for _, r := range config.Regions() {
		if _, ce := problemsOf(t, build(t, "", "region", r, "availability_zones", fmt.Sprintf("[%sa, %sb]", r, r), "backend", "{bucket: state, region: "+r+"}")); ce != nil {
			t.Errorf("region %s refused: %v", r, ce)
		}
	}
	for _, p := range config.ModernTLSPolicies {
		if _, ce := problemsOf(t, build(t, "", "alb.ssl_policy", p)); ce != nil {
			t.Errorf("ssl_policy %s refused: %v", p, ce)
		}
	}
}

// TestWholeNumbersFit32Bits: every whole-number setting is range-checked
// within 32 bits (AWS stores them so, and the JSON carries them as floats),
// in the environment and in the defaults block, so no overflow or sign
// trick gets through; a new int field without a range fails here.
func TestWholeNumbersFit32Bits(t *testing.T) {
	ints := intPaths(reflect.TypeOf(config.Environment{}), "")
	if len(ints) < 25 {
		t.Fatalf("found %d whole-number settings (%v); the walk is broken", len(ints), ints)
	}
	for _, p := range ints {
		for _, v := range []string{"2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "99999999999999999999"} {
			// Other problems may come with it (a block's required fields).
			_, ce := problemsOf(t, build(t, "", p, v))
			if ce == nil {
				t.Errorf("%s: %s accepted", p, v)
				continue
			}
			found := false
			for _, pr := range ce.Problems {
				found = found || pr.Field == p
			}
			if !found {
				t.Errorf("%s: %s: no problem on the field:\n%v", p, v, ce)
			}
		}
	}
}

// TestIntegersInDecimal: YAML 1.1 integer forms are refused with a message
// that says why (030 would be octal 24), in int and float settings alike.
func TestIntegersInDecimal(t *testing.T) {
	cases := []struct {
		path, value string
		want        []string
	}{
		{"alb.deregistration_delay", "030", []string{`"030" has a leading zero`, "octal", "e.g. 30"}},
		{"scaling.scale_in.adjustment", "-01", []string{`"-01" has a leading zero`, "e.g. -1"}},
		{"compute.min_healthy_percentage", "00", []string{`"00" has a leading zero`, "e.g. 0"}},
		{"compute.app_port", "0x1F90", []string{`"0x1F90" is not written in decimal digits`}},
		{"compute.app_port", "0o17620", []string{`"0o17620" is not written in decimal digits`}},
		{"compute.app_port", "8_080", []string{`"8_080" is not written in decimal digits`}},
		{"compute.app_port", "0b1", []string{`"0b1" is not written in decimal digits`}},
		{"scaling.scale_out.threshold", "070", []string{`"070" has a leading zero`, "e.g. 70"}},
		{"compute.max_size", "18446744073709551616", []string{`"18446744073709551616" is out of range for a whole number`}},
	}
	for _, c := range cases {
		t.Run(c.path+"="+c.value, func(t *testing.T) {
			_, ce := problemsOf(t, build(t, "", c.path, c.value))
			if ce == nil || len(ce.Problems) != 1 || ce.Problems[0].Field != c.path {
				t.Fatalf("got %v; want one problem on %s", ce, c.path)
			}
			for _, w := range c.want {
				if !strings.Contains(ce.Problems[0].Msg, w) {
					t.Errorf("%q does not contain %q", ce.Problems[0].Msg, w)
				}
			}
		})
	}
}

func intp(v int) *int { return &v }

// intPaths lists the dotted YAML key paths of t's whole-number settings,
// descending into nested settings (pointers to them included).
func intPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag == "" || tag == "-" {
			continue
		}
		ft := t.Field(i).Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch ft.Kind() {
		case reflect.Struct:
			out = append(out, intPaths(ft, prefix+tag+".")...)
		case reflect.Int:
			out = append(out, prefix+tag)
		}
	}
	return out
}

func ptrTo(v int) *int { return &v }
