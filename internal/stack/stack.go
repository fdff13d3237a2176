// Package stack wires the constructs into one TerraformStack per environment
// and declares the outputs contract. It is wiring only: each construct gets
// its part of the environment (a config type, defaulted and validated by
// internal/config) and the IDs and ARNs of the others. The traffic path
// reads top to bottom: network -> load balancer -> compute (registered in
// the target group) -> observability -> scaling.
package stack

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/encryption"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/observability"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
	"github.com/platformstarter/elastic-web-tier/internal/config"
	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// AWSProviderVersion is the provider version the bindings were generated for.
const AWSProviderVersion = "5.88.0"

// Stack is one environment's synthesized stack and the constructs in it.
type Stack struct {
	// Stack is the TerraformStack; its id is the environment name.
	Stack cdktf.TerraformStack
	// Key, Network, ALB, Compute, Observability and Scaling are the constructs.
	Key           *encryption.Key
	Network       *network.Network
	ALB           *alb.ALB
	Compute       *compute.Compute
	Observability *observability.Observability
	Scaling       *scaling.Scaling
}

// New builds the stack for environment e of file f.
func New(scope constructs.Construct, f *config.File, e *config.Environment) (*Stack, error) {
	name := f.NamePrefix(e)
	st := cdktf.NewTerraformStack(scope, ptr.S(e.Name))
	s := &Stack{Stack: st}

	provider.NewAwsProvider(st, ptr.S("aws"), &provider.AwsProviderConfig{
		Region:      ptr.S(e.Region),
		DefaultTags: &[]*provider.AwsProviderDefaultTags{{Tags: ptr.Tags(f.DefaultTags(e))}},
	})
	// The binding writes the short source "aws"; OpenTofu resolves that against
	// its own registry. The fully qualified name means the same to both engines.
	st.AddOverride(ptr.S("terraform.required_providers.aws.source"), ptr.S("hashicorp/aws"))
	if b := e.Backend; b != nil {
		cdktf.NewS3Backend(st, &cdktf.S3BackendConfig{
			Bucket:  ptr.S(b.Bucket),
			Key:     ptr.S(b.Key),
			Region:  ptr.S(b.Region),
			Encrypt: ptr.B(b.Encrypt),
		})
		// S3-native locking (Terraform >= 1.10); the cdktf 0.21 binding has no field for it.
		st.AddOverride(ptr.S("terraform.backend.s3.use_lockfile"), b.UseLockfile)
	} else {
		// Relative to the stack's working directory (cdktf.out/stacks/<env>), so
		// the state sits at the project root and synth output does not depend on
		// where the checkout lives.
		cdktf.NewLocalBackend(st, &cdktf.LocalBackendConfig{Path: ptr.S("../../../terraform." + e.Name + ".tfstate")})
	}

	key, err := encryption.New(st, "encryption", encryption.Wiring{
		Name:                 name,
		Region:               e.Region,
		AutoScalingPublishes: e.ComputeMode == config.ComputeASG && e.Compute.Notifications,
	})
	if err != nil {
		return nil, err
	}
	s.Key = key

	if s.Network, err = network.New(st, "network", e.Network, network.Wiring{
		Name:              name,
		Region:            e.Region,
		AvailabilityZones: e.AvailabilityZones,
		FlowLogKMSKeyARN:  key.ARN,
	}); err != nil {
		return nil, err
	}

	if s.ALB, err = alb.New(st, "alb", e.ALB, alb.Wiring{
		Name:                  name,
		TargetGroupNamePrefix: e.TargetGroupNamePrefix(),
		VPCID:                 s.Network.VPCID,
		SubnetIDs:             s.Network.PublicSubnetIDs(),
		TargetPort:            e.Compute.AppPort,
		AccountID:             key.AccountID,
		Region:                e.Region,
	}); err != nil {
		return nil, err
	}

	if s.Compute, err = compute.New(st, "compute", e.ComputeMode, e.Compute, compute.Wiring{
		Name:           name,
		VPCID:          s.Network.VPCID,
		SubnetIDs:      s.Network.PrivateSubnetIDs(),
		TargetGroupARN: s.ALB.TargetGroupARN,
		LaunchTags:     f.DefaultTags(e),
		SizesScheduled: len(e.Scaling.Schedules) > 0,
	}); err != nil {
		return nil, err
	}
	s.Compute.AllowFrom(s.ALB)
	s.Network.AllowEndpointsFrom(s.Compute.SecurityGroupID)

	var asgName, instanceID *string
	if e.ComputeMode == config.ComputeASG {
		asgName = s.Compute.ASGName
	} else {
		instanceID = s.Compute.InstanceID
	}
	if s.Observability, err = observability.New(st, "observability", e.Observability, e.Scaling, observability.Wiring{
		Name:                 name,
		Region:               e.Region,
		ALBARNSuffix:         s.ALB.ARNSuffix,
		TargetGroupARNSuffix: s.ALB.TargetGroupARNSuffix,
		TopicKMSKeyARN:       key.ARN,
		ASGName:              asgName,
		InstanceID:           instanceID,
	}); err != nil {
		return nil, err
	}
	// A refresh that sets off a health alarm fails (and rolls back); the
	// group's launches and terminations go to the alarm topic (asg mode).
	s.Compute.GateRefreshOn(s.Observability.HealthAlarmNames)
	s.Compute.NotifyTo(s.Observability.TopicARN)

	if s.Scaling, err = scaling.New(st, "scaling", e.ComputeMode, e.Scaling, scaling.Wiring{
		Name:       name,
		ASGName:    asgName,
		InstanceID: instanceID,
		Region:     e.Region,
		NotifyARNs: []*string{s.Observability.TopicARN},
		// The request_count policy counts the requests of this target group.
		ALBARNSuffix:         s.ALB.ARNSuffix,
		TargetGroupARNSuffix: s.ALB.TargetGroupARNSuffix,
	}); err != nil {
		return nil, err
	}

	values := map[string]any{
		outputs.VPCID:                   s.Network.VPCID,
		outputs.PublicSubnetIDs:         s.Network.PublicSubnetIDs(),
		outputs.PrivateSubnetIDs:        s.Network.PrivateSubnetIDs(),
		outputs.ALBDNSName:              s.ALB.DNSName,
		outputs.ALBARN:                  s.ALB.ARN,
		outputs.TargetGroupARN:          s.ALB.TargetGroupARN,
		outputs.ListenerARN:             s.ALB.ListenerARN,
		outputs.ALBSecurityGroupID:      s.ALB.SecurityGroupID,
		outputs.InstanceSecurityGroupID: s.Compute.SecurityGroupID,
		outputs.SecurityGroupIDs:        []*string{s.ALB.SecurityGroupID, s.Compute.SecurityGroupID},
		outputs.LaunchTemplateID:        s.Compute.LaunchTemplateID,
		outputs.InstanceIDs:             s.Compute.InstanceIDs,
		outputs.ASGName:                 s.Compute.ASGName,
		outputs.ComputeMode:             string(e.ComputeMode),
		outputs.ScaleOutAlarmARN:        s.Scaling.ScaleOutAlarmARN,
		outputs.ScaleInAlarmARN:         s.Scaling.ScaleInAlarmARN,
		outputs.ScaleOutPolicyARN:       s.Scaling.ScaleOutPolicyARN,
		outputs.ScaleInPolicyARN:        s.Scaling.ScaleInPolicyARN,
		outputs.AlarmTopicARN:           s.Observability.TopicARN,
		outputs.DashboardName:           s.Observability.DashboardName,
		outputs.URL:                     s.ALB.URL,
		outputs.CertificateARN:          s.ALB.CertificateARN,
	}
	for _, spec := range outputs.Contract {
		cdktf.NewTerraformOutput(st, ptr.S(spec.Name), &cdktf.TerraformOutputConfig{
			Value:       values[spec.Name],
			Description: ptr.S(spec.Description),
			StaticId:    ptr.B(true),
		})
	}
	return s, nil
}
