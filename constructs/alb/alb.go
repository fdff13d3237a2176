// Package alb is the load balancer construct: an internet-facing application
// load balancer in the public subnets of every AZ with its own security group,
// a target group with health checks, and the listeners: HTTP forwarding to the
// target group, or HTTPS (modern TLS policy) with HTTP redirecting to it when
// a certificate is configured.
package alb

import (
	"fmt"
	"unicode/utf8"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/secgroup"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the load balancer: its settings (config.ALB, with the
// defaults and rules of environments.yaml's alb block) and where it goes.
// Start from DefaultProps.
type Props struct {
	config.ALB
	// Name is the load balancer's name and prefixes the other resources'
	// names, at most 32 characters, e.g. webtier-dev. Required.
	Name string
	// TargetGroupNamePrefix is the target group's name prefix, 1 to 6
	// characters (AWS), e.g. dev-. Required.
	TargetGroupNamePrefix string
	// Network is the VPC and its public subnets (one per AZ, at least two),
	// e.g. a *network.Network. Required.
	Network Network
	// TargetPort is the port the targets listen on (compute.app_port).
	// Default: config.DefaultCompute().AppPort (8080).
	TargetPort int
	// Region of the load balancer: alb.certificate_arn must be from it,
	// and it decides who writes the logs (see logWriter). Required.
	Region string
	// AccountID of the deploying account (the access log bucket policy
	// names it, e.g. encryption.Key's AccountID). Required with access_logs
	// or connection_logs, unless AccessLogBucket names a bucket of yours.
	AccountID *string
}

// DefaultProps returns the documented defaults (config.DefaultALB, and the
// default app port as TargetPort); set Name, TargetGroupNamePrefix, Network,
// Region and AccountID.
func DefaultProps() Props {
	return Props{ALB: config.DefaultALB(), TargetPort: config.DefaultCompute().AppPort}
}

// Network is where the load balancer goes.
type Network interface {
	// VPCID of the VPC.
	VPCID() *string
	// PublicSubnetIDs, one per AZ.
	PublicSubnetIDs() []*string
}

// DualStackNetwork is a Network that says whether its subnets have IPv6
// blocks (a *network.Network does); a dual-stack load balancer needs one
// that does.
type DualStackNetwork interface {
	Network
	// IPv6 reports whether the subnets have IPv6 blocks.
	IPv6() bool
}

// ALB is what the construct exposes.
type ALB struct {
	// Scope holds every load balancer resource.
	Scope constructs.Construct
	// LoadBalancer, TargetGroup and SecurityGroup are the resources (for overrides).
	LoadBalancer  lb.Lb
	TargetGroup   lbtargetgroup.LbTargetGroup
	SecurityGroup securitygroup.SecurityGroup
	// Listener forwards to the target group (HTTPS when enabled).
	Listener lblistener.LbListener
	// RedirectListener redirects HTTP to HTTPS; nil without HTTPS.
	RedirectListener lblistener.LbListener

	id                                       string
	https                                    bool
	cfg                                      config.ALB
	name                                     string
	vpcID                                    *string
	priorities                               map[int]string
	arn, arnSuffix, dnsName, securityGroupID *string
	targetGroupARN, targetGroupARNSuffix     *string
	listenerARN, url, certificateARN         *string
}

// ARN returns the load balancer's ARN.
func (a *ALB) ARN() *string { return a.arn }

// ARNSuffix returns the load balancer's ARN suffix (its CloudWatch dimension).
func (a *ALB) ARNSuffix() *string { return a.arnSuffix }

// DNSName returns the load balancer's DNS name.
func (a *ALB) DNSName() *string { return a.dnsName }

// SecurityGroupID returns the load balancer's security group ID.
func (a *ALB) SecurityGroupID() *string { return a.securityGroupID }

// TargetGroupARN returns the target group's ARN.
func (a *ALB) TargetGroupARN() *string { return a.targetGroupARN }

// TargetGroupARNSuffix returns the target group's ARN suffix (its CloudWatch dimension).
func (a *ALB) TargetGroupARNSuffix() *string { return a.targetGroupARNSuffix }

// ListenerARN returns the ARN of the listener that forwards to the target group.
func (a *ALB) ListenerARN() *string { return a.listenerARN }

// HTTPS reports whether the HTTPS listener exists.
func (a *ALB) HTTPS() bool { return a.https }

// URL returns the URL clients use: https://<domain name> with a domain,
// https://<ALB DNS name> with a certificate made elsewhere, else
// http://<ALB DNS name>.
func (a *ALB) URL() *string { return a.url }

// CertificateARN returns the HTTPS listener's certificate ARN (the
// validated one with a domain); empty without HTTPS.
func (a *ALB) CertificateARN() *string { return a.certificateARN }

// PeerID is the construct's id: the rules others make to let the load
// balancer in are named after it (compute's AllowFrom).
func (a *ALB) PeerID() string { return a.id }

// PeerDescription names the load balancer in those rules' descriptions.
func (a *ALB) PeerDescription() string { return "load balancer" }

// maxName is the longest load balancer name AWS takes.
const maxName = 32

// New builds the load balancer as id in scope. It validates props first
// (the rules of environments.yaml's alb block, and the wiring) and returns
// every problem at once as *config.Errors, having made nothing. HTTPS (with
// CertificateARN, or the certificate Domain makes) adds the HTTPS listener
// and makes HTTP redirect to it.
func New(scope constructs.Construct, id string, props Props) (*ALB, error) {
	var problems check.Problems
	problems.Settings(props.ALB.Validate(props.Region))
	switch n := utf8.RuneCountInString(props.Name); {
	case n == 0:
		problems.Add("name", "is missing; want the load balancer's name, e.g. webtier-dev")
	case n > maxName:
		problems.Add("name", "%q is %d characters; AWS load balancer names are at most %d", props.Name, n, maxName)
	}
	if n := len(props.TargetGroupNamePrefix); n < 1 || n > 6 {
		problems.Add("target_group_name_prefix", "%q is %d characters; AWS takes 1 to 6", props.TargetGroupNamePrefix, n)
	}
	problems.Settings(config.ValidateRegionName(props.Region))
	if props.TargetPort < 1 || props.TargetPort > 65535 {
		problems.Add("target_port", "%d is not a port; want 1 to 65535", props.TargetPort)
	}
	var subnets []*string
	if props.Network == nil {
		problems.Add("network", "is missing; want the VPC and its public subnets, e.g. a *network.Network")
	} else if subnets = props.Network.PublicSubnetIDs(); len(subnets) < 2 {
		problems.Add("network", "has %d public subnets; want at least 2 in different AZs", len(subnets))
	} else if v6, ok := props.Network.(DualStackNetwork); props.IPAddressType.DualStack() && (!ok || !v6.IPv6()) {
		problems.Add("network", "has no IPv6 blocks but alb.ip_address_type is %s; want a dual-stack network (network.ipv6), or ip_address_type: ipv4", props.IPAddressType)
	}
	if (props.AccessLogs || props.ConnectionLogs) && props.AccessLogBucket == "" && props.AccountID == nil {
		problems.Add("account_id", "is missing; the access log bucket's policy names the account, needed with alb.access_logs or alb.connection_logs")
	}
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	cfg, w := props.ALB, props
	vpcID := props.Network.VPCID()
	https := cfg.HTTPS || cfg.Domain != nil // the domain's certificate serves HTTPS (config sets https too)

	s := constructs.NewConstruct(scope, jsii.String(id))
	a := &ALB{Scope: s, id: id, https: https}

	a.SecurityGroup = secgroup.New(s, w.Name, "alb", "Load balancer of "+w.Name+": listeners from the allowed CIDRs, app port to the instances", vpcID)
	a.securityGroupID = a.SecurityGroup.Id()
	ports := []int{80}
	if https {
		ports = append(ports, 443)
	}
	for _, port := range ports {
		for i, cidr := range cfg.IngressCIDRs {
			vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s, jsii.String(fmt.Sprintf("ingress-%d-%d", port, i)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: a.securityGroupID,
				Description:     jsii.String(fmt.Sprintf("Clients to the listener on %d", port)),
				IpProtocol:      jsii.String("tcp"),
				FromPort:        jsii.Number(port),
				ToPort:          jsii.Number(port),
				CidrIpv4:        jsii.String(cidr),
			})
			// A dual-stack load balancer open to every IPv4 client is open
			// to every IPv6 client too (policy rule EWT-SG-3).
			if cidr == config.AllIPv4 && cfg.IPAddressType.DualStack() {
				vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s, jsii.String(fmt.Sprintf("ingress-%d-ipv6", port)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
					SecurityGroupId: a.securityGroupID,
					Description:     jsii.String(fmt.Sprintf("Clients to the listener on %d over IPv6", port)),
					IpProtocol:      jsii.String("tcp"),
					FromPort:        jsii.Number(port),
					ToPort:          jsii.Number(port),
					CidrIpv6:        jsii.String(config.AllIPv6),
				})
			}
		}
	}

	lbConfig := &lb.LbConfig{
		Name:                     jsii.String(w.Name),
		Internal:                 jsii.Bool(false),
		LoadBalancerType:         jsii.String("application"),
		SecurityGroups:           ptr.L(a.securityGroupID),
		Subnets:                  ptr.L(subnets...),
		DropInvalidHeaderFields:  jsii.Bool(true),
		EnableDeletionProtection: jsii.Bool(cfg.DeletionProtection),
		IdleTimeout:              jsii.Number(cfg.IdleTimeout),
		Tags:                     ptr.Name(w.Name),
	}
	// Knobs left at AWS's defaults are not written, so the JSON says only what differs.
	if cfg.DesyncMitigationMode != config.DesyncDefensive {
		lbConfig.DesyncMitigationMode = jsii.String(string(cfg.DesyncMitigationMode))
	}
	if !cfg.HTTP2 {
		lbConfig.EnableHttp2 = jsii.Bool(false)
	}
	if cfg.IPAddressType != config.IPAddressIPv4 {
		lbConfig.IpAddressType = jsii.String(cfg.IPAddressType.API())
	}
	if cfg.AccessLogs || cfg.ConnectionLogs {
		// A bucket of the caller's: its policy is the caller's too.
		bucket := jsii.String(cfg.AccessLogBucket)
		if cfg.AccessLogBucket == "" {
			var policy s3bucketpolicy.S3BucketPolicy
			bucket, policy = accessLogBucket(s, cfg, w)
			// The load balancer checks on creation that it may write to the bucket.
			lbConfig.DependsOn = &[]cdktf.ITerraformDependable{policy}
		}
		if cfg.AccessLogs {
			lbConfig.AccessLogs = &lb.LbAccessLogs{Bucket: bucket, Prefix: jsii.String(AccessLogPrefix), Enabled: jsii.Bool(true)}
		}
		if cfg.ConnectionLogs {
			lbConfig.ConnectionLogs = &lb.LbConnectionLogs{Bucket: bucket, Prefix: jsii.String(ConnectionLogPrefix), Enabled: jsii.Bool(true)}
		}
	}
	balancer := lb.NewLb(s, jsii.String("lb"), lbConfig)
	a.LoadBalancer = balancer
	a.arn, a.arnSuffix, a.dnsName = balancer.Arn(), balancer.ArnSuffix(), balancer.DnsName()
	a.url, a.certificateARN = jsii.String("http://"+*a.dnsName), jsii.String("")
	if https {
		a.url, a.certificateARN = jsii.String("https://"+*a.dnsName), jsii.String(cfg.CertificateARN)
	}
	if cfg.Domain != nil {
		a.certificateARN = domain(s, cfg.Domain, w, a.dnsName, balancer.ZoneId()).ARN
		a.url = jsii.String("https://" + cfg.Domain.Name)
	}
	if cfg.WAF {
		webACL(s, w, a.arn)
	}

	a.cfg, a.name, a.vpcID = cfg, w.Name, vpcID
	tg := a.newTargetGroup("target-group", w.TargetGroupNamePrefix, props.TargetPort, w.Name)
	a.TargetGroup = tg
	a.targetGroupARN, a.targetGroupARNSuffix = tg.Arn(), tg.ArnSuffix()

	forward := &[]*lblistener.LbListenerDefaultAction{{Type: jsii.String("forward"), TargetGroupArn: a.targetGroupARN}}
	if !https {
		l := lblistener.NewLbListener(s, jsii.String("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: a.arn,
			Port:            jsii.Number(80),
			Protocol:        jsii.String("HTTP"),
			DefaultAction:   forward,
			Tags:            ptr.Name(w.Name + "-http"),
		})
		a.Listener, a.listenerARN = l, l.Arn()
		return a, nil
	}
	l := lblistener.NewLbListener(s, jsii.String("https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: a.arn,
		Port:            jsii.Number(443),
		Protocol:        jsii.String("HTTPS"),
		SslPolicy:       jsii.String(cfg.SSLPolicy),
		CertificateArn:  a.certificateARN,
		DefaultAction:   forward,
		Tags:            ptr.Name(w.Name + "-https"),
	})
	a.Listener, a.listenerARN = l, l.Arn()
	a.RedirectListener = lblistener.NewLbListener(s, jsii.String("http-redirect"), &lblistener.LbListenerConfig{
		LoadBalancerArn: a.arn,
		Port:            jsii.Number(80),
		Protocol:        jsii.String("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
			Type: jsii.String("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol:   jsii.String("HTTPS"),
				Port:       jsii.String("443"),
				StatusCode: jsii.String("HTTP_301"),
			},
		}},
		Tags: ptr.Name(w.Name + "-http-redirect"),
	})
	return a, nil
}

// newTargetGroup makes a target group of the load balancer's target group
// settings (health check, deregistration delay, slow start, stickiness,
// algorithm) on port, named from prefix and tagged name.
func (a *ALB) newTargetGroup(id, prefix string, port int, name string) lbtargetgroup.LbTargetGroup {
	cfg := a.cfg
	hc := cfg.HealthCheck
	tgConfig := &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix:          jsii.String(prefix),
		Port:                jsii.Number(port),
		Protocol:            jsii.String("HTTP"),
		TargetType:          jsii.String("instance"),
		VpcId:               a.vpcID,
		DeregistrationDelay: jsii.String(fmt.Sprint(cfg.DeregistrationDelay)),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            jsii.Bool(true),
			Protocol:           jsii.String("HTTP"),
			Port:               jsii.String("traffic-port"),
			Path:               jsii.String(hc.Path),
			Matcher:            jsii.String(hc.Matcher),
			Interval:           jsii.Number(hc.Interval),
			Timeout:            jsii.Number(hc.Timeout),
			HealthyThreshold:   jsii.Number(hc.HealthyThreshold),
			UnhealthyThreshold: jsii.Number(hc.UnhealthyThreshold),
		},
		Tags: ptr.Name(name),
		// A new target group (new name from the prefix) is attached before the old one goes.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
	}
	if cfg.SlowStart != nil { // 0 too: the file said so
		tgConfig.SlowStart = jsii.Number(*cfg.SlowStart)
	}
	if cfg.Algorithm != config.AlgorithmRoundRobin {
		tgConfig.LoadBalancingAlgorithmType = jsii.String(string(cfg.Algorithm))
	}
	if cfg.Stickiness.Type != config.StickinessNone {
		tgConfig.Stickiness = &lbtargetgroup.LbTargetGroupStickiness{
			Enabled:        jsii.Bool(true),
			Type:           jsii.String(string(cfg.Stickiness.Type)),
			CookieDuration: jsii.Number(cfg.Stickiness.Duration),
		}
	}
	return lbtargetgroup.NewLbTargetGroup(a.Scope, jsii.String(id), tgConfig)
}
