package config

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
)

var (
	// dnsLabelRE is one label of a host name (RFC 1123): letters, digits and
	// hyphens, not starting or ending with a hyphen, at most 63 characters.
	// Lowercase only: Route53 and ACM keep names in lowercase, so an
	// uppercase name would show as a change on every plan.
	dnsLabelRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// zoneIDRE is the shape of a Route53 hosted zone ID.
	zoneIDRE = regexp.MustCompile(`^Z[0-9A-Z]{1,32}$`)
	// webACLARNRE is the shape of a regional WAFv2 web ACL's ARN: region,
	// account, name (1-128 letters, digits, '_' and '-') and ID (a UUID).
	webACLARNRE = regexp.MustCompile(`^arn:` + Partition + `:wafv2:([a-z0-9-]+):[0-9]{12}:regional/webacl/[A-Za-z0-9_-]{1,128}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// bucketRule says what an S3 bucket name is, for messages.
const bucketRule = "want 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit"

// validateALBOwn checks the resources the load balancer takes instead of
// making them: alb.access_log_bucket and alb.waf_web_acl_arn.
func validateALBOwn(e *Environment, bad badFunc) {
	a := e.ALB
	if b := a.AccessLogBucket; b != "" {
		switch {
		case !bucketRE.MatchString(b) || strings.Contains(b, "..") || net.ParseIP(b) != nil:
			bad("alb.access_log_bucket", "%s is not an S3 bucket name; %s, no '..', not an IP address", q(b), bucketRule)
		case !a.AccessLogs && !a.ConnectionLogs:
			bad("alb.access_log_bucket", "is set but alb.access_logs and alb.connection_logs are false; turn one on, or remove access_log_bucket")
		}
	}
	if arn := a.WAFWebACLARN; arn != "" {
		m := webACLARNRE.FindStringSubmatch(arn)
		switch {
		case m == nil:
			bad("alb.waf_web_acl_arn", "%s is not a regional WAFv2 web ACL ARN; want arn:%s:wafv2:<region>:<12-digit account>:regional/webacl/<name>/<id>", q(arn), Partition)
		case checkRegion(e.Region) == "" && m[1] != e.Region:
			bad("alb.waf_web_acl_arn", "is in region %s; a load balancer takes a web ACL of its own region %s", keyText(m[1]), e.Region)
		case !a.WAF:
			bad("alb.waf_web_acl_arn", "is set but alb.waf is false; set waf: true to associate the web ACL, or remove waf_web_acl_arn")
		}
	}
}

const (
	// maxDNSName is the longest DNS name in characters, without the final dot.
	maxDNSName = 253
	// maxAlternativeNames: ACM's default quota is 10 names per certificate,
	// the domain name included.
	maxAlternativeNames = 9
	// slow start bounds of a target group, seconds (0 turns it off).
	minSlowStart, maxSlowStart = 30, 900
	// maxStickinessDuration of an lb_cookie, seconds (7 days).
	maxStickinessDuration = 604800
)

// dnsNameProblem says what is wrong with a host name, or "" when it is a
// valid lowercase DNS name of at least two labels (wildcard: a leading "*."
// when wildcard is allowed).
func dnsNameProblem(name string, wildcard bool) string {
	host := name
	if wildcard {
		host = strings.TrimPrefix(name, "*.")
	}
	switch {
	case name == "":
		return "is empty"
	case strings.HasSuffix(name, "."):
		return "ends in a dot; write the name without it"
	case len(name) > maxDNSName:
		return fmt.Sprintf("is %d characters; DNS names are at most %d", len(name), maxDNSName)
	case !strings.Contains(host, "."):
		return "has one label; want a name in a zone, e.g. app.example.com"
	}
	for _, label := range strings.Split(host, ".") {
		if !dnsLabelRE.MatchString(label) {
			if label == "*" && wildcard {
				return `has a wildcard that is not the first label; "*." may only start the name`
			}
			if label == "*" {
				return "has a wildcard; a hosted zone's name has none, e.g. example.com"
			}
			return fmt.Sprintf("has the label %s; want labels of 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen", q(label))
		}
	}
	return ""
}

// inZone reports whether name (a wildcard too) is zone or a name under it.
func inZone(name, zone string) bool {
	name = strings.TrimPrefix(name, "*.")
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// validateALBDomain checks alb.domain: the names, the zone, and that it does
// not come with a certificate made elsewhere.
func validateALBDomain(e *Environment, bad badFunc) {
	d := e.ALB.Domain
	if d == nil {
		return
	}
	if e.ALB.CertificateARN != "" {
		bad("alb.certificate_arn", "is set together with alb.domain; the domain gets its own validated certificate: remove certificate_arn, or remove domain to use the certificate made elsewhere")
	}
	if d.Name == "" {
		bad("alb.domain.name", "is missing; want the name clients use, e.g. app.example.com")
	} else if msg := dnsNameProblem(d.Name, true); msg != "" {
		bad("alb.domain.name", "%s %s", q(d.Name), msg)
	}
	switch {
	case d.ZoneID == "" && d.ZoneName == "":
		bad("alb.domain", "has neither zone_id nor zone_name; want exactly one: the Route53 public hosted zone that holds %s", orExample(d.Name))
	case d.ZoneID != "" && d.ZoneName != "":
		bad("alb.domain.zone_name", "is set together with zone_id; want exactly one of zone_id and zone_name")
	case d.ZoneID != "" && !zoneIDRE.MatchString(d.ZoneID):
		bad("alb.domain.zone_id", "%s is not a Route53 hosted zone ID; want Z and 1 to 32 uppercase letters or digits, e.g. Z0123456789ABCDEFGHIJ", q(d.ZoneID))
	case d.ZoneName != "":
		if msg := dnsNameProblem(d.ZoneName, false); msg != "" {
			bad("alb.domain.zone_name", "%s %s", q(d.ZoneName), msg)
		} else if d.Name != "" && dnsNameProblem(d.Name, true) == "" && !inZone(d.Name, d.ZoneName) {
			bad("alb.domain.name", "%s is not in the zone %s; want %s or a name ending in .%s", q(d.Name), d.ZoneName, d.ZoneName, d.ZoneName)
		}
	}
	if len(d.AlternativeNames) > maxAlternativeNames {
		bad("alb.domain.alternative_names", "lists %d names; ACM's default quota is 10 names per certificate, the domain name included: want at most %d", len(d.AlternativeNames), maxAlternativeNames)
	}
	seen := map[string]bool{d.Name: true}
	for i, san := range d.AlternativeNames {
		field := fmt.Sprintf("alb.domain.alternative_names[%d]", i)
		if msg := dnsNameProblem(san, true); msg != "" {
			bad(field, "%s %s", q(san), msg)
			continue
		}
		if seen[san] {
			bad(field, "%s is listed twice (with the name or the other alternative names); want distinct names", q(san))
			continue
		}
		seen[san] = true
		if d.ZoneName != "" && d.ZoneID == "" && dnsNameProblem(d.ZoneName, false) == "" && !inZone(san, d.ZoneName) {
			bad(field, "%s is outside the zone %s; alternative names must be in the domain's zone: want %s or a name ending in .%s", q(san), d.ZoneName, d.ZoneName, d.ZoneName)
		}
	}
}

// orExample is name when it is set, else an example name, for messages.
func orExample(name string) string {
	if name == "" {
		return "the name"
	}
	return q(name)
}

// validateALBKnobs checks the target group and load balancer knobs.
func validateALBKnobs(e *Environment, bad badFunc) {
	a := e.ALB
	if v := a.SlowStart; v != nil && *v != 0 && (*v < minSlowStart || *v > maxSlowStart) {
		bad("alb.slow_start", "%d is not allowed; want %d to %d seconds, or 0 for no slow start", *v, minSlowStart, maxSlowStart)
	}
	if a.Stickiness.Type != StickinessNone && a.Stickiness.Type != StickinessLBCookie {
		bad("alb.stickiness.type", "%s is not a stickiness type; allowed: %s (or leave type out for no stickiness)", q(string(a.Stickiness.Type)), StickinessLBCookie)
	}
	if a.Stickiness.Duration < 1 || a.Stickiness.Duration > maxStickinessDuration {
		bad("alb.stickiness.duration", "%d is not allowed; want 1 to %d seconds (7 days)", a.Stickiness.Duration, maxStickinessDuration)
	}
	if !slices.Contains(LBAlgorithms, a.Algorithm) {
		bad("alb.algorithm", "%s is not a load balancing algorithm; allowed: %s", q(string(a.Algorithm)), join(LBAlgorithms))
	}
	if !slices.Contains(DesyncMitigationModes, a.DesyncMitigationMode) {
		bad("alb.desync_mitigation_mode", "%s is not a desync mitigation mode; allowed: %s", q(string(a.DesyncMitigationMode)), join(DesyncMitigationModes))
	}
}
