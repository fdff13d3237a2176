package config

import (
	"fmt"
	"maps"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	// The IANA time zone database inside the binary: a schedule's
	// time_zone is valid or not the same on every machine.
	_ "time/tzdata"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/platformstarter/elastic-web-tier/internal/cronspec"
)

var (
	amiRE      = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	ssmParamRE = regexp.MustCompile(`^/[A-Za-z0-9_./-]+$`)
	certARNRE  = regexp.MustCompile(`^arn:` + Partition + `:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	matcherRE  = regexp.MustCompile(`^[0-9]{3}([-,][0-9]{3})*$`)
	bucketRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
)

// Limits that come from AWS.
const (
	// maxNamePrefix: load balancer names are limited to 32 characters and
	// the stack appends up to 4 ("-asg"); <project>-<env> must fit 28.
	maxNamePrefix = 28
	// maxTags: AWS allows 50 tags per resource; the stack adds reservedTags.
	maxTags = 50 - 5
	// maxIngressCIDRs: the ALB security group gets one rule per CIDR and
	// listener port (80 and 443 with HTTPS); AWS allows 60 inbound rules per group.
	maxIngressCIDRs = 30
	// maxHealthPath is the longest ALB health check path (characters).
	maxHealthPath = 1024
	// maxGroupSize bounds min_size, max_size and the scaling adjustments.
	maxGroupSize = 100
	// max5xxThreshold bounds observability.alb_5xx_threshold: every whole
	// number setting has an upper bound well within 32 bits.
	max5xxThreshold = 1_000_000
	// maxRequestsPerTarget bounds scaling.target_requests_per_target
	// (requests per instance per minute; 100000 is over 1,600 a second).
	maxRequestsPerTarget = 100_000
	// maxSchedules is the AWS quota of scheduled actions per Auto Scaling group.
	// https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-quotas.html
	maxSchedules = 125
)

// reservedTags are the tags the stack itself puts on resources: the
// provider's default tags (DefaultTags) and the constructs' Name and Tier
// tags. A user tag with one of these keys would be overwritten without a word.
var reservedTags = []string{TagProject, TagEnvironment, TagManagedBy, "Name", "Tier"}

// badFunc reports one problem with a field of the environment.
type badFunc func(field, format string, args ...any)

// validateEnv checks every setting of e, whatever its compute mode or policy,
// so that switching modes never reveals an old mistake. n is the
// environment's node and defaults the defaults block's (nil without one),
// for line numbers and for where a setting comes from. Fields with a type
// problem are skipped: they kept their default, and checkNode has said what
// is wrong.
func validateEnv(c *collector, f *File, e *Environment, n, defaults *yaml.Node) {
	badAt := func(line int, field, format string, args ...any) {
		if !c.isBroken(e.Name, field) {
			c.add(line, e.Name, field, format, args...)
		}
	}
	bad := func(field, format string, args ...any) {
		if c.isBroken(e.Name, field) {
			return
		}
		line := 0
		if !c.full() { // a problem beyond MaxProblems is only counted
			line = lineOf(n, field)
		}
		c.add(line, e.Name, field, format, args...)
	}
	checkEnv(f.Project, e, bad, n, defaults, badAt, func() { loadUserDataFile(e, f.Dir, bad) })
}

// checkEnv runs the rules of every section of e and those that span
// sections, in the order the YAML reader reports them: the one list of
// rules behind both the reader (validateEnv) and Environment.Validate.
// afterCompute runs after the compute rules: the reader reads
// compute.user_data_file there, the Go path checks Compute.UserData. n and
// defaults are the environment's and the defaults block's nodes, for lines
// and where a setting comes from (nil on the Go path).
func checkEnv(project string, e *Environment, bad badFunc, n, defaults *yaml.Node, badAt func(line int, field, format string, args ...any), afterCompute func()) {
	validateRegion(e, bad)
	if s := string(e.ComputeMode); !slices.Contains(ComputeModes, e.ComputeMode) {
		bad("compute_mode", "%s is not a compute mode; allowed: %s", q(s), join(ComputeModes))
	}
	if prefix := e.NamePrefix(project); utf8.RuneCountInString(prefix) > maxNamePrefix {
		bad("", "name prefix %s is %d characters; project and environment name together must fit %d (AWS load balancer names are limited to 32)",
			q(prefix), utf8.RuneCountInString(prefix), maxNamePrefix)
	}
	validateNetwork(e, bad)
	validateCompute(e, bad)
	validateComputeLifecycle(e, bad)
	afterCompute()
	validateALB(e, bad)
	validateScaling(e, bad)
	validateObservability(e, bad)
	validateLogs(e, bad)
	validateBackend(e, bad)
	validateIPv6(e, bad)
	validateAccounts(e, bad)
	validateTags(e, n, badAt)
	validateIgnored(e, n, defaults, badAt)
	validateElasticity(e, bad)
	validateStepsReplaceAdjustment(e, n, defaults, badAt)
	if e.Budget != nil && e.Budget.MaxMonthlyUSD <= 0 {
		bad("budget.max_monthly_usd", "%g is not allowed; want the monthly ceiling in USD, above 0 (e.g. 500), or remove budget", e.Budget.MaxMonthlyUSD)
	}
	for i, s := range e.Suppressions {
		field := fmt.Sprintf("suppressions[%d]", i)
		if s.Rule == "" {
			bad(field+".rule", "is missing; want a policy rule ID such as EWT-ALB-1")
		}
		if s.Resource == "" {
			bad(field+".resource", "is missing; want a construct path such as %s/alb/lb", keyText(e.Name))
		}
		if strings.TrimSpace(s.Reason) == "" {
			bad(field+".reason", "is missing; a suppression needs a written reason")
		}
	}
}

func validateRegion(e *Environment, bad badFunc) {
	validateRegionName(e.Region, bad)
	example := orRegion(e.Region)
	switch {
	case len(e.AvailabilityZones) == 0:
		bad("availability_zones", "is missing; want at least 2 availability zones of %s, e.g. [%sa, %sb]", example, example, example)
	case len(e.AvailabilityZones) < 2:
		bad("availability_zones", "has 1 zone (%s); want at least 2 for high availability", keyText(e.AvailabilityZones[0]))
	}
	azSeen := map[string]bool{}
	for i, az := range e.AvailabilityZones {
		field := fmt.Sprintf("availability_zones[%d]", i)
		if azSeen[az] {
			bad(field, "%s is listed twice; want distinct zones", qASCII(az))
		}
		azSeen[az] = true
		// Against a valid region only: a wrong region is reported once, above.
		if checkRegion(e.Region) == "" && !(strings.HasPrefix(az, e.Region) && len(az) == len(e.Region)+1 && az[len(az)-1] >= 'a' && az[len(az)-1] <= 'z') {
			bad(field, "%s is not a zone of region %s; want %sa, %sb, ...", qASCII(az), keyText(e.Region), example, example)
		}
	}
}

// validateRegionName checks the region on its own.
func validateRegionName(region string, bad badFunc) {
	if region == "" {
		bad("region", "is missing; want an AWS region such as us-east-1")
	} else if msg := checkRegion(region); msg != "" {
		bad("region", "%s", msg)
	}
}

// orRegion is r when it is a valid region, else us-east-1, for examples.
func orRegion(r string) string {
	if checkRegion(r) != "" {
		return "us-east-1"
	}
	return r
}

func validateNetwork(e *Environment, bad badFunc) {
	nw := e.Network
	if !slices.Contains(NATModes, nw.NATMode) {
		bad("network.nat_mode", "%s is not a NAT mode; allowed: %s", q(string(nw.NATMode)), join(NATModes))
	} else if nw.NATMode == NATNone && !nw.InterfaceEndpoints {
		bad("network.nat_mode", "is none but network.interface_endpoints is false: without a NAT gateway or interface endpoints the instances could never reach Systems Manager (Session Manager) or CloudWatch Logs, so they could not be reached or managed; set interface_endpoints: true, or nat_mode: single or per_az")
	}
	if !slices.Contains(LogRetentionDays, nw.FlowLogRetentionDays) {
		bad("network.flow_log_retention_days", "%d is not a retention CloudWatch Logs accepts; allowed: %s", nw.FlowLogRetentionDays, join(LogRetentionDays))
	}
	if nw.CIDR == "" {
		bad("network.cidr", "is missing; want an IPv4 CIDR with a prefix from /16 to /24, e.g. 10.0.0.0/16")
		return
	}
	ip, vpc, err := net.ParseCIDR(nw.CIDR)
	if err != nil || ip.To4() == nil {
		bad("network.cidr", "%s is not an IPv4 CIDR; want e.g. 10.0.0.0/16", q(nw.CIDR))
		return
	}
	if !ip.Equal(vpc.IP) {
		bad("network.cidr", "%s has host bits set; want the network address %s", q(nw.CIDR), vpc.String())
		return
	}
	ones, _ := vpc.Mask.Size()
	if ones < 16 || ones > 24 {
		bad("network.cidr", "%s has prefix /%d; AWS VPCs take /16 to /28 and this layout needs /16 to /24", q(nw.CIDR), ones)
		return
	}
	azs := len(e.AvailabilityZones)
	if len(nw.PublicSubnetCIDRs) == 0 && len(nw.PrivateSubnetCIDRs) == 0 {
		if nw.SubnetNewbits < 1 || nw.SubnetNewbits > 28-ones {
			size := "no"
			if nw.SubnetNewbits >= 1 && nw.SubnetNewbits <= 32-ones {
				size = fmt.Sprintf("/%d", ones+nw.SubnetNewbits)
			}
			bad("network.subnet_newbits", "%d gives %s subnets from %s; AWS subnets must be /16 to /28, so want 1 to %d", nw.SubnetNewbits, size, nw.CIDR, 28-ones)
			return
		}
		if _, _, err := nw.SubnetCIDRs(azs); err != nil {
			bad("network.subnet_newbits", "%d leaves room for %d subnets per tier in %s, but %d availability zones need %d; raise subnet_newbits",
				nw.SubnetNewbits, 1<<(nw.SubnetNewbits-1), nw.CIDR, azs, azs)
		}
		return
	}
	// Every block of every tier, and the blocks that contain them, so that
	// overlaps are found in one pass: two CIDR blocks overlap only when one
	// contains the other.
	type block struct {
		ip   uint32
		bits int
	}
	mask := func(ip uint32, bits int) uint32 {
		if bits == 0 {
			return 0
		}
		return ip &^ (1<<(32-bits) - 1)
	}
	exact := map[block]string{} // a subnet -> its CIDR
	under := map[block]string{} // a block containing a subnet -> that subnet's CIDR
	tiers := []struct {
		field string
		cidrs []string
	}{{"network.public_subnet_cidrs", nw.PublicSubnetCIDRs}, {"network.private_subnet_cidrs", nw.PrivateSubnetCIDRs}}
	for _, tier := range tiers {
		if len(tier.cidrs) != azs {
			bad(tier.field, "lists %d subnets for %d availability zones; want one per zone (or leave both lists out to derive them)", len(tier.cidrs), azs)
		}
		for i, s := range tier.cidrs {
			field := fmt.Sprintf("%s[%d]", tier.field, i)
			sip, sn, err := net.ParseCIDR(s)
			if err != nil || sip.To4() == nil || !sip.Equal(sn.IP) {
				bad(field, "%s is not an IPv4 network CIDR; want e.g. 10.0.1.0/24", q(s))
				continue
			}
			p, _ := sn.Mask.Size()
			if p > 28 {
				bad(field, "%s is /%d, too small; AWS subnets must be /28 or larger", q(s), p)
				continue
			}
			if p < ones || !vpc.Contains(sn.IP) {
				bad(field, "%s is outside the VPC %s", q(s), nw.CIDR)
				continue
			}
			v4 := sn.IP.To4()
			u := uint32(v4[0])<<24 | uint32(v4[1])<<16 | uint32(v4[2])<<8 | uint32(v4[3])
			other, overlaps := under[block{u, p}]
			for b := p; b >= 0 && !overlaps; b-- {
				other, overlaps = exact[block{mask(u, b), b}]
			}
			if overlaps {
				bad(field, "%s overlaps %s; subnets must not overlap", q(s), other)
				continue
			}
			exact[block{u, p}] = sn.String()
			for b := p - 1; b >= 0; b-- {
				if _, ok := under[block{mask(u, b), b}]; !ok {
					under[block{mask(u, b), b}] = sn.String()
				}
			}
		}
	}
}

func validateCompute(e *Environment, bad badFunc) {
	cp := e.Compute
	if msg := checkInstanceType(cp.InstanceType); msg != "" {
		bad("compute.instance_type", "%s", msg)
	}
	if cp.AMIID != "" && !amiRE.MatchString(cp.AMIID) {
		bad("compute.ami_id", "%s is not an AMI ID; want ami- and 8 or 17 hex digits, or leave it empty to use ami_ssm_parameter", q(cp.AMIID))
	}
	if !ssmParamRE.MatchString(cp.AMISSMParameter) {
		bad("compute.ami_ssm_parameter", "%s is not an SSM parameter path; want e.g. /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", q(cp.AMISSMParameter))
	}
	if cp.AppPort < 1024 || cp.AppPort > 65535 {
		bad("compute.app_port", "%d is not allowed; want an unprivileged port from 1024 to 65535", cp.AppPort)
	}
	checkPath(bad, "compute.health_path", cp.HealthPath)
	if cp.RootVolumeGiB < 8 || cp.RootVolumeGiB > 16384 {
		bad("compute.root_volume_gib", "%d is not allowed; want 8 to 16384 (Amazon Linux 2023 needs at least 8)", cp.RootVolumeGiB)
	}
	if cp.HealthCheckGracePeriod < 0 || cp.HealthCheckGracePeriod > 7200 {
		bad("compute.health_check_grace_period", "%d is not allowed; want 0 to 7200 seconds", cp.HealthCheckGracePeriod)
	}
	if cp.MinSize < 1 || cp.MinSize > maxGroupSize {
		bad("compute.min_size", "%d is not allowed; want 1 to %d", cp.MinSize, maxGroupSize)
	}
	if cp.MaxSize < 1 || cp.MaxSize > maxGroupSize {
		bad("compute.max_size", "%d is not allowed; want 1 to %d", cp.MaxSize, maxGroupSize)
	}
	if cp.MinSize > cp.MaxSize {
		bad("compute.min_size", "min_size (%d) must be <= max_size (%d)", cp.MinSize, cp.MaxSize)
	} else if cp.DesiredCapacity < cp.MinSize || cp.DesiredCapacity > cp.MaxSize {
		bad("compute.desired_capacity", "desired_capacity (%d) must be between min_size (%d) and max_size (%d)", cp.DesiredCapacity, cp.MinSize, cp.MaxSize)
	}
	if cp.MinHealthyPercentage < 0 || cp.MinHealthyPercentage > 100 {
		bad("compute.min_healthy_percentage", "%d is not a percentage; want 0 to 100", cp.MinHealthyPercentage)
	}
}

// checkPath checks an HTTP path of the health check.
func checkPath(bad badFunc, field, path string) {
	if msg := CheckHealthPath(path); msg != "" {
		bad(field, "%s", msg)
	}
}

// HealthPathChars says in words which characters a health path may hold
// (healthPathRE), for messages and documentation.
const HealthPathChars = `"/" first, then letters, digits, - . _ / : @ + , = and %XX escapes ` +
	`(RFC 3986 path characters without ~, ! $ & ' ( ) * ;, which a shell reads; no space, quote, ?, # or control character)`

// healthPathRE is what a health path may be: "/" and then characters of an
// RFC 3986 path segment (pchar = unreserved / pct-encoded / sub-delims /
// ":" / "@", RFC 3986 section 3.3) less every one a shell reads (the
// sub-delims ! $ & ' ( ) * ; and the tilde of unreserved): letters, digits,
// - . _ / : @ + , = and %XX. No query (?) or fragment (#): the ALB sends the
// path as written.
var healthPathRE = regexp.MustCompile(`^/(?:[A-Za-z0-9._/:@+,=-]|%[0-9A-Fa-f]{2})*$`)

// CheckHealthPath returns what is wrong with an HTTP health check path
// (compute.health_path, alb.health_check.path), or "". The message starts
// with the quoted value, as bad's do.
func CheckHealthPath(path string) string {
	if !strings.HasPrefix(path, "/") {
		return fmt.Sprintf("%s must start with /; allowed: %s", q(path), HealthPathChars)
	}
	if n := utf8.RuneCountInString(path); n > maxHealthPath {
		return fmt.Sprintf("is %d characters; ALB health check paths are at most %d", n, maxHealthPath)
	}
	if healthPathRE.MatchString(path) {
		return ""
	}
	// Name the first character that is not allowed, as Go quotes it (so a
	// control character or a line break shows as an escape).
	pos := 0
	for i, r := range path {
		pos++
		if r == '%' {
			if i+2 < len(path) && isHex(path[i+1]) && isHex(path[i+2]) {
				continue
			}
			return fmt.Sprintf("%s has %% not followed by two hex digits at character %d; allowed: %s", q(path), pos, HealthPathChars)
		}
		if r >= utf8.RuneSelf || !healthPathRE.MatchString("/"+string(r)) {
			return fmt.Sprintf("%s has %s at character %d; allowed: %s", q(path), strconv.QuoteRune(r), pos, HealthPathChars)
		}
	}
	return fmt.Sprintf("%s is not allowed; allowed: %s", q(path), HealthPathChars) // not reached: some character failed above
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func validateALB(e *Environment, bad badFunc) {
	a := e.ALB
	if len(a.IngressCIDRs) == 0 {
		bad("alb.ingress_cidrs", "is empty; want at least one CIDR that may reach the load balancer, e.g. 0.0.0.0/0")
	} else if len(a.IngressCIDRs) > maxIngressCIDRs {
		bad("alb.ingress_cidrs", "lists %d CIDRs; the load balancer's security group takes one rule per CIDR and listener port and AWS allows 60 inbound rules: want at most %d", len(a.IngressCIDRs), maxIngressCIDRs)
	}
	seen := map[string]int{}
	for i, s := range a.IngressCIDRs {
		field := fmt.Sprintf("alb.ingress_cidrs[%d]", i)
		ip, n, err := net.ParseCIDR(s)
		if err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
			bad(field, "%s is not an IPv4 network CIDR; want e.g. 0.0.0.0/0 or 203.0.113.0/24", q(s))
			continue
		}
		if first, dup := seen[n.String()]; dup {
			bad(field, "%s is listed twice (first as alb.ingress_cidrs[%d]); AWS refuses a duplicate security group rule: list each network once", q(s), first)
			continue
		}
		seen[n.String()] = i
	}
	if a.HTTPS && a.CertificateARN == "" && a.Domain == nil {
		bad("alb.certificate_arn", "is missing but alb.https is true; want an ACM certificate ARN in %s, or alb.domain for a certificate made here, or https: false", orRegion(e.Region))
	}
	if !a.HTTPS && a.CertificateARN != "" {
		bad("alb.https", "is false but alb.certificate_arn is set; set https: true to use the certificate, or remove it")
	}
	if a.CertificateARN != "" {
		if m := certARNRE.FindStringSubmatch(a.CertificateARN); m == nil {
			bad("alb.certificate_arn", "%s is not an ACM certificate ARN; want arn:%s:acm:<region>:<12-digit account>:certificate/<uuid>", q(a.CertificateARN), Partition)
		} else if checkRegion(e.Region) == "" && m[1] != e.Region {
			bad("alb.certificate_arn", "is in region %s; an ALB needs a certificate from its own region %s", keyText(m[1]), e.Region)
		}
	}
	if !IsModernTLSPolicy(a.SSLPolicy) {
		bad("alb.ssl_policy", "%s is not a modern TLS policy; want a TLS 1.2+ policy with forward secrecy, one of (the list policy rule EWT-ALB-3 checks): %s",
			q(a.SSLPolicy), strings.Join(ModernTLSPolicies, ", "))
	}
	if a.IdleTimeout < 1 || a.IdleTimeout > 4000 {
		bad("alb.idle_timeout", "%d is not allowed; want 1 to 4000 seconds", a.IdleTimeout)
	}
	if a.AccessLogRetentionDays < 1 || a.AccessLogRetentionDays > 3650 {
		bad("alb.access_log_retention_days", "%d is not allowed; want 1 to 3650 days", a.AccessLogRetentionDays)
	}
	validateALBOwn(e, bad)
	validateIPAddressType(e, bad)
	if a.DeregistrationDelay < 0 || a.DeregistrationDelay > 3600 {
		bad("alb.deregistration_delay", "%d is not allowed; want 0 to 3600 seconds", a.DeregistrationDelay)
	}
	validateALBDomain(e, bad)
	validateALBKnobs(e, bad)
	hc := a.HealthCheck
	if hc.Path != e.Compute.HealthPath { // a path derived from compute.health_path is reported there
		checkPath(bad, "alb.health_check.path", hc.Path)
	}
	if !matcherRE.MatchString(hc.Matcher) {
		bad("alb.health_check.matcher", "%s is not an HTTP code matcher; want e.g. 200, 200,302 or 200-299", q(hc.Matcher))
	}
	if hc.Interval < 5 || hc.Interval > 300 {
		bad("alb.health_check.interval", "%d is not allowed; want 5 to 300 seconds", hc.Interval)
	}
	if hc.Timeout < 2 || hc.Timeout > 120 {
		bad("alb.health_check.timeout", "%d is not allowed; want 2 to 120 seconds", hc.Timeout)
	} else if hc.Timeout >= hc.Interval {
		bad("alb.health_check.timeout", "timeout (%d) must be < interval (%d)", hc.Timeout, hc.Interval)
	}
	if hc.HealthyThreshold < 2 || hc.HealthyThreshold > 10 {
		bad("alb.health_check.healthy_threshold", "%d is not allowed; want 2 to 10", hc.HealthyThreshold)
	}
	if hc.UnhealthyThreshold < 2 || hc.UnhealthyThreshold > 10 {
		bad("alb.health_check.unhealthy_threshold", "%d is not allowed; want 2 to 10", hc.UnhealthyThreshold)
	}
}

// validateScaling checks the scaling settings in every mode and for either
// policy: an ec2 environment or a target-tracking one keeps valid step
// settings, so switching never reveals an old mistake.
func validateScaling(e *Environment, bad badFunc) {
	s := e.Scaling
	if s.MaxMinutesToFull < 0 || s.MaxMinutesToFull > 1440 {
		bad("scaling.max_minutes_to_full", "%d is not allowed; want 1 to 1440 minutes, or 0 for no limit", s.MaxMinutesToFull)
	} else if s.MaxMinutesToFull > 0 && (s.Policy == PolicyTargetTracking || s.Policy == PolicyRequestCount || s.Policy == PolicyMemory) {
		bad("scaling.max_minutes_to_full", "%d is set but scaling.policy is %s: the minutes to full capacity are checked for step policies only; remove it or use policy: step", s.MaxMinutesToFull, s.Policy)
	}
	if !slices.Contains(ScalingPolicies, s.Policy) {
		bad("scaling.policy", "%s is not a scaling policy; allowed: %s", q(string(s.Policy)), join(ScalingPolicies))
	}
	if s.TargetCPU <= 0 || s.TargetCPU >= 100 {
		bad("scaling.target_cpu", "%g is not allowed; want a CPU percentage above 0 and below 100", s.TargetCPU)
	}
	if s.TargetMemory <= 0 || s.TargetMemory >= 100 {
		bad("scaling.target_memory", "%g is not allowed; want a memory percentage above 0 and below 100", s.TargetMemory)
	}
	if s.TargetRequestsPerTarget < 1 || s.TargetRequestsPerTarget > maxRequestsPerTarget {
		bad("scaling.target_requests_per_target", "%d is not allowed; want 1 to %d requests per target per minute", s.TargetRequestsPerTarget, maxRequestsPerTarget)
	}
	if s.Period < 60 || s.Period%60 != 0 || s.Period > 86400 {
		bad("scaling.period", "%d is not a period CloudWatch accepts for EC2 CPU (1-minute data); want a multiple of 60 from 60 to 86400", s.Period)
	}
	for _, r := range []struct {
		name string
		rule Rule
		out  bool
	}{{"scaling.scale_out", s.ScaleOut, true}, {"scaling.scale_in", s.ScaleIn, false}} {
		if r.rule.Threshold < 0 || r.rule.Threshold > 100 {
			bad(r.name+".threshold", "%g is not a CPU percentage; want 0 to 100", r.rule.Threshold)
		}
		if r.rule.EvaluationPeriods < 1 || r.rule.EvaluationPeriods > 1440 {
			bad(r.name+".evaluation_periods", "%d is not allowed; want 1 to 1440 (CloudWatch allows evaluation_periods x period up to 86400 s)", r.rule.EvaluationPeriods)
		} else if s.Period >= 60 && r.rule.EvaluationPeriods > 86400/s.Period {
			bad(r.name+".evaluation_periods", "%d periods of %d s span more than one day; CloudWatch allows at most 86400 s", r.rule.EvaluationPeriods, s.Period)
		}
		if r.rule.DatapointsToAlarm < 1 {
			bad(r.name+".datapoints_to_alarm", "%d is not allowed; want at least 1", r.rule.DatapointsToAlarm)
		} else if r.rule.DatapointsToAlarm > r.rule.EvaluationPeriods {
			bad(r.name+".datapoints_to_alarm", "datapoints_to_alarm (%d) must be <= evaluation_periods (%d)", r.rule.DatapointsToAlarm, r.rule.EvaluationPeriods)
		}
		switch adj := r.rule.Adjustment; {
		case r.out && adj < 1:
			bad(r.name+".adjustment", "%d has the wrong sign; want a positive number of instances to add, 1 to %d", adj, maxGroupSize)
		case !r.out && adj > -1:
			bad(r.name+".adjustment", "%d has the wrong sign; want a negative number of instances to remove, -1 to -%d", adj, maxGroupSize)
		case adj > maxGroupSize || adj < -maxGroupSize:
			bad(r.name+".adjustment", "%d is more instances than a group holds; want %d at most", adj, maxGroupSize)
		}
	}
	if s.ScaleIn.Threshold >= s.ScaleOut.Threshold {
		bad("scaling.scale_in.threshold", "scale_in.threshold (%g) must be < scale_out.threshold (%g)", s.ScaleIn.Threshold, s.ScaleOut.Threshold)
	}
	if s.WarmupSeconds < 0 || s.WarmupSeconds > 3600 {
		bad("scaling.warmup_seconds", "%d is not allowed; want 0 to 3600 seconds", s.WarmupSeconds)
	}
	validateSteps(s, bad)
	validatePredictive(s, bad)
	validateSchedules(e, bad)
}

// scheduleNameRE is a schedule's name: it ends the scheduled action's name
// (<project>-<env>-<name>; AWS allows 255 characters) and a construct id.
var scheduleNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// timeZoneRE is the shape of an IANA time zone name (Area/Location, or UTC).
var timeZoneRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$`)

// validateSchedules checks scaling.schedules: each action on its own, then
// the list (unique names, the AWS quota, asg mode).
func validateSchedules(e *Environment, bad badFunc) {
	list := e.Scaling.Schedules
	if len(list) == 0 {
		return
	}
	if e.ComputeMode != ComputeASG {
		bad("scaling.schedules", "lists %d scheduled actions but compute_mode is %s: scheduled actions resize an Auto Scaling group; use compute_mode: asg or remove them", len(list), keyText(string(e.ComputeMode)))
	}
	if len(list) > maxSchedules {
		bad("scaling.schedules", "lists %d scheduled actions; AWS allows %d per Auto Scaling group", len(list), maxSchedules)
	}
	names := map[string]int{}
	for i, sc := range list {
		field := fmt.Sprintf("scaling.schedules[%d]", i)
		switch first, dup := names[sc.Name]; {
		case sc.Name == "":
			bad(field+".name", "is missing; want a name such as office-hours-start (1-64 letters, digits, '-', '_' or '.')")
		case !scheduleNameRE.MatchString(sc.Name):
			bad(field+".name", "%s is not allowed; want 1-64 letters, digits, '-', '_' or '.'", q(sc.Name))
		case dup:
			bad(field+".name", "%s is already the name of scaling.schedules[%d]; names must be unique in the group", q(sc.Name), first)
		default:
			names[sc.Name] = i
		}
		if sc.Cron == "" {
			bad(field+".cron", "is missing; want %s", cronspec.Allowed)
		} else if _, err := cronspec.Parse(sc.Cron); err != nil {
			bad(field+".cron", "%s: %v", q(sc.Cron), err)
		}
		if sc.TimeZone != "" {
			if _, err := time.LoadLocation(sc.TimeZone); err != nil || sc.TimeZone == "Local" || !timeZoneRE.MatchString(sc.TimeZone) {
				bad(field+".time_zone", "%s is not an IANA time zone; want a name such as America/New_York, Europe/Berlin or UTC", q(sc.TimeZone))
			}
		}
		sizes := []struct {
			name string
			v    *int
		}{{"min_size", sc.MinSize}, {"max_size", sc.MaxSize}, {"desired_capacity", sc.DesiredCapacity}}
		given, inRange := 0, true
		for _, sz := range sizes {
			if sz.v == nil {
				continue
			}
			given++
			if *sz.v < 1 || *sz.v > maxGroupSize {
				bad(field+"."+sz.name, "%d is not allowed; want 1 to %d (the range of compute.min_size and max_size), or leave it out to keep the group's", *sz.v, maxGroupSize)
				inRange = false
			}
		}
		lo, hi, want := sc.MinSize, sc.MaxSize, sc.DesiredCapacity
		switch {
		case given == 0:
			bad(field, "sets none of min_size, max_size and desired_capacity; want at least one")
		case !inRange:
		case lo != nil && hi != nil && *lo > *hi:
			bad(field+".min_size", "min_size (%d) must be <= max_size (%d)", *lo, *hi)
		case want != nil && lo != nil && *want < *lo:
			bad(field+".desired_capacity", "desired_capacity (%d) must be >= min_size (%d)", *want, *lo)
		case want != nil && hi != nil && *want > *hi:
			bad(field+".desired_capacity", "desired_capacity (%d) must be <= max_size (%d)", *want, *hi)
		}
		start, okStart := scheduleTime(bad, field+".start", sc.Start)
		end, okEnd := scheduleTime(bad, field+".end", sc.End)
		if okStart && okEnd && !start.Before(end) {
			bad(field+".end", "%s must be after start (%s)", q(sc.End), sc.Start)
		}
	}
}

// scheduleTime parses a schedule's start or end: RFC 3339 in whole seconds
// (the provider writes them as UTC YYYY-MM-DDThh:mm:ssZ). ok is false when
// it is empty or wrong (wrong is reported).
func scheduleTime(bad badFunc, field, v string) (t time.Time, ok bool) {
	if v == "" {
		return t, false
	}
	t, err := time.Parse(time.RFC3339, v)
	switch {
	case err != nil:
		bad(field, "%s is not an RFC 3339 time; want e.g. 2026-03-01T08:00:00Z or 2026-03-01T08:00:00-05:00", q(v))
		return t, false
	case t.Nanosecond() != 0:
		bad(field, "%s has fractions of a second; want whole seconds, e.g. 2026-03-01T08:00:00Z", q(v))
		return t, false
	}
	return t, true
}

func validateObservability(e *Environment, bad badFunc) {
	o := e.Observability
	if o.AlarmEmail != "" {
		if a, err := mail.ParseAddress(o.AlarmEmail); err != nil || a.Address != o.AlarmEmail {
			bad("observability.alarm_email", "%s is not an email address; want e.g. oncall@example.com", q(o.AlarmEmail))
		}
	}
	if o.ALB5xxThreshold < 1 || o.ALB5xxThreshold > max5xxThreshold {
		bad("observability.alb_5xx_threshold", "%d is not allowed; want 1 to %d responses per minute", o.ALB5xxThreshold, max5xxThreshold)
	}
	if o.UnhealthyHostMinutes < 1 || o.UnhealthyHostMinutes > 60 {
		bad("observability.unhealthy_host_minutes", "%d is not allowed; want 1 to 60", o.UnhealthyHostMinutes)
	}
	if o.LatencyP95Seconds <= 0 || o.LatencyP95Seconds > 60 {
		bad("observability.latency_p95_seconds", "%g is not allowed; want above 0 and up to 60", o.LatencyP95Seconds)
	}
}

func validateBackend(e *Environment, bad badFunc) {
	b := e.Backend
	if b == nil {
		return
	}
	if b.Bucket == "" {
		bad("backend.bucket", "is missing; want the S3 bucket that holds state (or remove backend for local state)")
	} else if !bucketRE.MatchString(b.Bucket) {
		bad("backend.bucket", "%s is not an S3 bucket name; %s", q(b.Bucket), bucketRule)
	}
	if b.Key == "" || strings.HasPrefix(b.Key, "/") {
		bad("backend.key", "%s is not an object key; want e.g. webtier/%s/terraform.tfstate", q(b.Key), keyText(e.Name))
	}
	// Left out (or empty), it is the environment's region, checked as region.
	if b.Region != e.Region {
		if msg := checkRegion(b.Region); msg != "" {
			bad("backend.region", "%s", msg)
		}
	}
	if !b.Encrypt {
		bad("backend.encrypt", "is false; state holds secrets and must be encrypted: want true")
	}
	if !b.UseLockfile {
		bad("backend.use_lockfile", "is false; concurrent applies would corrupt state without a lock: want true")
	}
}

// validateTags checks the extra tags: lengths in characters (as AWS counts
// them), the reserved aws: prefix and the stack's own tags, and how many.
func validateTags(e *Environment, n *yaml.Node, bad func(line int, field, format string, args ...any)) {
	if len(e.Tags) == 0 {
		return
	}
	lines, tagsLine := tagLines(n)
	if len(e.Tags) > maxTags {
		bad(tagsLine, "tags", "has %d tags; AWS allows 50 per resource and the stack adds %s: want at most %d", len(e.Tags), strings.Join(reservedTags, ", "), maxTags)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Tags)) {
		field, v := "tags."+keyText(k), e.Tags[k]
		line, ok := lines[k]
		if !ok {
			line = tagsLine
		}
		switch kn := utf8.RuneCountInString(k); {
		case kn == 0:
			bad(line, field, "an empty tag key is not allowed; want 1 to 128 characters")
		case kn > 128:
			bad(line, field, "the key is %d characters; AWS allows 1 to 128", kn)
		case refusedTagRune(k) >= 0:
			bad(line, field, "the key %s holds %s, which AWS refuses in tags; %s", q(k), runeName(refusedTagRune(k)), tagCharsAllowed)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			bad(line, field, "%s is not allowed; want a key not starting with aws: (AWS reserves it for its own tags)", q(k))
		case slices.Contains(reservedTags, k):
			bad(line, field, "is set by the stack on every resource (%s are reserved); remove it or use another key", strings.Join(reservedTags, ", "))
		}
		switch vn := utf8.RuneCountInString(v); {
		case vn > 256:
			bad(line, field, "the value is %d characters; AWS allows up to 256", vn)
		case refusedTagRune(v) >= 0:
			bad(line, field, "the value %s holds %s, which AWS refuses in tags; %s", q(v), runeName(refusedTagRune(v)), tagCharsAllowed)
		}
	}
}

// tagCharsAllowed says which characters AWS takes in tag keys and values
// (the pattern of the tagging APIs: ^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$).
const tagCharsAllowed = "allowed: letters, digits, spaces and _ . : / = + - @"

// refusedTagRune returns the first rune of s that AWS refuses in a tag key
// or value, or -1: tags take letters, digits and spaces of any script and
// _ . : / = + - @ (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
func refusedTagRune(s string) rune {
	for _, r := range s {
		if !unicode.In(r, unicode.L, unicode.Z, unicode.N) && !strings.ContainsRune("_.:/=+-@", r) {
			return r
		}
	}
	return -1
}

// runeName shows a rune for a message: quoted, escaped when it is not
// printable ASCII, with its code point: '!' (U+0021), '\t' (U+0009).
func runeName(r rune) string {
	return fmt.Sprintf("%s (U+%04X)", strconv.QuoteRuneToASCII(r), r)
}

// tagLines maps each key of the environment's tags mapping to its line;
// tags from the defaults block are not there (they take the tags line, or
// the environment's).
func tagLines(n *yaml.Node) (lines map[string]int, tagsLine int) {
	n = resolve(n)
	lines = map[string]int{}
	if n == nil {
		return lines, 0
	}
	tagsLine = n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "tags" {
			continue
		}
		tags := resolve(n.Content[i+1])
		tagsLine = tags.Line
		if tags.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(tags.Content); j += 2 {
				if _, ok := lines[tags.Content[j].Value]; !ok {
					lines[tags.Content[j].Value] = tags.Content[j].Line
				}
			}
		}
		break
	}
	return lines, tagsLine
}

// join lists allowed values for a message.
func join[T any](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
