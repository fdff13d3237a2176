package e2e

import (
	"context"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// ElasticExpect is what the stack says of the group's warm pool, launch
// hook and predictive policy ("" and 0: none).
type ElasticExpect struct {
	// PoolState of the warm pool ("": no warm pool), and its min_size.
	PoolState   string
	PoolMinSize int
	// LaunchHook is the name of the group's launch lifecycle hook, created
	// with the group (initial_lifecycle_hook), and its heartbeat.
	LaunchHook      string
	LaunchHeartbeat int
	// Predictive is the name of the predictive scaling policy, Mode its mode.
	Predictive, Mode string
}

// elasticFrom reads the expectations of the group g of stack s.
func elasticFrom(s *stackjson.Stack, g stackjson.Resource) ElasticExpect {
	var e ElasticExpect
	if _, ok := g.Get("warm_pool"); ok {
		e.PoolState = "Stopped"
		if v, ok := g.String("warm_pool", "pool_state"); ok {
			e.PoolState = v
		}
		if v, ok := g.Number("warm_pool", "min_size"); ok {
			e.PoolMinSize = int(v)
		}
	}
	for i := range g.List("initial_lifecycle_hook") {
		if t, _ := g.String("initial_lifecycle_hook", i, "lifecycle_transition"); t == "autoscaling:EC2_INSTANCE_LAUNCHING" {
			e.LaunchHook, _ = g.String("initial_lifecycle_hook", i, "name")
			hb, _ := g.Number("initial_lifecycle_hook", i, "heartbeat_timeout")
			e.LaunchHeartbeat = int(hb)
		}
	}
	for _, p := range s.OfType("aws_autoscaling_policy") {
		if t, _ := p.String("policy_type"); t == "PredictiveScaling" {
			e.Predictive, _ = p.String("name")
			e.Mode, _ = p.String("predictive_scaling_configuration", "mode")
		}
	}
	return e
}

// checkElastic requires the deployed group to have the stack's warm pool,
// launch hook and predictive policy.
func checkElastic(ctx context.Context, a *AWS, exp ElasticExpect, group string, p *Problems) {
	if exp.PoolState != "" {
		wp, err := a.ASG.DescribeWarmPool(ctx, &autoscaling.DescribeWarmPoolInput{AutoScalingGroupName: aws.String(group)})
		switch {
		case err != nil:
			p.addf("warm pool of %s: %v", group, apiErr(err))
		case wp.WarmPoolConfiguration == nil || string(wp.WarmPoolConfiguration.PoolState) != exp.PoolState || int(aws.ToInt32(wp.WarmPoolConfiguration.MinSize)) != exp.PoolMinSize:
			p.addf("group %s has warm pool %+v, the stack says %s with min_size %d", group, wp.WarmPoolConfiguration, exp.PoolState, exp.PoolMinSize)
		}
	}
	if exp.LaunchHook != "" {
		hooks, err := a.ASG.DescribeLifecycleHooks(ctx, &autoscaling.DescribeLifecycleHooksInput{AutoScalingGroupName: aws.String(group), LifecycleHookNames: []string{exp.LaunchHook}})
		found := false
		if err == nil {
			for _, h := range hooks.LifecycleHooks {
				found = found || (aws.ToString(h.LifecycleTransition) == "autoscaling:EC2_INSTANCE_LAUNCHING" &&
					int(aws.ToInt32(h.HeartbeatTimeout)) == exp.LaunchHeartbeat && aws.ToString(h.DefaultResult) == "ABANDON")
			}
		}
		if !found {
			p.addf("group %s has no launch hook %s of %d s with default result ABANDON (%v)", group, exp.LaunchHook, exp.LaunchHeartbeat, apiErr(err))
		}
	}
	if exp.Predictive != "" {
		pols, err := a.ASG.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String(group), PolicyNames: []string{exp.Predictive}})
		ok := err == nil && len(pols.ScalingPolicies) == 1 && pols.ScalingPolicies[0].PredictiveScalingConfiguration != nil &&
			string(pols.ScalingPolicies[0].PredictiveScalingConfiguration.Mode) == exp.Mode
		if !ok {
			p.addf("group %s has no predictive policy %s in mode %s (%v)", group, exp.Predictive, exp.Mode, apiErr(err))
		}
	}
}

// callerAccountRef is the stack's reference to the account ID
// (data.aws_caller_identity), which Terraform resolves inside a policy.
var callerAccountRef = regexp.MustCompile(`\$\{data\.aws_caller_identity\.[A-Za-z0-9_-]+\.account_id\}`)

// withAccount resolves the stack's account ID references in doc to the
// account of roleARN (arn:<partition>:iam::<account>:role/...), as
// Terraform did when it applied the policy; doc as it is when the ARN has
// no account.
func withAccount(doc, roleARN string) string {
	parts := strings.Split(roleARN, ":")
	if len(parts) < 6 || parts[4] == "" {
		return doc
	}
	return callerAccountRef.ReplaceAllLiteralString(doc, parts[4])
}
