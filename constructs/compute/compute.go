// Package compute is the compute construct in two kinds: one EC2 instance
// (NewInstance, compute_mode ec2) or an Auto Scaling group (NewGroup,
// compute_mode asg), both from the same launch template (IMDSv2 required,
// encrypted gp3 root volume, detailed monitoring, an instance role with one
// least-privilege inline policy, no SSH key) behind the same security
// group, and both a Compute.
package compute

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalinggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalinglifecyclehook"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingnotification"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/cloudwatchloggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsinstances"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iaminstanceprofile"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/instance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/launchtemplate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroupattachment"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/securitygroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/secgroup"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the compute construct: its settings (config.Compute,
// with the defaults and rules of environments.yaml's compute block) and
// where it goes. Start from DefaultProps. NewInstance and NewGroup take the
// same props; the group's settings (sizes, refresh, spot, ...) are checked
// for an instance too, so that switching never reveals an old mistake.
type Props struct {
	config.Compute
	// Name prefixes resource names and Name tags, e.g. webtier-dev. Required.
	Name string
	// Network is the VPC and its private subnets, one per AZ, e.g. a
	// *network.Network; an instance goes in the first. Required.
	Network Network
	// TargetGroup the instances register in, on compute.app_port, e.g. an
	// *alb.ALB. Required.
	TargetGroup TargetGroup
	// LaunchTags are tags for every instance and volume launched. The
	// provider's default_tags do not reach what an Auto Scaling group
	// launches, so the launch template's tag specifications carry them.
	// Default: none (the instances get their Name tag only).
	LaunchTags map[string]string
	// SizesScheduled says that scheduled actions (scaling.schedules) set the
	// group's min_size and max_size: a deploy must not undo them (a group
	// only). Default: false.
	SizesScheduled bool
	// Agent runs the CloudWatch agent on the instances (observability.logs)
	// and makes its two log groups here; nil: no agent. Default: an agent
	// keeping logs observability.logs.retention_days (30), service-managed
	// encryption.
	Agent *Agent
	// Region and AccountID of the stack: with compute.warm_pool the instance
	// role may complete the launch hook of its own group only, named by its
	// ARN in this region and account. Required with compute.warm_pool.
	Region    string
	AccountID *string
}

// Agent is the CloudWatch agent's part of the compute construct: the log
// groups /<name>/app and /<name>/system, the agent in the stack's user data
// (not in compute.user_data_file's: that script is the user's) and its
// permissions in the instance role's inline policy.
type Agent struct {
	// RetentionDays of the log groups, one of config.LogRetentionDays. Required.
	RetentionDays int
	// KMSKeyARN encrypts the log groups with a customer-managed key whose
	// policy lets the region's CloudWatch Logs use it for these log groups,
	// e.g. encryption.Key's ARN (policy rule EWT-LOGS-1 wants one). Default:
	// nil (service-managed encryption).
	KMSKeyARN *string
}

// DefaultProps returns the documented defaults (config.DefaultCompute, and
// the CloudWatch agent as config.DefaultObservability's logs have it); set
// Name, Network and TargetGroup.
func DefaultProps() Props {
	return Props{Compute: config.DefaultCompute(), Agent: &Agent{RetentionDays: config.DefaultObservability().Logs.RetentionDays}}
}

// Network is where the instances go.
type Network interface {
	// VPCID of the VPC.
	VPCID() *string
	// PrivateSubnetIDs, one per AZ.
	PrivateSubnetIDs() []*string
}

// TargetGroup is a load balancer target group the instances register in.
type TargetGroup interface {
	// TargetGroupARN is the target group's ARN.
	TargetGroupARN() *string
}

// Peer is a construct with a security group that AllowFrom lets in.
type Peer interface {
	// SecurityGroupID of the peer.
	SecurityGroupID() *string
	// PeerID names the peer in the ids of the rules made for it
	// (ingress-app-from-<id>, egress-<id>-to-app): the construct's own id;
	// peers let into one compute construct need distinct ids.
	PeerID() string
	// PeerDescription names the peer in the rules' descriptions, e.g. load balancer.
	PeerDescription() string
}

// Compute is what both kinds share: one instance (*Instance) or an Auto
// Scaling group (*Group), from the same launch template behind the same
// security group. Observability takes it.
type Compute interface {
	// SecurityGroupID of the instances.
	SecurityGroupID() *string
	// LaunchTemplateID the instances launch from.
	LaunchTemplateID() *string
	// LaunchTemplateVersion is the template's latest version.
	LaunchTemplateVersion() *string
	// InstanceIDs: the instance, or the group's instances in service when
	// apply finished.
	InstanceIDs() *[]*string
	// MetricDimension selects the instances' EC2 metrics in CloudWatch:
	// AutoScalingGroupName and the group's name, or InstanceId and the
	// instance's ID.
	MetricDimension() (name string, value *string)
	// AllowFrom opens the app port on the instances to the peer.
	AllowFrom(peer Peer)
	// AppLogGroupName is the log group of the app's journal (nil without
	// the CloudWatch agent).
	AppLogGroupName() *string
	// PeerID and PeerDescription name the instances in rules others make
	// to let them in (network's AllowEndpointsFrom).
	PeerID() string
	PeerDescription() string
}

// Base is what both kinds make: the security group, the instance role with
// its inline policy and profile, and the launch template (fields for
// overrides).
type Base struct {
	// Scope holds every compute resource.
	Scope          constructs.Construct
	SecurityGroup  securitygroup.SecurityGroup
	Role           iamrole.IamRole
	RolePolicy     iamrolepolicy.IamRolePolicy
	Profile        iaminstanceprofile.IamInstanceProfile
	LaunchTemplate launchtemplate.LaunchTemplate
	// AppLogGroup and SystemLogGroup are the CloudWatch agent's log groups
	// (nil without Props.Agent).
	AppLogGroup, SystemLogGroup cloudwatchloggroup.CloudwatchLogGroup

	id                                      string
	cfg                                     config.Compute
	securityGroupID, launchTemplateID, role *string
	version                                 *string
	peers                                   map[string]bool
	appLogGroupName                         *string
}

// AppLogGroupName returns the app's log group (nil without the agent).
func (b *Base) AppLogGroupName() *string { return b.appLogGroupName }

// SecurityGroupID returns the instances' security group ID.
func (b *Base) SecurityGroupID() *string { return b.securityGroupID }

// LaunchTemplateID returns the launch template's ID.
func (b *Base) LaunchTemplateID() *string { return b.launchTemplateID }

// RoleName returns the instance role's name.
func (b *Base) RoleName() *string { return b.role }

// PeerID is the construct's id.
func (b *Base) PeerID() string { return b.id }

// PeerDescription names the instances in rules others make for them.
func (b *Base) PeerDescription() string { return "instances" }

// Instance is one EC2 instance from the launch template, registered in the
// target group.
type Instance struct {
	Base
	// Instance is the EC2 instance resource (for overrides).
	Instance instance.Instance
	// Attachment registers it in the target group.
	Attachment lbtargetgroupattachment.LbTargetGroupAttachment

	instanceID *string
}

// InstanceID returns the instance's ID.
func (i *Instance) InstanceID() *string { return i.instanceID }

// InstanceIDs returns the one instance's ID.
func (i *Instance) InstanceIDs() *[]*string { return ptr.L(i.instanceID) }

// MetricDimension is InstanceId and the instance's ID.
func (i *Instance) MetricDimension() (string, *string) { return "InstanceId", i.instanceID }

// Group is an Auto Scaling group launching from the launch template,
// registered in the target group.
type Group struct {
	Base
	// AutoScalingGroup is the group resource (for overrides).
	AutoScalingGroup autoscalinggroup.AutoscalingGroup
	// InService reads the instances in service when apply finished.
	InService dataawsinstances.DataAwsInstances
	// DrainHook is the termination lifecycle hook (nil with drain_seconds 0).
	DrainHook autoscalinglifecyclehook.AutoscalingLifecycleHook

	name        *string
	ids         *[]*string
	topics      map[string]bool
	preferences RefreshPreferences
}

// GroupName returns the group's name.
func (g *Group) GroupName() *string { return g.name }

// InstanceIDs returns the group's instances in service when apply finished.
func (g *Group) InstanceIDs() *[]*string { return g.ids }

// MetricDimension is AutoScalingGroupName and the group's name.
func (g *Group) MetricDimension() (string, *string) { return "AutoScalingGroupName", g.name }

// Notifications are the group events NotifyTo sends to a topic.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_NotificationConfiguration.html
var Notifications = []string{
	"autoscaling:EC2_INSTANCE_LAUNCH",
	"autoscaling:EC2_INSTANCE_TERMINATE",
	"autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
	"autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
}

// validate checks props: the rules of environments.yaml's compute block
// and the wiring, every problem at once. instance says NewInstance asks,
// which refuses what a single instance would ignore (as the YAML reader
// refuses spot with compute_mode ec2).
func validate(scope constructs.Construct, id string, props Props, instance bool) error {
	var problems check.Problems
	if instance && props.Spot != nil {
		problems.Add("compute.spot", "is set but NewInstance makes one instance, which has no mixed instances policy, so Spot would be ignored; use NewGroup, or leave Spot nil")
	}
	if instance && props.WarmPool != nil {
		problems.Add("compute.warm_pool", "is set but NewInstance makes one instance, which has no warm pool; use NewGroup, or leave WarmPool nil")
	}
	if !instance && props.WarmPool != nil {
		if props.Region == "" {
			problems.Add("region", "is missing; with compute.warm_pool the instance role may complete its own group's launch hook only, named by the group's ARN: want the stack's region, e.g. us-east-1")
		}
		problems.Require(props.AccountID != nil, "account_id", "the stack's account ID (e.g. data.aws_caller_identity's account_id): the group's ARN in the launch hook permission needs it")
	}
	if instance && props.SizesScheduled {
		problems.Add("sizes_scheduled", "is true but NewInstance makes one instance, which has no sizes to schedule; use NewGroup, or leave it false")
	}
	problems.Settings(props.Compute.Validate())
	problems.Require(props.Name != "", "name", "the name prefix of the resources, e.g. webtier-dev")
	if props.Network == nil {
		problems.Add("network", "is missing; want the VPC and its private subnets, e.g. a *network.Network")
	} else if len(props.Network.PrivateSubnetIDs()) == 0 {
		problems.Add("network", "has 0 private subnets; want at least one")
	}
	problems.Require(props.TargetGroup != nil, "target_group", "the target group the instances register in, e.g. an *alb.ALB")
	if a := props.Agent; a != nil {
		if !slices.Contains(config.LogRetentionDays, a.RetentionDays) {
			problems.Add("agent.retention_days", "(%d) must be a retention CloudWatch Logs accepts: %v", a.RetentionDays, config.LogRetentionDays)
		}
	}
	return problems.Err(scope, id)
}

// NewInstance builds one EC2 instance as id in scope. It validates props
// first and returns every problem at once as *config.Errors, having made
// nothing.
func NewInstance(scope constructs.Construct, id string, props Props) (*Instance, error) {
	if err := validate(scope, id, props, true); err != nil {
		return nil, err
	}
	b, err := newBase(scope, id, props, false, nil)
	if err != nil {
		return nil, err
	}
	cfg := props.Compute
	i := &Instance{Base: *b}
	i.Instance = instance.NewInstance(b.Scope, jsii.String("instance"), &instance.InstanceConfig{
		LaunchTemplate: &instance.InstanceLaunchTemplate{Id: b.launchTemplateID, Version: b.version},
		SubnetId:       props.Network.PrivateSubnetIDs()[0],
		// Private subnet, and explicitly no public address.
		AssociatePublicIpAddress: jsii.Bool(false),
		Monitoring:               jsii.Bool(true),
		EbsOptimized:             jsii.Bool(true),
		MetadataOptions: &instance.InstanceMetadataOptions{
			HttpEndpoint:            jsii.String("enabled"),
			HttpTokens:              jsii.String("required"),
			HttpPutResponseHopLimit: jsii.Number(1),
		},
		RootBlockDevice: &instance.InstanceRootBlockDevice{
			Encrypted:  jsii.Bool(true),
			VolumeType: jsii.String("gp3"),
			VolumeSize: jsii.Number(cfg.RootVolumeGiB),
		},
		Tags: ptr.Name(props.Name + "-app"),
		// The user data is the launch template's (a new template version
		// replaces the instance). The provider reads it back as a hash and
		// hashes that hash again on every plan, a perpetual in-place update
		// on AWS too (hashicorp/terraform-provider-aws#30825); make e2e found it.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{jsii.String("user_data")}},
	})
	i.instanceID = i.Instance.Id()
	i.Attachment = lbtargetgroupattachment.NewLbTargetGroupAttachment(b.Scope, jsii.String("target"), &lbtargetgroupattachment.LbTargetGroupAttachmentConfig{
		TargetGroupArn: props.TargetGroup.TargetGroupARN(),
		TargetId:       i.instanceID,
		Port:           jsii.Number(cfg.AppPort),
	})
	return i, nil
}

// NewGroup builds an Auto Scaling group as id in scope. It validates props
// first and returns every problem at once as *config.Errors, having made
// nothing.
func NewGroup(scope constructs.Construct, id string, props Props) (*Group, error) {
	if err := validate(scope, id, props, false); err != nil {
		return nil, err
	}
	var hook *LaunchHook
	if wp := props.WarmPool; wp != nil {
		hook = &LaunchHook{Name: props.Name + "-launch", GroupName: groupName(props.Name), Timeout: wp.HookTimeoutSeconds}
	}
	b, err := newBase(scope, id, props, true, hook)
	if err != nil {
		return nil, err
	}
	cfg, w, s := props.Compute, props, b.Scope
	c := &Group{Base: *b, topics: map[string]bool{}}
	c.preferences = refreshPreferences(cfg, nil)
	group := &autoscalinggroup.AutoscalingGroupConfig{
		Name:                   jsii.String(groupName(w.Name)), // LaunchHook.GroupName
		MinSize:                jsii.Number(cfg.MinSize),
		MaxSize:                jsii.Number(cfg.MaxSize),
		DesiredCapacity:        jsii.Number(cfg.DesiredCapacity),
		VpcZoneIdentifier:      ptr.L(w.Network.PrivateSubnetIDs()...),
		TargetGroupArns:        ptr.L(w.TargetGroup.TargetGroupARN()),
		HealthCheckType:        jsii.String("ELB"),
		HealthCheckGracePeriod: jsii.Number(cfg.HealthCheckGracePeriod),
		// On creation, wait until min_size instances are healthy in the target group.
		MinElbCapacity:         jsii.Number(cfg.MinSize),
		WaitForCapacityTimeout: jsii.String("10m"),
		// No instance_refresh block: the provider would move the group to the
		// new template version and then start the refresh, so AWS's rollback
		// would restore the new version (hashicorp/terraform-provider-aws#34189).
		// The rollout command (internal/rollout) starts it with a desired
		// configuration instead, while the group still holds the old version.
		EnabledMetrics:     jsii.Strings("GroupDesiredCapacity", "GroupInServiceInstances", "GroupMinSize", "GroupMaxSize", "GroupPendingInstances", "GroupTerminatingInstances"),
		MetricsGranularity: jsii.String("1Minute"),
		Tag: &[]*autoscalinggroup.AutoscalingGroupTag{
			{Key: jsii.String("Name"), Value: jsii.String(w.Name + "-app"), PropagateAtLaunch: jsii.Bool(true)},
		},
		// Scaling policies own desired_capacity once the group exists (and
		// scheduled actions min_size and max_size): a deploy must not undo them.
		// The launch template version is the rollout's: Terraform creates the
		// group at the template's latest version and never moves it after.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: ignoreChanges(w.SizesScheduled, cfg.Spot != nil)},
	}
	if cfg.DefaultInstanceWarmup != nil {
		group.DefaultInstanceWarmup = jsii.Number(*cfg.DefaultInstanceWarmup)
	}
	if len(cfg.TerminationPolicies) > 0 {
		group.TerminationPolicies = jsii.Strings(cfg.TerminationPolicies...)
	}
	if cfg.MaxInstanceLifetime > 0 {
		group.MaxInstanceLifetime = jsii.Number(cfg.MaxInstanceLifetime)
	}
	if wp := cfg.WarmPool; wp != nil {
		group.WarmPool = warmPool(*wp)
		// The hook exists before the first instance launches (the provider
		// creates the group empty, adds it, then sizes the group), so the
		// pool's first instances stop only once their app answers.
		group.InitialLifecycleHook = &[]*autoscalinggroup.AutoscalingGroupInitialLifecycleHook{{
			Name:                jsii.String(hook.Name),
			LifecycleTransition: jsii.String(LaunchHookTransition),
			HeartbeatTimeout:    jsii.Number(hook.Timeout),
			DefaultResult:       jsii.String("ABANDON"),
		}}
	}
	if sp := cfg.Spot; sp != nil {
		overrides := make([]*autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride, len(sp.InstanceTypes))
		for i, t := range sp.InstanceTypes {
			overrides[i] = &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride{InstanceType: jsii.String(t)}
		}
		group.MixedInstancesPolicy = &autoscalinggroup.AutoscalingGroupMixedInstancesPolicy{
			LaunchTemplate: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplate{
				LaunchTemplateSpecification: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification{
					LaunchTemplateId: b.launchTemplateID,
					Version:          b.version,
				},
				Override: &overrides,
			},
			InstancesDistribution: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyInstancesDistribution{
				OnDemandBaseCapacity:                jsii.Number(sp.OnDemandBaseCapacity),
				OnDemandPercentageAboveBaseCapacity: jsii.Number(sp.OnDemandPercentageAboveBase),
				SpotAllocationStrategy:              jsii.String(string(sp.AllocationStrategy)),
			},
		}
		// Replace a Spot instance EC2 warns of an interruption before it goes.
		group.CapacityRebalance = jsii.Bool(true)
	} else {
		group.LaunchTemplate = &autoscalinggroup.AutoscalingGroupLaunchTemplate{Id: b.launchTemplateID, Version: b.version}
	}
	asg := autoscalinggroup.NewAutoscalingGroup(s, jsii.String("asg"), group)
	c.AutoScalingGroup = asg
	c.name = asg.Name()
	// The instances in service when apply finished: read after the group (and
	// its min_elb_capacity wait) completes, by the tag EC2 Auto Scaling puts on them.
	c.InService = dataawsinstances.NewDataAwsInstances(s, jsii.String("in-service"), &dataawsinstances.DataAwsInstancesConfig{
		InstanceTags:       &map[string]*string{"aws:autoscaling:groupName": c.name},
		InstanceStateNames: jsii.Strings("running"),
		DependsOn:          &[]cdktf.ITerraformDependable{asg},
	})
	c.ids = c.InService.Ids()
	if cfg.DrainSeconds > 0 {
		// In-flight work finishes before the instance goes: it waits in
		// Terminating:Wait for the heartbeat timeout (or until the app
		// completes the lifecycle action), while the target group drains it.
		c.DrainHook = autoscalinglifecyclehook.NewAutoscalingLifecycleHook(s, jsii.String("drain"), &autoscalinglifecyclehook.AutoscalingLifecycleHookConfig{
			Name:                 jsii.String(w.Name + "-drain"),
			AutoscalingGroupName: c.name,
			LifecycleTransition:  jsii.String("autoscaling:EC2_INSTANCE_TERMINATING"),
			HeartbeatTimeout:     jsii.Number(cfg.DrainSeconds),
			DefaultResult:        jsii.String("CONTINUE"),
		})
	}
	return c, nil
}

// newBase makes what both kinds share: the security group with HTTPS out,
// the instance role and profile, and the launch template (IMDSv2 required,
// encrypted gp3 root volume, detailed monitoring, no SSH key).
func newBase(scope constructs.Construct, id string, props Props, group bool, hook *LaunchHook) (*Base, error) {
	cfg, w := props.Compute, props
	var agent *AgentConfig
	if props.Agent != nil {
		agent = &AgentConfig{AppLogGroup: "/" + w.Name + "/app", SystemLogGroup: "/" + w.Name + "/system", Dimension: "InstanceId"}
		if group {
			agent.Dimension, agent.GroupName = "AutoScalingGroupName", groupName(w.Name)
		}
	}
	ud, err := userData(cfg, agent, hook)
	if err != nil {
		return nil, fmt.Errorf("compute user data: %w", err)
	}
	s := constructs.NewConstruct(scope, jsii.String(id))
	c := &Base{Scope: s, id: id, cfg: cfg, peers: map[string]bool{}}
	var logGroupARNs []string
	if agent != nil {
		// Encrypted with the environment's key; retention from observability.logs.
		mk := func(lid, name string) cloudwatchloggroup.CloudwatchLogGroup {
			return cloudwatchloggroup.NewCloudwatchLogGroup(s, jsii.String(lid), &cloudwatchloggroup.CloudwatchLogGroupConfig{
				Name:            jsii.String(name),
				RetentionInDays: jsii.Number(props.Agent.RetentionDays),
				KmsKeyId:        props.Agent.KMSKeyARN,
			})
		}
		c.AppLogGroup = mk("app-logs", agent.AppLogGroup)
		c.SystemLogGroup = mk("system-logs", agent.SystemLogGroup)
		c.appLogGroupName = c.AppLogGroup.Name()
		logGroupARNs = []string{*c.AppLogGroup.Arn(), *c.SystemLogGroup.Arn()}
	}

	c.SecurityGroup = secgroup.New(s, w.Name, "app", "Instances of "+w.Name+": app port from the load balancer only, HTTPS out", w.Network.VPCID())
	c.securityGroupID = c.SecurityGroup.Id()
	// Egress: HTTPS only (SSM agent, package repositories). Nothing else leaves.
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s, jsii.String("egress-https"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId: c.securityGroupID,
		Description:     jsii.String("HTTPS out for the SSM agent and package repositories"),
		IpProtocol:      jsii.String("tcp"),
		FromPort:        jsii.Number(443),
		ToPort:          jsii.Number(443),
		CidrIpv4:        jsii.String("0.0.0.0/0"),
	})
	// In a dual-stack network the instances have IPv6 addresses and a
	// route out through the egress-only gateway: HTTPS out over IPv6 too.
	if v6, ok := w.Network.(interface{ IPv6() bool }); ok && v6.IPv6() {
		vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s, jsii.String("egress-https-ipv6"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
			SecurityGroupId: c.securityGroupID,
			Description:     jsii.String("HTTPS out over IPv6 for the SSM agent and package repositories"),
			IpProtocol:      jsii.String("tcp"),
			FromPort:        jsii.Number(443),
			ToPort:          jsii.Number(443),
			CidrIpv6:        jsii.String(config.AllIPv6),
		})
	}

	c.Role = iamrole.NewIamRole(s, jsii.String("role"), &iamrole.IamRoleConfig{
		NamePrefix:       jsii.String(w.Name + "-app-"),
		Description:      jsii.String(roleDescription(w.Name, cfg.App, agent != nil)),
		AssumeRolePolicy: jsii.String(policydoc.Trust("ec2.amazonaws.com")),
	})
	c.role = c.Role.Name()
	// The role's only permissions: no managed policy (see InstancePolicy).
	c.RolePolicy = iamrolepolicy.NewIamRolePolicy(s, jsii.String("policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   c.Role.Id(),
		Name:   jsii.String("instance"),
		Policy: jsii.String(instancePolicy(cfg.App, logGroupARNs, hookStatements(props, hook)...)),
	})
	c.Profile = iaminstanceprofile.NewIamInstanceProfile(s, jsii.String("profile"), &iaminstanceprofile.IamInstanceProfileConfig{
		NamePrefix: jsii.String(w.Name + "-app-"),
		Role:       c.role,
	})

	image := jsii.String(cfg.AMIID)
	if cfg.AMIID == "" {
		ami := dataawsssmparameter.NewDataAwsSsmParameter(s, jsii.String("ami"), &dataawsssmparameter.DataAwsSsmParameterConfig{
			Name: jsii.String(cfg.AMISSMParameter),
		})
		image = ami.InsecureValue()
	}
	launchTags := map[string]string{"Name": w.Name + "-app"}
	for k, v := range w.LaunchTags {
		launchTags[k] = v
	}
	specTags := ptr.Tags(launchTags)
	// Burstable types get compute.cpu_credits (validation keeps the types
	// the group launches all burstable or none); other types have no credits.
	var credits *launchtemplate.LaunchTemplateCreditSpecification
	if config.Burstable(cfg.InstanceType) {
		credits = &launchtemplate.LaunchTemplateCreditSpecification{CpuCredits: jsii.String(string(cfg.CPUCredits))}
	}
	c.LaunchTemplate = launchtemplate.NewLaunchTemplate(s, jsii.String("launch-template"), &launchtemplate.LaunchTemplateConfig{
		NamePrefix:           jsii.String(w.Name + "-app-"),
		Description:          jsii.String("Web app instances of " + w.Name),
		ImageId:              image,
		InstanceType:         jsii.String(cfg.InstanceType),
		VpcSecurityGroupIds:  ptr.L(c.securityGroupID),
		IamInstanceProfile:   &launchtemplate.LaunchTemplateIamInstanceProfile{Arn: c.Profile.Arn()},
		UserData:             jsii.String(base64.StdEncoding.EncodeToString([]byte(ud))),
		UpdateDefaultVersion: jsii.Bool(true),
		EbsOptimized:         jsii.String("true"),
		CreditSpecification:  credits,
		HibernationOptions:   hibernation(cfg.WarmPool),
		MetadataOptions: &launchtemplate.LaunchTemplateMetadataOptions{
			HttpEndpoint:            jsii.String("enabled"),
			HttpTokens:              jsii.String("required"),
			HttpPutResponseHopLimit: jsii.Number(1),
			InstanceMetadataTags:    jsii.String("disabled"),
		},
		Monitoring: &launchtemplate.LaunchTemplateMonitoring{Enabled: jsii.Bool(true)},
		BlockDeviceMappings: &[]*launchtemplate.LaunchTemplateBlockDeviceMappings{{
			DeviceName: jsii.String("/dev/xvda"),
			Ebs: &launchtemplate.LaunchTemplateBlockDeviceMappingsEbs{
				VolumeSize:          jsii.Number(cfg.RootVolumeGiB),
				VolumeType:          jsii.String("gp3"),
				Encrypted:           jsii.String("true"),
				DeleteOnTermination: jsii.String("true"),
			},
		}},
		TagSpecifications: &[]*launchtemplate.LaunchTemplateTagSpecifications{
			{ResourceType: jsii.String("instance"), Tags: specTags},
			{ResourceType: jsii.String("volume"), Tags: specTags},
		},
		Tags:      ptr.Name(w.Name + "-app"),
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: jsii.Bool(true)},
		// No instance boots before its role may do what its boot does (the
		// ECR login, the SSM agent's registration).
		DependsOn: &[]cdktf.ITerraformDependable{c.RolePolicy},
	})
	c.launchTemplateID = c.LaunchTemplate.Id()
	c.version = cdktf.Token_AsString(c.LaunchTemplate.LatestVersion(), nil)
	return c, nil
}

// groupName is the Auto Scaling group's name for the name prefix name.
func groupName(name string) string { return name + "-asg" }

// RefreshPreferences are the preferences of the rollout's
// StartInstanceRefresh, in the AWS API's shape and names (the JSON of
// RefreshPreferences, the rollout command decodes it into
// types.RefreshPreferences).
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_RefreshPreferences.html
type RefreshPreferences struct {
	AlarmSpecification    *AlarmSpecification `json:",omitempty"`
	AutoRollback          bool
	CheckpointDelay       *int  `json:",omitempty"`
	CheckpointPercentages []int `json:",omitempty"`
	InstanceWarmup        *int  `json:",omitempty"`
	MaxHealthyPercentage  int
	MinHealthyPercentage  int
	SkipMatching          bool
}

// AlarmSpecification names the alarms that fail the refresh when in ALARM.
type AlarmSpecification struct {
	Alarms []string
}

// refreshPreferences are the rollout's preferences from cfg, gated on the
// alarms named (none: no alarm specification).
func refreshPreferences(cfg config.Compute, alarms []string) RefreshPreferences {
	r := cfg.InstanceRefresh
	p := RefreshPreferences{
		AutoRollback:          r.AutoRollback,
		CheckpointDelay:       r.CheckpointDelay,
		CheckpointPercentages: r.Checkpoints,
		InstanceWarmup:        r.InstanceWarmup,
		MaxHealthyPercentage:  r.MaxHealthyPercentage,
		MinHealthyPercentage:  cfg.MinHealthyPercentage,
		SkipMatching:          r.SkipMatching,
	}
	if len(alarms) > 0 {
		p.AlarmSpecification = &AlarmSpecification{Alarms: append([]string(nil), alarms...)}
	}
	return p
}

// RefreshPreferences are the preferences the rollout command starts the
// group's instance refresh with (compute.instance_refresh and
// min_healthy_percentage, and the gate alarms of GateRefreshOn).
func (g *Group) RefreshPreferences() RefreshPreferences { return g.preferences }

// RefreshPreferencesJSON is RefreshPreferences as JSON (the stack output
// instance_refresh_preferences).
func (g *Group) RefreshPreferencesJSON() string {
	b, err := json.Marshal(g.preferences)
	if err != nil { // plain ints, bools and strings: cannot happen
		panic(err)
	}
	return string(b)
}

// LaunchTemplateVersion is the launch template's latest version: the one a
// new group starts at and the rollout command rolls the group to.
func (b *Base) LaunchTemplateVersion() *string { return b.version }

// GateRefreshOn names alarms (their alarm names, known at synth) in the
// rollout's alarm specification: one in ALARM fails the refresh (and rolls
// it back with auto_rollback). It does nothing when
// compute.instance_refresh.gate_on_alarms is false.
func (g *Group) GateRefreshOn(alarmNames []string) {
	if !g.cfg.InstanceRefresh.GateOnAlarms || len(alarmNames) == 0 {
		return
	}
	g.preferences = refreshPreferences(g.cfg, alarmNames)
}

// Topic is an SNS topic the group's events go to.
type Topic interface {
	// TopicARN of the topic.
	TopicARN() *string
	// PeerID names the topic in the id of the notification resource made
	// for it (notifications-<id>; the first topic's is notifications).
	PeerID() string
}

// NotifyTo sends the group's launch, terminate and error events
// (Notifications) to the topic. It does nothing when compute.notifications
// is false, or for a topic already notified. The first topic's resource is
// notifications, each further one's notifications-<its PeerID>.
func (g *Group) NotifyTo(topic Topic) {
	if !g.cfg.Notifications || g.topics[topic.PeerID()] {
		return
	}
	id := "notifications"
	if len(g.topics) > 0 {
		id += "-" + topic.PeerID()
	}
	g.topics[topic.PeerID()] = true
	autoscalingnotification.NewAutoscalingNotification(g.Scope, jsii.String(id), &autoscalingnotification.AutoscalingNotificationConfig{
		GroupNames:    ptr.L(g.name),
		Notifications: jsii.Strings(Notifications...),
		TopicArn:      topic.TopicARN(),
	})
}

// ignoreChanges lists what others own once the group exists: the sizes
// scaling sets, and the launch template version the rollout moves.
func ignoreChanges(scheduled, spot bool) *[]*string {
	keys := []string{"desired_capacity"}
	if scheduled {
		keys = append(keys, "min_size", "max_size")
	}
	if spot {
		keys = append(keys, "mixed_instances_policy[0].launch_template[0].launch_template_specification[0].version")
	} else {
		keys = append(keys, "launch_template[0].version")
	}
	return jsii.Strings(keys...)
}

// AllowFrom opens the app port on the instances to the peer's security
// group (and only to it), and lets the peer send to the instances on that
// port. The rules are ingress-app-from-<peer id> and egress-<peer id>-to-app;
// for a peer already let in it adds nothing.
func (b *Base) AllowFrom(peer Peer) {
	pid := peer.PeerID()
	if b.peers[pid] {
		return
	}
	b.peers[pid] = true
	port := jsii.Number(b.cfg.AppPort)
	peerSG, desc := peer.SecurityGroupID(), peer.PeerDescription()
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(b.Scope, jsii.String("ingress-app-from-"+pid), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           b.securityGroupID,
		Description:               jsii.String("App port from the " + desc),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: peerSG,
	})
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(b.Scope, jsii.String("egress-"+pid+"-to-app"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           peerSG,
		Description:               jsii.String(upperFirst(desc) + " to the app port of the instances"),
		IpProtocol:                jsii.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: b.securityGroupID,
	})
}

// upperFirst capitalizes the first letter of a description.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// warmPool is the group's warm_pool block for wp.
func warmPool(wp config.WarmPool) *autoscalinggroup.AutoscalingGroupWarmPool {
	p := &autoscalinggroup.AutoscalingGroupWarmPool{
		PoolState: jsii.String(string(wp.PoolState)),
		MinSize:   jsii.Number(wp.MinSize),
		// -1: the group's max_size (the provider's default, written out so
		// the JSON says what AWS gets).
		MaxGroupPreparedCapacity: jsii.Number(-1),
		InstanceReusePolicy:      &autoscalinggroup.AutoscalingGroupWarmPoolInstanceReusePolicy{ReuseOnScaleIn: jsii.Bool(wp.ReuseOnScaleIn)},
	}
	if c := wp.MaxGroupPreparedCapacity; c != nil {
		p.MaxGroupPreparedCapacity = jsii.Number(*c)
	}
	return p
}

// hibernation enables hibernation in the launch template for a Hibernated
// warm pool (AWS hibernates only instances launched with it; the root
// volume is encrypted already); nil otherwise.
func hibernation(wp *config.WarmPool) *launchtemplate.LaunchTemplateHibernationOptions {
	if wp == nil || wp.PoolState != config.WarmPoolHibernated {
		return nil
	}
	return &launchtemplate.LaunchTemplateHibernationOptions{Configured: jsii.Bool(true)}
}

// hookStatements is the instance role's permission to complete the launch
// hook of its own group (none without a hook).
func hookStatements(props Props, hook *LaunchHook) []policydoc.Statement {
	if hook == nil {
		return nil
	}
	return []policydoc.Statement{hookStatement(props.Region, *props.AccountID, hook.GroupName)}
}
