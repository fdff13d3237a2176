package config_test

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// role is a valid role ARN in account 111122223333.
const role = "arn:aws:iam::111122223333:role/deploy"

// TestAccountsAndIPv6Accepted: the edges of account_id, assume_role,
// network.ipv6 and alb.ip_address_type load with the values (and the
// defaults of an assume_role block) they should have.
func TestAccountsAndIPv6Accepted(t *testing.T) {
	acct := []string{"account_id", `"111122223333"`}
	cases := []acceptedCase{
		{"ip address type default", nil, "alb.ip_address_type", config.IPAddressIPv4},
		{"ipv6 default off", nil, "network.ipv6", false},
		{"dualstack", []string{"network.ipv6", "true", "alb.ip_address_type", "dualstack"}, "alb.ip_address_type", config.IPAddressDualstack},
		{"dualstack without public ipv4", []string{"network.ipv6", "true", "alb.ip_address_type", "dualstack_without_public_ipv4"}, "alb.ip_address_type", config.IPAddressDualstackWithoutPublicIPv4},
		{"ipv6 network with an ipv4 load balancer", []string{"network.ipv6", "true"}, "network.ipv6", true},
		{"account with a leading zero", []string{"account_id", `"012345678901"`}, "account_id", "012345678901"},
		{"assume role defaults", append(acct, "assume_role", "{role_arn: "+role+"}"), "assume_role",
			&config.AssumeRole{RoleARN: role, Duration: 3600}},
		{"assume role, every key at its edge", append(acct, "assume_role", "{role_arn: 'arn:aws:iam::111122223333:role/team/ci/deploy+x=y,z.w@v_u-t', session_name: 'a@', external_id: '"+strings.Repeat("e", 1224)+"', duration: 43200}"), "assume_role.duration", 43200},
		{"assume role, shortest duration and external id with :/", append(acct, "assume_role", "{role_arn: "+role+", external_id: 'urn:x/y', duration: 900}"), "assume_role.external_id", "urn:x/y"},
		{"session name of 64", append(acct, "assume_role", "{role_arn: "+role+", session_name: "+strings.Repeat("s", 64)+"}"), "assume_role.session_name", strings.Repeat("s", 64)},
	}
	checkAccepted(t, cases)
}

// TestAccountsAndIPv6Problems: each case is a valid file with one setting
// wrong; it wants exactly n problems (1 unless it says), one on field
// saying each of want.
func TestAccountsAndIPv6Problems(t *testing.T) {
	acct := []string{"account_id", `"111122223333"`}
	ar := func(body string) []string { return append(append([]string{}, acct...), "assume_role", "{"+body+"}") }
	cases := []struct {
		name  string
		sets  []string
		field string
		want  []string
		n     int
	}{
		{"ip address type unknown", []string{"alb.ip_address_type", "ipv6"}, "alb.ip_address_type", []string{`"ipv6"`, "allowed: ipv4, dualstack, dualstack_without_public_ipv4"}, 0},
		{"API spelling refused", []string{"network.ipv6", "true", "alb.ip_address_type", "dualstack-without-public-ipv4"}, "alb.ip_address_type", []string{`"dualstack-without-public-ipv4"`, "allowed:"}, 0},
		{"dualstack without network ipv6", []string{"alb.ip_address_type", "dualstack"}, "alb.ip_address_type", []string{"is dualstack but network.ipv6 is false", "network.ipv6: true", "ip_address_type: ipv4"}, 0},
		{"no public ipv4 without network ipv6", []string{"alb.ip_address_type", "dualstack_without_public_ipv4"}, "alb.ip_address_type", []string{"dualstack_without_public_ipv4 but network.ipv6 is false"}, 0},
		{"no public ipv4 and no 0.0.0.0/0", []string{"network.ipv6", "true", "alb.ip_address_type", "dualstack_without_public_ipv4", "alb.ingress_cidrs", "[203.0.113.0/24]"}, "alb.ip_address_type",
			[]string{"does not admit 0.0.0.0/0", "no client could reach it", "use dualstack"}, 0},
		{"account too short", []string{"account_id", `"12345"`}, "account_id", []string{`"12345" is not an AWS account ID`, "12 digits", "123456789012"}, 0},
		{"account with letters", []string{"account_id", "abcdefghijkl"}, "account_id", []string{`"abcdefghijkl"`, "12 digits"}, 0},
		{"account of 13 digits", []string{"account_id", `"1111222233334"`}, "account_id", []string{`"1111222233334"`}, 0},
		{"assume role without account", []string{"assume_role", "{role_arn: " + role + "}"}, "account_id", []string{"is missing but assume_role is set", "12-digit"}, 0},
		{"role arn missing", ar("duration: 3600"), "assume_role.role_arn", []string{"is missing", "arn:aws:iam::111122223333:role/deploy"}, 0},
		{"role arn not an arn", ar("role_arn: deploy"), "assume_role.role_arn", []string{`"deploy" is not an IAM role ARN`, "arn:aws:iam::<12-digit account>:role/<name>"}, 0},
		{"role arn of a user", ar("role_arn: 'arn:aws:iam::111122223333:user/deploy'"), "assume_role.role_arn", []string{"is not an IAM role ARN"}, 0},
		{"role in another partition", ar("role_arn: 'arn:aws-cn:iam::111122223333:role/deploy'"), "assume_role.role_arn", []string{`partition "aws-cn"`, "partition aws"}, 0},
		{"role in GovCloud", ar("role_arn: 'arn:aws-us-gov:iam::111122223333:role/deploy'"), "assume_role.role_arn", []string{`partition "aws-us-gov"`}, 0},
		{"role in another account", ar("role_arn: 'arn:aws:iam::444455556666:role/deploy'"), "assume_role.role_arn", []string{"is in account 444455556666 but account_id is 111122223333"}, 0},
		{"role account malformed", ar("role_arn: 'arn:aws:iam::1111:role/deploy'"), "assume_role.role_arn", []string{`has account "1111"`}, 0},
		{"role name empty", ar("role_arn: 'arn:aws:iam::111122223333:role/'"), "assume_role.role_arn", []string{"no valid role name"}, 0},
		{"role name with a space", ar("role_arn: 'arn:aws:iam::111122223333:role/de ploy'"), "assume_role.role_arn", []string{"no valid role name"}, 0},
		{"role name too long", ar("role_arn: 'arn:aws:iam::111122223333:role/" + strings.Repeat("r", 65) + "'"), "assume_role.role_arn", []string{"no valid role name", "1-64"}, 0},
		{"session name of 1", ar("role_arn: " + role + ", session_name: a"), "assume_role.session_name", []string{`"a" is not an STS role session name`, "2-64"}, 0},
		{"session name of 65", ar("role_arn: " + role + ", session_name: " + strings.Repeat("s", 65)), "assume_role.session_name", []string{"2-64"}, 0},
		{"session name with a slash", ar("role_arn: " + role + ", session_name: 'ci/deploy'"), "assume_role.session_name", []string{`"ci/deploy"`}, 0},
		{"external id with a space", ar("role_arn: " + role + ", external_id: 'a b'"), "assume_role.external_id", []string{`"a b" is not an STS external ID`, "2-1224"}, 0},
		{"external id too long", ar("role_arn: " + role + ", external_id: '" + strings.Repeat("e", 1225) + "'"), "assume_role.external_id", []string{"2-1224"}, 0},
		{"duration too short", ar("role_arn: " + role + ", duration: 899"), "assume_role.duration", []string{"899 is out of range", "900 to 43200"}, 0},
		{"duration too long", ar("role_arn: " + role + ", duration: 43201"), "assume_role.duration", []string{"43201"}, 0},
		{"every assume role problem at once", ar("role_arn: x, session_name: '!', external_id: ' ', duration: 0"), "assume_role.duration", []string{"0 is out of range"}, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := build(t, "", c.sets...)
			_, ce := problemsOf(t, data)
			if ce == nil {
				t.Fatalf("accepted; want a problem on %q\n%s", c.field, data)
			}
			n := c.n
			if n == 0 {
				n = 1
			}
			if len(ce.Problems) != n {
				t.Errorf("got %d problems, want %d:\n%v", len(ce.Problems), n, ce)
			}
			var p *config.Problem
			for i := range ce.Problems {
				if ce.Problems[i].Field == c.field {
					p = &ce.Problems[i]
				}
			}
			if p == nil {
				t.Fatalf("no problem on %q:\n%v", c.field, ce)
			}
			if p.Line < 1 {
				t.Errorf("problem has no line: %v", p)
			}
			for _, w := range c.want {
				if !strings.Contains(p.Msg, w) {
					t.Errorf("message %q lacks %q", p.Msg, w)
				}
			}
		})
	}
}

// TestIPAddressTypeAPI: the values the provider and the API take.
func TestIPAddressTypeAPI(t *testing.T) {
	cases := []struct {
		t          config.IPAddressType
		api        string
		dual, pub4 bool
	}{
		{config.IPAddressIPv4, "ipv4", false, true},
		{config.IPAddressDualstack, "dualstack", true, true},
		{config.IPAddressDualstackWithoutPublicIPv4, "dualstack-without-public-ipv4", true, false},
	}
	for _, c := range cases {
		if got := c.t.API(); got != c.api {
			t.Errorf("%s.API() = %q, want %q", c.t, got, c.api)
		}
		if got := c.t.DualStack(); got != c.dual {
			t.Errorf("%s.DualStack() = %v, want %v", c.t, got, c.dual)
		}
		if got := c.t.PublicIPv4(); got != c.pub4 {
			t.Errorf("%s.PublicIPv4() = %v, want %v", c.t, got, c.pub4)
		}
	}
}

// TestEnvironmentValidateAccounts: the Go path (webtier.New's) reports the
// same problems as the reader, all at once.
func TestEnvironmentValidateAccounts(t *testing.T) {
	e := config.Builtin()
	e.Name, e.Region, e.AvailabilityZones, e.Network.CIDR = "dev", "us-east-1", []string{"us-east-1a", "us-east-1b"}, "10.0.0.0/16"
	e.ALB.IPAddressType = config.IPAddressDualstack
	e.AccountID = "111122223333"
	e.AssumeRole = &config.AssumeRole{RoleARN: "arn:aws:iam::444455556666:role/deploy", Duration: 60}
	e.ApplyDerivedDefaults(config.DefaultProject)
	err := e.Validate(config.DefaultProject)
	want := []string{
		"alb.ip_address_type: is dualstack but network.ipv6 is false",
		"assume_role.role_arn: is in account 444455556666 but account_id is 111122223333",
		"assume_role.duration: 60 is out of range",
	}
	if err == nil {
		t.Fatalf("Validate accepted; want %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Validate: %v\nlacks %q", err, w)
		}
	}
}
