package e2e

import (
	"reflect"
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestReadFromStack: the harness reads the account guard, the load
// balancer's IP address type and the alias record types from a
// synthesized stack.
func TestReadFromStack(t *testing.T) {
	cases := []struct {
		name, json string
		guard      AccountGuard
		ipType     string
		aliases    []string
	}{
		{"nothing", `{"provider": {"aws": [{"region": "us-east-1"}]}, "resource": {"aws_lb": {"lb": {}}}}`, AccountGuard{}, "", nil},
		{"guard only, ipv4 written", `{"provider": {"aws": [{"allowed_account_ids": ["123456789012"]}]}, "resource": {"aws_lb": {"lb": {"ip_address_type": "ipv4"}}}}`,
			AccountGuard{Allowed: []string{"123456789012"}}, "", nil},
		{"assume role, dual-stack, A and AAAA", `{"provider": {"aws": [{"allowed_account_ids": ["210987654321"], "assume_role": [{"role_arn": "arn:aws:iam::210987654321:role/d", "session_name": "s"}]}]},
			"resource": {"aws_lb": {"lb": {"ip_address_type": "dualstack"}}, "aws_route53_record": {
				"v": {"type": "CNAME", "records": ["x"]}, "a": {"type": "A", "alias": {"name": "x"}}, "b": {"type": "AAAA", "alias": {"name": "x"}}, "c": {"type": "A", "alias": {"name": "y"}}}}}`,
			AccountGuard{Allowed: []string{"210987654321"}, RoleARN: "arn:aws:iam::210987654321:role/d", SessionName: "s"}, "dualstack", []string{"A", "AAAA"}},
		{"no public IPv4: AAAA only", `{"resource": {"aws_lb": {"lb": {"ip_address_type": "dualstack-without-public-ipv4"}}, "aws_route53_record": {"b": {"type": "AAAA", "alias": {"name": "x"}}}}}`,
			AccountGuard{}, "dualstack-without-public-ipv4", []string{"AAAA"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := stackjson.Parse("web", []byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			if got := AccountGuardFrom(s); !reflect.DeepEqual(got, c.guard) {
				t.Errorf("AccountGuardFrom = %+v, want %+v", got, c.guard)
			}
			if got := IPAddressTypeFrom(s); got != c.ipType {
				t.Errorf("IPAddressTypeFrom = %q, want %q", got, c.ipType)
			}
			if got := aliasTypesFrom(s); !slices.Equal(got, c.aliases) {
				t.Errorf("aliasTypesFrom = %q, want %q", got, c.aliases)
			}
		})
	}
}
