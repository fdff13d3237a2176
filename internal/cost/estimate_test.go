package cost

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// The reviewed golden stacks of the library's fixture (internal/testfixture:
// a copy of the sample as shipped; __tests__ keeps them equal to what synth
// produces) are the input.
const goldenDir = "../../" + testfixture.GoldenSubdir

func goldenDoc(t testing.TB, env string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, env+".tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func stackOf(t testing.TB, env string, doc map[string]any) *stackjson.Stack {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := stackjson.Parse(env, b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t testing.TB, env string) *stackjson.Stack { return stackOf(t, env, goldenDoc(t, env)) }

// resources returns the bodies of one resource type of a raw document.
func resources(doc map[string]any, typ string) map[string]any {
	m, _ := doc["resource"].(map[string]any)[typ].(map[string]any)
	return m
}

func addResource(doc map[string]any, typ, name string, body map[string]any) {
	res := doc["resource"].(map[string]any)
	if res[typ] == nil {
		res[typ] = map[string]any{}
	}
	body["//"] = map[string]any{"metadata": map[string]any{"path": "test/" + name}}
	res[typ].(map[string]any)[name] = body
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func mustEstimate(t *testing.T, s *stackjson.Stack, a Assumptions) *Estimate {
	t.Helper()
	e, err := EstimateStack(s, a)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func byName(t *testing.T, e *Estimate, prefix string) Item {
	t.Helper()
	for _, it := range e.Items {
		if strings.HasPrefix(it.Name, prefix) {
			return it
		}
	}
	t.Fatalf("%s: no item %q; have %v", e.Env, prefix, names(e))
	return Item{}
}

func names(e *Estimate) []string {
	var out []string
	for _, it := range e.Items {
		out = append(out, it.Name)
	}
	return out
}

// TestProdByHand checks every item of prod against numbers worked out by hand
// from the price table (us-east-1), 730 hours a month and the default
// assumptions. prod: ASG 3..9 (desired 3) of t3.small, 8 GiB gp3 root volume,
// detailed monitoring, 3 NAT gateways with 3 EIPs, an internet-facing ALB in
// 3 subnets, access logs kept 90 days, WAF with 3 managed rule groups, one KMS
// key, 6 alarms (5 and the memory alarm), 1 dashboard, flow logs kept 90
// days; the CloudWatch agent: 0.5 GB a month per instance into two log
// groups kept 30 days, its 2 metrics for the group, 1 error-filter metric.
func TestProdByHand(t *testing.T) {
	e := mustEstimate(t, golden(t, "prod"), Defaults())
	if e.Region != "us-east-1" || e.Instances != [3]int{3, 3, 9} {
		t.Fatalf("region %q, instances %v; want us-east-1, [3 3 9]", e.Region, e.Instances)
	}
	want := []struct {
		name     string
		min, max float64
	}{
		{"EC2 t3.small", 3 * 0.0208 * 730, 9 * 0.0208 * 730},          // 45.552, 136.656
		{"EBS gp3, 8 GiB", 3 * 8 * 0.08, 9 * 8 * 0.08},                // 1.92, 5.76
		{"EC2 detailed monitoring", 3 * 7 * 0.30, 9 * 7 * 0.30},       // 6.30, 18.90
		{"NAT gateways", 3 * 0.045 * 730, 3 * 0.045 * 730},            // 98.55
		{"NAT gateway data", 100 * 0.045, 100 * 0.045},                // 4.50
		{"Elastic IP", 3 * 0.005 * 730, 3 * 0.005 * 730},              // 10.95
		{"Application Load Balancer", 0.0225 * 730, 0.0225 * 730},     // 16.425
		{"ALB capacity units", 1 * 0.008 * 730, 1 * 0.008 * 730},      // 5.84
		{"public IPv4 addresses of the", 3 * 3.65, 3 * 3.65},          // 10.95
		{"ALB access logs", 5 * 90 / 30 * 0.023, 5 * 90 / 30 * 0.023}, // 15 GB-month: 0.345
		{"WAF web ACLs", 5, 5},
		{"WAF rules", 3, 3},
		{"WAF requests", 5 * 0.60, 5 * 0.60}, // 3.00
		{"KMS", 1, 1},
		{"CloudWatch alarms", 6 * 0.10, 6 * 0.10},
		{"CloudWatch dashboards", 3, 3},
		{"VPC flow logs ingested", 5 * 0.50, 5 * 0.50},                   // 2.50
		{"VPC flow logs stored", 5 * 90 / 30 * 0.03, 5 * 90 / 30 * 0.03}, // 15 GB-month: 0.45
		{"metrics of log metric filters", 0.30, 0.30},
		{"instance logs ingested", 3 * 0.5 * 0.50, 9 * 0.5 * 0.50},                   // 0.75, 2.25
		{"instance logs stored", 3 * 0.5 * 30 / 30 * 0.03, 9 * 0.5 * 30 / 30 * 0.03}, // 0.045, 0.135
		{"CloudWatch agent metrics", 2 * 0.30, 2 * 0.30},
	}
	if len(e.Items) != len(want) {
		t.Errorf("got %d items %v; want %d", len(e.Items), names(e), len(want))
	}
	for _, w := range want {
		it := byName(t, e, w.name)
		if !near(it.Monthly(Min), w.min) || !near(it.Monthly(Max), w.max) {
			t.Errorf("%s: min %v max %v; want %v %v", it.Name, it.Monthly(Min), it.Monthly(Max), w.min, w.max)
		}
	}
	// Fixed items: 98.55+4.50+10.95+16.425+5.84+10.95+0.345+5+3+3+1+0.60+3+2.50+0.45+0.30+0.60 = 167.01;
	// per instance: 15.184 + 0.64 + 2.10 + 0.25 + 0.015 = 18.189; min 167.01+3*18.189, max 167.01+9*18.189.
	if got := e.Total(Min); !near(got, 221.577) {
		t.Errorf("prod at min: %v; want 221.577", got)
	}
	if got := e.Total(Desired); !near(got, 221.577) {
		t.Errorf("prod at desired: %v; want 221.577", got)
	}
	if got := e.Total(Max); !near(got, 330.711) {
		t.Errorf("prod at max: %v; want 330.711", got)
	}
	top := e.Largest(Max, 3)
	if top[0].Name != "EC2 t3.small on-demand, Linux" || top[1].Name != "NAT gateways" || top[2].Name != "EC2 detailed monitoring, 7 metrics per instance" {
		t.Errorf("largest at max: %v", []string{top[0].Name, top[1].Name, top[2].Name})
	}
}

// dev: one t3.micro (ec2 mode), 1 NAT + EIP, ALB in 2 subnets, 5 alarms
// (3 ALB health, memory, auto-recovery), flow logs kept 7 days.
// stage: ASG 2..4 of t3.micro, otherwise like dev with 6 alarms and 30 days.
// Both: the CloudWatch agent's 0.5 GB a month per instance (ingested 0.25,
// kept 30 days 0.015), its 2 metrics per group or single instance (0.60) and
// the error filter's metric (0.30).
func TestDevAndStageByHand(t *testing.T) {
	perMicro := 0.0104*730 + 8*0.08 + 7*0.30 + 0.5*0.50 + 0.5*0.03 // 7.592 + 0.64 + 2.10 + 0.25 + 0.015 = 10.597
	// NAT 32.85 + 4.50, EIP 3.65, ALB 16.425 + 5.84, ALB IPs 7.30, access logs 0.345,
	// WAF 11, KMS 1, dashboard 3, flow-log ingestion 2.50:
	common := 32.85 + 4.50 + 3.65 + 16.425 + 5.84 + 7.30 + 0.345 + 11 + 1 + 3 + 2.50 + 0.30 + 0.60
	dev := mustEstimate(t, golden(t, "dev"), Defaults())
	wantDev := perMicro + common + 5*0.10 + 5*7.0/30*0.03 // 100.442
	for _, c := range Capacities {
		if !near(dev.Total(c), wantDev) {
			t.Errorf("dev at %s: %v; want %v", c, dev.Total(c), wantDev)
		}
	}
	if dev.Instances != [3]int{1, 1, 1} || dev.Compute != "1 EC2 instance, t3.micro" {
		t.Errorf("dev: %v %q", dev.Instances, dev.Compute)
	}
	// stage's office-hours schedules set min 1 at night: 1..4, desired 2.
	stage := mustEstimate(t, golden(t, "stage"), Defaults())
	fixed := common + 6*0.10 + 5*30.0/30*0.03 // 90.06
	if got, want := stage.Total(Min), fixed+1*perMicro; !near(got, want) || !near(want, 100.657) {
		t.Errorf("stage at min: %v; want %v (100.657)", got, want)
	}
	if got, want := stage.Total(Desired), fixed+2*perMicro; !near(got, want) || !near(want, 111.254) {
		t.Errorf("stage at desired: %v; want %v (111.254)", got, want)
	}
	if got, want := stage.Total(Max), fixed+4*perMicro; !near(got, want) || !near(want, 132.448) {
		t.Errorf("stage at max: %v; want %v (132.448)", got, want)
	}
	if want := "Auto Scaling group 1..4 with its scheduled actions (desired 2), t3.micro"; stage.Instances != [3]int{1, 2, 4} || stage.Compute != want {
		t.Errorf("stage: %v %q; want [1 2 4] %q", stage.Instances, stage.Compute, want)
	}
}

// TestScheduledSizes: a scheduled action's max_size above the group's
// counts at max capacity (the budget gate), a min_size below it at min
// capacity; -1 (unchanged) and another group's actions count for nothing.
func TestScheduledSizes(t *testing.T) {
	const group = "${aws_autoscaling_group.compute_asg_4EBBEC64.name}"
	tests := []struct {
		name        string
		schedules   []map[string]any
		want        [3]int
		wantWidened bool
	}{
		{"none", nil, [3]int{3, 3, 9}, false},
		{"a larger max", []map[string]any{{"autoscaling_group_name": group, "min_size": -1, "max_size": 12, "desired_capacity": -1}}, [3]int{3, 3, 12}, true},
		{"a smaller min and a smaller max", []map[string]any{{"autoscaling_group_name": group, "min_size": 1, "max_size": 2, "desired_capacity": 1}}, [3]int{1, 3, 9}, true},
		{"the largest of two", []map[string]any{
			{"autoscaling_group_name": group, "min_size": 3, "max_size": 10, "desired_capacity": -1},
			{"autoscaling_group_name": group, "min_size": -1, "max_size": 15, "desired_capacity": -1}}, [3]int{3, 3, 15}, true},
		{"another group", []map[string]any{{"autoscaling_group_name": "other-asg", "min_size": 1, "max_size": 50, "desired_capacity": 1}}, [3]int{3, 3, 9}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := goldenDoc(t, "prod")
			for i, body := range tc.schedules {
				addResource(doc, "aws_autoscaling_schedule", fmt.Sprintf("s%d", i), body)
			}
			e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
			if e.Instances != tc.want {
				t.Errorf("instances at min/desired/max = %v, want %v", e.Instances, tc.want)
			}
			if got := strings.Contains(e.Compute, "with its scheduled actions"); got != tc.wantWidened {
				t.Errorf("compute %q: says scheduled actions = %v, want %v", e.Compute, got, tc.wantWidened)
			}
		})
	}
}

func TestAssumptionsChangeTheirItemsOnly(t *testing.T) {
	a := Defaults()
	if err := a.Set([]string{"nat_gb_per_month=1000", " alb_lcu = 2.5", "flow_log_gb_per_month=0"}); err != nil {
		t.Fatal(err)
	}
	base := mustEstimate(t, golden(t, "prod"), Defaults())
	e := mustEstimate(t, golden(t, "prod"), a)
	if got := byName(t, e, "NAT gateway data").Monthly(Max); !near(got, 45) { // 1000 GB x 0.045
		t.Errorf("NAT data at 1000 GB: %v; want 45", got)
	}
	if got := byName(t, e, "ALB capacity units").Monthly(Max); !near(got, 2.5*0.008*730) { // 14.60
		t.Errorf("2.5 LCU: %v; want 14.60", got)
	}
	// +40.50 NAT data, +8.76 LCU, -2.50 ingestion, -0.45 storage.
	if got, want := e.Total(Max)-base.Total(Max), 40.5+8.76-2.5-0.45; !near(got, want) {
		t.Errorf("difference %v; want %v", got, want)
	}
	lines := strings.Join(a.Describe(), "\n")
	for _, want := range []string{"nat_gb_per_month = 1000 (", "[default 100]", "alb_lcu = 2.5", "hours_per_month = 730 (hours"} {
		if !strings.Contains(lines, want) {
			t.Errorf("Describe lacks %q:\n%s", want, lines)
		}
	}
}

func TestAssumptionErrorsAllAtOnce(t *testing.T) {
	a := Defaults()
	err := a.Set([]string{"nat_gb=5", "alb_lcu=-1", "waf_million_requests_per_month=lots", "hours_per_month=24"})
	if err == nil {
		t.Fatal("bad overrides accepted")
	}
	for _, want := range []string{`"nat_gb=5"`, "nat_gb_per_month", "alb_lcu: -1 is negative", `"lots" is not a number`, "hours_per_month: 24", "672 to 744"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if a != Defaults() {
		t.Errorf("a bad override changed the assumptions: %+v", a)
	}
}

func TestMissingPricesAreErrorsNamingThem(t *testing.T) {
	t.Run("region", func(t *testing.T) {
		doc := goldenDoc(t, "prod")
		doc["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)["region"] = "eu-west-3"
		_, err := EstimateStack(stackOf(t, "prod", doc), Defaults())
		if err == nil || !strings.Contains(err.Error(), "region eu-west-3 is not in the price table") || !strings.Contains(err.Error(), "it has: us-east-1") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("instance type and unknown resource type, together", func(t *testing.T) {
		doc := goldenDoc(t, "prod")
		for _, lt := range resources(doc, "aws_launch_template") {
			lt.(map[string]any)["instance_type"] = "x9.huge"
		}
		addResource(doc, "aws_db_instance", "db", map[string]any{"instance_class": "db.t3.micro"})
		_, err := EstimateStack(stackOf(t, "prod", doc), Defaults())
		var ce *Error
		if err == nil || !asError(err, &ce) || len(ce.Problems) != 2 {
			t.Fatalf("want 2 problems, got %v", err)
		}
		for _, want := range []string{"instance type x9.huge has no price for us-east-1", "t3.small", "test/db (aws_db_instance.db): resource type aws_db_instance is not in the cost model"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q:\n%v", want, err)
			}
		}
	})
	t.Run("volume without a size, logs that never expire", func(t *testing.T) {
		doc := goldenDoc(t, "stage")
		for _, lt := range resources(doc, "aws_launch_template") {
			ebs := lt.(map[string]any)["block_device_mappings"].([]any)[0].(map[string]any)["ebs"].(map[string]any)
			delete(ebs, "volume_size")
		}
		for _, lg := range resources(doc, "aws_cloudwatch_log_group") {
			delete(lg.(map[string]any), "retention_in_days")
		}
		_, err := EstimateStack(stackOf(t, "stage", doc), Defaults())
		for _, want := range []string{"volume_size is not set", "never expire"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error lacks %q: %v", want, err)
			}
		}
	})
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

// Interface endpoints are priced per AZ-hour when a stack has them (today's
// stacks have only the free S3 gateway endpoint).
func TestInterfaceEndpoint(t *testing.T) {
	doc := goldenDoc(t, "prod")
	addResource(doc, "aws_vpc_endpoint", "ssm", map[string]any{
		"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.us-east-1.ssm",
		"subnet_ids": []any{"${aws_subnet.a.id}", "${aws_subnet.b.id}", "${aws_subnet.c.id}"},
	})
	base := mustEstimate(t, golden(t, "prod"), Defaults())
	e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
	// 3 AZs x 0.01 x 730 = 21.90, plus 10 GB x 0.01 = 0.10.
	if got := e.Total(Max) - base.Total(Max); !near(got, 22.0) {
		t.Errorf("an interface endpoint in 3 AZs adds %v; want 22.00", got)
	}
}

// TestDomainIsFree: a domain's certificate, its validation and the Route53
// records cost nothing in the model (public ACM certificates are free, alias
// queries to a load balancer too), and connection logs make their bucket
// one the model knows (its storage is not estimated, as NotEstimated says).
func TestDomainIsFree(t *testing.T) {
	doc := goldenDoc(t, "prod")
	addResource(doc, "aws_acm_certificate", "cert", map[string]any{"domain_name": "app.example.com", "validation_method": "DNS"})
	addResource(doc, "aws_acm_certificate_validation", "validation", map[string]any{"certificate_arn": "${aws_acm_certificate.cert.arn}"})
	addResource(doc, "aws_route53_record", "validation", map[string]any{"zone_id": "Z1", "name": "x", "type": "CNAME", "ttl": 60})
	addResource(doc, "aws_route53_record", "alias", map[string]any{"zone_id": "Z1", "name": "app.example.com", "type": "A"})
	base := mustEstimate(t, golden(t, "prod"), Defaults())
	e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
	if got, want := e.Total(Max), base.Total(Max); !near(got, want) {
		t.Errorf("with a domain: %v USD, want %v (unchanged)", got, want)
	}
	if !strings.Contains(NotEstimated, "Route53 queries") || !strings.Contains(NotEstimated, "connection-log storage") {
		t.Errorf("NotEstimated does not name Route53 queries and connection-log storage: %s", NotEstimated)
	}

	// A bucket that only connection logs use is known; one that nothing uses is not.
	doc = goldenDoc(t, "prod")
	for _, lb := range resources(doc, "aws_lb") {
		body := lb.(map[string]any)
		body["connection_logs"] = body["access_logs"]
		delete(body, "access_logs")
	}
	e = mustEstimate(t, stackOf(t, "prod", doc), Defaults())
	if got, want := e.Total(Max), base.Total(Max)-byName(t, base, "ALB access logs").Monthly(Max); !near(got, want) {
		t.Errorf("connection logs only: %v USD, want %v (the access-log storage gone)", got, want)
	}
	for _, lb := range resources(doc, "aws_lb") {
		delete(lb.(map[string]any), "connection_logs")
	}
	if _, err := EstimateStack(stackOf(t, "prod", doc), Defaults()); err == nil || !strings.Contains(err.Error(), "holds no ALB access or connection logs") {
		t.Errorf("a bucket no log uses: error %v, want it named", err)
	}
}

func TestJSONShape(t *testing.T) {
	var ests []*Estimate
	for _, env := range []string{"dev", "prod"} {
		ests = append(ests, mustEstimate(t, golden(t, env), Defaults()))
	}
	var b strings.Builder
	if err := WriteJSON(&b, ests); err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]json.RawMessage
	if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["dev"] == nil || got["prod"] == nil {
		t.Fatalf("keys: %v", got)
	}
	for env, obj := range got {
		if len(obj) != 3 || obj["monthly_usd"] == nil || obj["items"] == nil || obj["assumptions"] == nil {
			t.Errorf("%s: keys %v; want monthly_usd, items, assumptions", env, obj)
		}
	}
	var all map[string]struct {
		MonthlyUSD  map[string]float64 `json:"monthly_usd"`
		Items       []map[string]any   `json:"items"`
		Assumptions map[string]float64 `json:"assumptions"`
	}
	if err := json.Unmarshal([]byte(b.String()), &all); err != nil {
		t.Fatal(err)
	}
	prod := all["prod"]
	if prod.MonthlyUSD["min"] != 221.58 || prod.MonthlyUSD["desired"] != 221.58 || prod.MonthlyUSD["max"] != 330.71 {
		t.Errorf("prod monthly_usd = %v", prod.MonthlyUSD)
	}
	sum := 0.0
	for _, it := range prod.Items {
		if len(it) != 6 {
			t.Errorf("item keys %v; want name, count, unit, unit_price_usd, monthly_usd, source", it)
		}
		sum += it["monthly_usd"].(float64)
		if !strings.HasPrefix(it["source"].(string), "https://aws.amazon.com/") || !strings.HasSuffix(it["source"].(string), "(read 2025-01)") {
			t.Errorf("source %q", it["source"])
		}
	}
	if ec2 := prod.Items[0]; ec2["name"] != "EC2 t3.small on-demand, Linux" || ec2["count"] != 9.0 || ec2["unit_price_usd"] != 0.0208 || ec2["monthly_usd"] != 136.66 {
		t.Errorf("first item (at max capacity) = %v", ec2)
	}
	if math.Abs(sum-330.71) > 0.05 {
		t.Errorf("items (rounded to cents) add up to %v; want about 330.71", sum)
	}
	if prod.Assumptions["nat_gb_per_month"] != 100 || prod.Assumptions["hours_per_month"] != 730 || len(prod.Assumptions) != len(Names()) {
		t.Errorf("assumptions = %v", prod.Assumptions)
	}
}

func TestTextAndDiff(t *testing.T) {
	dev := mustEstimate(t, golden(t, "dev"), Defaults())
	prod := mustEstimate(t, golden(t, "prod"), Defaults())
	var b strings.Builder
	if err := WriteText(&b, []*Estimate{dev, prod}); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"prod (us-east-1): Auto Scaling group 3..9 (desired 3), t3.small; instances min/desired/max 3/3/9\n",
		"EC2 t3.small on-demand, Linux                                              3/3/9  instance-hour                0.0208   45.55    45.55  136.66  [1]\n",
		"total USD a month", "221.58   221.58  330.71\n",
		"  [1] https://aws.amazon.com/ec2/pricing/on-demand/ (read 2025-01)\n",
		"not re-read from", "  nat_gb_per_month = 100 (", "Not estimated: data transfer out",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	b.Reset()
	if err := WriteDiff(&b, dev, prod); err != nil {
		t.Fatal(err)
	}
	diff := b.String()
	lines := strings.Split(diff, "\n")
	if !strings.HasPrefix(lines[4], "EC2 instances ") || !strings.HasPrefix(lines[5], "NAT gateways ") {
		t.Errorf("want the largest differences first:\n%s", diff)
	}
	for _, want := range []string{
		"7.59  136.66     +129.06  EC2 t3.micro on-demand, Linux 1 -> 0; EC2 t3.small on-demand, Linux 0 -> 9",
		"37.35  103.05      +65.70  NAT gateways 1 -> 3\n", // 32.85+4.50 -> 98.55+4.50
		"total at max capacity             100.44  330.71     +230.27",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
}

func TestDeterministic(t *testing.T) {
	render := func() string {
		var b strings.Builder
		var ests []*Estimate
		for _, env := range []string{"dev", "stage", "prod"} {
			ests = append(ests, mustEstimate(t, golden(t, env), Defaults()))
		}
		_ = WriteText(&b, ests)
		_ = WriteJSON(&b, ests)
		_ = WriteDiff(&b, ests[0], ests[2])
		return b.String()
	}
	first := render()
	for i := 0; i < 5; i++ {
		if render() != first {
			t.Fatal("output differs between runs")
		}
	}
}

func TestSummaryLines(t *testing.T) {
	bad := goldenDoc(t, "stage")
	bad["provider"].(map[string]any)["aws"].([]any)[0].(map[string]any)["region"] = "ap-south-2"
	var b strings.Builder
	SummaryLines(&b, []*stackjson.Stack{golden(t, "dev"), stackOf(t, "stage", bad), golden(t, "prod")})
	want := "estimated USD a month at min/desired/max capacity (list prices, default usage; go run ./cmd/review cost):\n" +
		"  dev    100.44 / 100.44 / 100.44  (1/1/1 instances)\n" +
		"  stage  no estimate: region ap-south-2 is not in the price table (internal/cost/prices.go); it has: us-east-1\n" +
		"  prod   221.58 / 221.58 / 330.71  (3/3/9 instances)\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestMixedInstancesPolicy: a group with a mixed instances policy (compute.spot)
// is priced as if every instance ran on demand as the dearest override type,
// an upper bound; an override without a price is an error naming it.
func TestMixedInstancesPolicy(t *testing.T) {
	mixed := func(types ...string) map[string]any {
		doc := goldenDoc(t, "prod")
		for _, g := range resources(doc, "aws_autoscaling_group") {
			g := g.(map[string]any)
			lt := g["launch_template"].(map[string]any)
			delete(g, "launch_template")
			var overrides []any
			for _, typ := range types {
				overrides = append(overrides, map[string]any{"instance_type": typ})
			}
			g["mixed_instances_policy"] = map[string]any{
				"launch_template": map[string]any{
					"launch_template_specification": map[string]any{"launch_template_id": lt["id"], "version": lt["version"]},
					"override":                      overrides,
				},
				"instances_distribution": map[string]any{"on_demand_base_capacity": 1, "on_demand_percentage_above_base_capacity": 0},
			}
			g["capacity_rebalance"] = true
		}
		return doc
	}
	e := mustEstimate(t, stackOf(t, "prod", mixed("t3.micro", "t3.medium", "t3.small")), Defaults())
	it := byName(t, e, "EC2 t3.medium on-demand, Linux (mixed instances policy")
	// 9 x 0.0416 x 730 at max, 3 x at min and desired.
	if got := it.Monthly(Max); !near(got, 9*0.0416*730) {
		t.Errorf("max: %v, want %v", got, 9*0.0416*730)
	}
	if got := it.Monthly(Min); !near(got, 3*0.0416*730) {
		t.Errorf("min: %v, want %v", got, 3*0.0416*730)
	}
	if e.Instances != [3]int{3, 3, 9} {
		t.Errorf("instances %v, want [3 3 9]", e.Instances)
	}
	byName(t, e, "EBS gp3, 8 GiB per instance")
	byName(t, e, "EC2 detailed monitoring")
	_, err := EstimateStack(stackOf(t, "prod", mixed("t3.small", "x9.huge")), Defaults())
	var ce *Error
	if err == nil || !asError(err, &ce) || len(ce.Problems) != 1 || !strings.Contains(err.Error(), "mixed_instances_policy override x9.huge") || !strings.Contains(err.Error(), "x9.huge has no price") {
		t.Errorf("err = %v, want one problem naming the unpriced override", err)
	}
}

// TestAccessLogBucketOfAnotherStack: logs written to a bucket named by a
// literal (alb.access_log_bucket) are stored, and paid for, where that
// bucket is made: the estimate drops the access-log storage, and fails on
// nothing.
func TestAccessLogBucketOfAnotherStack(t *testing.T) {
	base := mustEstimate(t, golden(t, "prod"), Defaults())
	doc := goldenDoc(t, "prod")
	for typ, rs := range doc["resource"].(map[string]any) {
		if strings.HasPrefix(typ, "aws_s3_bucket") {
			for name := range rs.(map[string]any) {
				if strings.Contains(name, "access-logs") {
					delete(rs.(map[string]any), name)
				}
			}
		}
	}
	for _, lb := range resources(doc, "aws_lb") {
		body := lb.(map[string]any)
		body["access_logs"].(map[string]any)["bucket"] = "org-alb-logs"
		delete(body, "depends_on")
	}
	e := mustEstimate(t, stackOf(t, "prod", doc), Defaults())
	if got, want := e.Total(Max), base.Total(Max)-byName(t, base, "ALB access logs").Monthly(Max); !near(got, want) {
		t.Errorf("access logs to another stack's bucket: %v USD, want %v (the access-log storage gone)", got, want)
	}
}
