package review

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

const suppressionsYAML = `
project: webtier
defaults:
  region: us-east-1
  availability_zones: [us-east-1a, us-east-1b]
environments:
  dev:
    network: {cidr: 10.10.0.0/16}
  stage:
    network: {cidr: 10.20.0.0/16}
  prod:
    production: true
    network: {cidr: 10.30.0.0/16}
    suppressions:
      - {rule: EWT-ALB-2, resource: prod/alb/lb, reason: "internal tool,
          reached over the VPN only"}
      - {rule: EWT-ALB-1, resource: prod/alb/lb, reason: "load tests recreate it"}
`

func TestSummaryGolden(t *testing.T) {
	f, err := config.Parse("test.yaml", []byte(suppressionsYAML))
	if err != nil {
		t.Fatal(err)
	}
	stacks := goldenStacks(t)
	breakProdALB(t, stacks)
	var b strings.Builder
	if err := SummaryCheck(&b, f, stacks); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "testdata/summary.golden", b.String())
	for _, want := range []string{
		"\n                                                      dev    stage  prod\n",
		"\ncompute mode                                          ec2    asg    asg\n",
		"\n  aws_autoscaling_group                               -      1      1\n",
		"\n  aws_s3_bucket_server_side_encryption_configuration  1      1      1\n",
		"\n  prod   EWT-ALB-1  prod/alb/lb  environments.yaml  load tests recreate it\n",
		"\n  prod   EWT-ALB-2  prod/alb/lb  environments.yaml  internal tool, reached over the VPN only\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q", want)
		}
	}
}

func TestSummaryWithoutSuppressions(t *testing.T) {
	var b strings.Builder
	if err := WriteSummary(&b, []*stackjson.Stack{goldenStack(t, "dev")}, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"review summary: 1 stack ", "\npolicy-check suppressions: none\n", "\noutputs (every stack): alarm_topic_arn, "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSummaryOutputsPerStack(t *testing.T) {
	a, b := mkStack(t, "a"), mkStack(t, "b")
	a.Outputs["x"] = outputOf(1)
	var w strings.Builder
	if err := WriteSummary(&w, []*stackjson.Stack{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\noutputs of a: x\n", "\noutputs of b: none\n"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, w.String())
		}
	}
}

func TestOrderStacks(t *testing.T) {
	f := &config.File{Environments: []*config.Environment{{Name: "dev"}, {Name: "stage"}, {Name: "prod"}}}
	in := []*stackjson.Stack{{Name: "zeta"}, {Name: "prod"}, {Name: "alpha"}, {Name: "dev"}, {Name: "stage"}}
	var got []string
	for _, s := range OrderStacks(in, f) {
		got = append(got, s.Name)
	}
	if want := "dev,stage,prod,alpha,zeta"; strings.Join(got, ",") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	if in[0].Name != "zeta" {
		t.Errorf("OrderStacks changed its input")
	}
	got = nil
	for _, s := range OrderStacks(in, nil) {
		got = append(got, s.Name)
	}
	if want := "alpha,dev,prod,stage,zeta"; strings.Join(got, ",") != want {
		t.Errorf("without a config: got %v, want %s", got, want)
	}
}

// breakProdALB makes the prod load balancer violate the two rules the test
// file suppresses, so the suppressions apply.
func breakProdALB(t *testing.T, stacks []*stackjson.Stack) {
	t.Helper()
	for _, s := range stacks {
		if s.Name == "prod" {
			lb := s.OfType("aws_lb")[0]
			lb.Attrs["drop_invalid_header_fields"] = false
			lb.Attrs["enable_deletion_protection"] = false
			return
		}
	}
	t.Fatal("no prod stack")
}

func TestAppliedSuppressions(t *testing.T) {
	f, err := config.Parse("test.yaml", []byte(suppressionsYAML))
	if err != nil {
		t.Fatal(err)
	}
	stacks := goldenStacks(t)
	if got := AppliedSuppressions(f, stacks); got != nil {
		t.Errorf("nothing to suppress in the golden stacks: got %+v, want none", got)
	}
	breakProdALB(t, stacks)
	got := AppliedSuppressions(f, stacks)
	if len(got) != 2 || got[0].Rule != "EWT-ALB-1" || got[1].Rule != "EWT-ALB-2" || got[0].Stack != "prod" || got[0].Source != "environments.yaml" {
		t.Errorf("got %+v, want EWT-ALB-1 then EWT-ALB-2 of prod from environments.yaml", got)
	}
}

func TestWrapList(t *testing.T) {
	tests := []struct {
		items []string
		want  string
	}{
		{nil, "p: none\n"},
		{[]string{"a", "b"}, "p: a, b\n"},
		{[]string{strings.Repeat("x", 60), strings.Repeat("y", 60)}, "p: " + strings.Repeat("x", 60) + ",\n  " + strings.Repeat("y", 60) + "\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		wrapList(&b, "p: ", tt.items)
		if b.String() != tt.want {
			t.Errorf("wrapList(%v) = %q, want %q", tt.items, b.String(), tt.want)
		}
	}
}
