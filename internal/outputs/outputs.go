// Package outputs holds the names of the stack outputs: the contract other
// stacks, pipelines and tools (cmd/stress, cmd/simulate) rely on. Names are
// fixed (not prefixed by construct paths) and identical in every compute mode.
package outputs

import (
	"fmt"
	"strings"
)

// Output names.
const (
	VPCID                   = "vpc_id"
	PublicSubnetIDs         = "public_subnet_ids"
	PrivateSubnetIDs        = "private_subnet_ids"
	ALBDNSName              = "alb_dns_name"
	ALBARN                  = "alb_arn"
	TargetGroupARN          = "target_group_arn"
	ListenerARN             = "listener_arn"
	ALBSecurityGroupID      = "alb_security_group_id"
	InstanceSecurityGroupID = "instance_security_group_id"
	SecurityGroupIDs        = "security_group_ids"
	LaunchTemplateID        = "launch_template_id"
	LaunchTemplateVersion   = "launch_template_version"
	RefreshPreferences      = "instance_refresh_preferences"
	InstanceIDs             = "instance_ids"
	ASGName                 = "asg_name"
	ComputeMode             = "compute_mode"
	ScaleOutAlarmARN        = "scale_out_alarm_arn"
	ScaleInAlarmARN         = "scale_in_alarm_arn"
	ScaleOutPolicyARN       = "scale_out_policy_arn"
	ScaleInPolicyARN        = "scale_in_policy_arn"
	AlarmTopicARN           = "alarm_topic_arn"
	DashboardName           = "dashboard_name"
	URL                     = "url"
	CertificateARN          = "certificate_arn"
)

// Spec describes one output of the contract.
type Spec struct {
	// Name of the output.
	Name string
	// Type is the Terraform type: string or list(string).
	Type string
	// Description is written into the synthesized output.
	Description string
	// Modes says where the value is meaningful: "both", "ec2" or "asg".
	Modes string
}

// Contract lists every output every stack declares, in a stable order.
var Contract = []Spec{
	{VPCID, "string", "ID of the VPC.", "both"},
	{PublicSubnetIDs, "list(string)", "IDs of the public subnets (ALB, NAT), one per AZ in AZ order.", "both"},
	{PrivateSubnetIDs, "list(string)", "IDs of the private subnets (instances), one per AZ in AZ order.", "both"},
	{ALBDNSName, "string", "DNS name of the application load balancer: the entry point for clients.", "both"},
	{ALBARN, "string", "ARN of the application load balancer.", "both"},
	{TargetGroupARN, "string", "ARN of the target group the instances register in.", "both"},
	{ListenerARN, "string", "ARN of the listener that forwards to the target group (HTTPS when a certificate is configured, else HTTP).", "both"},
	{ALBSecurityGroupID, "string", "ID of the load balancer's security group.", "both"},
	{InstanceSecurityGroupID, "string", "ID of the instances' security group (app port from the ALB only).", "both"},
	{SecurityGroupIDs, "list(string)", "IDs of all security groups of the stack: [alb, instance].", "both"},
	{LaunchTemplateID, "string", "ID of the launch template shared by both compute modes.", "both"},
	{LaunchTemplateVersion, "string", "Latest version of the launch template: what the instance runs in ec2 mode; what the rollout command (cmd/rollout) rolls the group to in asg mode (Terraform creates the group at it and never moves it after).", "both"},
	{RefreshPreferences, "string", "JSON of the AWS RefreshPreferences the rollout command starts the group's instance refresh with (compute.instance_refresh, min_healthy_percentage, the gate alarms); empty string in ec2 mode.", "asg"},
	{InstanceIDs, "list(string)", "IDs of the instances: the single instance in ec2 mode; the instances in service when apply finished in asg mode.", "both"},
	{ASGName, "string", "Name of the Auto Scaling Group; empty string in ec2 mode.", "asg"},
	{ComputeMode, "string", "Compute mode of the stack: ec2 or asg.", "both"},
	{ScaleOutAlarmARN, "string", "ARN of the high-CPU alarm that scales out; empty unless asg mode with step scaling.", "asg"},
	{ScaleInAlarmARN, "string", "ARN of the low-CPU alarm that scales in; empty unless asg mode with step scaling.", "asg"},
	{ScaleOutPolicyARN, "string", "ARN of the scale-out policy (the target-tracking policy when scaling.policy is target_tracking or request_count); empty in ec2 mode.", "asg"},
	{ScaleInPolicyARN, "string", "ARN of the scale-in policy (the target-tracking policy when scaling.policy is target_tracking or request_count); empty in ec2 mode.", "asg"},
	{AlarmTopicARN, "string", "ARN of the SNS topic every alarm notifies.", "both"},
	{DashboardName, "string", "Name of the CloudWatch dashboard of the environment.", "both"},
	{URL, "string", "URL clients use: `https://<alb.domain.name>` with a domain, `https://<alb_dns_name>` with alb.certificate_arn (whose certificate names your own domain), else `http://<alb_dns_name>`.", "both"},
	{CertificateARN, "string", "ARN of the HTTPS listener's certificate: the validated ACM certificate of alb.domain, or alb.certificate_arn; empty without HTTPS.", "both"},
}

// MarkdownTable renders the contract as the README's table.
func MarkdownTable() string {
	modes := map[string]string{"both": "ec2 and asg", "asg": "asg (empty string in ec2)", "ec2": "ec2"}
	var b strings.Builder
	b.WriteString("| Output | Type | Meaningful in | Meaning |\n|---|---|---|---|\n")
	for _, s := range Contract {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.Name, s.Type, modes[s.Modes], s.Description)
	}
	return b.String()
}
