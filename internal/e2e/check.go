package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	asgtypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// Outputs are one stack's values from `cdktf deploy --outputs-file`.
type Outputs map[string]any

// String is output name as a string ("" when missing or not a string).
func (o Outputs) String(name string) string {
	s, _ := o[name].(string)
	return s
}

// List is output name as a list of strings.
func (o Outputs) List(name string) []string {
	raw, _ := o[name].([]any)
	var out []string
	for _, v := range raw {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Expect is what the synthesized stack says the emulator must hold.
type Expect struct {
	Env      string
	Mode     string // ec2 or asg
	VPCCIDR  string
	Subnets  int
	Min      int
	Max      int
	Desired  int
	Policy   string // step or target_tracking (asg)
	Deletion bool   // deletion protection on the load balancer
	// Notifications are the group's notification types to the alarm topic
	// (asg with compute.notifications), sorted.
	Notifications []string
	// DrainSeconds is the heartbeat of the group's termination lifecycle hook (0: none).
	DrainSeconds int
	// Endpoints are the services of the stack's interface VPC endpoints
	// (network.interface_endpoints), e.g. com.amazonaws.us-east-1.ssm.
	Endpoints []string
	// InstancePolicy is the instance role's one inline policy document (the
	// role of the launch template's instance profile), as the stack writes it.
	InstancePolicy string
	// LogGroups are the stack's CloudWatch log groups (the flow logs', the
	// CloudWatch agent's), sorted by name.
	LogGroups []LogGroup
	// Elastic is the group's warm pool, launch hook and predictive policy.
	Elastic ElasticExpect
}

// ExpectFrom reads the expectations from the synthesized stack.
func ExpectFrom(s *stackjson.Stack) (Expect, error) {
	e := Expect{Env: s.Name, Mode: "ec2"}
	vpcs := s.OfType("aws_vpc")
	if len(vpcs) != 1 {
		return e, fmt.Errorf("stack %s: %d aws_vpc resources, want 1", s.Name, len(vpcs))
	}
	e.VPCCIDR, _ = vpcs[0].String("cidr_block")
	e.Subnets = len(s.OfType("aws_subnet"))
	if g := s.OfType("aws_autoscaling_group"); len(g) == 1 {
		e.Mode = "asg"
		min, _ := g[0].Number("min_size")
		max, _ := g[0].Number("max_size")
		des, _ := g[0].Number("desired_capacity")
		e.Min, e.Max, e.Desired = int(min), int(max), int(des)
		for _, n := range s.OfType("aws_autoscaling_notification") {
			for _, t := range n.List("notifications") {
				if ts, ok := t.(string); ok {
					e.Notifications = append(e.Notifications, ts)
				}
			}
		}
		sort.Strings(e.Notifications)
		for _, h := range s.OfType("aws_autoscaling_lifecycle_hook") {
			hb, _ := h.Number("heartbeat_timeout")
			e.DrainSeconds = int(hb)
		}
		e.Elastic = elasticFrom(s, g[0])
		e.Policy = "step"
		for _, p := range s.OfType("aws_autoscaling_policy") {
			if t, _ := p.String("policy_type"); t == "TargetTrackingScaling" {
				e.Policy = "target_tracking"
			}
		}
	}
	for _, lb := range s.OfType("aws_lb") {
		e.Deletion, _ = lb.Bool("enable_deletion_protection")
	}
	for _, ep := range s.OfType("aws_vpc_endpoint") {
		if t, _ := ep.String("vpc_endpoint_type"); t == "Interface" {
			svc, _ := ep.String("service_name")
			e.Endpoints = append(e.Endpoints, svc)
		}
	}
	sort.Strings(e.Endpoints)
	doc, err := instancePolicyOf(s)
	if err != nil {
		return e, fmt.Errorf("stack %s: %w", s.Name, err)
	}
	e.InstancePolicy = doc
	e.LogGroups = logGroupsOf(s)
	return e, nil
}

// instancePolicyOf returns the inline policy of the role of the stack's one
// instance profile; the role must have exactly one. A stack without an
// instance profile (the harness's broken fixtures) has "" (checkInstanceRole
// then reports a launch template it cannot check).
func instancePolicyOf(s *stackjson.Stack) (string, error) {
	profiles := s.OfType("aws_iam_instance_profile")
	switch {
	case len(profiles) == 0:
		return "", nil
	case len(profiles) > 1:
		return "", fmt.Errorf("%d aws_iam_instance_profile resources, want 1", len(profiles))
	}
	roles := stackjson.Refs(profiles[0].Attrs["role"])
	if len(roles) != 1 {
		return "", fmt.Errorf("instance profile role %v, want one aws_iam_role", profiles[0].Attrs["role"])
	}
	var docs []string
	for _, p := range s.OfType("aws_iam_role_policy") {
		if stackjson.RefTo(p.Attrs["role"], roles[0].Address) {
			doc, _ := p.String("policy")
			docs = append(docs, doc)
		}
	}
	if len(docs) != 1 {
		return "", fmt.Errorf("instance role %s has %d inline policies in the stack, want 1", roles[0].Address, len(docs))
	}
	return docs[0], nil
}

// checkInstanceRole follows the launch template to its instance profile and
// role, and requires of the role what the stack says: no managed policy
// attached (AmazonSSMManagedInstanceCore would let the instances read every
// SSM parameter), the stack's inline policy, and no inline policy that
// reads every SSM parameter.
func checkInstanceRole(ctx context.Context, a *AWS, exp Expect, ltID string, p *Problems) {
	if exp.InstancePolicy == "" {
		p.addf("launch template %s: the stack has no instance profile whose role could be checked", ltID)
		return
	}
	versions, err := a.EC2.DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: aws.String(ltID), Versions: []string{"$Latest"}})
	if err != nil || len(versions.LaunchTemplateVersions) != 1 {
		p.addf("launch template %s: latest version not found (%v)", ltID, apiErr(err))
		return
	}
	data := versions.LaunchTemplateVersions[0].LaunchTemplateData
	if data == nil || data.IamInstanceProfile == nil || (aws.ToString(data.IamInstanceProfile.Arn) == "" && aws.ToString(data.IamInstanceProfile.Name) == "") {
		p.addf("launch template %s has no instance profile", ltID)
		return
	}
	name := aws.ToString(data.IamInstanceProfile.Name)
	if arn := aws.ToString(data.IamInstanceProfile.Arn); arn != "" {
		name = arn[strings.LastIndex(arn, "/")+1:] // arn:aws:iam::<account>:instance-profile/<path/>name
	}
	profile, err := a.IAM.GetInstanceProfile(ctx, &iam.GetInstanceProfileInput{InstanceProfileName: aws.String(name)})
	if err != nil || len(profile.InstanceProfile.Roles) != 1 {
		p.addf("instance profile %s: want one role (%v)", name, apiErr(err))
		return
	}
	role := aws.ToString(profile.InstanceProfile.Roles[0].RoleName)
	attached, err := a.IAM.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		p.addf("managed policies of instance role %s: %v", role, apiErr(err))
	} else if len(attached.AttachedPolicies) > 0 {
		var arns []string
		for _, ap := range attached.AttachedPolicies {
			arns = append(arns, aws.ToString(ap.PolicyArn))
		}
		p.addf("instance role %s has managed policies %v attached, want none (its inline policy only)", role, arns)
	}
	names, err := a.IAM.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	if err != nil {
		p.addf("inline policies of instance role %s: %v", role, apiErr(err))
		return
	}
	var docs []string
	for _, n := range names.PolicyNames {
		got, err := a.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(n)})
		if err != nil {
			p.addf("inline policy %s of instance role %s: %v", n, role, apiErr(err))
			continue
		}
		doc, err := policyDocument(aws.ToString(got.PolicyDocument))
		if err != nil {
			p.addf("inline policy %s of instance role %s: %v", n, role, err)
			continue
		}
		docs = append(docs, doc)
		if reads := policy.ParameterReads(doc); len(reads) > 0 {
			p.addf("inline policy %s of instance role %s reads every SSM parameter: %s", n, role, strings.Join(reads, "; "))
		}
	}
	want := withAccount(exp.InstancePolicy, aws.ToString(profile.InstanceProfile.Roles[0].Arn))
	if len(docs) != 1 || !sameJSON(docs[0], want) {
		p.addf("instance role %s has inline policies %v, want only the stack's %s", role, docs, want)
	}
}

// policyDocument decodes a policy document as IAM returns it: URL-encoded
// (RFC 3986) JSON. A document that is already JSON is returned as it is.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRolePolicy.html
func policyDocument(s string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s, nil
	}
	d, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("policy document is neither JSON nor URL-encoded: %v", err)
	}
	return d, nil
}

// sameJSON says whether two JSON documents hold the same values.
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// checkEndpoints requires each interface endpoint of the stack in the VPC:
// available, with private DNS, in every private subnet, behind a group of
// its own whose only rule admits HTTPS from the instances' group.
func checkEndpoints(ctx context.Context, a *AWS, exp Expect, vpcID string, private []string, instanceSG string, p *Problems) {
	out, err := a.EC2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	if err != nil {
		p.addf("interface endpoints of %s: %v", vpcID, apiErr(err))
		return
	}
	byService := map[string]ec2types.VpcEndpoint{}
	for _, ep := range out.VpcEndpoints {
		// EC2 answers endpoint states in lower case ("available"), the SDK's
		// enum spells them capitalized ("Available").
		if ep.VpcEndpointType == ec2types.VpcEndpointTypeInterface && !strings.EqualFold(string(ep.State), string(ec2types.StateDeleted)) {
			byService[aws.ToString(ep.ServiceName)] = ep
		}
	}
	groups := map[string]bool{}
	for _, svc := range exp.Endpoints {
		ep, ok := byService[svc]
		if !ok {
			p.addf("interface endpoint %s: not in %s", svc, vpcID)
			continue
		}
		id := aws.ToString(ep.VpcEndpointId)
		if !strings.EqualFold(string(ep.State), string(ec2types.StateAvailable)) {
			p.addf("interface endpoint %s (%s) is %s, want available", svc, id, ep.State)
		}
		if !aws.ToBool(ep.PrivateDnsEnabled) {
			p.addf("interface endpoint %s (%s) has private DNS off, want on", svc, id)
		}
		if !sameSet(ep.SubnetIds, private) {
			p.addf("interface endpoint %s (%s) is in subnets %v, want the private subnets %v", svc, id, ep.SubnetIds, private)
		}
		if len(ep.Groups) != 1 || aws.ToString(ep.Groups[0].GroupId) == instanceSG {
			p.addf("interface endpoint %s (%s) has security groups %v, want one of its own", svc, id, ep.Groups)
			continue
		}
		groups[aws.ToString(ep.Groups[0].GroupId)] = true
	}
	for sg := range groups {
		rules, err := a.EC2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{sg}}}})
		if err != nil {
			p.addf("rules of the endpoints' security group %s: %v", sg, apiErr(err))
			continue
		}
		var got []string
		for _, r := range rules.SecurityGroupRules {
			dir, peer := "ingress", aws.ToString(r.CidrIpv4)
			if aws.ToBool(r.IsEgress) {
				dir = "egress"
			}
			if r.ReferencedGroupInfo != nil {
				peer = aws.ToString(r.ReferencedGroupInfo.GroupId)
			}
			got = append(got, fmt.Sprintf("%s %s %d-%d %s", dir, aws.ToString(r.IpProtocol), aws.ToInt32(r.FromPort), aws.ToInt32(r.ToPort), peer))
		}
		if want := fmt.Sprintf("ingress tcp 443-443 %s", instanceSG); len(got) != 1 || got[0] != want {
			p.addf("the endpoints' security group %s has rules %v, want only [%s] (the instances' group)", sg, got, want)
		}
	}
}

// Problems collects everything a check finds, so one run reports them all.
type Problems []string

func (p *Problems) addf(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// Err is nil when nothing was found.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return errors.New(strings.Join(p, "; "))
}

// CheckContract compares every output of the contract with what the emulator
// answers. It returns the instance IDs in service (for the later steps).
func CheckContract(ctx context.Context, a *AWS, exp Expect, o Outputs) ([]string, error) {
	var p Problems
	for _, spec := range outputs.Contract {
		if _, ok := o[spec.Name]; !ok {
			p.addf("output %s is missing from the outputs file", spec.Name)
		}
	}
	if mode := o.String(outputs.ComputeMode); mode != exp.Mode {
		p.addf("output compute_mode = %q, the stack is %s", mode, exp.Mode)
	}

	// has: the output is there to look up (a missing one is reported above).
	has := func(name string) bool { _, ok := o[name]; return ok }
	vpcID := o.String(outputs.VPCID)
	vpcs, err := a.EC2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}})
	switch {
	case !has(outputs.VPCID):
	case err != nil:
		p.addf("vpc_id %q: %v", vpcID, apiErr(err))
	case len(vpcs.Vpcs) != 1:
		p.addf("vpc_id %q: not found", vpcID)
	case aws.ToString(vpcs.Vpcs[0].CidrBlock) != exp.VPCCIDR:
		p.addf("vpc_id %s has CIDR %s, the stack says %s", vpcID, aws.ToString(vpcs.Vpcs[0].CidrBlock), exp.VPCCIDR)
	}

	pub, priv := o.List(outputs.PublicSubnetIDs), o.List(outputs.PrivateSubnetIDs)
	if !has(outputs.PublicSubnetIDs) || !has(outputs.PrivateSubnetIDs) {
		return nil, p.Err() // the rest hangs on the network outputs
	}
	if len(pub)+len(priv) != exp.Subnets || len(pub) != len(priv) {
		p.addf("%d public and %d private subnet IDs, the stack has %d subnets (half of each tier)", len(pub), len(priv), exp.Subnets)
	}
	if ids := append(append([]string{}, pub...), priv...); len(ids) > 0 {
		subs, err := a.EC2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: ids})
		if err != nil {
			p.addf("subnets %v: %v", ids, apiErr(err))
		} else {
			public := map[string]bool{}
			for _, id := range pub {
				public[id] = true
			}
			for _, s := range subs.Subnets {
				if aws.ToString(s.VpcId) != vpcID {
					p.addf("subnet %s is in %s, not in vpc_id %s", aws.ToString(s.SubnetId), aws.ToString(s.VpcId), vpcID)
				}
				if !public[aws.ToString(s.SubnetId)] && aws.ToBool(s.MapPublicIpOnLaunch) {
					p.addf("private subnet %s maps public IPs on launch", aws.ToString(s.SubnetId))
				}
			}
			if len(subs.Subnets) != len(ids) {
				p.addf("%d of %d subnet IDs found", len(subs.Subnets), len(ids))
			}
		}
	}

	albARN, tgARN := o.String(outputs.ALBARN), o.String(outputs.TargetGroupARN)
	lbs, err := a.ELB.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{albARN}})
	if err != nil || len(lbs.LoadBalancers) != 1 {
		p.addf("alb_arn %q: not found (%v)", albARN, apiErr(err))
	} else {
		lb := lbs.LoadBalancers[0]
		if got := aws.ToString(lb.DNSName); got != o.String(outputs.ALBDNSName) {
			p.addf("alb_dns_name = %q, the load balancer's DNS name is %q", o.String(outputs.ALBDNSName), got)
		}
		if aws.ToString(lb.VpcId) != vpcID {
			p.addf("load balancer in %s, not in vpc_id %s", aws.ToString(lb.VpcId), vpcID)
		}
		if !sameSet(lb.SecurityGroups, []string{o.String(outputs.ALBSecurityGroupID)}) {
			p.addf("load balancer security groups %v, alb_security_group_id is %s", lb.SecurityGroups, o.String(outputs.ALBSecurityGroupID))
		}
	}
	tgs, err := a.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{tgARN}})
	if err != nil || len(tgs.TargetGroups) != 1 {
		p.addf("target_group_arn %q: not found (%v)", tgARN, apiErr(err))
	} else if tg := tgs.TargetGroups[0]; aws.ToString(tg.VpcId) != vpcID {
		p.addf("target group in %s, not in vpc_id %s", aws.ToString(tg.VpcId), vpcID)
	}
	listeners, err := a.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{ListenerArns: []string{o.String(outputs.ListenerARN)}})
	if err != nil || len(listeners.Listeners) != 1 {
		p.addf("listener_arn %q: not found (%v)", o.String(outputs.ListenerARN), apiErr(err))
	} else {
		l := listeners.Listeners[0]
		if aws.ToString(l.LoadBalancerArn) != albARN {
			p.addf("listener belongs to %s, not to alb_arn", aws.ToString(l.LoadBalancerArn))
		}
		forwards := false
		for _, act := range l.DefaultActions {
			forwards = forwards || aws.ToString(act.TargetGroupArn) == tgARN
			if act.ForwardConfig != nil {
				for _, t := range act.ForwardConfig.TargetGroups {
					forwards = forwards || aws.ToString(t.TargetGroupArn) == tgARN
				}
			}
		}
		if !forwards {
			p.addf("listener_arn does not forward to target_group_arn")
		}
	}

	sgIDs := []string{o.String(outputs.ALBSecurityGroupID), o.String(outputs.InstanceSecurityGroupID)}
	if got := o.List(outputs.SecurityGroupIDs); strings.Join(got, ",") != strings.Join(sgIDs, ",") {
		p.addf("security_group_ids = %v, want [alb_security_group_id, instance_security_group_id] = %v", got, sgIDs)
	}
	sgs, err := a.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: sgIDs})
	if err != nil || len(sgs.SecurityGroups) != 2 {
		p.addf("security groups %v: not found (%v)", sgIDs, apiErr(err))
	} else {
		for _, g := range sgs.SecurityGroups {
			if aws.ToString(g.VpcId) != vpcID {
				p.addf("security group %s in %s, not in vpc_id %s", aws.ToString(g.GroupId), aws.ToString(g.VpcId), vpcID)
			}
		}
	}

	if len(exp.Endpoints) > 0 {
		checkEndpoints(ctx, a, exp, vpcID, priv, o.String(outputs.InstanceSecurityGroupID), &p)
	}

	ltID := o.String(outputs.LaunchTemplateID)
	lts, err := a.EC2.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{LaunchTemplateIds: []string{ltID}})
	if err != nil || len(lts.LaunchTemplates) != 1 {
		p.addf("launch_template_id %q: not found (%v)", ltID, apiErr(err))
	} else {
		// The agent's statements name its log groups by reference: the
		// policy the stack writes, with the ARNs the groups got.
		withARNs := exp
		withARNs.InstancePolicy = resolveARNs(exp.InstancePolicy, checkLogGroups(ctx, a, exp, &p))
		checkInstanceRole(ctx, a, withARNs, ltID, &p)
	}

	// The instances, the group and the registrations.
	instanceIDs := o.List(outputs.InstanceIDs)
	inService := instanceIDs
	asgName := o.String(outputs.ASGName)
	if exp.Mode == "asg" {
		groups, err := a.ASG.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{asgName}})
		if err != nil || len(groups.AutoScalingGroups) != 1 {
			p.addf("asg_name %q: not found (%v)", asgName, apiErr(err))
		} else {
			g := groups.AutoScalingGroups[0]
			got := [3]int{int(aws.ToInt32(g.MinSize)), int(aws.ToInt32(g.MaxSize)), int(aws.ToInt32(g.DesiredCapacity))}
			if want := [3]int{exp.Min, exp.Max, exp.Desired}; got != want {
				p.addf("group %s min/max/desired = %v, the stack says %v", asgName, got, want)
			}
			if !slices.Contains(g.TargetGroupARNs, tgARN) {
				p.addf("group %s is not attached to target_group_arn", asgName)
			}
			if g.LaunchTemplate == nil || aws.ToString(g.LaunchTemplate.LaunchTemplateId) != ltID {
				if g.MixedInstancesPolicy == nil {
					p.addf("group %s does not use launch_template_id %s", asgName, ltID)
				}
			}
			inService = groupInstances(g)
			if len(inService) != exp.Desired {
				p.addf("group %s has %d instances in service, desired %d", asgName, len(inService), exp.Desired)
			}
			for _, id := range instanceIDs {
				if !slices.Contains(inService, id) {
					p.addf("instance_ids lists %s, which is not in group %s", id, asgName)
				}
			}
		}
	} else {
		if asgName != "" {
			p.addf("asg_name = %q in ec2 mode, want \"\"", asgName)
		}
		if len(instanceIDs) != 1 {
			p.addf("instance_ids = %v in ec2 mode, want one instance", instanceIDs)
		}
	}
	if len(instanceIDs) > 0 {
		res, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: instanceIDs})
		if err != nil {
			p.addf("instance_ids %v: %v", instanceIDs, apiErr(err))
		} else {
			n := 0
			for _, r := range res.Reservations {
				for _, i := range r.Instances {
					n++
					id := aws.ToString(i.InstanceId)
					if i.State == nil || i.State.Name != ec2types.InstanceStateNameRunning {
						p.addf("instance %s is not running", id)
					}
					if env := tag(i.Tags, "environment"); env != exp.Env {
						p.addf("instance %s has tag environment=%q, want %q", id, env, exp.Env)
					}
					if aws.ToString(i.PublicIpAddress) != "" {
						p.addf("instance %s has a public IP %s (instances are private)", id, aws.ToString(i.PublicIpAddress))
					}
					if !slices.Contains(priv, aws.ToString(i.SubnetId)) {
						p.addf("instance %s is in subnet %s, not in a private subnet", id, aws.ToString(i.SubnetId))
					}
					if i.MetadataOptions == nil || i.MetadataOptions.HttpTokens != ec2types.HttpTokensStateRequired {
						p.addf("instance %s does not require IMDSv2", id)
					}
				}
			}
			if n != len(instanceIDs) {
				p.addf("%d of %d instance_ids found", n, len(instanceIDs))
			}
		}
	}
	if targets, err := registered(ctx, a, tgARN); err != nil {
		p.addf("target health of %s: %v", tgARN, apiErr(err))
	} else if !sameSet(targets, inService) {
		p.addf("target group has %v registered, want the instances in service %v", targets, inService)
	}

	// Alarms, policies, topic, dashboard.
	if _, err := a.SNS.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(o.String(outputs.AlarmTopicARN))}); err != nil {
		p.addf("alarm_topic_arn %q: %v", o.String(outputs.AlarmTopicARN), apiErr(err))
	}
	if _, err := a.CW.GetDashboard(ctx, &cloudwatch.GetDashboardInput{DashboardName: aws.String(o.String(outputs.DashboardName))}); err != nil {
		p.addf("dashboard_name %q: %v", o.String(outputs.DashboardName), apiErr(err))
	}
	if exp.Mode == "asg" {
		pols, err := a.ASG.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String(asgName)})
		if err != nil {
			p.addf("policies of %s: %v", asgName, apiErr(err))
		} else {
			var arns []string
			for _, pol := range pols.ScalingPolicies {
				arns = append(arns, aws.ToString(pol.PolicyARN))
			}
			for _, name := range []string{outputs.ScaleOutPolicyARN, outputs.ScaleInPolicyARN} {
				if !slices.Contains(arns, o.String(name)) {
					p.addf("%s %q is not a policy of group %s", name, o.String(name), asgName)
				}
			}
		}
		if len(exp.Notifications) > 0 {
			nc, err := a.ASG.DescribeNotificationConfigurations(ctx, &autoscaling.DescribeNotificationConfigurationsInput{AutoScalingGroupNames: []string{asgName}})
			var got []string
			if err == nil {
				for _, c := range nc.NotificationConfigurations {
					if aws.ToString(c.TopicARN) == o.String(outputs.AlarmTopicARN) {
						got = append(got, aws.ToString(c.NotificationType))
					}
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, exp.Notifications) {
				p.addf("group %s notifies alarm_topic_arn of %v, the stack says %v (%v)", asgName, got, exp.Notifications, apiErr(err))
			}
		}
		if exp.DrainSeconds > 0 {
			hooks, err := a.ASG.DescribeLifecycleHooks(ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String(asgName)})
			found := false
			if err == nil {
				for _, h := range hooks.LifecycleHooks {
					found = found || (aws.ToString(h.LifecycleTransition) == "autoscaling:EC2_INSTANCE_TERMINATING" &&
						int(aws.ToInt32(h.HeartbeatTimeout)) == exp.DrainSeconds && aws.ToString(h.DefaultResult) == "CONTINUE")
				}
			}
			if !found {
				p.addf("group %s has no termination hook of %d s with default result CONTINUE (%v)", asgName, exp.DrainSeconds, apiErr(err))
			}
		}
		checkElastic(ctx, a, exp.Elastic, asgName, &p)
		if exp.Policy == "step" {
			names := []string{o.String(outputs.ScaleOutAlarmARN), o.String(outputs.ScaleInAlarmARN)}
			found := 0
			al, err := a.CW.DescribeAlarms(ctx, &cloudwatch.DescribeAlarmsInput{})
			if err == nil {
				for _, m := range al.MetricAlarms {
					if slices.Contains(names, aws.ToString(m.AlarmArn)) {
						found++
					}
				}
			}
			if found != 2 {
				p.addf("scale_out_alarm_arn/scale_in_alarm_arn: %d of 2 found (%v)", found, apiErr(err))
			}
		}
	}
	sort.Strings(inService)
	return inService, p.Err()
}

func groupInstances(g asgtypes.AutoScalingGroup) []string {
	var ids []string
	for _, i := range g.Instances {
		if i.LifecycleState == asgtypes.LifecycleStateInService || i.LifecycleState == asgtypes.LifecycleStatePending {
			ids = append(ids, aws.ToString(i.InstanceId))
		}
	}
	sort.Strings(ids)
	return ids
}

func registered(ctx context.Context, a *AWS, tgARN string) ([]string, error) {
	th, err := a.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgARN)})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, d := range th.TargetHealthDescriptions {
		if d.Target != nil {
			ids = append(ids, aws.ToString(d.Target.Id))
		}
	}
	sort.Strings(ids)
	return ids, nil
}

func tag(tags []ec2types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string{}, a...)
	y := append([]string{}, b...)
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, ",") == strings.Join(y, ",")
}

// apiErr shortens an SDK error to its API message.
func apiErr(err error) string {
	if err == nil {
		return "no error"
	}
	s := err.Error()
	if i := strings.Index(s, "api error "); i >= 0 {
		return s[i+len("api error "):]
	}
	return s
}
