package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestDomainFrom: the harness reads the names and the zone to make from a
// stack; a stack naming a zone ID cannot be deployed against the emulator
// (it picks zone IDs itself) and is refused with the way out named.
func TestDomainFrom(t *testing.T) {
	const cert = `"aws_acm_certificate": {"c": {"domain_name": "app.example.com", "subject_alternative_names": ["*.app.example.com", "www.example.com"]}}`
	cases := []struct {
		name, json string
		want       *Domain
		err        string
	}{
		{"no domain", `{"resource": {"aws_lb": {"lb": {}}}}`, nil, ""},
		{"zone by name", `{"resource": {` + cert + `}, "data": {"aws_route53_zone": {"z": {"name": "example.com"}}}}`,
			&Domain{Names: []string{"app.example.com", "*.app.example.com", "www.example.com"}, Zone: "example.com"}, ""},
		{"zone by ID", `{"resource": {` + cert + `, "aws_route53_record": {"r": {"zone_id": "Z0123456789ABCDEFGHIJ"}}}}`, nil,
			"deploy an environment with alb.domain.zone_name"},
		{"zone name not literal", `{"resource": {` + cert + `}, "data": {"aws_route53_zone": {"z": {"name": "${var.zone}"}}}}`, nil, "not a literal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := stackjson.Parse("web", []byte(c.json))
			if err != nil {
				t.Fatal(err)
			}
			got, err := DomainFrom(s)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (c.want == nil) || (got != nil && (got.Zone != c.want.Zone || !slices.Equal(got.Names, c.want.Names))) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
