package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	acmtypes "github.com/aws/aws-sdk-go-v2/service/acm/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Domain is what a stack with alb.domain says the emulator must hold.
type Domain struct {
	// Names on the certificate and the alias records: the domain name first.
	Names []string
	// Zone is the hosted zone's name (the stack looks it up by name).
	Zone string
	// AliasTypes are the alias record types each name has: A, and AAAA
	// with a dual-stack load balancer (only AAAA without public IPv4).
	AliasTypes []string
}

// DomainFrom reads the domain of a synthesized stack: nil without a
// certificate. The zone must be looked up by name (alb.domain.zone_name):
// the harness makes it in the emulator, which picks zone IDs itself, so a
// stack naming a zone ID cannot be deployed here.
func DomainFrom(s *stackjson.Stack) (*Domain, error) {
	certs := s.OfType("aws_acm_certificate")
	if len(certs) == 0 {
		return nil, nil
	}
	if len(certs) > 1 {
		return nil, fmt.Errorf("stack %s: %d aws_acm_certificate resources, want at most 1", s.Name, len(certs))
	}
	d := &Domain{AliasTypes: aliasTypesFrom(s)}
	name, _ := certs[0].String("domain_name")
	d.Names = append(d.Names, name)
	for _, san := range certs[0].List("subject_alternative_names") {
		if v, ok := san.(string); ok {
			d.Names = append(d.Names, v)
		}
	}
	zones := s.OfType("data.aws_route53_zone")
	if len(zones) != 1 {
		return nil, fmt.Errorf("stack %s has a certificate for %s but %d data.aws_route53_zone: the harness makes the zone by name, so deploy an environment with alb.domain.zone_name (the emulator chooses zone IDs, a zone_id cannot be made)", s.Name, name, len(zones))
	}
	d.Zone, _ = zones[0].String("name")
	if d.Zone == "" || strings.Contains(d.Zone, "${") {
		return nil, fmt.Errorf("stack %s: the zone's name is not a literal", s.Name)
	}
	return d, nil
}

// createZone makes the public hosted zone the stack's domain lives in, as
// its owner would have before deploying.
func (a *AWS) createZone(ctx context.Context, name, ref string) error {
	_, err := a.R53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String(name), CallerReference: aws.String(ref)})
	if err != nil {
		return fmt.Errorf("creating the hosted zone %s: %v", name, apiErr(err))
	}
	return nil
}

// zoneID finds a hosted zone by name.
func (a *AWS) zoneID(ctx context.Context, name string) (string, error) {
	zones, err := a.R53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("hosted zones named %s: %s", name, apiErr(err))
	}
	for _, z := range zones.HostedZones {
		if dnsName(aws.ToString(z.Name)) == dnsName(name) {
			return aws.ToString(z.Id), nil
		}
	}
	return "", fmt.Errorf("no hosted zone %s", name)
}

// dnsName is a name as DNS compares it: lowercase, without the final dot.
func dnsName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

// CheckURL compares the url and certificate_arn outputs with the listener:
// https://<domain> with a domain, https://<ALB DNS name> on an HTTPS
// listener, else http://<ALB DNS name>; certificate_arn is the HTTPS
// listener's certificate, or empty.
func CheckURL(ctx context.Context, a *AWS, d *Domain, o Outputs) error {
	var p Problems
	l, err := a.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{o.String(outputs.ListenerARN)}})
	if err != nil || len(l.Listeners) != 1 {
		return fmt.Errorf("listener_arn %q: not found (%v)", o.String(outputs.ListenerARN), apiErr(err))
	}
	listener := l.Listeners[0]
	wantURL, wantCert := "http://"+o.String(outputs.ALBDNSName), ""
	if listener.Protocol == "HTTPS" {
		wantURL = "https://" + o.String(outputs.ALBDNSName)
		for _, c := range listener.Certificates {
			wantCert = aws.ToString(c.CertificateArn)
		}
	}
	if d != nil {
		wantURL = "https://" + d.Names[0]
		if listener.Protocol != "HTTPS" {
			p.addf("listener_arn is %s with a domain, want HTTPS", listener.Protocol)
		}
	}
	if got := o.String(outputs.URL); got != wantURL {
		p.addf("url = %q, want %q", got, wantURL)
	}
	if got := o.String(outputs.CertificateARN); got != wantCert {
		p.addf("certificate_arn = %q, the listener's certificate is %q", got, wantCert)
	}
	return p.Err()
}

// CheckDomain checks a domain stack against the emulator: the certificate is
// issued for every name, the HTTPS listener serves it and HTTP redirects, and
// the zone holds each validation record and an alias record of each of
// d.AliasTypes per name to the load balancer, evaluating target health. It returns a summary cell.
func CheckDomain(ctx context.Context, a *AWS, d *Domain, o Outputs) (string, error) {
	var p Problems
	certARN := o.String(outputs.CertificateARN)
	cert, err := a.ACM.DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(certARN)})
	if err != nil {
		return "", fmt.Errorf("certificate_arn %q: %v", certARN, apiErr(err))
	}
	c := cert.Certificate
	if c.Status != acmtypes.CertificateStatusIssued {
		p.addf("certificate %s is %s, want ISSUED", certARN, c.Status)
	}
	if got := aws.ToString(c.DomainName); got != d.Names[0] {
		p.addf("certificate domain name %q, want %q", got, d.Names[0])
	}
	for _, n := range d.Names {
		if !slices.Contains(c.SubjectAlternativeNames, n) {
			p.addf("certificate names %v, want %s among them", c.SubjectAlternativeNames, n)
		}
	}

	l, err := a.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(o.String(outputs.ALBARN))})
	if err != nil {
		return "", fmt.Errorf("listeners of alb_arn: %v", apiErr(err))
	}
	redirects := false
	for _, listener := range l.Listeners {
		switch aws.ToInt32(listener.Port) {
		case 443:
			served := false
			for _, lc := range listener.Certificates {
				served = served || aws.ToString(lc.CertificateArn) == certARN
			}
			if !served || listener.Protocol != "HTTPS" {
				p.addf("listener on 443 is %s with certificates %v, want HTTPS with %s", listener.Protocol, listener.Certificates, certARN)
			}
		case 80:
			for _, act := range listener.DefaultActions {
				redirects = redirects || (act.RedirectConfig != nil && aws.ToString(act.RedirectConfig.Protocol) == "HTTPS")
			}
		}
	}
	if !redirects {
		p.addf("no listener on 80 redirecting to HTTPS")
	}

	zoneID, err := a.zoneID(ctx, d.Zone)
	if err != nil {
		return "", err
	}
	rrs, err := a.R53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zoneID)})
	if err != nil {
		return "", fmt.Errorf("records of %s: %v", d.Zone, apiErr(err))
	}
	type key struct{ name, typ string }
	records := map[key]r53types.ResourceRecordSet{}
	for _, rr := range rrs.ResourceRecordSets {
		// Route53 answers a wildcard's "*" as \052.
		name := strings.ReplaceAll(dnsName(aws.ToString(rr.Name)), `\052`, "*")
		records[key{name, string(rr.Type)}] = rr
	}
	validation := map[string]bool{}
	for _, opt := range c.DomainValidationOptions {
		rr := opt.ResourceRecord
		if rr == nil {
			p.addf("validation option of %s has no record", aws.ToString(opt.DomainName))
			continue
		}
		validation[dnsName(aws.ToString(rr.Name))] = true
		got, ok := records[key{dnsName(aws.ToString(rr.Name)), string(rr.Type)}]
		if !ok {
			p.addf("zone %s has no %s %s validating %s", d.Zone, rr.Type, aws.ToString(rr.Name), aws.ToString(opt.DomainName))
			continue
		}
		if len(got.ResourceRecords) != 1 || dnsName(aws.ToString(got.ResourceRecords[0].Value)) != dnsName(aws.ToString(rr.Value)) {
			p.addf("validation record %s holds %v, want %s", aws.ToString(rr.Name), got.ResourceRecords, aws.ToString(rr.Value))
		}
	}
	albDNS := dnsName(o.String(outputs.ALBDNSName))
	for _, n := range d.Names {
		for _, typ := range d.AliasTypes {
			rr, ok := records[key{n, typ}]
			switch {
			case !ok:
				p.addf("zone %s has no %s record %s", d.Zone, typ, n)
			case rr.AliasTarget == nil || dnsName(aws.ToString(rr.AliasTarget.DNSName)) != albDNS:
				p.addf("%s record %s is %+v, want an alias to the load balancer %s", typ, n, rr.AliasTarget, albDNS)
			case !rr.AliasTarget.EvaluateTargetHealth:
				p.addf("alias %s %s does not evaluate target health", typ, n)
			}
		}
	}
	if len(d.AliasTypes) == 0 {
		p.addf("the stack has no alias record for %v", d.Names)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	return fmt.Sprintf("certificate ISSUED for %d names, %d validation + %d alias records (%s)", len(d.Names), len(validation), len(d.Names)*len(d.AliasTypes), strings.Join(d.AliasTypes, ", ")), nil
}
