package cost

import (
	"sort"
	"strings"
	"testing"
)

// launchTemplate returns the one launch template body of a raw document.
func launchTemplate(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	lts := resources(doc, "aws_launch_template")
	if len(lts) != 1 {
		t.Fatalf("%d launch templates, want 1", len(lts))
	}
	for _, lt := range lts {
		return lt.(map[string]any)
	}
	return nil
}

// alarmByPath returns the alarm body whose construct path ends in suffix.
func alarmByPath(t *testing.T, doc map[string]any, suffix string) map[string]any {
	t.Helper()
	for _, body := range resources(doc, "aws_cloudwatch_metric_alarm") {
		b := body.(map[string]any)
		if p, _ := b["//"].(map[string]any)["metadata"].(map[string]any)["path"].(string); strings.HasSuffix(p, suffix) {
			return b
		}
	}
	t.Fatalf("no alarm with a path ending in %s", suffix)
	return nil
}

func setCredits(mode string) func(t *testing.T, d map[string]any) {
	return func(t *testing.T, d map[string]any) {
		launchTemplate(t, d)["credit_specification"] = map[string]any{"cpu_credits": mode}
	}
}

// TestSurplusCreditsByHand: in unlimited mode every instance bills
// vCPUs x (CPU - baseline) / 100 surplus vCPU-hours an hour at 0.05 USD,
// 730 hours a month, the CPU being where the group's scaling starts to add
// instances. Worked out by hand from AWS's credit table:
//
//	stage t3.micro (2 vCPUs, 10%), scale-out at 70%: 2 x 0.60 = 1.2 vCPU-h/h,
//	  x 0.05 x 730 = 43.80 per instance; 1/2/4 instances: 43.80/87.60/175.20
//	prod t3.small (2 vCPUs, 20%), scale-out at 70%: 2 x 0.50 = 1.0 -> 36.50;
//	  3/3/9 instances: 109.50/109.50/328.50
//	dev t3.micro, one instance, no scaling: 100%: 2 x 0.90 = 1.8 -> 65.70
func TestSurplusCreditsByHand(t *testing.T) {
	const group = "${aws_autoscaling_group.compute_asg_4EBBEC64.name}"
	cases := []struct {
		name     string
		env      string
		change   func(t *testing.T, d map[string]any)
		want     [3]float64 // USD a month of the surplus item; all zero: no item
		parts    []string   // of the item's name
		onlyMode bool       // change touches the credit mode only
	}{
		{"stage standard (as committed): nothing", "stage", nil, [3]float64{}, nil, false},
		{"stage unlimited", "stage", setCredits("unlimited"), [3]float64{43.80, 87.60, 175.20},
			[]string{"surplus CPU credits, unlimited: t3.micro at 70% CPU (scale-out threshold of webtier-stage-cpu-high), baseline 10% of 2 vCPUs"}, true},
		{"stage without credit_specification: EC2's default for t3 is unlimited", "stage", func(t *testing.T, d map[string]any) {
			delete(launchTemplate(t, d), "credit_specification")
		}, [3]float64{43.80, 87.60, 175.20}, []string{"unlimited (no credit_specification: EC2's default for t3): t3.micro at 70% CPU"}, true},
		{"prod unlimited", "prod", setCredits("unlimited"), [3]float64{109.50, 109.50, 328.50},
			[]string{"t3.small at 70% CPU", "baseline 20% of 2 vCPUs"}, true},
		{"dev unlimited: one instance, nothing holds the CPU down", "dev", setCredits("unlimited"), [3]float64{65.70, 65.70, 65.70},
			[]string{"t3.micro at 100% CPU (nothing scales it: an upper bound)"}, true},
		{"stage unlimited with a CPU target of 50 next to the alarm at 70", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			// 2 x (50 - 10) / 100 = 0.8 -> 29.20 per instance; 4 at max: 116.80.
			addResource(d, "aws_autoscaling_policy", "tt", map[string]any{"name": "cpu-target", "autoscaling_group_name": group, "policy_type": "TargetTrackingScaling",
				"target_tracking_configuration": map[string]any{"target_value": 50, "predefined_metric_specification": map[string]any{"predefined_metric_type": "ASGAverageCPUUtilization"}}})
		}, [3]float64{29.20, 58.40, 116.80}, []string{"at 50% CPU (target of cpu-target)"}, false},
		{"stage unlimited, a request-count target does not hold the CPU", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			addResource(d, "aws_autoscaling_policy", "tt", map[string]any{"name": "requests", "autoscaling_group_name": group, "policy_type": "TargetTrackingScaling",
				"target_tracking_configuration": map[string]any{"target_value": 20, "predefined_metric_specification": map[string]any{"predefined_metric_type": "ALBRequestCountPerTarget"}}})
		}, [3]float64{43.80, 87.60, 175.20}, []string{"at 70% CPU"}, false},
		{"stage unlimited, a high-CPU alarm that only notifies does not scale", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			a := alarmByPath(t, d, "/scale-out-alarm")
			a["alarm_actions"] = []any{"arn:aws:sns:us-east-1:123456789012:pager"}
			// 1.8 x 0.05 x 730 = 65.70 per instance.
		}, [3]float64{65.70, 131.40, 262.80}, []string{"at 100% CPU (no CPU scaling: an upper bound)"}, false},
		{"stage t2.micro without credit_specification: EC2's default for t2 is standard", "stage", func(t *testing.T, d map[string]any) {
			lt := launchTemplate(t, d)
			lt["instance_type"] = "t2.micro"
			delete(lt, "credit_specification")
		}, [3]float64{}, nil, false},
		{"stage t2.micro unlimited: 1 vCPU", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			launchTemplate(t, d)["instance_type"] = "t2.micro"
			// 1 x (70 - 10) / 100 = 0.6 -> 21.90 per instance.
		}, [3]float64{21.90, 43.80, 87.60}, []string{"t2.micro at 70% CPU", "baseline 10% of 1 vCPUs"}, false},
		{"m5.large with a credit specification: no credits to bill", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			launchTemplate(t, d)["instance_type"] = "m5.large"
		}, [3]float64{}, nil, false},
		{"a threshold at the baseline bills nothing", "stage", func(t *testing.T, d map[string]any) {
			setCredits("unlimited")(t, d)
			alarmByPath(t, d, "/scale-out-alarm")["threshold"] = 10
			alarmByPath(t, d, "/scale-in-alarm")["threshold"] = 5
		}, [3]float64{}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := goldenDoc(t, c.env)
			base := mustEstimate(t, stackOf(t, c.env, goldenDoc(t, c.env)), Defaults())
			if c.change != nil {
				c.change(t, doc)
			}
			e := mustEstimate(t, stackOf(t, c.env, doc), Defaults())
			var items []Item
			for _, it := range e.Items {
				if it.Kind == "EC2 CPU credits" {
					items = append(items, it)
				}
			}
			if c.want == [3]float64{} {
				if len(items) != 0 {
					t.Fatalf("got surplus items %v, want none", items)
				}
				return
			}
			if len(items) != 1 {
				t.Fatalf("got %d surplus items, want 1: %v", len(items), names(e))
			}
			it := items[0]
			for i, cp := range Capacities {
				if got := round2(it.Monthly(cp)); got != c.want[i] {
					t.Errorf("surplus at %s capacity: got %.2f, want %.2f", cp, got, c.want[i])
				}
			}
			for _, p := range c.parts {
				if !strings.Contains(it.Name, p) {
					t.Errorf("item name %q lacks %q", it.Name, p)
				}
			}
			if it.UnitPrice != 0.05 || it.Factor != 730 || it.Unit != "surplus vCPU-hour" || !strings.Contains(it.Source, "Unlimited_Mode_Pricing") {
				t.Errorf("priced at %v per %s x %v from %s; want 0.05 per surplus vCPU-hour x 730 from the unlimited-mode pricing", it.UnitPrice, it.Unit, it.Factor, it.Source)
			}
			// The total (what the budget gate reads) carries it: when only the
			// credit mode changed, the item is the whole difference.
			if c.onlyMode {
				if got, want := round2(e.Total(Max)), round2(base.Total(Max)+it.Monthly(Max)); got != want {
					t.Errorf("total at max: got %.2f, want the committed %.2f + %.2f", got, base.Total(Max), it.Monthly(Max))
				}
			}
		})
	}
}

// TestSurplusCreditsMixedInstances: a mixed instances policy bills the
// surplus of its type that bills the most per instance (an upper bound):
// t3.micro (2 x 60% = 1.2) over t3.small (2 x 50% = 1.0) at prod's 70%.
func TestSurplusCreditsMixedInstances(t *testing.T) {
	doc := goldenDoc(t, "prod")
	setCredits("unlimited")(t, doc)
	for _, g := range resources(doc, "aws_autoscaling_group") {
		g := g.(map[string]any)
		lt := g["launch_template"].(map[string]any)
		delete(g, "launch_template")
		g["mixed_instances_policy"] = map[string]any{
			"launch_template": map[string]any{
				"launch_template_specification": map[string]any{"launch_template_id": lt["id"], "version": lt["version"]},
				"override":                      []any{map[string]any{"instance_type": "t3.small"}, map[string]any{"instance_type": "t3.micro"}},
			},
		}
	}
	e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
	it := byName(t, e, "surplus CPU credits, unlimited: t3.micro at 70% CPU")
	// 9 x 1.2 x 0.05 x 730 = 394.20 at max; 3 x = 131.40 at min.
	if got := round2(it.Monthly(Max)); got != 394.20 {
		t.Errorf("max: %.2f, want 394.20", got)
	}
	if got := round2(it.Monthly(Min)); got != 131.40 {
		t.Errorf("min: %.2f, want 131.40", got)
	}
}

// TestBaselinesCoverPricedBurstableTypes: every burstable type with a price
// has a baseline, so an unlimited fleet of it is never left unpriced.
func TestBaselinesCoverPricedBurstableTypes(t *testing.T) {
	var missing []string
	for _, region := range Regions() {
		for _, typ := range InstanceTypes(region) {
			if _, ok := Baselines[typ]; burstableFamily(typ) && !ok {
				missing = append(missing, region+" "+typ)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("burstable types priced without a baseline: %v", missing)
	}
	// Spot checks against AWS's credit table.
	for typ, want := range map[string]Burstable{"t3.micro": {2, 10}, "t3.small": {2, 20}, "t2.xlarge": {4, 22.5}, "t4g.2xlarge": {8, 40}, "t3a.large": {2, 30}} {
		if got := Baselines[typ]; got != want {
			t.Errorf("%s: got %+v, want %+v", typ, got, want)
		}
	}
}
