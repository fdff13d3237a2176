package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// Fake credentials: the emulator accepts any.
const (
	fakeKeyID  = "AKIAE2EHARNESS000000"
	fakeSecret = "e2e-harness-secret-not-a-real-key"
)

// AWS holds SDK clients pointed at the emulator.
type AWS struct {
	EC2  *ec2.Client
	ELB  *elbv2.Client
	ASG  *autoscaling.Client
	S3   *s3.Client
	SNS  *sns.Client
	CW   *cloudwatch.Client
	Logs *cloudwatchlogs.Client
	IAM  *iam.Client
	KMS  *kms.Client
	WAF  *wafv2.Client
	ACM  *acm.Client
	R53  *route53.Client
}

// NewAWS returns clients for region at endpoint.
func NewAWS(endpoint, region string) *AWS {
	return newAWS(aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(fakeKeyID, fakeSecret, ""),
		BaseEndpoint: aws.String(endpoint),
	})
}

// newAWS returns the clients of cfg.
func newAWS(cfg aws.Config) *AWS {
	return &AWS{
		EC2:  ec2.NewFromConfig(cfg),
		ELB:  elbv2.NewFromConfig(cfg),
		ASG:  autoscaling.NewFromConfig(cfg),
		S3:   s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
		SNS:  sns.NewFromConfig(cfg),
		CW:   cloudwatch.NewFromConfig(cfg),
		Logs: cloudwatchlogs.NewFromConfig(cfg),
		IAM:  iam.NewFromConfig(cfg),
		KMS:  kms.NewFromConfig(cfg),
		WAF:  wafv2.NewFromConfig(cfg),
		ACM:  acm.NewFromConfig(cfg),
		R53:  route53.NewFromConfig(cfg),
	}
}

// Leftovers lists what the emulator still holds that a stack could have
// made (default VPC resources excluded), one "kind id" string each, sorted.
// keepBuckets are buckets the harness itself made.
func (a *AWS) Leftovers(ctx context.Context, keepBuckets ...string) ([]string, error) {
	var left []string
	add := func(kind, id string) { left = append(left, kind+" "+id) }
	var errs []error
	check := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("listing %s: %w", what, err))
		}
	}

	vpcs, err := a.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	check("VPCs", err)
	defaultVPC := map[string]bool{}
	if vpcs != nil {
		for _, v := range vpcs.Vpcs {
			if aws.ToBool(v.IsDefault) {
				defaultVPC[aws.ToString(v.VpcId)] = true
				continue
			}
			add("vpc", aws.ToString(v.VpcId))
		}
	}
	subnets, err := a.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	check("subnets", err)
	if subnets != nil {
		for _, s := range subnets.Subnets {
			if !defaultVPC[aws.ToString(s.VpcId)] {
				add("subnet", aws.ToString(s.SubnetId))
			}
		}
	}
	inst, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	check("instances", err)
	if inst != nil {
		for _, r := range inst.Reservations {
			for _, i := range r.Instances {
				if i.State != nil && i.State.Name != ec2types.InstanceStateNameTerminated && i.State.Name != ec2types.InstanceStateNameShuttingDown {
					add("instance", aws.ToString(i.InstanceId)+" ("+string(i.State.Name)+")")
				}
			}
		}
	}
	sgs, err := a.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	check("security groups", err)
	if sgs != nil {
		for _, g := range sgs.SecurityGroups {
			if !defaultVPC[aws.ToString(g.VpcId)] && aws.ToString(g.GroupName) != "default" {
				add("security-group", aws.ToString(g.GroupId))
			}
		}
	}
	nats, err := a.EC2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{})
	check("NAT gateways", err)
	if nats != nil {
		for _, n := range nats.NatGateways {
			if n.State != ec2types.NatGatewayStateDeleted {
				add("nat-gateway", aws.ToString(n.NatGatewayId))
			}
		}
	}
	eips, err := a.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	check("Elastic IPs", err)
	if eips != nil {
		for _, e := range eips.Addresses {
			add("eip", aws.ToString(e.AllocationId))
		}
	}
	igws, err := a.EC2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{})
	check("internet gateways", err)
	if igws != nil {
		for _, g := range igws.InternetGateways {
			def := false
			for _, at := range g.Attachments {
				def = def || defaultVPC[aws.ToString(at.VpcId)]
			}
			if !def {
				add("internet-gateway", aws.ToString(g.InternetGatewayId))
			}
		}
	}
	lts, err := a.EC2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{})
	check("launch templates", err)
	if lts != nil {
		for _, t := range lts.LaunchTemplates {
			add("launch-template", aws.ToString(t.LaunchTemplateId))
		}
	}
	eps, err := a.EC2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{})
	check("VPC endpoints", err)
	if eps != nil {
		for _, e := range eps.VpcEndpoints {
			add("vpc-endpoint", aws.ToString(e.VpcEndpointId))
		}
	}
	fls, err := a.EC2.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{})
	check("flow logs", err)
	if fls != nil {
		for _, f := range fls.FlowLogs {
			add("flow-log", aws.ToString(f.FlowLogId))
		}
	}

	lbs, err := a.ELB.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	check("load balancers", err)
	if lbs != nil {
		for _, l := range lbs.LoadBalancers {
			add("load-balancer", aws.ToString(l.LoadBalancerArn))
		}
	}
	tgs, err := a.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
	check("target groups", err)
	if tgs != nil {
		for _, t := range tgs.TargetGroups {
			add("target-group", aws.ToString(t.TargetGroupArn))
		}
	}
	groups, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{})
	check("Auto Scaling groups", err)
	if groups != nil {
		for _, g := range groups.AutoScalingGroups {
			add("autoscaling-group", aws.ToString(g.AutoScalingGroupName))
		}
	}

	buckets, err := a.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	check("buckets", err)
	if buckets != nil {
		for _, b := range buckets.Buckets {
			if !slices.Contains(keepBuckets, aws.ToString(b.Name)) {
				add("bucket", aws.ToString(b.Name))
			}
		}
	}
	topics, err := a.SNS.ListTopics(ctx, &sns.ListTopicsInput{})
	check("SNS topics", err)
	if topics != nil {
		for _, t := range topics.Topics {
			add("sns-topic", aws.ToString(t.TopicArn))
		}
	}
	alarms, err := a.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
	check("alarms", err)
	if alarms != nil {
		for _, m := range alarms.MetricAlarms {
			add("alarm", aws.ToString(m.AlarmName))
		}
	}
	dash, err := a.CW.ListDashboards(ctx, &cloudwatch.ListDashboardsInput{})
	check("dashboards", err)
	if dash != nil {
		for _, d := range dash.DashboardEntries {
			add("dashboard", aws.ToString(d.DashboardName))
		}
	}
	lgs, err := a.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	check("log groups", err)
	if lgs != nil {
		for _, g := range lgs.LogGroups {
			add("log-group", aws.ToString(g.LogGroupName))
		}
	}
	roles, err := a.IAM.ListRoles(ctx, &iam.ListRolesInput{})
	check("IAM roles", err)
	if roles != nil {
		for _, r := range roles.Roles {
			if !strings.HasPrefix(aws.ToString(r.Path), "/aws-service-role/") {
				add("iam-role", aws.ToString(r.RoleName))
			}
		}
	}
	profiles, err := a.IAM.ListInstanceProfiles(ctx, &iam.ListInstanceProfilesInput{})
	check("instance profiles", err)
	if profiles != nil {
		for _, p := range profiles.InstanceProfiles {
			add("instance-profile", aws.ToString(p.InstanceProfileName))
		}
	}
	keys, err := a.KMS.ListKeys(ctx, &kms.ListKeysInput{})
	check("KMS keys", err)
	if keys != nil {
		for _, k := range keys.Keys {
			d, err := a.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
			check("KMS key "+aws.ToString(k.KeyId), err)
			if d != nil && d.KeyMetadata.KeyState != kmstypes.KeyStatePendingDeletion && d.KeyMetadata.KeyManager != kmstypes.KeyManagerTypeAws {
				add("kms-key", aws.ToString(k.KeyId)+" ("+string(d.KeyMetadata.KeyState)+")")
			}
		}
	}
	acls, err := a.WAF.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	check("WAF web ACLs", err)
	if acls != nil {
		for _, w := range acls.WebACLs {
			add("waf-web-acl", aws.ToString(w.Name))
		}
	}
	certs, err := a.ACM.ListCertificates(ctx, &acm.ListCertificatesInput{})
	check("ACM certificates", err)
	if certs != nil {
		for _, c := range certs.CertificateSummaryList {
			add("acm-certificate", aws.ToString(c.DomainName)+" "+aws.ToString(c.CertificateArn))
		}
	}
	// Hosted zones are the harness's (made for alb.domain); what the stack
	// writes into them are records: only the zone's own SOA and NS may stay.
	zones, err := a.R53.ListHostedZones(ctx, &route53.ListHostedZonesInput{})
	check("hosted zones", err)
	if zones != nil {
		for _, z := range zones.HostedZones {
			rrs, err := a.R53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: z.Id})
			check("records of "+aws.ToString(z.Name), err)
			if rrs == nil {
				continue
			}
			for _, rr := range rrs.ResourceRecordSets {
				if rr.Type != r53types.RRTypeSoa && rr.Type != r53types.RRTypeNs {
					add("route53-record", string(rr.Type)+" "+aws.ToString(rr.Name))
				}
			}
		}
	}
	sort.Strings(left)
	return left, errors.Join(errs...)
}
