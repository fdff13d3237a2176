// Package compute is the compute construct with a mode toggle: one EC2
// instance ("ec2") or an Auto Scaling Group ("asg"), both from the same launch
// template (IMDSv2 required, encrypted gp3 root volume, detailed monitoring,
// an instance role with one least-privilege inline policy, no SSH key) and
// with the same result fields.
package compute

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalinggroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalinglifecyclehook"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/autoscalingnotification"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsinstances"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawsssmparameter"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iaminstanceprofile"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/instance"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/launchtemplate"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/lbtargetgroupattachment"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupegressrule"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/vpcsecuritygroupingressrule"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/internal/secgroup"
	"github.com/platformstarter/elastic-web-tier/internal/config"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Wiring is what the stack hands the construct besides its settings
// (config.Compute, defaulted and validated by internal/config).
type Wiring struct {
	// Name prefixes resource names and Name tags, e.g. webtier-dev.
	Name string
	// VPCID of the VPC.
	VPCID *string
	// SubnetIDs are the private subnets, one per AZ; ec2 mode uses the first.
	SubnetIDs []*string
	// TargetGroupARN the instances register in.
	TargetGroupARN *string
	// LaunchTags are the stack's default tags. The provider's default_tags do
	// not reach what an Auto Scaling group launches, so the launch template's
	// tag specifications carry them to every instance and volume in both modes.
	LaunchTags map[string]string
	// SizesScheduled says that scheduled actions (scaling.schedules) set the
	// group's min_size and max_size: a deploy must not undo them (asg mode).
	SizesScheduled bool
}

// Compute is what the construct exposes; the same fields in both modes.
type Compute struct {
	// Scope holds every compute resource.
	Scope constructs.Construct
	// Mode is ec2 or asg.
	Mode config.ComputeMode
	// SecurityGroupID of the instances.
	SecurityGroupID *string
	// LaunchTemplateID shared by both modes.
	LaunchTemplateID *string
	// RoleName of the instance role.
	RoleName *string
	// InstanceIDs: the instance (ec2) or the instances in service when apply finished (asg).
	InstanceIDs *[]*string
	// ASGName is the group's name; "" in ec2 mode.
	ASGName *string
	// InstanceID is the single instance's ID; "" in asg mode.
	InstanceID *string

	appPort int
	cfg     config.Compute
	asg     autoscalinggroup.AutoscalingGroup // nil in ec2 mode
}

// Notifications are the group events NotifyTo sends to a topic.
// https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_NotificationConfiguration.html
var Notifications = []string{
	"autoscaling:EC2_INSTANCE_LAUNCH",
	"autoscaling:EC2_INSTANCE_TERMINATE",
	"autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
	"autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
}

// New builds the compute construct in mode with settings cfg. It trusts cfg
// (internal/config has defaulted and validated it): every value, zero
// included, goes into the JSON as it is.
func New(scope constructs.Construct, id string, mode config.ComputeMode, cfg config.Compute, w Wiring) (*Compute, error) {
	if mode != config.ComputeEC2 && mode != config.ComputeASG {
		return nil, fmt.Errorf("compute mode %q is not handled", mode)
	}
	if len(w.SubnetIDs) == 0 {
		return nil, fmt.Errorf("subnet_ids (0) must list at least one private subnet")
	}
	s := constructs.NewConstruct(scope, ptr.S(id))
	c := &Compute{Scope: s, Mode: mode, appPort: cfg.AppPort, cfg: cfg}

	sg := secgroup.New(s, w.Name, "app", "Instances of "+w.Name+": app port from the load balancer only, HTTPS out", w.VPCID)
	c.SecurityGroupID = sg.Id()
	// Egress: HTTPS only (SSM agent, package repositories). Nothing else leaves.
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(s, ptr.S("egress-https"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId: c.SecurityGroupID,
		Description:     ptr.S("HTTPS out for the SSM agent and package repositories"),
		IpProtocol:      ptr.S("tcp"),
		FromPort:        ptr.N(443),
		ToPort:          ptr.N(443),
		CidrIpv4:        ptr.S("0.0.0.0/0"),
	})

	ud, err := userData(cfg)
	if err != nil {
		return nil, fmt.Errorf("compute user data: %w", err)
	}
	role := iamrole.NewIamRole(s, ptr.S("role"), &iamrole.IamRoleConfig{
		NamePrefix:       ptr.S(w.Name + "-app-"),
		Description:      ptr.S(roleDescription(w.Name, cfg.App)),
		AssumeRolePolicy: ptr.S(policydoc.Trust("ec2.amazonaws.com")),
	})
	c.RoleName = role.Name()
	// The role's only permissions: no managed policy (see InstancePolicy).
	rolePolicy := iamrolepolicy.NewIamRolePolicy(s, ptr.S("policy"), &iamrolepolicy.IamRolePolicyConfig{
		Role:   role.Id(),
		Name:   ptr.S("instance"),
		Policy: ptr.S(InstancePolicy(cfg.App)),
	})
	profile := iaminstanceprofile.NewIamInstanceProfile(s, ptr.S("profile"), &iaminstanceprofile.IamInstanceProfileConfig{
		NamePrefix: ptr.S(w.Name + "-app-"),
		Role:       c.RoleName,
	})

	image := ptr.S(cfg.AMIID)
	if cfg.AMIID == "" {
		ami := dataawsssmparameter.NewDataAwsSsmParameter(s, ptr.S("ami"), &dataawsssmparameter.DataAwsSsmParameterConfig{
			Name: ptr.S(cfg.AMISSMParameter),
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
		credits = &launchtemplate.LaunchTemplateCreditSpecification{CpuCredits: ptr.S(string(cfg.CPUCredits))}
	}
	lt := launchtemplate.NewLaunchTemplate(s, ptr.S("launch-template"), &launchtemplate.LaunchTemplateConfig{
		NamePrefix:           ptr.S(w.Name + "-app-"),
		Description:          ptr.S("Web app instances of " + w.Name),
		ImageId:              image,
		InstanceType:         ptr.S(cfg.InstanceType),
		VpcSecurityGroupIds:  ptr.L(c.SecurityGroupID),
		IamInstanceProfile:   &launchtemplate.LaunchTemplateIamInstanceProfile{Arn: profile.Arn()},
		UserData:             ptr.S(base64.StdEncoding.EncodeToString([]byte(ud))),
		UpdateDefaultVersion: ptr.B(true),
		EbsOptimized:         ptr.S("true"),
		CreditSpecification:  credits,
		MetadataOptions: &launchtemplate.LaunchTemplateMetadataOptions{
			HttpEndpoint:            ptr.S("enabled"),
			HttpTokens:              ptr.S("required"),
			HttpPutResponseHopLimit: ptr.N(1),
			InstanceMetadataTags:    ptr.S("disabled"),
		},
		Monitoring: &launchtemplate.LaunchTemplateMonitoring{Enabled: ptr.B(true)},
		BlockDeviceMappings: &[]*launchtemplate.LaunchTemplateBlockDeviceMappings{{
			DeviceName: ptr.S("/dev/xvda"),
			Ebs: &launchtemplate.LaunchTemplateBlockDeviceMappingsEbs{
				VolumeSize:          ptr.N(cfg.RootVolumeGiB),
				VolumeType:          ptr.S("gp3"),
				Encrypted:           ptr.S("true"),
				DeleteOnTermination: ptr.S("true"),
			},
		}},
		TagSpecifications: &[]*launchtemplate.LaunchTemplateTagSpecifications{
			{ResourceType: ptr.S("instance"), Tags: specTags},
			{ResourceType: ptr.S("volume"), Tags: specTags},
		},
		Tags:      ptr.Name(w.Name + "-app"),
		Lifecycle: &cdktf.TerraformResourceLifecycle{CreateBeforeDestroy: ptr.B(true)},
		// No instance boots before its role may do what its boot does (the
		// ECR login, the SSM agent's registration).
		DependsOn: &[]cdktf.ITerraformDependable{rolePolicy},
	})
	c.LaunchTemplateID = lt.Id()
	version := cdktf.Token_AsString(lt.LatestVersion(), nil)

	if mode == config.ComputeEC2 {
		inst := instance.NewInstance(s, ptr.S("instance"), &instance.InstanceConfig{
			LaunchTemplate: &instance.InstanceLaunchTemplate{Id: c.LaunchTemplateID, Version: version},
			SubnetId:       w.SubnetIDs[0],
			// Private subnet, and explicitly no public address.
			AssociatePublicIpAddress: ptr.B(false),
			Monitoring:               ptr.B(true),
			EbsOptimized:             ptr.B(true),
			MetadataOptions: &instance.InstanceMetadataOptions{
				HttpEndpoint:            ptr.S("enabled"),
				HttpTokens:              ptr.S("required"),
				HttpPutResponseHopLimit: ptr.N(1),
			},
			RootBlockDevice: &instance.InstanceRootBlockDevice{
				Encrypted:  ptr.B(true),
				VolumeType: ptr.S("gp3"),
				VolumeSize: ptr.N(cfg.RootVolumeGiB),
			},
			Tags: ptr.Name(w.Name + "-app"),
			// The user data is the launch template's (a new template version
			// replaces the instance). The provider reads it back as a hash and
			// hashes that hash again on every plan, a perpetual in-place update
			// on AWS too (hashicorp/terraform-provider-aws#30825); make e2e found it.
			Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: &[]*string{ptr.S("user_data")}},
		})
		c.InstanceID = inst.Id()
		lbtargetgroupattachment.NewLbTargetGroupAttachment(s, ptr.S("target"), &lbtargetgroupattachment.LbTargetGroupAttachmentConfig{
			TargetGroupArn: w.TargetGroupARN,
			TargetId:       c.InstanceID,
			Port:           ptr.N(cfg.AppPort),
		})
		c.InstanceIDs = ptr.L(c.InstanceID)
		c.ASGName = ptr.S("")
		return c, nil
	}

	group := &autoscalinggroup.AutoscalingGroupConfig{
		Name:                   ptr.S(w.Name + "-asg"),
		MinSize:                ptr.N(cfg.MinSize),
		MaxSize:                ptr.N(cfg.MaxSize),
		DesiredCapacity:        ptr.N(cfg.DesiredCapacity),
		VpcZoneIdentifier:      ptr.L(w.SubnetIDs...),
		TargetGroupArns:        ptr.L(w.TargetGroupARN),
		HealthCheckType:        ptr.S("ELB"),
		HealthCheckGracePeriod: ptr.N(cfg.HealthCheckGracePeriod),
		// On creation, wait until min_size instances are healthy in the target group.
		MinElbCapacity:         ptr.N(cfg.MinSize),
		WaitForCapacityTimeout: ptr.S("10m"),
		InstanceRefresh:        refresh(cfg, nil),
		EnabledMetrics:         ptr.Ss("GroupDesiredCapacity", "GroupInServiceInstances", "GroupMinSize", "GroupMaxSize", "GroupPendingInstances", "GroupTerminatingInstances"),
		MetricsGranularity:     ptr.S("1Minute"),
		Tag: &[]*autoscalinggroup.AutoscalingGroupTag{
			{Key: ptr.S("Name"), Value: ptr.S(w.Name + "-app"), PropagateAtLaunch: ptr.B(true)},
		},
		// Scaling policies own desired_capacity once the group exists (and
		// scheduled actions min_size and max_size): a deploy must not undo them.
		Lifecycle: &cdktf.TerraformResourceLifecycle{IgnoreChanges: ignoreSizes(w.SizesScheduled)},
	}
	if cfg.DefaultInstanceWarmup != nil {
		group.DefaultInstanceWarmup = ptr.N(*cfg.DefaultInstanceWarmup)
	}
	if len(cfg.TerminationPolicies) > 0 {
		group.TerminationPolicies = ptr.Ss(cfg.TerminationPolicies...)
	}
	if cfg.MaxInstanceLifetime > 0 {
		group.MaxInstanceLifetime = ptr.N(cfg.MaxInstanceLifetime)
	}
	if sp := cfg.Spot; sp != nil {
		overrides := make([]*autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride, len(sp.InstanceTypes))
		for i, t := range sp.InstanceTypes {
			overrides[i] = &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateOverride{InstanceType: ptr.S(t)}
		}
		group.MixedInstancesPolicy = &autoscalinggroup.AutoscalingGroupMixedInstancesPolicy{
			LaunchTemplate: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplate{
				LaunchTemplateSpecification: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecification{
					LaunchTemplateId: c.LaunchTemplateID,
					Version:          version,
				},
				Override: &overrides,
			},
			InstancesDistribution: &autoscalinggroup.AutoscalingGroupMixedInstancesPolicyInstancesDistribution{
				OnDemandBaseCapacity:                ptr.N(sp.OnDemandBaseCapacity),
				OnDemandPercentageAboveBaseCapacity: ptr.N(sp.OnDemandPercentageAboveBase),
				SpotAllocationStrategy:              ptr.S(string(sp.AllocationStrategy)),
			},
		}
		// Replace a Spot instance EC2 warns of an interruption before it goes.
		group.CapacityRebalance = ptr.B(true)
	} else {
		group.LaunchTemplate = &autoscalinggroup.AutoscalingGroupLaunchTemplate{Id: c.LaunchTemplateID, Version: version}
	}
	asg := autoscalinggroup.NewAutoscalingGroup(s, ptr.S("asg"), group)
	c.asg = asg
	c.ASGName = asg.Name()
	c.InstanceID = ptr.S("")
	// The instances in service when apply finished: read after the group (and
	// its min_elb_capacity wait) completes, by the tag EC2 Auto Scaling puts on them.
	inService := dataawsinstances.NewDataAwsInstances(s, ptr.S("in-service"), &dataawsinstances.DataAwsInstancesConfig{
		InstanceTags:       &map[string]*string{"aws:autoscaling:groupName": c.ASGName},
		InstanceStateNames: ptr.Ss("running"),
		DependsOn:          &[]cdktf.ITerraformDependable{asg},
	})
	c.InstanceIDs = inService.Ids()
	if cfg.DrainSeconds > 0 {
		// In-flight work finishes before the instance goes: it waits in
		// Terminating:Wait for the heartbeat timeout (or until the app
		// completes the lifecycle action), while the target group drains it.
		autoscalinglifecyclehook.NewAutoscalingLifecycleHook(s, ptr.S("drain"), &autoscalinglifecyclehook.AutoscalingLifecycleHookConfig{
			Name:                 ptr.S(w.Name + "-drain"),
			AutoscalingGroupName: c.ASGName,
			LifecycleTransition:  ptr.S("autoscaling:EC2_INSTANCE_TERMINATING"),
			HeartbeatTimeout:     ptr.N(cfg.DrainSeconds),
			DefaultResult:        ptr.S("CONTINUE"),
		})
	}
	return c, nil
}

// refresh is the group's instance refresh: Rolling, with the preferences of
// cfg, gated on the alarms named (none: no alarm specification).
func refresh(cfg config.Compute, alarms []*string) *autoscalinggroup.AutoscalingGroupInstanceRefresh {
	r := cfg.InstanceRefresh
	p := &autoscalinggroup.AutoscalingGroupInstanceRefreshPreferences{
		MinHealthyPercentage: ptr.N(cfg.MinHealthyPercentage),
		MaxHealthyPercentage: ptr.N(r.MaxHealthyPercentage),
		AutoRollback:         ptr.B(r.AutoRollback),
		SkipMatching:         ptr.B(r.SkipMatching),
	}
	if len(r.Checkpoints) > 0 {
		cps := make([]*float64, len(r.Checkpoints))
		for i, v := range r.Checkpoints {
			cps[i] = ptr.N(v)
		}
		p.CheckpointPercentages = &cps
	}
	// The provider types these two as nullable numbers written as strings.
	if r.CheckpointDelay != nil {
		p.CheckpointDelay = ptr.S(strconv.Itoa(*r.CheckpointDelay))
	}
	if r.InstanceWarmup != nil {
		p.InstanceWarmup = ptr.S(strconv.Itoa(*r.InstanceWarmup))
	}
	if len(alarms) > 0 {
		p.AlarmSpecification = &autoscalinggroup.AutoscalingGroupInstanceRefreshPreferencesAlarmSpecification{Alarms: &alarms}
	}
	return &autoscalinggroup.AutoscalingGroupInstanceRefresh{Strategy: ptr.S("Rolling"), Preferences: p}
}

// GateRefreshOn names alarms in the group's instance refresh: one in ALARM
// fails the refresh (and rolls it back with auto_rollback). It does nothing
// in ec2 mode or when compute.instance_refresh.gate_on_alarms is false.
func (c *Compute) GateRefreshOn(alarmNames []*string) {
	if c.asg == nil || !c.cfg.InstanceRefresh.GateOnAlarms || len(alarmNames) == 0 {
		return
	}
	c.asg.PutInstanceRefresh(refresh(c.cfg, alarmNames))
}

// NotifyTo sends the group's launch, terminate and error events
// (Notifications) to the SNS topic. It does nothing in ec2 mode or when
// compute.notifications is false.
func (c *Compute) NotifyTo(topicARN *string) {
	if c.asg == nil || !c.cfg.Notifications {
		return
	}
	autoscalingnotification.NewAutoscalingNotification(c.Scope, ptr.S("notifications"), &autoscalingnotification.AutoscalingNotificationConfig{
		GroupNames:    ptr.L(c.ASGName),
		Notifications: ptr.Ss(Notifications...),
		TopicArn:      topicARN,
	})
}

// ignoreSizes lists the group's sizes that scaling owns once it exists.
func ignoreSizes(scheduled bool) *[]*string {
	if scheduled {
		return ptr.Ss("desired_capacity", "min_size", "max_size")
	}
	return ptr.Ss("desired_capacity")
}

// SecurityGroupPeer is anything with a security group that may reach the app.
type SecurityGroupPeer interface {
	// SecurityGroup returns the peer's security group ID.
	SecurityGroup() *string
}

// AllowFrom opens the app port on the instances to the peer's security group
// (and only to it), and lets the peer send to the instances on that port.
func (c *Compute) AllowFrom(peer SecurityGroupPeer) {
	port := ptr.N(c.appPort)
	vpcsecuritygroupingressrule.NewVpcSecurityGroupIngressRule(c.Scope, ptr.S("ingress-app-from-alb"), &vpcsecuritygroupingressrule.VpcSecurityGroupIngressRuleConfig{
		SecurityGroupId:           c.SecurityGroupID,
		Description:               ptr.S("App port from the load balancer"),
		IpProtocol:                ptr.S("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: peer.SecurityGroup(),
	})
	vpcsecuritygroupegressrule.NewVpcSecurityGroupEgressRule(c.Scope, ptr.S("egress-alb-to-app"), &vpcsecuritygroupegressrule.VpcSecurityGroupEgressRuleConfig{
		SecurityGroupId:           peer.SecurityGroup(),
		Description:               ptr.S("Load balancer to the app port of the instances"),
		IpProtocol:                ptr.S("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: c.SecurityGroupID,
	})
}
