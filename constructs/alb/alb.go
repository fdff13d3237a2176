// Package alb is the load balancer construct: an internet-facing application
// load balancer in the public subnets of every AZ with its own security group,
// a target group with health checks, and the listeners: HTTP forwarding to the
// target group, or HTTPS (modern TLS policy) with HTTP redirecting to it when
// a certificate is configured.
package alb

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lb"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lblistener"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/internal/secgroup"
	"github.com/platformstarter/elastic-web-tier/internal/config"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Wiring is what the stack hands the construct besides its settings
// (config.ALB, defaulted and validated by internal/config).
type Wiring struct {
	// Name is the load balancer's name (at most 28 characters, validated as
	// the name prefix), e.g. webtier-dev.
	Name string
	// TargetGroupNamePrefix is the target group's name prefix (at most 6 characters).
	TargetGroupNamePrefix string
	// VPCID of the VPC.
	VPCID *string
	// SubnetIDs are the public subnets, one per AZ.
	SubnetIDs []*string
	// TargetPort is the app port on the instances (compute.app_port).
	TargetPort int
	// AccountID of the deploying account (the access log bucket policy names it); needed with access logs.
	AccountID *string
	// Region of the load balancer: it decides who writes the logs (see logWriter).
	Region string
}

// ALB is what the construct exposes.
type ALB struct {
	// Scope holds every load balancer resource.
	Scope constructs.Construct
	// ARN, ARNSuffix (for CloudWatch dimensions) and DNSName of the load balancer.
	ARN, ARNSuffix, DNSName *string
	// SecurityGroupID of the load balancer's security group.
	SecurityGroupID *string
	// TargetGroupARN and TargetGroupARNSuffix (for CloudWatch dimensions).
	TargetGroupARN, TargetGroupARNSuffix *string
	// ListenerARN is the listener that forwards to the target group (HTTPS when enabled).
	ListenerARN *string
	// HTTPS reports whether the HTTPS listener exists.
	HTTPS bool
	// URL clients use: https://<domain name> with a domain, https://<ALB DNS
	// name> with a certificate made elsewhere, else http://<ALB DNS name>.
	URL *string
	// CertificateARN of the HTTPS listener's certificate (the validated one
	// with a domain); empty without HTTPS.
	CertificateARN *string
}

// SecurityGroup returns the load balancer's security group ID, so compute can
// open its app port to it (compute.AllowFrom).
func (a *ALB) SecurityGroup() *string { return a.SecurityGroupID }

// New builds the load balancer with settings cfg. It trusts cfg
// (internal/config has defaulted and validated it): every value, zero
// included, goes into the JSON as it is. HTTPS (with cfg.CertificateARN, or
// the certificate cfg.Domain makes) adds the HTTPS listener and makes HTTP
// redirect to it.
func New(scope constructs.Construct, id string, cfg config.ALB, w Wiring) (*ALB, error) {
	if len(w.SubnetIDs) < 2 {
		return nil, fmt.Errorf("subnet_ids (%d) must list at least 2 public subnets in different AZs", len(w.SubnetIDs))
	}
	if (cfg.AccessLogs || cfg.ConnectionLogs) && w.AccountID == nil {
		return nil, fmt.Errorf("account_id must be set when access_logs or connection_logs is on")
	}
	https := cfg.HTTPS || cfg.Domain != nil // the domain's certificate serves HTTPS (config sets https too)

	s := constructs.NewConstruct(scope, ptr.S(id))
	a := &ALB{Scope: s, HTTPS: https}

	sg := secgroup.New(s, w.Name, "alb", "Load balancer of "+w.Name+": listeners from the allowed CIDRs, app port to the instances", w.VPCID)
	a.SecurityGroupID = sg.Id()
	ports := []int{80}
	if https {
		ports = append(ports, 443)
	}
	for _, port := range ports {
		for i, cidr := range cfg.IngressCIDRs {
			vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s, ptr.S(fmt.Sprintf("ingress-%d-%d", port, i)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: a.SecurityGroupID,
				Description:     ptr.S(fmt.Sprintf("Clients to the listener on %d", port)),
				IpProtocol:      ptr.S("tcp"),
				FromPort:        ptr.N(port),
				ToPort:          ptr.N(port),
				CidrIpv4:        ptr.S(cidr),
			})
		}
	}

	lbConfig := &lb.LbConfig{
		Name:                     ptr.S(w.Name),
		Internal:                 ptr.B(false),
		LoadBalancerType:         ptr.S("application"),
		SecurityGroups:           ptr.L(a.SecurityGroupID),
		Subnets:                  ptr.L(w.SubnetIDs...),
		DropInvalidHeaderFields:  ptr.B(true),
		EnableDeletionProtection: ptr.B(cfg.DeletionProtection),
		IdleTimeout:              ptr.N(cfg.IdleTimeout),
		Tags:                     ptr.Name(w.Name),
	}
	// Knobs left at AWS's defaults are not written, so the JSON says only what differs.
	if cfg.DesyncMitigationMode != config.DesyncDefensive {
		lbConfig.DesyncMitigationMode = ptr.S(string(cfg.DesyncMitigationMode))
	}
	if !cfg.HTTP2 {
		lbConfig.EnableHttp2 = ptr.B(false)
	}
	if cfg.AccessLogs || cfg.ConnectionLogs {
		bucket, policy := accessLogBucket(s, cfg, w)
		if cfg.AccessLogs {
			lbConfig.AccessLogs = &lb.LbAccessLogs{Bucket: bucket, Prefix: ptr.S(AccessLogPrefix), Enabled: ptr.B(true)}
		}
		if cfg.ConnectionLogs {
			lbConfig.ConnectionLogs = &lb.LbConnectionLogs{Bucket: bucket, Prefix: ptr.S(ConnectionLogPrefix), Enabled: ptr.B(true)}
		}
		// The load balancer checks on creation that it may write to the bucket.
		lbConfig.DependsOn = &[]cdktf.ITerraformDependable{policy}
	}
	balancer := lb.NewLb(s, ptr.S("lb"), lbConfig)
	a.ARN, a.ARNSuffix, a.DNSName = balancer.Arn(), balancer.ArnSuffix(), balancer.DnsName()
	a.URL, a.CertificateARN = ptr.S("http://"+*a.DNSName), ptr.S("")
	if https {
		a.URL, a.CertificateARN = ptr.S("https://"+*a.DNSName), ptr.S(cfg.CertificateARN)
	}
	if cfg.Domain != nil {
		a.CertificateARN = domain(s, cfg.Domain, w, a.DNSName, balancer.ZoneId()).ARN
		a.URL = ptr.S("https://" + cfg.Domain.Name)
	}
	if cfg.WAF {
		webACL(s, w, a.ARN)
	}

	hc := cfg.HealthCheck
	tgConfig := &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix:          ptr.S(w.TargetGroupNamePrefix),
		Port:                ptr.N(w.TargetPort),
		Protocol:            ptr.S("HTTP"),
		TargetType:          ptr.S("instance"),
		VpcId:               w.VPCID,
		DeregistrationDelay: ptr.S(fmt.Sprint(cfg.DeregistrationDelay)),
		HealthCheck: &lbtargetgroup.LbTargetGroupHealthCheck{
			Enabled:            ptr.B(true),
			Protocol:           ptr.S("HTTP"),
			Port:               ptr.S("traffic-port"),
			Path:               ptr.S(hc.Path),
			Matcher:            ptr.S(hc.Matcher),
			Interval:           ptr.N(hc.Interval),
			Timeout:            ptr.N(hc.Timeout),
			HealthyThreshold:   ptr.N(hc.HealthyThreshold),
			UnhealthyThreshold: ptr.N(hc.UnhealthyThreshold),
		},
		Tags: ptr.Name(w.Name),
		// A new target group (new name from the prefix) is attached before the old one goes.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.B(true)},
	}
	if cfg.SlowStart != nil { // 0 too: the file said so
		tgConfig.SlowStart = ptr.N(*cfg.SlowStart)
	}
	if cfg.Algorithm != config.AlgorithmRoundRobin {
		tgConfig.LoadBalancingAlgorithmType = ptr.S(string(cfg.Algorithm))
	}
	if cfg.Stickiness.Type != config.StickinessNone {
		tgConfig.Stickiness = &lbtargetgroup.LbTargetGroupStickiness{
			Enabled:        ptr.B(true),
			Type:           ptr.S(string(cfg.Stickiness.Type)),
			CookieDuration: ptr.N(cfg.Stickiness.Duration),
		}
	}
	tg := lbtargetgroup.NewLbTargetGroup(s, ptr.S("target-group"), tgConfig)
	a.TargetGroupARN, a.TargetGroupARNSuffix = tg.Arn(), tg.ArnSuffix()

	forward := &[]*lblistener.LbListenerDefaultAction{{Type: ptr.S("forward"), TargetGroupArn: a.TargetGroupARN}}
	if !https {
		l := lblistener.NewLbListener(s, ptr.S("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: a.ARN,
			Port:            ptr.N(80),
			Protocol:        ptr.S("HTTP"),
			DefaultAction:   forward,
			Tags:            ptr.Name(w.Name + "-http"),
		})
		a.ListenerARN = l.Arn()
		return a, nil
	}
	l := lblistener.NewLbListener(s, ptr.S("https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: a.ARN,
		Port:            ptr.N(443),
		Protocol:        ptr.S("HTTPS"),
		SslPolicy:       ptr.S(cfg.SSLPolicy),
		CertificateArn:  a.CertificateARN,
		DefaultAction:   forward,
		Tags:            ptr.Name(w.Name + "-https"),
	})
	a.ListenerARN = l.Arn()
	lblistener.NewLbListener(s, ptr.S("http-redirect"), &lblistener.LbListenerConfig{
		LoadBalancerArn: a.ARN,
		Port:            ptr.N(80),
		Protocol:        ptr.S("HTTP"),
		DefaultAction: &[]*lblistener.LbListenerDefaultAction{{
			Type: ptr.S("redirect"),
			Redirect: &lblistener.LbListenerDefaultActionRedirect{
				Protocol:   ptr.S("HTTPS"),
				Port:       ptr.S("443"),
				StatusCode: ptr.S("HTTP_301"),
			},
		}},
		Tags: ptr.Name(w.Name + "-http-redirect"),
	})
	return a, nil
}
