package config

import (
	"fmt"
	"maps"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/apparentlymart/go-cidr/cidr"
	"go.yaml.in/yaml/v3"
)

var (
	regionRE       = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	instanceTypeRE = regexp.MustCompile(`^[a-z][a-z0-9-]*\.[a-z0-9]+$`)
	amiRE          = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	ssmParamRE     = regexp.MustCompile(`^/[A-Za-z0-9_./-]+$`)
	certARNRE      = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):[0-9]{12}:certificate/[0-9a-f-]{36}$`)
	matcherRE      = regexp.MustCompile(`^[0-9]{3}([-,][0-9]{3})*$`)
	bucketRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	sslPolicyRE    = regexp.MustCompile(`^ELBSecurityPolicy-(TLS13-1-[23]-.*|TLS-1-2-Ext-2018-06|FS-1-2-Res-2020-10|FS-1-2-Res-2019-08)$`)
)

// Retention periods CloudWatch Logs accepts (days).
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func validateEnv(c *collector, f *File, e *Environment, n *yaml.Node) {
	bad := func(field, format string, args ...any) {
		c.add(lineOf(n, field), e.Name, field, format, args...)
	}
	// Region and AZs.
	if e.Region == "" {
		bad("region", "is missing; want an AWS region such as us-east-1")
	} else if !regionRE.MatchString(e.Region) {
		bad("region", "%q is not an AWS region name; want e.g. us-east-1 or eu-west-2", e.Region)
	}
	switch {
	case len(e.AvailabilityZones) == 0:
		bad("availability_zones", "is missing; want at least 2 availability zones of %s, e.g. [%sa, %sb]", orRegion(e.Region), orRegion(e.Region), orRegion(e.Region))
	case len(e.AvailabilityZones) < 2:
		bad("availability_zones", "has 1 zone (%s); want at least 2 for high availability", e.AvailabilityZones[0])
	}
	azSeen := map[string]bool{}
	for i, az := range e.AvailabilityZones {
		field := fmt.Sprintf("availability_zones[%d]", i)
		if azSeen[az] {
			bad(field, "%q is listed twice; want distinct zones", az)
		}
		azSeen[az] = true
		if e.Region != "" && !(strings.HasPrefix(az, e.Region) && len(az) == len(e.Region)+1 && az[len(az)-1] >= 'a' && az[len(az)-1] <= 'z') {
			bad(field, "%q is not a zone of region %s; want %sa, %sb, ...", az, e.Region, e.Region, e.Region)
		}
	}
	switch e.ComputeMode {
	case "ec2", "asg":
	default:
		bad("compute_mode", "%q is not a compute mode; allowed: ec2, asg", e.ComputeMode)
	}
	if len(f.Project)+1+len(e.Name) > 28 {
		bad("", "name prefix %q is %d characters; project and environment name together must fit 28 (AWS load balancer names are limited to 32)", f.Project+"-"+e.Name, len(f.Project)+1+len(e.Name))
	}
	validateNetwork(e, bad)
	validateCompute(e, bad)
	validateALB(e, bad)
	if e.ComputeMode == "asg" {
		validateScaling(e, bad)
	}
	validateObservability(e, bad)
	validateBackend(e, bad)
	if e.Budget != nil && e.Budget.MaxMonthlyUSD <= 0 {
		bad("budget.max_monthly_usd", "%g is not allowed; want the monthly ceiling in USD, above 0 (e.g. 500), or remove budget", e.Budget.MaxMonthlyUSD)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Tags)) {
		v := e.Tags[k]
		if k == "" || len(k) > 128 || len(v) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			bad("tags."+k, "tag %q=%q is not allowed; keys 1-128 characters not starting with aws:, values up to 256", k, v)
		}
	}
	for i, s := range e.Suppressions {
		field := fmt.Sprintf("suppressions[%d]", i)
		if s.Rule == "" {
			bad(field+".rule", "is missing; want a policy rule ID such as EWT-ALB-1")
		}
		if s.Resource == "" {
			bad(field+".resource", "is missing; want a construct path such as %s/alb/lb", e.Name)
		}
		if strings.TrimSpace(s.Reason) == "" {
			bad(field+".reason", "is missing; a suppression needs a written reason")
		}
	}
}

type badFunc func(field, format string, args ...any)

func orRegion(r string) string {
	if r == "" || !regionRE.MatchString(r) {
		return "us-east-1"
	}
	return r
}

func validateNetwork(e *Environment, bad badFunc) {
	nw := e.Network
	switch nw.NATMode {
	case "none", "single", "per_az":
	default:
		bad("network.nat_mode", "%q is not a NAT mode; allowed: none, single, per_az", nw.NATMode)
	}
	if !inList(nw.FlowLogRetentionDays, retentionDays) {
		bad("network.flow_log_retention_days", "%d is not a retention CloudWatch Logs accepts; allowed: %s", nw.FlowLogRetentionDays, joinInts(retentionDays))
	}
	if nw.CIDR == "" {
		bad("network.cidr", "is missing; want an IPv4 CIDR with a prefix from /16 to /24, e.g. 10.0.0.0/16")
		return
	}
	ip, vpc, err := net.ParseCIDR(nw.CIDR)
	if err != nil || ip.To4() == nil {
		bad("network.cidr", "%q is not an IPv4 CIDR; want e.g. 10.0.0.0/16", nw.CIDR)
		return
	}
	if !ip.Equal(vpc.IP) {
		bad("network.cidr", "%q has host bits set; want the network address %s", nw.CIDR, vpc.String())
		return
	}
	ones, _ := vpc.Mask.Size()
	if ones < 16 || ones > 24 {
		bad("network.cidr", "%q has prefix /%d; AWS VPCs take /16 to /28 and this layout needs /16 to /24", nw.CIDR, ones)
		return
	}
	azs := len(e.AvailabilityZones)
	derived := len(nw.PublicSubnetCIDRs) == 0 && len(nw.PrivateSubnetCIDRs) == 0
	if derived {
		if nw.SubnetNewbits < 1 || nw.SubnetNewbits > 28-ones {
			size := "no"
			if nw.SubnetNewbits >= 1 && nw.SubnetNewbits <= 32-ones {
				size = fmt.Sprintf("/%d", ones+nw.SubnetNewbits)
			}
			bad("network.subnet_newbits", "%d gives %s subnets from %s; AWS subnets must be /16 to /28, so want 1 to %d", nw.SubnetNewbits, size, nw.CIDR, 28-ones)
			return
		}
		if half := 1 << (nw.SubnetNewbits - 1); azs > half {
			bad("network.subnet_newbits", "%d leaves room for %d subnets per tier in %s, but %d availability zones need %d; raise subnet_newbits", nw.SubnetNewbits, half, nw.CIDR, azs, azs)
		}
		return
	}
	var all []*net.IPNet
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
				bad(field, "%q is not an IPv4 network CIDR; want e.g. 10.0.1.0/24", s)
				continue
			}
			if p, _ := sn.Mask.Size(); p > 28 {
				bad(field, "%q is /%d, too small; AWS subnets must be /28 or larger", s, p)
				continue
			}
			if first, last := cidr.AddressRange(sn); !vpc.Contains(first) || !vpc.Contains(last) {
				bad(field, "%q is outside the VPC %s", s, nw.CIDR)
				continue
			}
			for _, other := range all {
				if other.Contains(sn.IP) || sn.Contains(other.IP) {
					bad(field, "%q overlaps %s; subnets must not overlap", s, other.String())
				}
			}
			all = append(all, sn)
		}
	}
}

func validateCompute(e *Environment, bad badFunc) {
	cp := e.Compute
	if !instanceTypeRE.MatchString(cp.InstanceType) {
		bad("compute.instance_type", "%q is not an EC2 instance type; want e.g. t3.micro", cp.InstanceType)
	}
	if cp.AMIID != "" && !amiRE.MatchString(cp.AMIID) {
		bad("compute.ami_id", "%q is not an AMI ID; want ami- and 8 or 17 hex digits, or leave it empty to use ami_ssm_parameter", cp.AMIID)
	}
	if cp.AMIID == "" && !ssmParamRE.MatchString(cp.AMISSMParameter) {
		bad("compute.ami_ssm_parameter", "%q is not an SSM parameter path; want e.g. /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", cp.AMISSMParameter)
	}
	if cp.AppPort < 1024 || cp.AppPort > 65535 {
		bad("compute.app_port", "%d is not allowed; want an unprivileged port from 1024 to 65535", cp.AppPort)
	}
	if !strings.HasPrefix(cp.HealthPath, "/") {
		bad("compute.health_path", "%q must start with /", cp.HealthPath)
	}
	if cp.RootVolumeGiB < 8 || cp.RootVolumeGiB > 16384 {
		bad("compute.root_volume_gib", "%d is not allowed; want 8 to 16384 (Amazon Linux 2023 needs at least 8)", cp.RootVolumeGiB)
	}
	if cp.HealthCheckGracePeriod < 0 || cp.HealthCheckGracePeriod > 7200 {
		bad("compute.health_check_grace_period", "%d is not allowed; want 0 to 7200 seconds", cp.HealthCheckGracePeriod)
	}
	if e.ComputeMode != "asg" {
		return
	}
	if cp.MinSize < 1 {
		bad("compute.min_size", "%d is not allowed; want at least 1", cp.MinSize)
	}
	if cp.MaxSize < 1 || cp.MaxSize > 100 {
		bad("compute.max_size", "%d is not allowed; want 1 to 100", cp.MaxSize)
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

func validateALB(e *Environment, bad badFunc) {
	a := e.ALB
	if len(a.IngressCIDRs) == 0 {
		bad("alb.ingress_cidrs", "is empty; want at least one CIDR that may reach the load balancer, e.g. 0.0.0.0/0")
	}
	for i, s := range a.IngressCIDRs {
		if ip, n, err := net.ParseCIDR(s); err != nil || ip.To4() == nil || !ip.Equal(n.IP) {
			bad(fmt.Sprintf("alb.ingress_cidrs[%d]", i), "%q is not an IPv4 network CIDR; want e.g. 0.0.0.0/0 or 203.0.113.0/24", s)
		}
	}
	if a.HTTPS && a.CertificateARN == "" {
		bad("alb.certificate_arn", "is missing but alb.https is true; want an ACM certificate ARN in %s, or https: false", orRegion(e.Region))
	}
	if !a.HTTPS && a.CertificateARN != "" {
		bad("alb.https", "is false but alb.certificate_arn is set; set https: true to use the certificate, or remove it")
	}
	if a.CertificateARN != "" {
		if m := certARNRE.FindStringSubmatch(a.CertificateARN); m == nil {
			bad("alb.certificate_arn", "%q is not an ACM certificate ARN; want arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>", a.CertificateARN)
		} else if e.Region != "" && m[1] != e.Region {
			bad("alb.certificate_arn", "is in region %s; an ALB needs a certificate from its own region %s", m[1], e.Region)
		}
	}
	if a.HTTPS && !sslPolicyRE.MatchString(a.SSLPolicy) {
		bad("alb.ssl_policy", "%q is not a modern TLS policy; want a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06", a.SSLPolicy)
	}
	if a.IdleTimeout < 1 || a.IdleTimeout > 4000 {
		bad("alb.idle_timeout", "%d is not allowed; want 1 to 4000 seconds", a.IdleTimeout)
	}
	if a.AccessLogRetentionDays < 1 || a.AccessLogRetentionDays > 3650 {
		bad("alb.access_log_retention_days", "%d is not allowed; want 1 to 3650 days", a.AccessLogRetentionDays)
	}
	if a.DeregistrationDelay < 0 || a.DeregistrationDelay > 3600 {
		bad("alb.deregistration_delay", "%d is not allowed; want 0 to 3600 seconds", a.DeregistrationDelay)
	}
	hc := a.HealthCheck
	if hc.Path != e.Compute.HealthPath && !strings.HasPrefix(hc.Path, "/") { // a path derived from compute.health_path is reported there
		bad("alb.health_check.path", "%q must start with /", hc.Path)
	}
	if !matcherRE.MatchString(hc.Matcher) {
		bad("alb.health_check.matcher", "%q is not an HTTP code matcher; want e.g. 200, 200,302 or 200-299", hc.Matcher)
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

func validateScaling(e *Environment, bad badFunc) {
	s := e.Scaling
	if s.MaxMinutesToFull < 0 || s.MaxMinutesToFull > 1440 {
		bad("scaling.max_minutes_to_full", "%d is not allowed; want 1 to 1440 minutes, or 0 for no limit", s.MaxMinutesToFull)
	} else if s.MaxMinutesToFull > 0 && s.Policy == "target_tracking" {
		bad("scaling.max_minutes_to_full", "%d is set but scaling.policy is target_tracking: the minutes to full capacity are checked for step policies only; remove it or use policy: step", s.MaxMinutesToFull)
	}
	switch s.Policy {
	case "step":
	case "target_tracking":
		if s.TargetCPU <= 0 || s.TargetCPU >= 100 {
			bad("scaling.target_cpu", "%g is not allowed; want a CPU percentage above 0 and below 100", s.TargetCPU)
		}
		return
	default:
		bad("scaling.policy", "%q is not a scaling policy; allowed: step, target_tracking", s.Policy)
		return
	}
	if s.Period < 60 || s.Period%60 != 0 || s.Period > 86400 {
		bad("scaling.period", "%d is not a period CloudWatch accepts for EC2 CPU (1-minute data); want a multiple of 60 from 60 to 86400", s.Period)
	}
	for _, r := range []struct {
		name string
		rule Rule
		sign int
	}{{"scaling.scale_out", s.ScaleOut, 1}, {"scaling.scale_in", s.ScaleIn, -1}} {
		if r.rule.Threshold < 0 || r.rule.Threshold > 100 {
			bad(r.name+".threshold", "%g is not a CPU percentage; want 0 to 100", r.rule.Threshold)
		}
		if r.rule.EvaluationPeriods < 1 {
			bad(r.name+".evaluation_periods", "%d is not allowed; want at least 1", r.rule.EvaluationPeriods)
		} else if s.Period > 0 && r.rule.EvaluationPeriods > 86400/s.Period {
			bad(r.name+".evaluation_periods", "%d periods of %d s span more than one day; CloudWatch allows at most 86400 s", r.rule.EvaluationPeriods, s.Period)
		}
		if r.rule.DatapointsToAlarm < 1 {
			bad(r.name+".datapoints_to_alarm", "%d is not allowed; want at least 1", r.rule.DatapointsToAlarm)
		} else if r.rule.DatapointsToAlarm > r.rule.EvaluationPeriods {
			bad(r.name+".datapoints_to_alarm", "datapoints_to_alarm (%d) must be <= evaluation_periods (%d)", r.rule.DatapointsToAlarm, r.rule.EvaluationPeriods)
		}
		if r.rule.Adjustment*r.sign <= 0 {
			want := "a positive number of instances to add"
			if r.sign < 0 {
				want = "a negative number of instances to remove"
			}
			bad(r.name+".adjustment", "%d has the wrong sign; want %s", r.rule.Adjustment, want)
		}
	}
	if s.ScaleIn.Threshold >= s.ScaleOut.Threshold {
		bad("scaling.scale_in.threshold", "scale_in.threshold (%g) must be < scale_out.threshold (%g)", s.ScaleIn.Threshold, s.ScaleOut.Threshold)
	}
	if s.WarmupSeconds < 0 || s.WarmupSeconds > 3600 {
		bad("scaling.warmup_seconds", "%d is not allowed; want 0 to 3600 seconds", s.WarmupSeconds)
	}
}

func validateObservability(e *Environment, bad badFunc) {
	o := e.Observability
	if o.AlarmEmail != "" {
		if a, err := mail.ParseAddress(o.AlarmEmail); err != nil || a.Address != o.AlarmEmail {
			bad("observability.alarm_email", "%q is not an email address; want e.g. oncall@example.com", o.AlarmEmail)
		}
	}
	if o.ALB5xxThreshold < 1 {
		bad("observability.alb_5xx_threshold", "%d is not allowed; want at least 1 response per minute", o.ALB5xxThreshold)
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
		bad("backend.bucket", "%q is not an S3 bucket name; want 3-63 lowercase letters, digits, '.' and '-'", b.Bucket)
	}
	if b.Key == "" || strings.HasPrefix(b.Key, "/") {
		bad("backend.key", "%q is not an object key; want e.g. webtier/%s/terraform.tfstate", b.Key, e.Name)
	}
	if !regionRE.MatchString(b.Region) {
		bad("backend.region", "%q is not an AWS region name; want e.g. us-east-1", b.Region)
	}
	if !b.Encrypt {
		bad("backend.encrypt", "is false; state holds secrets and must be encrypted: want true")
	}
	if !b.UseLockfile {
		bad("backend.use_lockfile", "is false; concurrent applies would corrupt state without a lock: want true")
	}
}

func inList(v int, list []int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func joinInts(list []int) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}
