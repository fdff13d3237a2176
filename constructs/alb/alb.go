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
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// HealthCheck configures the target group's health check.
type HealthCheck struct {
	// Path requested on each target. Default: /health.
	Path string
	// Matcher lists the healthy HTTP codes. Default: 200.
	Matcher string
	// Interval in seconds. Default: 15.
	Interval int
	// Timeout in seconds. Default: 5.
	Timeout int
	// HealthyThreshold consecutive successes. Default: 2.
	HealthyThreshold int
	// UnhealthyThreshold consecutive failures. Default: 3.
	UnhealthyThreshold int
}

// Config is the load balancer's input.
type Config struct {
	// Name is the load balancer's name (at most 32 characters), e.g. webtier-dev. Required.
	Name string
	// TargetGroupNamePrefix is the target group's name prefix (at most 6 characters). Default: "tg-".
	TargetGroupNamePrefix string
	// VPCID of the VPC. Required.
	VPCID *string
	// SubnetIDs are the public subnets, one per AZ. Required.
	SubnetIDs []*string
	// IngressCIDRs may reach the listeners. Default: [0.0.0.0/0].
	IngressCIDRs []string
	// CertificateARN turns on the HTTPS listener and makes HTTP redirect to it. Default: "" (HTTP only).
	CertificateARN string
	// SSLPolicy of the HTTPS listener. Default: ELBSecurityPolicy-TLS13-1-2-2021-06.
	SSLPolicy string
	// DeletionProtection on the load balancer. Default: false.
	DeletionProtection bool
	// IdleTimeout in seconds. Default: 60.
	IdleTimeout int
	// TargetPort is the app port on the instances. Required.
	TargetPort int
	// DeregistrationDelay in seconds. Default: 30.
	DeregistrationDelay int
	// HealthCheck of the target group.
	HealthCheck HealthCheck
	// AccessLogs writes access logs to a private, encrypted S3 bucket of the construct. Default: false.
	AccessLogs bool
	// AccessLogRetentionDays before log objects expire. Default: 90.
	AccessLogRetentionDays int
	// AccountID of the deploying account (the access log bucket policy names it). Required with AccessLogs.
	AccountID *string
	// WAF puts a regional WAFv2 web ACL with AWS managed rule groups in front of the load balancer. Default: false.
	WAF bool
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
}

// SecurityGroup returns the load balancer's security group ID, so compute can
// open its app port to it (compute.AllowFrom).
func (a *ALB) SecurityGroup() *string { return a.SecurityGroupID }

// New builds the load balancer.
func New(scope constructs.Construct, id string, cfg Config) (*ALB, error) {
	if len(cfg.Name) == 0 || len(cfg.Name) > 28 {
		return nil, fmt.Errorf("name (%q) must be 1 to 28 characters (AWS limits load balancer names to 32)", cfg.Name)
	}
	if len(cfg.SubnetIDs) < 2 {
		return nil, fmt.Errorf("subnet_ids (%d) must list at least 2 public subnets in different AZs", len(cfg.SubnetIDs))
	}
	if cfg.TargetPort < 1 || cfg.TargetPort > 65535 {
		return nil, fmt.Errorf("target_port (%d) must be 1 to 65535", cfg.TargetPort)
	}
	def(&cfg.SSLPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06")
	def(&cfg.TargetGroupNamePrefix, "tg-")
	def(&cfg.HealthCheck.Path, "/health")
	def(&cfg.HealthCheck.Matcher, "200")
	defInt(&cfg.HealthCheck.Interval, 15)
	defInt(&cfg.HealthCheck.Timeout, 5)
	defInt(&cfg.HealthCheck.HealthyThreshold, 2)
	defInt(&cfg.HealthCheck.UnhealthyThreshold, 3)
	defInt(&cfg.IdleTimeout, 60)
	defInt(&cfg.AccessLogRetentionDays, 90)
	if cfg.AccessLogs && cfg.AccountID == nil {
		return nil, fmt.Errorf("account_id must be set when access_logs is on")
	}
	if len(cfg.IngressCIDRs) == 0 {
		cfg.IngressCIDRs = []string{"0.0.0.0/0"}
	}
	https := cfg.CertificateARN != ""

	s := constructs.NewConstruct(scope, ptr.S(id))
	a := &ALB{Scope: s, HTTPS: https}

	sg := secgroup.New(s, cfg.Name, "alb", "Load balancer of "+cfg.Name+": listeners from the allowed CIDRs, app port to the instances", cfg.VPCID)
	a.SecurityGroupID = sg.Id()
	ports := []int{80}
	if https {
		ports = append(ports, 443)
	}
	for _, port := range ports {
		for i, cidr := range cfg.IngressCIDRs {
			vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(s, ptr.S(fmt.Sprintf("ingress-%d-%d", port, i)), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
				SecurityGroupId: sg.Id(),
				Description:     ptr.S(fmt.Sprintf("Clients to the listener on %d", port)),
				IpProtocol:      ptr.S("tcp"),
				FromPort:        ptr.N(port),
				ToPort:          ptr.N(port),
				CidrIpv4:        ptr.S(cidr),
			})
		}
	}

	lbConfig := &lb.LbConfig{
		Name:                     ptr.S(cfg.Name),
		Internal:                 ptr.B(false),
		LoadBalancerType:         ptr.S("application"),
		SecurityGroups:           ptr.L(sg.Id()),
		Subnets:                  ptr.L(cfg.SubnetIDs...),
		DropInvalidHeaderFields:  ptr.B(true),
		EnableDeletionProtection: ptr.B(cfg.DeletionProtection),
		IdleTimeout:              ptr.N(cfg.IdleTimeout),
		Tags:                     ptr.Name(cfg.Name),
	}
	if cfg.AccessLogs {
		bucket, policy := accessLogBucket(s, cfg)
		lbConfig.AccessLogs = &lb.LbAccessLogs{Bucket: bucket, Prefix: ptr.S(AccessLogPrefix), Enabled: ptr.B(true)}
		// The load balancer checks on creation that it may write to the bucket.
		lbConfig.DependsOn = &[]cdktf.ITerraformDependable{policy}
	}
	balancer := lb.NewLb(s, ptr.S("lb"), lbConfig)
	if cfg.WAF {
		webACL(s, cfg, balancer.Arn())
	}
	a.ARN, a.ARNSuffix, a.DNSName = balancer.Arn(), balancer.ArnSuffix(), balancer.DnsName()

	hc := cfg.HealthCheck
	tg := lbtargetgroup.NewLbTargetGroup(s, ptr.S("target-group"), &lbtargetgroup.LbTargetGroupConfig{
		NamePrefix:          ptr.S(cfg.TargetGroupNamePrefix),
		Port:                ptr.N(cfg.TargetPort),
		Protocol:            ptr.S("HTTP"),
		TargetType:          ptr.S("instance"),
		VpcId:               cfg.VPCID,
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
		Tags: ptr.Name(cfg.Name),
		// A new target group (new name from the prefix) is attached before the old one goes.
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.B(true)},
	})
	a.TargetGroupARN, a.TargetGroupARNSuffix = tg.Arn(), tg.ArnSuffix()

	forward := &[]*lblistener.LbListenerDefaultAction{{Type: ptr.S("forward"), TargetGroupArn: tg.Arn()}}
	if !https {
		l := lblistener.NewLbListener(s, ptr.S("http"), &lblistener.LbListenerConfig{
			LoadBalancerArn: balancer.Arn(),
			Port:            ptr.N(80),
			Protocol:        ptr.S("HTTP"),
			DefaultAction:   forward,
			Tags:            ptr.Name(cfg.Name + "-http"),
		})
		a.ListenerARN = l.Arn()
		return a, nil
	}
	l := lblistener.NewLbListener(s, ptr.S("https"), &lblistener.LbListenerConfig{
		LoadBalancerArn: balancer.Arn(),
		Port:            ptr.N(443),
		Protocol:        ptr.S("HTTPS"),
		SslPolicy:       ptr.S(cfg.SSLPolicy),
		CertificateArn:  ptr.S(cfg.CertificateARN),
		DefaultAction:   forward,
		Tags:            ptr.Name(cfg.Name + "-https"),
	})
	a.ListenerARN = l.Arn()
	lblistener.NewLbListener(s, ptr.S("http-redirect"), &lblistener.LbListenerConfig{
		LoadBalancerArn: balancer.Arn(),
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
		Tags: ptr.Name(cfg.Name + "-http-redirect"),
	})
	return a, nil
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

func defInt(i *int, v int) {
	if *i == 0 {
		*i = v
	}
}
