package alb

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/acmcertificatevalidation"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsroute53zone"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/route53record"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// ValidationRecordTTL is the TTL of the certificate's DNS validation records, seconds.
const ValidationRecordTTL = 60

// validationNames are the names whose DNS validation records the
// certificate needs, one per distinct record: ACM gives "*.x" and "x" the
// same record, so of the names that differ only by a leading "*." the
// first is kept. The order is the names' order.
func validationNames(d *config.Domain) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range d.Names() {
		base := strings.TrimPrefix(n, "*.")
		if seen[base] {
			continue
		}
		seen[base] = true
		out = append(out, n)
	}
	return out
}

// recordID is a construct id for a DNS name: dots become "_" and a leading
// "*." becomes "__". DNS names here hold no "_" (validated), so two names
// never get one id.
func recordID(prefix, name string) string {
	return prefix + strings.ReplaceAll(strings.ReplaceAll(name, "*", "_"), ".", "_")
}

// certificate is what domain makes for the listener.
type certificate struct {
	// ARN of the validated certificate: reading it waits for validation.
	ARN *string
}

// domain makes the ACM certificate of d with DNS validation in its hosted
// zone: one validation record per distinct record, the validation that
// waits until ACM has issued it, and alias records to the load balancer for
// every name: A while it has public IPv4 addresses, AAAA while it is
// dual-stack (alb.ip_address_type). A record of a family the load balancer
// has no address of would resolve to nothing.
func domain(s constructs.Construct, d *config.Domain, w Props, lbDNSName, lbZoneID *string) certificate {
	zoneID := jsii.String(d.ZoneID)
	if d.ZoneName != "" {
		zone := dataawsroute53zone.NewDataAwsRoute53Zone(s, jsii.String("zone"), &dataawsroute53zone.DataAwsRoute53ZoneConfig{
			Name:        jsii.String(d.ZoneName),
			PrivateZone: jsii.Bool(false),
		})
		zoneID = zone.ZoneId()
	}
	certConfig := &acmcertificate.AcmCertificateConfig{
		DomainName:       jsii.String(d.Name),
		ValidationMethod: jsii.String("DNS"),
		Tags:             ptr.Name(w.Name),
		// A changed name makes a new certificate; the listener moves to it before the old one goes.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	}
	if len(d.AlternativeNames) > 0 {
		certConfig.SubjectAlternativeNames = jsii.Strings(d.AlternativeNames...)
	}
	cert := acmcertificate.NewAcmCertificate(s, jsii.String("certificate"), certConfig)

	// domain_validation_options is a set: a map by domain name reads one
	// option by the name it validates, with keys known at plan time.
	options := cdktf.TerraformIterator_FromList(cert.DomainValidationOptions())
	byName := options.ForExpressionForMap(jsii.String("val.domain_name"), jsii.String("val"))
	option := func(name, attr string) *string {
		return cdktf.Token_AsString(cdktf.Fn_LookupNested(byName, &[]any{jsii.String(name), jsii.String(attr)}), nil)
	}
	var fqdns []*string
	for _, name := range validationNames(d) {
		r := route53record.NewRoute53Record(s, jsii.String(recordID("validation-", name)), &route53record.Route53RecordConfig{
			ZoneId:  zoneID,
			Name:    option(name, "resource_record_name"),
			Type:    option(name, "resource_record_type"),
			Records: ptr.L(option(name, "resource_record_value")),
			Ttl:     jsii.Number(ValidationRecordTTL),
			// A record left by an earlier certificate of the same name is taken over.
			AllowOverwrite: jsii.Bool(true),
		})
		fqdns = append(fqdns, r.Fqdn())
	}
	validation := acmcertificatevalidation.NewAcmCertificateValidation(s, jsii.String("certificate-validation"), &acmcertificatevalidation.AcmCertificateValidationConfig{
		CertificateArn:        cert.Arn(),
		ValidationRecordFqdns: &fqdns,
	})

	var families []struct{ prefix, typ string }
	if w.IPAddressType.PublicIPv4() {
		families = append(families, struct{ prefix, typ string }{"alias-", "A"})
	}
	if w.IPAddressType.DualStack() {
		families = append(families, struct{ prefix, typ string }{"alias-ipv6-", "AAAA"})
	}
	for _, name := range d.Names() {
		for _, f := range families {
			aliasRecord(s, recordID(f.prefix, name), f.typ, name, zoneID, lbDNSName, lbZoneID)
		}
	}
	return certificate{ARN: validation.CertificateArn()}
}

// aliasRecord makes the alias record of type typ (A or AAAA) of name to the load balancer.
func aliasRecord(s constructs.Construct, id, typ, name string, zoneID, lbDNSName, lbZoneID *string) {
	route53record.NewRoute53Record(s, jsii.String(id), &route53record.Route53RecordConfig{
		ZoneId: zoneID,
		Name:   jsii.String(name),
		Type:   jsii.String(typ),
		Alias: &route53record.Route53RecordAlias{
			Name:                 lbDNSName,
			ZoneId:               lbZoneID,
			EvaluateTargetHealth: jsii.Bool(true),
		},
		// The name is this stack's: a record already there (an apply
		// whose answer was lost, a name moved from elsewhere) is taken
		// over instead of failing the apply.
		AllowOverwrite: jsii.Bool(true),
	})
}
