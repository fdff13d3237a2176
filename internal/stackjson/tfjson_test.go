package stackjson

import (
	"reflect"
	"testing"
)

func TestRefs(t *testing.T) {
	cases := []struct {
		in   any
		want []Ref
	}{
		{"${aws_lb.alb_1.arn}", []Ref{{"aws_lb.alb_1", "arn"}}},
		{"${aws_lb.alb_1.arn}:*", []Ref{{"aws_lb.alb_1", "arn"}}},
		{"${data.aws_ssm_parameter.ami_1.insecure_value}", []Ref{{"data.aws_ssm_parameter.ami_1", "insecure_value"}}},
		{"${data.x.y}", []Ref{{"data.x.y", ""}}},
		{"${aws_launch_template.lt.latest_version}", []Ref{{"aws_launch_template.lt", "latest_version"}}},
		{"${var.region}-${local.name}", nil},
		{"plain string", nil},
		{[]any{"${aws_a.x.id}", map[string]any{"k": "${aws_b.y.arn}", "j": "${aws_a.x.id}"}}, []Ref{{"aws_a.x", "id"}, {"aws_b.y", "arn"}}},
		{`{"Resource":["${aws_cloudwatch_log_group.g.arn}","${aws_cloudwatch_log_group.g.arn}:*"]}`, []Ref{{"aws_cloudwatch_log_group.g", "arn"}}},
		{"${element(aws_subnet.s.*.id, 0)}", []Ref{{"aws_subnet.s", ""}}},
		{`${{ for key, val in toset(tolist(aws_acm_certificate.c.domain_validation_options)): val.domain_name => val }["a.example.com"].resource_record_name}`,
			[]Ref{{"aws_acm_certificate.c", "domain_validation_options"}}},
	}
	for _, c := range cases {
		if got := Refs(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Refs(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestRefTo(t *testing.T) {
	if !RefTo("${aws_vpc.v.id}", "aws_vpc.v") || RefTo("${aws_vpc.v.id}", "aws_vpc.w") || RefTo("x-${aws_vpc.v.id}", "aws_vpc.v") || RefTo(3.0, "aws_vpc.v") {
		t.Errorf("RefTo gives wrong answers")
	}
}

func TestParseAndGet(t *testing.T) {
	s, err := Parse("dev", []byte(`{
	  "resource": {"aws_lb": {"b": {"//": {"metadata": {"path": "dev/alb/lb"}}, "subnets": ["a", "b"], "health": [{"path": "/h"}]}},
	               "aws_vpc": {"a": {"cidr_block": "10.0.0.0/16", "enable_dns_support": true, "n": 3}}},
	  "data": {"aws_ssm_parameter": {"p": {"name": "/x"}}},
	  "output": {"o": {"value": "v", "description": "d"}},
	  "terraform": {"backend": {"local": {"path": "p"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{s.Resources[0].Address(), s.Resources[1].Address()}; got[0] != "aws_lb.b" || got[1] != "aws_vpc.a" {
		t.Errorf("resources not sorted by address: %v", got)
	}
	lb, ok := s.Find("aws_lb.b")
	if !ok || lb.Path != "dev/alb/lb" || lb.Where() != "dev/alb/lb (aws_lb.b)" {
		t.Errorf("Find/Path/Where = %v %q %q", ok, lb.Path, lb.Where())
	}
	if p, _ := lb.String("health", "path"); p != "/h" {
		t.Errorf("one-element block list not stepped into: %q", p)
	}
	if l := lb.List("subnets"); len(l) != 2 {
		t.Errorf("List = %v", l)
	}
	vpc, _ := s.Find("aws_vpc.a")
	if n, ok := vpc.Number("n"); !ok || n != 3 {
		t.Errorf("Number = %v %v", n, ok)
	}
	if b, ok := vpc.Bool("enable_dns_support"); !ok || !b {
		t.Errorf("Bool = %v %v", b, ok)
	}
	if _, ok := vpc.String("n"); ok {
		t.Errorf("String of a number reported ok")
	}
	if d, ok := s.Find("data.aws_ssm_parameter.p"); !ok || d.Type != "data.aws_ssm_parameter" {
		t.Errorf("data source lookup: %v %v", d, ok)
	}
	if s.Outputs["o"].Description != "d" || s.Backend.Type != "local" || s.Backend.Config["path"] != "p" {
		t.Errorf("outputs/backend = %+v %+v", s.Outputs, s.Backend)
	}
	if c := s.CountByType(); c["aws_lb"] != 1 || c["aws_vpc"] != 1 || len(c) != 2 {
		t.Errorf("CountByType = %v", c)
	}
}
