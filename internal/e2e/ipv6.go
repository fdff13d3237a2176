package e2e

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/outputs"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// IPAddressTypeFrom reads the load balancer's ip_address_type of a
// synthesized stack: "" when the stack leaves it at AWS's ipv4.
func IPAddressTypeFrom(s *stackjson.Stack) string {
	for _, lb := range s.OfType("aws_lb") {
		if t, _ := lb.String("ip_address_type"); t != "" && t != string(config.IPAddressIPv4) {
			return t
		}
	}
	return ""
}

// aliasTypesFrom lists the types of the stack's alias records (A, AAAA),
// sorted and once each: the records CheckDomain wants per name.
func aliasTypesFrom(s *stackjson.Stack) []string {
	var out []string
	for _, r := range s.OfType("aws_route53_record") {
		if _, alias := r.Get("alias"); !alias {
			continue
		}
		if t, _ := r.String("type"); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// CheckDualStack checks a dual-stack load balancer in the emulator: its IP
// address type is want (the API's spelling), and its security group admits
// ::/0 on every port it admits 0.0.0.0/0. It returns a summary cell.
func CheckDualStack(ctx context.Context, a *AWS, want string, o Outputs) (string, error) {
	var p Problems
	lbs, err := a.ELB.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{o.String(outputs.ALBARN)}})
	if err != nil {
		return "", fmt.Errorf("alb_arn: %v", apiErr(err))
	}
	if len(lbs.LoadBalancers) != 1 {
		return "", fmt.Errorf("alb_arn: %d load balancers, want 1", len(lbs.LoadBalancers))
	}
	if got := string(lbs.LoadBalancers[0].IpAddressType); got != want {
		p.addf("load balancer IP address type %q, want %q", got, want)
	}
	sg := o.String(outputs.ALBSecurityGroupID)
	rules, err := a.EC2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
		Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{sg}}},
	})
	if err != nil {
		return "", fmt.Errorf("rules of %s: %v", sg, apiErr(err))
	}
	v4, v6 := map[int32]bool{}, map[int32]bool{}
	for _, r := range rules.SecurityGroupRules {
		if aws.ToBool(r.IsEgress) {
			continue
		}
		port := aws.ToInt32(r.FromPort)
		if aws.ToString(r.CidrIpv4) == config.AllIPv4 {
			v4[port] = true
		}
		if aws.ToString(r.CidrIpv6) == config.AllIPv6 {
			v6[port] = true
		}
	}
	var ports []int32
	for port := range v4 {
		if !v6[port] {
			p.addf("security group %s admits %s on %d but not %s", sg, config.AllIPv4, port, config.AllIPv6)
		}
		ports = append(ports, port)
	}
	if len(v6) == 0 {
		p.addf("security group %s admits %s on no port", sg, config.AllIPv6)
	}
	if err := p.Err(); err != nil {
		return "", err
	}
	slices.Sort(ports)
	return fmt.Sprintf("%s, ::/0 on %v", want, ports), nil
}
