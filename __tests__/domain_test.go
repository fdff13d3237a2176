package tests

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/diagram"
	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/review"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// domainFixture is the environments file with custom domains (a fixture the
// tests own: its zones exist only in the emulator and in the offline
// validation).
var domainFixture = filepath.Join("testdata", "domain.yaml")

var (
	domainOnce   sync.Once
	domainResult *synthResult
)

// domainSynth synthesizes the domain fixture once per test binary.
func domainSynth(t *testing.T) *synthResult {
	t.Helper()
	domainOnce.Do(func() { domainResult = synthFile(t, domainFixture) })
	if domainResult == nil {
		t.Fatal("the synth of the domain fixture failed in an earlier test")
	}
	return domainResult
}

// TestDomainGolden compares the domain fixture's stacks with their reviewed
// golden files (testdata/golden/domain/<env>.tf.json) byte for byte; `go
// test ./__tests__ -update` rewrites them.
func TestDomainGolden(t *testing.T) {
	r := domainSynth(t)
	for _, env := range []string{"web", "api"} {
		t.Run(env, func(t *testing.T) {
			got, ok := r.raw[env]
			if !ok {
				t.Fatalf("no stack %q synthesized; got %v", env, keys(r.raw))
			}
			// Not beside the user's snapshots: TestSnapshots owns every *.tf.json there.
			checkGolden(t, env, got, filepath.Join("testdata", "golden", "domain", env+".tf.json"))
		})
	}
}

// listenerOnPort returns the stack's listener on port.
func listenerOnPort(t *testing.T, s *stackjson.Stack, port float64) stackjson.Resource {
	t.Helper()
	for _, l := range s.OfType("aws_lb_listener") {
		if p, _ := l.Number("port"); p == port {
			return l
		}
	}
	t.Fatalf("%s: no listener on port %v in %s", s.Name, port, show(s.OfType("aws_lb_listener")))
	return stackjson.Resource{}
}

// TestDomainProperties: alb.domain gives a DNS-validated certificate with one
// validation record per distinct record, HTTPS on the validated certificate
// with HTTP redirecting, and alias records per name to the load balancer (A, and AAAA when dual-stack).
func TestDomainProperties(t *testing.T) {
	r := domainSynth(t)
	cases := []struct {
		env       string
		names     []string // the certificate's names: domain first
		zone      string   // the zone_id every record names: a literal or a data source address
		zoneData  string   // the looked-up zone's name; "" when zone_id is given
		validated []string // the names whose validation records are made
		types     []string // the alias record types of each name: AAAA too when dual-stack
	}{
		{env: "web", names: []string{"app.example.com", "*.app.example.com", "www.example.com"}, zoneData: "example.com",
			validated: []string{"app.example.com", "www.example.com"}, types: []string{"A", "AAAA"}},
		{env: "api", names: []string{"api.example.org"}, zone: "Z0123456789ABCDEFGHIJ", validated: []string{"api.example.org"}, types: []string{"A"}},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			s := r.stacks[c.env]
			if s == nil {
				t.Fatalf("no stack %s; got %v", c.env, keys(r.stacks))
			}
			zones := s.OfType("data.aws_route53_zone")
			wantZone := func(v any) bool { s, _ := v.(string); return s == c.zone }
			if c.zoneData != "" {
				if len(zones) != 1 {
					t.Fatalf("got %d data.aws_route53_zone, want 1", len(zones))
				}
				if n, _ := zones[0].String("name"); n != c.zoneData {
					t.Errorf("zone name = %q, want %q", n, c.zoneData)
				}
				if p, ok := zones[0].Bool("private_zone"); !ok || p {
					t.Errorf("zone private_zone = %v (set %v), want false: the records are public", p, ok)
				}
				wantZone = func(v any) bool { return stackjson.RefTo(v, zones[0].Address()) }
			} else if len(zones) != 0 {
				t.Errorf("got %d data.aws_route53_zone with zone_id given, want none", len(zones))
			}

			cert := mustOne(t, s, "aws_acm_certificate")
			if n, _ := cert.String("domain_name"); n != c.names[0] {
				t.Errorf("certificate domain_name = %q, want %q", n, c.names[0])
			}
			if m, _ := cert.String("validation_method"); m != "DNS" {
				t.Errorf("certificate validation_method = %q, want DNS", m)
			}
			var sans []string
			for _, v := range cert.List("subject_alternative_names") {
				sans = append(sans, v.(string))
			}
			if want := c.names[1:]; !slices.Equal(sans, want) && !(len(sans) == 0 && len(want) == 0) {
				t.Errorf("subject_alternative_names = %q, want %q", sans, want)
			}
			if _, ok := cert.Get("subject_alternative_names"); ok && len(c.names) == 1 {
				t.Errorf("subject_alternative_names written with no alternative names: %s", show(cert.Attrs))
			}

			var validation, alias []stackjson.Resource
			for _, rec := range s.OfType("aws_route53_record") {
				if !wantZone(mustGet(t, rec, "zone_id")) {
					t.Errorf("%s zone_id = %v, want %s", rec.Where(), mustGet(t, rec, "zone_id"), c.zone+c.zoneData)
				}
				if _, ok := rec.Get("alias"); ok {
					alias = append(alias, rec)
				} else {
					validation = append(validation, rec)
				}
			}

			// One validation record per distinct record, each reading the
			// option of its own name, overwriting a leftover.
			var validatedNames []string
			for _, rec := range validation {
				name, _ := rec.String("name")
				typ, _ := rec.String("type")
				records := rec.List("records")
				if len(records) != 1 {
					t.Fatalf("%s records = %v, want one value", rec.Where(), records)
				}
				value, _ := records[0].(string)
				var of string
				for _, attr := range []string{name, typ, value} {
					n, ok := optionOf(attr, cert.Address())
					if !ok {
						t.Errorf("%s reads %q, want the certificate's domain_validation_options by domain name", rec.Where(), attr)
					}
					if of != "" && n != of {
						t.Errorf("%s reads the options of %q and %q, want one name", rec.Where(), of, n)
					}
					of = n
				}
				validatedNames = append(validatedNames, of)
				if !strings.HasSuffix(name, ".resource_record_name}") || !strings.HasSuffix(typ, ".resource_record_type}") || !strings.HasSuffix(value, ".resource_record_value}") {
					t.Errorf("%s reads name %q, type %q, value %q; want resource_record_name, _type, _value", rec.Where(), name, typ, value)
				}
				if o, _ := rec.Bool("allow_overwrite"); !o {
					t.Errorf("%s allow_overwrite = false, want true", rec.Where())
				}
				if ttl, _ := rec.Number("ttl"); ttl != 60 {
					t.Errorf("%s ttl = %v, want 60", rec.Where(), ttl)
				}
			}
			sort.Strings(validatedNames)
			if !slices.Equal(validatedNames, c.validated) {
				t.Errorf("validation records for %q, want %q (one per distinct record)", validatedNames, c.validated)
			}

			v := mustOne(t, s, "aws_acm_certificate_validation")
			if a, _ := v.Get("certificate_arn"); !stackjson.RefTo(a, cert.Address()) {
				t.Errorf("validation certificate_arn = %v, want %s", a, ref(cert, "arn"))
			}
			var fqdns, wantFQDNs []string
			for _, f := range v.List("validation_record_fqdns") {
				fqdns = append(fqdns, f.(string))
			}
			for _, rec := range validation {
				wantFQDNs = append(wantFQDNs, ref(rec, "fqdn"))
			}
			sort.Strings(fqdns)
			sort.Strings(wantFQDNs)
			if !slices.Equal(fqdns, wantFQDNs) {
				t.Errorf("validation_record_fqdns = %q, want %q", fqdns, wantFQDNs)
			}

			lb := mustOne(t, s, "aws_lb")
			https := listenerOnPort(t, s, 443)
			if a, _ := https.String("certificate_arn"); a != ref(v, "certificate_arn") {
				t.Errorf("HTTPS listener certificate_arn = %q, want the validated %s", a, ref(v, "certificate_arn"))
			}
			if p, _ := https.String("protocol"); p != "HTTPS" {
				t.Errorf("listener on 443 protocol = %q, want HTTPS", p)
			}
			http := listenerOnPort(t, s, 80)
			if typ, _ := http.String("default_action", "type"); typ != "redirect" {
				t.Errorf("HTTP listener action = %q, want redirect to HTTPS", typ)
			}

			if got, want := s.Outputs[outputs.URL].Value, "https://"+c.names[0]; got != want {
				t.Errorf("url = %v, want %q", got, want)
			}
			if got, want := s.Outputs[outputs.CertificateARN].Value, ref(v, "certificate_arn"); got != want {
				t.Errorf("certificate_arn = %v, want the validated %q", got, want)
			}

			aliasNames := map[string][]string{}
			for _, rec := range alias {
				n, _ := rec.String("name")
				typ, _ := rec.String("type")
				aliasNames[typ] = append(aliasNames[typ], n)
				if !slices.Contains(c.types, typ) {
					t.Errorf("%s type = %q, want one of %q", rec.Where(), typ, c.types)
				}
				if e, _ := rec.Bool("alias", "evaluate_target_health"); !e {
					t.Errorf("%s evaluate_target_health = false, want true", rec.Where())
				}
				if a, _ := rec.String("alias", "name"); a != ref(lb, "dns_name") {
					t.Errorf("%s alias name = %q, want %s", rec.Where(), a, ref(lb, "dns_name"))
				}
				if a, _ := rec.String("alias", "zone_id"); a != ref(lb, "zone_id") {
					t.Errorf("%s alias zone_id = %q, want %s", rec.Where(), a, ref(lb, "zone_id"))
				}
				if o, _ := rec.Bool("allow_overwrite"); !o {
					t.Errorf("%s allow_overwrite = false, want true (a lost answer's retry takes the record over)", rec.Where())
				}
			}
			wantAlias := slices.Clone(c.names)
			sort.Strings(wantAlias)
			for _, typ := range c.types {
				sort.Strings(aliasNames[typ])
				if !slices.Equal(aliasNames[typ], wantAlias) {
					t.Errorf("%s alias records for %q, want one per name %q", typ, aliasNames[typ], wantAlias)
				}
			}
		})
	}
}

// optionOf parses `${{ for key, val in toset(tolist(<cert>.domain_validation_options)): val.domain_name => val }["<name>"].<attr>}`
// and returns the name, when expr has that shape for cert.
func optionOf(expr, cert string) (string, bool) {
	prefix := "${{ for key, val in toset(tolist(" + cert + ".domain_validation_options)): val.domain_name => val }[\""
	if !strings.HasPrefix(expr, prefix) {
		return "", false
	}
	name, _, ok := strings.Cut(strings.TrimPrefix(expr, prefix), "\"]")
	return name, ok
}

// mustGet returns an attribute that must be there.
func mustGet(t *testing.T, r stackjson.Resource, path ...any) any {
	t.Helper()
	v, ok := r.Get(path...)
	if !ok {
		t.Fatalf("%s has no %v: %s", r.Where(), path, show(r.Attrs))
	}
	return v
}

// TestALBKnobs: the target group and load balancer knobs reach the JSON as
// set, and the defaults write none of them (AWS's own defaults apply).
func TestALBKnobs(t *testing.T) {
	d := domainSynth(t)
	web, api := d.stacks["web"], d.stacks["api"]
	tg := mustOne(t, web, "aws_lb_target_group")
	lb := mustOne(t, web, "aws_lb")
	bucket := mustOne(t, web, "aws_s3_bucket")
	checks := []struct {
		what string
		r    stackjson.Resource
		path []any
		want any
	}{
		{"slow_start", tg, []any{"slow_start"}, 60.0},
		{"algorithm", tg, []any{"load_balancing_algorithm_type"}, "least_outstanding_requests"},
		{"stickiness type", tg, []any{"stickiness", "type"}, "lb_cookie"},
		{"stickiness duration (default)", tg, []any{"stickiness", "cookie_duration"}, 86400.0},
		{"stickiness enabled", tg, []any{"stickiness", "enabled"}, true},
		{"desync mitigation", lb, []any{"desync_mitigation_mode"}, "strictest"},
		{"http2", lb, []any{"enable_http2"}, false},
		{"connection logs on", lb, []any{"connection_logs", "enabled"}, true},
		{"connection logs prefix", lb, []any{"connection_logs", "prefix"}, "alb-connections"},
		{"connection logs bucket", lb, []any{"connection_logs", "bucket"}, ref(bucket, "id")},
		{"access logs prefix", lb, []any{"access_logs", "prefix"}, "alb"},
	}
	for _, c := range checks {
		if got, ok := c.r.Get(c.path...); !ok || got != c.want {
			t.Errorf("web %s: %v = %v (set %v), want %v", c.what, c.path, got, ok, c.want)
		}
	}
	policy, _ := mustOne(t, web, "aws_s3_bucket_policy").String("policy")
	for _, prefix := range []string{"/alb/AWSLogs/", "/alb-connections/AWSLogs/"} {
		if !strings.Contains(policy, prefix) {
			t.Errorf("web bucket policy lets the load balancer write no %s: %s", prefix, policy)
		}
	}

	// api: connection logs without access logs still get the bucket, and
	// its policy admits only the connection logs.
	apiLB := mustOne(t, api, "aws_lb")
	if a, ok := apiLB.Get("access_logs"); ok {
		t.Errorf("api access_logs = %v with access_logs false, want none", a)
	}
	if b, _ := apiLB.String("connection_logs", "bucket"); b != ref(mustOne(t, api, "aws_s3_bucket"), "id") {
		t.Errorf("api connection_logs bucket = %q, want the log bucket", b)
	}
	apiPolicy, _ := mustOne(t, api, "aws_s3_bucket_policy").String("policy")
	if strings.Contains(apiPolicy, "/alb/AWSLogs/") || !strings.Contains(apiPolicy, "/alb-connections/AWSLogs/") {
		t.Errorf("api bucket policy = %s, want writes to alb-connections/ only", apiPolicy)
	}

	def := fixtureSynth(t)
	for _, env := range []string{"dev", "stage", "prod"} {
		s := def.stacks[env]
		for _, c := range []struct {
			typ  string
			attr string
		}{
			{"aws_lb_target_group", "slow_start"}, {"aws_lb_target_group", "load_balancing_algorithm_type"}, {"aws_lb_target_group", "stickiness"},
			{"aws_lb", "desync_mitigation_mode"}, {"aws_lb", "enable_http2"}, {"aws_lb", "connection_logs"},
		} {
			if v, ok := mustOne(t, s, c.typ).Get(c.attr); ok {
				t.Errorf("%s %s.%s = %v with the defaults, want it left out", env, c.typ, c.attr, v)
			}
		}
		for _, typ := range []string{"aws_acm_certificate", "aws_acm_certificate_validation", "aws_route53_record"} {
			if n := len(s.OfType(typ)); n != 0 {
				t.Errorf("%s has %d %s without a domain, want none", env, n, typ)
			}
		}
	}
}

// TestDomainReview: the review diagram draws the certificate (with its
// validation and records folded in), the zone and an alias record per name,
// the HTTPS listener pointing at the certificate; the settings and the
// summary name the domain and where the certificate comes from.
func TestDomainReview(t *testing.T) {
	r := domainSynth(t)
	web := r.stacks["web"]
	d := diagram.Build(web)
	nodes := map[string]*diagram.Node{}
	for _, n := range d.Nodes {
		nodes[n.ID] = n
	}
	wantLines := map[string][]string{
		"alb_certificate":             {"ACM certificate", "app.example.com + 2 names", "DNS validated · 2 records"},
		"alb_zone":                    {"Route53 hosted zone", "example.com", "looked up by name"},
		"alb_alias_app_example_com":   {"Route53 record", "alias A app.example.com", "evaluates target health"},
		"alb_alias___app_example_com": {"Route53 record", "alias A *.app.example.com", "evaluates target health"},
		"alb_alias_www_example_com":   {"Route53 record", "alias A www.example.com", "evaluates target health"},
	}
	for id, want := range wantLines {
		n := nodes[id]
		if n == nil {
			t.Errorf("no node %s; nodes: %v", id, keys(nodes))
			continue
		}
		if !slices.Equal(n.Lines, want) {
			t.Errorf("node %s lines = %q, want %q", id, n.Lines, want)
		}
	}
	for _, typ := range []string{"aws_acm_certificate_validation", "aws_route53_record"} {
		for _, n := range d.Nodes {
			if n.Type == typ && !strings.HasPrefix(n.ID, "alb_alias_") {
				t.Errorf("%s drawn as its own node %s, want it folded into the certificate", typ, n.ID)
			}
		}
	}
	edges := map[[2]string]string{}
	for _, e := range d.Edges {
		edges[[2]string{e.From, e.To}] = e.Label
	}
	for _, e := range []struct{ from, to, label string }{
		{"alb_https", "alb_certificate", "certificate"},
		{"alb_alias_app_example_com", "alb_lb", "alias"},
		{"alb_alias_www_example_com", "alb_lb", "alias"},
		{"alb_certificate", "alb_zone", ""},
	} {
		if label, ok := edges[[2]string{e.from, e.to}]; !ok || label != e.label {
			t.Errorf("edge %s -> %s: label %q (present %v), want %q", e.from, e.to, label, ok, e.label)
		}
	}

	for _, c := range []struct {
		env, domain, cert string
	}{
		{"web", "app.example.com, *.app.example.com, www.example.com in zone example.com", "ACM, DNS-validated in the stack"},
		{"api", "api.example.org in zone Z0123456789ABCDEFGHIJ", "ACM, DNS-validated in the stack"},
	} {
		s := r.stacks[c.env]
		if got := review.DomainLine(s); got != c.domain {
			t.Errorf("%s DomainLine = %q, want %q", c.env, got, c.domain)
		}
		if got := review.CertificateLine(s); got != c.cert {
			t.Errorf("%s CertificateLine = %q, want %q", c.env, got, c.cert)
		}
	}
	if got, want := review.RoutingLine(&[]stackjson.Resource{mustOne(t, web, "aws_lb_target_group")}[0]), "least_outstanding_requests, lb_cookie stickiness 86400s, slow start 60s"; got != want {
		t.Errorf("RoutingLine = %q, want %q", got, want)
	}
	var b strings.Builder
	if err := review.WriteSummary(&b, []*stackjson.Stack{web, r.stacks["api"]}, nil); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(b.String(), "\n") {
		for _, label := range []string{"entry point", "certificate"} {
			if strings.HasPrefix(line, label+" ") {
				rows[label] = strings.Join(strings.Fields(strings.TrimPrefix(line, label)), " ")
			}
		}
	}
	for label, want := range map[string]string{"entry point": "https://app.example.com https://api.example.org", "certificate": "ACM (DNS) ACM (DNS)"} {
		if rows[label] != want {
			t.Errorf("summary row %s = %q, want %q:\n%s", label, rows[label], want, b.String())
		}
	}
}
