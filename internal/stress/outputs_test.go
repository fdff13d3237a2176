package stress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	cdktfOneStack = `{
  "dev": {
    "alb_dns_name": "dev-alb-123.eu-west-1.elb.amazonaws.com",
    "asg_name": "dev-web",
    "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/dev-web/abc",
    "public_subnet_ids": ["subnet-1", "subnet-2"]
  }
}`
	cdktfTwoStacks = `{
  "dev": {"alb_dns_name": "dev-alb.example", "asg_name": ""},
  "prod": {"alb_dns_name": "prod-alb.example", "asg_name": "prod-web"}
}`
	terraformJSON = `{
  "alb_dns_name": {"sensitive": false, "type": "string", "value": "tf-alb-9.us-east-1.elb.amazonaws.com"},
  "asg_name": {"sensitive": false, "type": "string", "value": "tf-web"},
  "public_subnet_ids": {"sensitive": false, "type": ["list", "string"], "value": ["subnet-1"]},
  "target_group_arn": {"sensitive": false, "type": "string", "value": "arn:tg"}
}`
	// cdktf nests the outputs of a construct under its id.
	cdktfNested = `{"dev": {"alb": {"alb_dns_name": "nested-alb.example"}, "compute": {"asg_name": "nested-web"}}}`
)

func TestParseOutputs(t *testing.T) {
	cases := []struct {
		name, data, stack string
		want              Outputs
	}{
		{"cdktf one stack", cdktfOneStack, "", Outputs{Stack: "dev", ALBDNSName: "dev-alb-123.eu-west-1.elb.amazonaws.com",
			ASGName: "dev-web", TargetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/dev-web/abc"}},
		{"cdktf one stack named", cdktfOneStack, "dev", Outputs{Stack: "dev", ALBDNSName: "dev-alb-123.eu-west-1.elb.amazonaws.com",
			ASGName: "dev-web", TargetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/dev-web/abc"}},
		{"cdktf two stacks", cdktfTwoStacks, "prod", Outputs{Stack: "prod", ALBDNSName: "prod-alb.example", ASGName: "prod-web"}},
		{"cdktf ec2 mode: empty asg name", cdktfTwoStacks, "dev", Outputs{Stack: "dev", ALBDNSName: "dev-alb.example"}},
		{"terraform output -json", terraformJSON, "", Outputs{ALBDNSName: "tf-alb-9.us-east-1.elb.amazonaws.com", ASGName: "tf-web", TargetGroupARN: "arn:tg"}},
		{"terraform output -json ignores --stack", terraformJSON, "prod", Outputs{Stack: "prod", ALBDNSName: "tf-alb-9.us-east-1.elb.amazonaws.com", ASGName: "tf-web", TargetGroupARN: "arn:tg"}},
		{"cdktf nested constructs", cdktfNested, "", Outputs{Stack: "dev", ALBDNSName: "nested-alb.example", ASGName: "nested-web"}},
		{"flat map", `{"alb_dns_name": "flat.example"}`, "", Outputs{ALBDNSName: "flat.example"}},
		{"url of a domain", `{"dev": {"alb_dns_name": "dev-alb.example", "url": "https://app.example.com"}}`, "", Outputs{Stack: "dev", ALBDNSName: "dev-alb.example", URL: "https://app.example.com"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseOutputs([]byte(c.data), c.stack)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseOutputsErrors(t *testing.T) {
	cases := []struct {
		name, data, stack string
		want              []string // substrings of the error
	}{
		{"several stacks need --stack", cdktfTwoStacks, "", []string{"2 stacks (dev, prod)", "--stack NAME"}},
		{"unknown stack", cdktfTwoStacks, "staging", []string{`no stack "staging"`, "dev, prod"}},
		{"no alb output", `{"dev": {"vpc_id": "vpc-1"}}`, "", []string{"no alb_dns_name", "stack dev", "vpc_id"}},
		{"empty file", `{}`, "", []string{"no outputs"}},
		{"not JSON", `alb_dns_name = "x"`, "", []string{"not a JSON object"}},
		{"not a string", `{"dev": {"alb_dns_name": 42}}`, "", []string{"alb_dns_name is a float64"}},
		{"ambiguous nesting", `{"dev": {"a": {"alb_dns_name": "x"}, "b": {"alb_dns_name": "y"}}}`, "", []string{"appears 2 times"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseOutputs([]byte(c.data), c.stack)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadOutputsNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(p, []byte(cdktfTwoStacks), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOutputs(p, "")
	if err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Errorf("error %v does not name %s", err, p)
	}
	if _, err := LoadOutputs(filepath.Join(t.TempDir(), "missing.json"), ""); err == nil {
		t.Error("no error for a missing file")
	}
}
