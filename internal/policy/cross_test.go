package policy

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/simulate"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// evalEnv evaluates one stack with one environment's configuration.
func evalEnv(t *testing.T, env *config.Environment, doc map[string]any) Result {
	t.Helper()
	if env.Name == "prod" && env.Production {
		env.Suppressions = append(env.Suppressions, prodNoHTTPS, prodNoSubscriber, prodLocalState) // as the fixture's prod
	}
	f := &config.File{Project: "webtier", Environments: []*config.Environment{env}}
	return Evaluate(f, []*stackjson.Stack{stackOf(t, env.Name, doc)})
}

// only returns the violations (or warnings) of one rule.
func only(vs []Violation, id string) []Violation {
	var out []Violation
	for _, v := range vs {
		if v.Rule.ID == id {
			out = append(out, v)
		}
	}
	return out
}

// byPath returns the body of the resource whose construct path ends in suffix.
func byPath(t *testing.T, doc map[string]any, typ, suffix string) map[string]any {
	t.Helper()
	for _, body := range each(doc, typ) {
		if p, _ := stackjson.Walk(body, "//", "metadata", "path"); strings.HasSuffix(p.(string), suffix) {
			return body
		}
	}
	t.Fatalf("no %s with a path ending in %s", typ, suffix)
	return nil
}

func wantOne(t *testing.T, vs []Violation, id string, parts ...string) {
	t.Helper()
	got := only(vs, id)
	if len(got) != 1 {
		t.Fatalf("%s: got %d findings, want 1: %v", id, len(got), got)
	}
	for _, p := range parts {
		if !strings.Contains(got[0].String(), p) {
			t.Errorf("%s finding lacks %q:\n%s", id, p, got[0])
		}
	}
}

// Budget gate. prod's estimate (internal/cost, hand-computed there): 330.71 USD
// a month at max capacity (9 x t3.small).
func TestBudget(t *testing.T) {
	prod := func(budget float64) *config.Environment {
		return &config.Environment{Name: "prod", Production: true, Budget: &config.Budget{MaxMonthlyUSD: budget}}
	}
	t.Run("within budget, and exactly at it", func(t *testing.T) {
		for _, b := range []float64{400, 330.71} {
			if res := evalEnv(t, prod(b), golden(t, "prod")); len(res.Violations) != 0 {
				t.Errorf("budget %v: %v", b, res.Violations)
			}
		}
	})
	t.Run("no budget, no check", func(t *testing.T) {
		if res := evalEnv(t, &config.Environment{Name: "prod", Production: true}, golden(t, "prod")); len(res.Violations) != 0 {
			t.Errorf("%v", res.Violations)
		}
	})
	t.Run("over budget names env, estimate, budget and the three largest items", func(t *testing.T) {
		res := evalEnv(t, prod(300), golden(t, "prod"))
		wantOne(t, res.Violations, "EWT-COST-1",
			"prod EWT-COST-1: prod (whole stack): environment prod: estimated 330.71 USD a month at max capacity (9 instances) exceeds budget.max_monthly_usd 300.00 by 30.71",
			"largest items: EC2 t3.small on-demand, Linux 136.66, NAT gateways 98.55, EC2 detailed monitoring, 7 metrics per instance 18.90",
			"go run ./cmd/review cost prod")
	})
	t.Run("suppressed on the stack with a reason", func(t *testing.T) {
		env := prod(300)
		env.Suppressions = []config.Suppression{{Rule: "EWT-COST-1", Resource: "prod", Reason: "load-test month approved by finance"}}
		res := evalEnv(t, env, golden(t, "prod"))
		if sp := suppressionsOf(res, "EWT-COST-1"); len(res.Violations) != 0 || len(res.Problems) != 0 || len(sp) != 1 || sp[0].Resource != "prod" {
			t.Errorf("violations %v problems %v suppressed %+v", res.Violations, res.Problems, res.Suppressed)
		}
	})
	t.Run("a stack suppression that matches nothing is a problem", func(t *testing.T) {
		env := prod(400)
		env.Suppressions = []config.Suppression{{Rule: "EWT-COST-1", Resource: "prod", Reason: "just in case"}}
		res := evalEnv(t, env, golden(t, "prod"))
		if len(res.Problems) != 1 || !strings.Contains(res.Problems[0], "suppression of EWT-COST-1 on prod (environments.yaml) matches no finding") {
			t.Errorf("problems %v", res.Problems)
		}
	})
	// The budget gate sees what unlimited CPU credits bill: stage at max
	// capacity is 130.39 with standard credits; unlimited adds 4 t3.micro x
	// 2 vCPUs x (70% - 10%) x 0.05 USD x 730 h = 175.20 (internal/cost).
	t.Run("unlimited CPU credits count against the budget", func(t *testing.T) {
		stage := func() *config.Environment {
			return &config.Environment{Name: "stage", Budget: &config.Budget{MaxMonthlyUSD: 200}}
		}
		if res := evalEnv(t, stage(), golden(t, "stage")); len(only(res.Violations, "EWT-COST-1")) != 0 {
			t.Fatalf("stage with standard credits within 200: %v", res.Violations)
		}
		doc := golden(t, "stage")
		each(doc, "aws_launch_template")[0]["credit_specification"] = map[string]any{"cpu_credits": "unlimited"}
		wantOne(t, evalEnv(t, stage(), doc).Violations, "EWT-COST-1",
			"estimated 307.65 USD a month at max capacity (4 instances) exceeds budget.max_monthly_usd 200.00 by 107.65",
			"largest items: surplus CPU credits, unlimited: t3.micro at 70% CPU (scale-out threshold of webtier-stage-cpu-high), baseline 10% of 2 vCPUs 175.20")
	})
	t.Run("an estimate that fails is a violation, not a pass", func(t *testing.T) {
		doc := golden(t, "prod")
		each(doc, "aws_launch_template")[0]["instance_type"] = "x9.huge"
		res := evalEnv(t, prod(1000), doc)
		wantOne(t, res.Violations, "EWT-COST-1", "budget.max_monthly_usd 1000.00 cannot be checked", "instance type x9.huge has no price")
	})
}

func TestFlapping(t *testing.T) {
	stage := &config.Environment{Name: "stage"}
	if res := evalEnv(t, stage, golden(t, "stage")); len(only(res.Violations, "EWT-SCALE-1")) != 0 {
		t.Fatalf("30/70 flaps? %v", res.Violations)
	}
	// stage: min 2. Scale in below 50, out above 60: at 3 instances at 50%,
	// removing 1 leaves 2 at 50 x 3 / 2 = 75% > 60.
	doc := golden(t, "stage")
	byPath(t, doc, "aws_cloudwatch_metric_alarm", "/scale-in-alarm")["threshold"] = 50
	byPath(t, doc, "aws_cloudwatch_metric_alarm", "/scale-out-alarm")["threshold"] = 60
	wantOne(t, evalEnv(t, stage, doc).Violations, "EWT-SCALE-1",
		"stage/scaling/scale-in-alarm", "at 3 instances averaging the scale-in threshold 50% CPU", "leaves 2 instances at 50 x 3 / 2 = 75.0%, above the scale-out threshold 60%")

	// prod: min 3, scale in by 2 below 45: n=4 leaves max(3, 2) = 3 at
	// 45 x 4 / 3 = 60% (fine); n=5 leaves 3 at 45 x 5 / 3 = 75% > 70.
	doc = golden(t, "prod")
	byPath(t, doc, "aws_cloudwatch_metric_alarm", "/scale-in-alarm")["threshold"] = 45
	byPath(t, doc, "aws_autoscaling_policy", "/scale-in")["step_adjustment"].([]any)[0].(map[string]any)["scaling_adjustment"] = -2
	wantOne(t, evalEnv(t, &config.Environment{Name: "prod", Production: true}, doc).Violations, "EWT-SCALE-1",
		"at 5 instances", "scaling in by 2 leaves 3 instances at 45 x 5 / 3 = 75.0%")
}

// The case: prod's warm-up (120 s) equals the grace period, so a
// steady 75% adds two instances where one suffices. The rule is a warning
// and the simulator it points to shows exactly that.
func TestWarmupVsTimeToServe(t *testing.T) {
	prod := &config.Environment{Name: "prod", Production: true}
	doc := golden(t, "prod")
	res := evalEnv(t, prod, doc)
	if len(res.Violations) != 0 {
		t.Fatalf("a warning rule failed synth: %v", res.Violations)
	}
	cmd := "go run ./cmd/simulate --stack cdktf.out/stacks/prod --profile step:from=150,to=225,at=5 --minutes 20"
	// need = 120 s grace + 60 s x (2 - 2 + 1) = 180 s
	wantOne(t, res.Warnings, "EWT-SCALE-2", "prod/scaling/scale-out", "warm-up 120 s (estimated_instance_warmup) < health_check_grace_period 120 s + 60 s", "(2 of 2 datapoints of 60 s) = 180 s", cmd)
	if scaleOuts(t, doc, "step:from=150,to=225,at=5") != 2 {
		t.Errorf("the simulator does not show the overshoot the warning names")
	}

	byPath(t, doc, "aws_autoscaling_policy", "/scale-out")["estimated_instance_warmup"] = 180
	if res := evalEnv(t, prod, doc); len(res.Warnings) != 0 {
		t.Errorf("warm-up 180 s: %v", res.Warnings)
	}
	if n := scaleOuts(t, doc, "step:from=150,to=225,at=5"); n != 1 {
		t.Errorf("warm-up 180 s: the simulator scales out %d times, want 1 (225 / 4 = 56%% < 70%%)", n)
	}
	// 2 of 3 datapoints: the alarm needs 2 good ones to recover, 120 + 120 = 240 s.
	byPath(t, doc, "aws_cloudwatch_metric_alarm", "/scale-out-alarm")["evaluation_periods"] = 3
	wantOne(t, evalEnv(t, prod, doc).Warnings, "EWT-SCALE-2", "180 s (estimated_instance_warmup) < health_check_grace_period 120 s + 120 s", "= 240 s")
}

func scaleOuts(t *testing.T, doc map[string]any, profile string) int {
	t.Helper()
	m, err := simulate.FromStack(stackOf(t, "prod", doc))
	if err != nil {
		t.Fatal(err)
	}
	p, err := simulate.ParseProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	r, err := simulate.Run(m, p, simulate.Options{Minutes: 20, LaunchDelay: -1})
	if err != nil {
		t.Fatal(err)
	}
	return r.Summary.ScaleOuts
}

func TestSubnetCapacity(t *testing.T) {
	stage := &config.Environment{Name: "stage"}
	small := func(maxSize int, maxHealthy float64) map[string]any {
		doc := golden(t, "stage")
		byPath(t, doc, "aws_subnet", "/private-a")["cidr_block"] = "10.20.128.0/28"
		byPath(t, doc, "aws_subnet", "/private-b")["cidr_block"] = "10.20.129.0/28"
		asg := each(doc, "aws_autoscaling_group")[0]
		asg["max_size"] = maxSize
		if maxHealthy > 0 {
			// The refresh is the rollout's: its preferences are the output's JSON.
			out := doc["output"].(map[string]any)["instance_refresh_preferences"].(map[string]any)
			var prefs map[string]any
			if err := json.Unmarshal([]byte(out["value"].(string)), &prefs); err != nil {
				t.Fatal(err)
			}
			prefs["MaxHealthyPercentage"] = maxHealthy
			b, err := json.Marshal(prefs)
			if err != nil {
				t.Fatal(err)
			}
			out["value"] = string(b)
		}
		return doc
	}
	if res := evalEnv(t, stage, golden(t, "stage")); len(only(res.Violations, "EWT-SCALE-3")) != 0 {
		t.Fatalf("/24 subnets: %v", res.Violations)
	}
	// /28: 16 - 5 = 11 usable. max 20: surge max(0, max(1, ceil(2.0))) = 2, ceil(22 / 2) = 11: fits.
	if res := evalEnv(t, stage, small(20, 0)); len(only(res.Violations, "EWT-SCALE-3")) != 0 {
		t.Errorf("max 20 in two /28: %v", res.Violations)
	}
	// max 21: rebalancing surge ceil(2.1) = 3, ceil(24 / 2) = 12 > 11, in both subnets.
	got := only(evalEnv(t, stage, small(21, 0)).Violations, "EWT-SCALE-3")
	if len(got) != 2 || !strings.Contains(got[0].String(), "10.20.128.0/28 has 11 usable addresses (16 - 5 reserved by AWS); its share of max_size 21 plus a surge of 3 (max of the refresh's 0 at max_healthy_percentage 100 and AZ rebalancing's 3) over 2 subnets is ceil(24 / 2) = 12") {
		t.Errorf("got %v", got)
	}
	// max 10 with a launch-before-terminate refresh at 200%: surge 10, ceil(20 / 2) = 10 <= 11;
	// at 250%: surge 15, ceil(25 / 2) = 13 > 11.
	if res := evalEnv(t, stage, small(10, 200)); len(only(res.Violations, "EWT-SCALE-3")) != 0 {
		t.Errorf("200%%: %v", res.Violations)
	}
	if got := only(evalEnv(t, stage, small(10, 250)).Violations, "EWT-SCALE-3"); len(got) != 2 || !strings.Contains(got[1].String(), "surge of 15 (max of the refresh's 15 at max_healthy_percentage 250") {
		t.Errorf("250%%: %v", got)
	}
	// A scheduled action's max_size counts like the group's: max 4 with the
	// office-hours start raising max to 20 fits (as max 20 does above), to
	// 21 does not, and names the action.
	scheduled := func(max int) map[string]any {
		doc := small(4, 0)
		byPath(t, doc, "aws_autoscaling_schedule", "/schedule-office-hours-start")["max_size"] = max
		return doc
	}
	if res := evalEnv(t, stage, scheduled(20)); len(only(res.Violations, "EWT-SCALE-3")) != 0 {
		t.Errorf("scheduled max 20 in two /28: %v", res.Violations)
	}
	got = only(evalEnv(t, stage, scheduled(21)).Violations, "EWT-SCALE-3")
	if len(got) != 2 || !strings.Contains(got[0].String(), "its share of the max_size of scheduled action webtier-stage-office-hours-start 21 plus a surge of 3") {
		t.Errorf("scheduled max 21: got %v", got)
	}
}

func TestReactionTime(t *testing.T) {
	prod := func(limit int) *config.Environment {
		e := &config.Environment{Name: "prod", Production: true}
		e.Scaling.MaxMinutesToFull = limit
		return e
	}
	// prod: 3 -> 9 by +1: the alarm 2 x 60 s = 2 min, 6 steps 2 min apart
	// (warm-up 120 s), the last serves 2 min later: 2 + 5 x 2 + 2 = 14.
	for _, limit := range []int{0, 14, 30} {
		if res := evalEnv(t, prod(limit), golden(t, "prod")); len(only(res.Violations, "EWT-SCALE-4")) != 0 {
			t.Errorf("limit %d: %v", limit, res.Violations)
		}
	}
	wantOne(t, evalEnv(t, prod(13), golden(t, "prod")).Violations, "EWT-SCALE-4",
		"prod/compute/asg", "from min_size 3 to max_size 9 by +1", "6 steps 2 min apart", "2 + 5 x 2 + 2 = 14 minutes > scaling.max_minutes_to_full 13")
	// +3: 2 steps, 2 + 1 x 2 + 2 = 6.
	doc := golden(t, "prod")
	byPath(t, doc, "aws_autoscaling_policy", "/scale-out")["step_adjustment"].([]any)[0].(map[string]any)["scaling_adjustment"] = 3
	wantOne(t, evalEnv(t, prod(5), doc).Violations, "EWT-SCALE-4", "2 + 1 x 2 + 2 = 6 minutes > scaling.max_minutes_to_full 5")

	// The formula agrees with the simulator: a step at minute 10 to a load
	// max_size cannot carry; minutes until max_size instances serve.
	for _, adj := range []int{1, 3} {
		doc := golden(t, "prod")
		byPath(t, doc, "aws_autoscaling_policy", "/scale-out")["step_adjustment"].([]any)[0].(map[string]any)["scaling_adjustment"] = adj
		m, err := simulate.FromStack(stackOf(t, "prod", doc))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := simulate.ParseProfile("step:from=90,to=1000,at=10")
		r, err := simulate.Run(m, p, simulate.Options{Minutes: 40, LaunchDelay: -1})
		if err != nil {
			t.Fatal(err)
		}
		full := -1
		for _, row := range r.Timeline {
			if row.InService == 9 {
				full = row.Minute - 10
				break
			}
		}
		want, _, _, _, _ := fullMinutes(3, 9, adj, 2, 60, 120, 120)
		if full != want {
			t.Errorf("+%d: simulator %d minutes to 9 in service, rule %d", adj, full, want)
		}
	}
}

// The rule table of docs/security.md lists every rule.
func TestREADMEListsEveryRule(t *testing.T) {
	b, err := os.ReadFile("../../docs/security.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.Contains(string(b), "\n| "+r.ID+" | ") {
			t.Errorf("docs/security.md's rule table has no row for %s (%s)", r.ID, r.Reason)
		}
	}
}

// TestScaleRulesWithRequestCount: with scaling.policy request_count (one
// ALBRequestCountPerTarget target-tracking policy, no CPU alarm pair) the
// step-policy rules EWT-SCALE-1, -2 and -4 have nothing to judge, while
// EWT-SCALE-3 (subnet room) still applies.
func TestScaleRulesWithRequestCount(t *testing.T) {
	requestCount := func(subnet string) map[string]any {
		doc := golden(t, "prod")
		res := doc["resource"].(map[string]any)
		for _, typ := range []string{"aws_autoscaling_policy", "aws_cloudwatch_metric_alarm"} {
			for name := range res[typ].(map[string]any) {
				if strings.HasPrefix(name, "scaling_") {
					delete(res[typ].(map[string]any), name)
				}
			}
		}
		lb, tg := "aws_lb.alb_lb_4D3A35B5", "aws_lb_target_group.alb_target-group_8180AAF8"
		for name := range res["aws_lb"].(map[string]any) {
			lb = "aws_lb." + name
		}
		for name := range res["aws_lb_target_group"].(map[string]any) {
			tg = "aws_lb_target_group." + name
		}
		asg := ""
		for name := range res["aws_autoscaling_group"].(map[string]any) {
			asg = "aws_autoscaling_group." + name
		}
		res["aws_autoscaling_policy"].(map[string]any)["scaling_request-count_1"] = map[string]any{
			"//":                     map[string]any{"metadata": map[string]any{"path": "prod/scaling/request-count"}},
			"autoscaling_group_name": "${" + asg + ".name}",
			"name":                   "webtier-prod-requests-target",
			"policy_type":            "TargetTrackingScaling",
			"target_tracking_configuration": map[string]any{
				"predefined_metric_specification": map[string]any{
					"predefined_metric_type": "ALBRequestCountPerTarget",
					"resource_label":         "${" + lb + ".arn_suffix}/${" + tg + ".arn_suffix}",
				},
				"target_value": 1000,
			},
		}
		if subnet != "" {
			for _, sfx := range []string{"a", "b", "c"} {
				byPath(t, doc, "aws_subnet", "/private-"+sfx)["cidr_block"] = fmt.Sprintf(subnet, map[string]int{"a": 128, "b": 129, "c": 130}[sfx])
			}
		}
		return doc
	}
	prod := &config.Environment{Name: "prod", Production: true, Scaling: config.Scaling{MaxMinutesToFull: 1}}
	res := evalEnv(t, prod, requestCount(""))
	for _, id := range []string{"EWT-SCALE-1", "EWT-SCALE-2", "EWT-SCALE-3", "EWT-SCALE-4"} {
		if got := append(only(res.Violations, id), only(res.Warnings, id)...); len(got) != 0 {
			t.Errorf("%s with request_count: %v, want nothing", id, got)
		}
	}
	// Three /29 private subnets: 8 - 5 = 3 usable each; max 9 + surge 1 over 3 = 4 > 3.
	got := only(evalEnv(t, prod, requestCount("10.30.%d.0/29")).Violations, "EWT-SCALE-3")
	if len(got) != 3 || !strings.Contains(got[0].String(), "has 3 usable addresses (8 - 5 reserved by AWS); its share of max_size 9 plus a surge of 1") {
		t.Errorf("EWT-SCALE-3 with request_count in /29 subnets: got %v, want one per subnet", got)
	}
}
