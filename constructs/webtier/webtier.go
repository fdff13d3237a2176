// Package webtier is the whole elastic web tier as one construct: a
// TerraformStack with the AWS provider, the state backend, the constructs
// and the outputs contract. It is wiring only: each construct gets its part
// of the environment (a constructs/config section) and the others it works
// with. The traffic path reads top to bottom: network -> load balancer ->
// compute (registered in the target group) -> observability -> scaling.
//
// Put a web tier into an app:
//
//	p := webtier.DefaultProps()
//	p.Region, p.AvailabilityZones = "eu-west-1", []string{"eu-west-1a", "eu-west-1b"}
//	p.Network.CIDR = "10.0.0.0/16"
//	tier, err := webtier.New(app, "prod", p)
package webtier

import (
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/encryption"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/observability"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// AWSProviderVersion is the provider version the bindings were generated for.
const AWSProviderVersion = "5.88.0"

// Props configure the web tier: one environment's settings (the keys of an
// environment in environments.yaml, with their defaults and rules) and the
// project it belongs to. Start from DefaultProps. Suppressions and Budget
// are validated here but read by the synth app's policy checks, not by the
// stack.
type Props struct {
	config.Environment
	// Project names the system: resources are named <project>-<id>, and
	// tagged project=<project>. Default: config.DefaultProject (webtier).
	Project string
}

// DefaultProps returns the documented defaults (config.Builtin and the
// default project); set Region, AvailabilityZones and Network.CIDR.
// Environment.Name may stay empty: it is the id given to New.
func DefaultProps() Props {
	return Props{Environment: config.Builtin(), Project: config.DefaultProject}
}

// WebTier is one environment's stack and the constructs in it.
type WebTier struct {
	// Stack is the TerraformStack; its id is the environment's name.
	Stack cdktf.TerraformStack
	// Key, Network, ALB, Compute and Observability are the constructs.
	Key           *encryption.Key
	Network       *network.Network
	ALB           *alb.ALB
	Compute       compute.Compute
	Observability *observability.Observability
	// Group and Scaling with compute_mode asg; Instance and Recovery with
	// ec2 (the others nil).
	Group    *compute.Group
	Scaling  *scaling.Scaling
	Instance *compute.Instance
	Recovery *scaling.Recovery
}

// New builds the stack of the environment named id (the stack's id, the
// environment tag, the name prefix <project>-<id>) in scope, usually the
// app. It derives the defaults that come from other settings
// (config.Environment.ApplyDerivedDefaults) and validates props as the YAML
// reader validates an environment, returning every problem at once as
// *config.Errors, having made nothing.
func New(scope constructs.Construct, id string, props Props) (*WebTier, error) {
	e := props.Environment
	var problems check.Problems
	if e.Name != "" && e.Name != id {
		problems.Add("name", "%q differs from the id %q; the id names the environment: leave name empty", e.Name, id)
	}
	e.Name = id
	e.ApplyDerivedDefaults(props.Project)
	problems.Settings(e.Validate(props.Project))
	if err := problems.Err(nil, id); err != nil {
		return nil, err
	}
	return build(scope, props.Project, &e)
}

// providerConfig is the AWS provider of environment e: its region and
// default tags, and its account guard: with account_id the provider refuses
// credentials of any other account before it reads or changes a resource
// (allowed_account_ids), and with assume_role it first assumes that role.
func providerConfig(e *config.Environment, tags map[string]string) *provider.AwsProviderConfig {
	pc := &provider.AwsProviderConfig{
		Region:      jsii.String(e.Region),
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{Tags: ptr.Tags(tags)}},
	}
	if e.AccountID != "" {
		pc.AllowedAccountIds = jsii.Strings(e.AccountID)
	}
	if r := e.AssumeRole; r != nil {
		ar := &provider.AwsProviderAssumeRole{
			RoleArn:  jsii.String(r.RoleARN),
			Duration: jsii.String(strconv.Itoa(r.Duration) + "s"),
		}
		if r.SessionName != "" {
			ar.SessionName = jsii.String(r.SessionName)
		}
		if r.ExternalID != "" {
			ar.ExternalId = jsii.String(r.ExternalID)
		}
		pc.AssumeRole = &[]*provider.AwsProviderAssumeRole{ar}
	}
	return pc
}

// instances names the compute construct in the interface endpoints' rule:
// the rule's id (ingress-https-from-instances) is the stacks' resource
// address.
type instances struct{ compute.Compute }

func (instances) PeerID() string { return "instances" }

func build(scope constructs.Construct, project string, e *config.Environment) (*WebTier, error) {
	name := e.NamePrefix(project)
	tags := e.DefaultTags(project)
	st := cdktf.NewTerraformStack(scope, jsii.String(e.Name))
	s := &WebTier{Stack: st}

	provider.NewAwsProvider(st, jsii.String("aws"), providerConfig(e, tags))
	// The binding writes the short source "aws"; OpenTofu resolves that against
	// its own registry. The fully qualified name means the same to both engines.
	st.AddOverride(jsii.String("terraform.required_providers.aws.source"), jsii.String("hashicorp/aws"))
	if b := e.Backend; b != nil {
		cdktf.NewS3Backend(st, &cdktf.S3BackendConfig{
			Bucket:  jsii.String(b.Bucket),
			Key:     jsii.String(b.Key),
			Region:  jsii.String(b.Region),
			Encrypt: jsii.Bool(b.Encrypt),
		})
		// S3-native locking (Terraform >= 1.10); the cdktf 0.21 binding has no field for it.
		st.AddOverride(jsii.String("terraform.backend.s3.use_lockfile"), b.UseLockfile)
	} else {
		// Relative to the stack's working directory (cdktf.out/stacks/<env>), so
		// the state sits at the project root and synth output does not depend on
		// where the checkout lives.
		cdktf.NewLocalBackend(st, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform." + e.Name + ".tfstate")})
	}

	asg := e.ComputeMode == config.ComputeASG
	key, err := encryption.New(st, "encryption", encryption.Props{
		Name:                 name,
		Region:               e.Region,
		AutoScalingPublishes: asg && e.Compute.Notifications,
	})
	if err != nil {
		return nil, err
	}
	s.Key = key

	if s.Network, err = network.New(st, "network", network.Props{
		Network:           e.Network,
		Name:              name,
		Region:            e.Region,
		AvailabilityZones: e.AvailabilityZones,
		FlowLogKMSKeyARN:  key.ARN(),
		// The CloudWatch agent publishes its metrics without NAT too.
		MonitoringEndpoint: e.Observability.Logs.Enabled,
	}); err != nil {
		return nil, err
	}

	if s.ALB, err = alb.New(st, "alb", alb.Props{
		ALB:                   e.ALB,
		Name:                  name,
		TargetGroupNamePrefix: e.TargetGroupNamePrefix(),
		Network:               s.Network,
		TargetPort:            e.Compute.AppPort,
		Region:                e.Region,
		AccountID:             key.AccountID(),
	}); err != nil {
		return nil, err
	}

	cp := compute.Props{
		Compute:        e.Compute,
		Name:           name,
		Network:        s.Network,
		TargetGroup:    s.ALB,
		LaunchTags:     tags,
		SizesScheduled: len(e.Scaling.Schedules) > 0,
		Region:         e.Region,
		AccountID:      key.AccountID(),
	}
	if l := e.Observability.Logs; l.Enabled {
		cp.Agent = &compute.Agent{RetentionDays: l.RetentionDays, KMSKeyARN: key.ARN()}
	}
	if asg {
		s.Group, err = compute.NewGroup(st, "compute", cp)
		s.Compute = s.Group
	} else {
		s.Instance, err = compute.NewInstance(st, "compute", cp)
		s.Compute = s.Instance
	}
	if err != nil {
		return nil, err
	}
	s.Compute.AllowFrom(s.ALB)
	s.Network.AllowEndpointsFrom(instances{s.Compute})

	sc := e.Scaling
	var thresholds []observability.Threshold
	if asg { // one instance does not scale
		thresholds = observability.ScalingThresholds(sc)
	}
	if s.Observability, err = observability.New(st, "observability", observability.Props{
		Observability:  e.Observability,
		Name:           name,
		Region:         e.Region,
		LoadBalancer:   s.ALB,
		Compute:        s.Compute,
		TopicKMSKeyARN: key.ARN(),
		CPUThresholds:  thresholds,
	}); err != nil {
		return nil, err
	}
	topicARN := s.Observability.TopicARN()
	if asg {
		// A refresh that sets off a health alarm fails (and rolls back); the
		// group's launches and terminations go to the alarm topic.
		s.Group.GateRefreshOn(s.Observability.GateAlarmNames)
		s.Group.NotifyTo(s.Observability)
		// The request_count policy counts the requests of this target group.
		s.Scaling, err = scaling.New(st, "scaling", scaling.Props{
			Scaling:      sc,
			Name:         name,
			Group:        s.Group,
			NotifyARNs:   []*string{topicARN},
			LoadBalancer: s.ALB,
		})
	} else {
		s.Recovery, err = scaling.NewRecovery(st, "scaling", scaling.RecoveryProps{
			Name:       name,
			Instance:   s.Instance,
			Region:     e.Region,
			NotifyARNs: []*string{topicARN},
		})
	}
	if err != nil {
		return nil, err
	}

	// The outputs contract: the same outputs in both modes, empty strings
	// where one does not apply.
	empty := func(v *string) *string {
		if v == nil {
			return jsii.String("")
		}
		return v
	}
	asgName, scaleOutAlarm, scaleInAlarm, scaleOutPolicy, scaleInPolicy := jsii.String(""), jsii.String(""), jsii.String(""), jsii.String(""), jsii.String("")
	refreshPreferences := ""
	if asg {
		asgName = s.Group.GroupName()
		refreshPreferences = s.Group.RefreshPreferencesJSON()
		scaleOutAlarm, scaleInAlarm = empty(s.Scaling.ScaleOutAlarmARN()), empty(s.Scaling.ScaleInAlarmARN())
		scaleOutPolicy, scaleInPolicy = s.Scaling.ScaleOutPolicyARN(), s.Scaling.ScaleInPolicyARN()
	}
	values := map[string]any{
		outputs.VPCID:                   s.Network.VPCID(),
		outputs.PublicSubnetIDs:         s.Network.PublicSubnetIDs(),
		outputs.PrivateSubnetIDs:        s.Network.PrivateSubnetIDs(),
		outputs.ALBDNSName:              s.ALB.DNSName(),
		outputs.ALBARN:                  s.ALB.ARN(),
		outputs.TargetGroupARN:          s.ALB.TargetGroupARN(),
		outputs.ListenerARN:             s.ALB.ListenerARN(),
		outputs.ALBSecurityGroupID:      s.ALB.SecurityGroupID(),
		outputs.InstanceSecurityGroupID: s.Compute.SecurityGroupID(),
		outputs.SecurityGroupIDs:        []*string{s.ALB.SecurityGroupID(), s.Compute.SecurityGroupID()},
		outputs.LaunchTemplateID:        s.Compute.LaunchTemplateID(),
		outputs.LaunchTemplateVersion:   cdktf.Fn_Tostring(s.Compute.LaunchTemplateVersion()), // a number in the provider
		outputs.RefreshPreferences:      refreshPreferences,
		outputs.InstanceIDs:             s.Compute.InstanceIDs(),
		outputs.ASGName:                 asgName,
		outputs.ComputeMode:             string(e.ComputeMode),
		outputs.ScaleOutAlarmARN:        scaleOutAlarm,
		outputs.ScaleInAlarmARN:         scaleInAlarm,
		outputs.ScaleOutPolicyARN:       scaleOutPolicy,
		outputs.ScaleInPolicyARN:        scaleInPolicy,
		outputs.AlarmTopicARN:           topicARN,
		outputs.DashboardName:           s.Observability.DashboardName,
		outputs.URL:                     s.ALB.URL(),
		outputs.CertificateARN:          s.ALB.CertificateARN(),
	}
	for _, spec := range outputs.Contract {
		cdktf.NewTerraformOutput(st, jsii.String(spec.Name), &cdktf.TerraformOutputConfig{
			Value:       values[spec.Name],
			Description: jsii.String(spec.Description),
			StaticId:    jsii.Bool(true),
		})
	}
	return s, nil
}
