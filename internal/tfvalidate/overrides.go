// Package tfvalidate validates and plans synthesized CDKTF stacks with the
// real AWS provider and no network: each stack is copied to a scratch
// directory, the provider is pointed at a locally built binary through a CLI
// configuration with dev_overrides, a Terraform override file makes it
// credentials-free with every service endpoint on an unused loopback port,
// and a `terraform test` file answers every data source that would call AWS
// with plausible values (override_data) before planning.
//
// The synthesized cdk.tf.json is never edited: everything offline-specific
// lives in the two files this package adds next to the copy.
package tfvalidate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

const (
	// OverrideFile is the Terraform override file added to the scratch copy.
	OverrideFile = "zz_offline_override.tf.json"
	// TestFile is the `terraform test` file added to the scratch copy.
	TestFile = "offline.tftest.json"
	// DeadEndpoint is where every AWS service endpoint points: a loopback
	// port nothing listens on (and, inside a network namespace without
	// interfaces, an unreachable network).
	DeadEndpoint = "http://127.0.0.1:1"
	// AccountID is the account the fake credentials pretend to be.
	AccountID = "123456789012"
	// ProviderUpstreamVersion is the terraform-provider-aws release the built
	// fork corresponds to.
	ProviderUpstreamVersion = "5.67.0"
)

// localDataSources are computed by the provider itself, without an AWS call,
// so the real provider answers them even offline.
// (Each was checked in the 5.67.0 source: no AWS client in its Read; the
// service-account and hosted-zone ones look the region up in a table.)
var localDataSources = map[string]bool{
	"aws_arn":                        true,
	"aws_cloudtrail_service_account": true,
	"aws_default_tags":               true,
	"aws_elb_hosted_zone_id":         true,
	"aws_elb_service_account":        true,
	"aws_iam_policy_document":        true,
	"aws_lb_hosted_zone_id":          true,
	"aws_partition":                  true,
	"aws_region":                     true,
	"aws_service_principal":          true,
}

// credentialSources are provider arguments that make the provider look
// credentials up elsewhere (files, profiles, STS); the override blanks them.
var credentialSources = []string{
	"profile", "shared_config_files", "shared_credentials_files", "token",
}

// accountGuards are provider arguments that compare the credentials'
// account with a list: with skip_requesting_account_id the provider knows no
// account and refuses every list ("AWS account ID not allowed: "), so the
// override blanks them (make e2e proves the guard against the emulator's STS).
var accountGuards = []string{"allowed_account_ids", "forbidden_account_ids"}

// credentialBlocks are nested blocks that make the provider call STS. An
// override replaces a nested block only with a block of the same type (an
// empty list replaces nothing), so assume_role becomes one block with an
// empty role_arn: the provider then assumes no role (and warns that role_arn
// will be required; Result.add turns that into a note).
var credentialBlocks = []string{"assume_role", "assume_role_with_web_identity"}

// ProviderOverride returns the override file for a stack: every aws provider
// block (default and aliased) gets static fake credentials, skips every
// start-up call (credentials validation, account id, IMDS, region
// validation), retries once, and sends each service in endpoints to
// DeadEndpoint. It also returns notes for a human (what was blanked).
func ProviderOverride(s *stackjson.Stack, endpoints []string) ([]byte, []string, error) {
	if len(endpoints) == 0 {
		return nil, nil, fmt.Errorf("no service endpoints to redirect")
	}
	eps := map[string]any{}
	for _, e := range endpoints {
		eps[e] = DeadEndpoint
	}
	var notes []string
	var blocks []any
	for _, p := range providerBlocks(s) {
		b := map[string]any{
			"access_key":                  "AKIAOFFLINEVALIDATE0",
			"secret_key":                  "offline-validation-has-no-secret",
			"skip_credentials_validation": true,
			"skip_requesting_account_id":  true,
			"skip_metadata_api_check":     "true",
			"skip_region_validation":      true,
			"max_retries":                 1,
			"endpoints":                   []any{eps},
		}
		name := "aws"
		if alias, ok := p["alias"].(string); ok && alias != "" {
			b["alias"] = alias
			name = "aws." + alias
		}
		if _, ok := p["region"]; !ok {
			b["region"] = "us-east-1"
			notes = append(notes, fmt.Sprintf("provider %s sets no region: planned with us-east-1", name))
		}
		for _, k := range credentialSources {
			if _, ok := p[k]; ok {
				b[k] = nil
				notes = append(notes, fmt.Sprintf("provider %s: %s blanked", name, k))
			}
		}
		for _, k := range accountGuards {
			if _, ok := p[k]; ok {
				b[k] = nil
				notes = append(notes, fmt.Sprintf("provider %s: %s blanked (offline there is no account to compare)", name, k))
			}
		}
		for _, k := range credentialBlocks {
			if _, ok := p[k]; ok {
				b[k] = []any{}
				if k == "assume_role" { // the provider skips an assume_role without role_arn
					b[k] = []any{map[string]any{"role_arn": ""}}
				}
				notes = append(notes, fmt.Sprintf("provider %s: %s removed", name, k))
			}
		}
		blocks = append(blocks, b)
	}
	doc := map[string]any{
		"//":       "Added by scripts/validate.sh for an offline validate and plan; not part of the synthesized stack.",
		"provider": map[string]any{"aws": blocks},
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append(out, '\n'), notes, nil
}

// providerBlocks returns the stack's aws provider blocks; a stack that
// declares none still gets the default one (resources use it implicitly).
func providerBlocks(s *stackjson.Stack) []map[string]any {
	v, _ := stackjson.Walk(s.Raw, "provider")
	pm, _ := v.(map[string]any)
	var out []map[string]any
	switch t := pm["aws"].(type) {
	case []any:
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case map[string]any:
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, map[string]any{"region": nil})
	}
	return out
}

// Region is the stack's default aws provider region ("us-east-1" if none).
func Region(s *stackjson.Stack) string {
	if r := s.Region(); r != "" {
		return r
	}
	return "us-east-1"
}

// RequiredAWSVersion is the version constraint the stack puts on the aws
// provider ("" if none).
func RequiredAWSVersion(s *stackjson.Stack) string {
	v, _ := stackjson.Walk(s.Raw, "terraform", "required_providers", "aws", "version")
	str, _ := v.(string)
	return str
}

// Answer is how one data source is answered in the plan.
type Answer struct {
	// Address is the data source's address, "data.aws_ssm_parameter.ami".
	Address string
	// Provider means the real provider reads it (it needs no AWS call).
	Provider bool
	// Generated means no plausible values are known for its type: Terraform
	// generates values for its computed attributes.
	Generated bool
	// Values are the attributes given to override_data.
	Values map[string]any
}

// Answers decides, for every data source in the stack, how the plan gets
// its values, sorted by address.
func Answers(s *stackjson.Stack) []Answer {
	region := Region(s)
	var out []Answer
	for _, d := range s.Data {
		typ := strings.TrimPrefix(d.Type, "data.")
		a := Answer{Address: d.Address()}
		switch {
		case localDataSources[typ]:
			a.Provider = true
		default:
			a.Values = computedOnly(plausible(typ, d, region), d)
			a.Generated = a.Values == nil
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// computedOnly drops from values what the data source's configuration sets:
// those are the configuration's. OpenTofu refuses an override of them
// ("overriding configuration values is not allowed"); Terraform takes the
// configuration's value anyway.
func computedOnly(values map[string]any, d stackjson.Resource) map[string]any {
	for k := range values {
		if _, set := d.Attrs[k]; set {
			delete(values, k)
		}
	}
	return values
}

// plausible returns values shaped like a real answer for the data source
// types a web tier reads; nil when the type is not known here.
func plausible(typ string, d stackjson.Resource, region string) map[string]any {
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, AccountID, resource)
	}
	const ami = "ami-0123456789abcdef0"
	switch typ {
	case "aws_ssm_parameter":
		name, _ := d.String("name")
		value := "offline-placeholder"
		if strings.Contains(strings.ToLower(name), "ami") {
			value = ami
		}
		if name == "" || strings.Contains(name, "${") {
			name = "/offline/parameter"
		}
		return map[string]any{
			"arn": arn("ssm", "parameter/"+strings.TrimPrefix(name, "/")), "id": name,
			"type": "String", "value": value, "insecure_value": value, "version": 1,
		}
	case "aws_ami":
		return map[string]any{
			"id": ami, "image_id": ami, "arn": arn("ec2", "image/"+ami),
			"architecture": "x86_64", "name": "al2023-ami-offline", "owner_id": "137112412989",
			"root_device_name": "/dev/xvda", "virtualization_type": "hvm", "state": "available",
		}
	case "aws_availability_zones":
		return map[string]any{
			"id":       region,
			"names":    []string{region + "a", region + "b", region + "c"},
			"zone_ids": []string{"az1", "az2", "az3"},
		}
	case "aws_availability_zone":
		return map[string]any{"name": region + "a", "zone_id": "az1", "region": region, "state": "available"}
	case "aws_caller_identity":
		return map[string]any{
			"id": AccountID, "account_id": AccountID, "user_id": "AIDAOFFLINEVALIDATE0",
			"arn": "arn:aws:iam::" + AccountID + ":user/offline",
		}
	case "aws_instances":
		return map[string]any{
			"id":             region,
			"ids":            []string{"i-0123456789abcdef0", "i-0123456789abcdef1"},
			"private_ips":    []string{"10.0.10.10", "10.0.11.10"},
			"public_ips":     []string{},
			"ipv6_addresses": []string{},
		}
	case "aws_vpc":
		return map[string]any{
			"id": "vpc-0123456789abcdef0", "arn": arn("ec2", "vpc/vpc-0123456789abcdef0"),
			"cidr_block": "10.0.0.0/16", "default": true, "owner_id": AccountID,
		}
	case "aws_subnets":
		return map[string]any{
			"id":  region,
			"ids": []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"},
		}
	case "aws_subnet":
		return map[string]any{
			"id": "subnet-0123456789abcdef0", "arn": arn("ec2", "subnet/subnet-0123456789abcdef0"),
			"vpc_id": "vpc-0123456789abcdef0", "cidr_block": "10.0.0.0/24", "availability_zone": region + "a",
		}
	case "aws_route53_zone":
		name, _ := d.String("name") // the zone asked for (alb.domain.zone_name)
		if name == "" || strings.Contains(name, "${") {
			name = "example.com"
		}
		return map[string]any{
			"id": "Z0123456789ABCDEFGHIJ", "zone_id": "Z0123456789ABCDEFGHIJ",
			"name": name, "arn": "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
			// private_zone is an argument only (not computed): no override.
			"name_servers": []string{"ns-1.awsdns-01.org"},
		}
	case "aws_acm_certificate":
		a := arn("acm", "certificate/00000000-0000-4000-8000-000000000000")
		return map[string]any{"id": a, "arn": a, "domain": "example.com", "status": "ISSUED"}
	case "aws_kms_key", "aws_kms_alias":
		a := arn("kms", "key/00000000-0000-4000-8000-000000000000")
		return map[string]any{"id": "00000000-0000-4000-8000-000000000000", "arn": a, "target_key_arn": a, "target_key_id": "00000000-0000-4000-8000-000000000000"}
	case "aws_iam_role":
		name, _ := d.String("name")
		if name == "" || strings.Contains(name, "${") {
			name = "offline-role"
		}
		return map[string]any{"id": name, "arn": "arn:aws:iam::" + AccountID + ":role/" + name, "unique_id": "AROAOFFLINEVALIDATE0"}
	case "aws_security_group":
		return map[string]any{"id": "sg-0123456789abcdef0", "arn": arn("ec2", "security-group/sg-0123456789abcdef0"), "vpc_id": "vpc-0123456789abcdef0"}
	}
	return nil
}

// TestFileJSON returns the `terraform test` file: one plan run with
// refresh off, and an override_data for every data source the provider
// cannot answer offline.
func TestFileJSON(answers []Answer) ([]byte, error) {
	var overrides []any
	for _, a := range answers {
		if a.Provider {
			continue
		}
		values := a.Values
		if values == nil {
			values = map[string]any{}
		}
		overrides = append(overrides, map[string]any{"target": a.Address, "values": values})
	}
	doc := map[string]any{
		"//":  "Added by scripts/validate.sh: plans the stack with every AWS-reading data source answered locally.",
		"run": map[string]any{"offline_plan": map[string]any{"command": "plan", "plan_options": map[string]any{"refresh": false}}},
	}
	if len(overrides) > 0 {
		doc["override_data"] = overrides
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// CLIConfig is the Terraform CLI configuration (TF_CLI_CONFIG_FILE) that
// installs hashicorp/aws from providerDir with dev_overrides (which ignores
// the stacks' version constraint) and nothing from anywhere else.
func CLIConfig(providerDir string) string {
	// A JSON string is an HCL string once template sequences are escaped.
	q, _ := json.Marshal(providerDir)
	lit := strings.NewReplacer("${", "$${", "%{", "%%{").Replace(string(q))
	return "# Written by scripts/validate.sh: use the locally built AWS provider, install nothing.\n" +
		"disable_checkpoint = true\n\n" +
		"provider_installation {\n" +
		"  dev_overrides {\n" +
		"    \"hashicorp/aws\" = " + lit + "\n" +
		"  }\n" +
		"}\n"
}
