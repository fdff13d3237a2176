package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// goldenInstancePolicy is the instance role's policy of a reviewed golden of
// the library's fixture (not the user's snapshots).
func goldenInstancePolicy(t *testing.T, env string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "__tests__", "testdata", "golden", "fixture", env+".tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := stackjson.Parse(env, b)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ExpectFrom(s)
	if err != nil {
		t.Fatal(err)
	}
	// The agent's log groups by the ARNs they would get (the check
	// compares with them resolved, as after a deploy).
	arns := map[string]string{}
	for _, lg := range e.LogGroups {
		arns[lg.Address] = "arn:aws:logs:us-east-1:123456789012:log-group:" + lg.Name
	}
	// The account ID references (the launch hook's group ARN) as Terraform
	// resolves them, as the check does after a deploy.
	return withAccount(resolveARNs(e.InstancePolicy, arns), "arn:aws:iam::123456789012:role/x")
}

// TestExpectInstancePolicy: the expectation is the instance role's own
// policy (Session Manager and the CloudWatch agent's), not the flow log
// role's; its log group references resolve to the agent's two groups.
func TestExpectInstancePolicy(t *testing.T) {
	for _, env := range []string{"dev", "stage", "prod"} {
		doc := goldenInstancePolicy(t, env)
		if !strings.Contains(doc, `"ssm:UpdateInstanceInformation"`) || strings.Contains(doc, "vpc-flow-logs") || strings.Contains(doc, "${") ||
			!strings.Contains(doc, `"arn:aws:logs:us-east-1:123456789012:log-group:/webtier-`+env+`/app:*"`) {
			t.Errorf("%s: instance policy %s, want the Session Manager and agent policy with the app log group's ARN", env, doc)
		}
	}
}

func TestPolicyDocument(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:GetParameter"],"Resource":["arn:aws:ssm:us-east-1:1:parameter/a b+c"]}]}`
	for _, in := range []string{doc, url.PathEscape(doc), strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")} {
		got, err := policyDocument(in)
		if err != nil || got != doc {
			t.Errorf("policyDocument(%q) = %q, %v; want %q", in, got, err, doc)
		}
	}
	if _, err := policyDocument("%zz"); err == nil {
		t.Errorf("policyDocument(%%zz): want an error")
	}
}

// TestCheckInstanceRole runs the harness's role check against the
// emulator: the stack's policy alone passes; a managed policy attached
// (AmazonSSMManagedInstanceCore), an inline policy reading every SSM
// parameter, or a policy other than the stack's is reported.
func TestCheckInstanceRole(t *testing.T) {
	a := startShim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	want := goldenInstancePolicy(t, "dev")
	const readAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssm:GetParameters"],"Resource":"*"}]}`
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

	cases := []struct {
		name     string
		inline   map[string]string // policy name -> document
		attach   string            // managed policy ARN
		problems []string          // each must appear; none: no problem
	}{
		{"the stack's policy", map[string]string{"instance": want}, "", nil},
		{"the managed SSM policy attached", map[string]string{"instance": want}, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
			[]string{"has managed policies [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore] attached, want none"}},
		{"a second policy reading every parameter", map[string]string{"instance": want, "reader": readAll}, "",
			[]string{"inline policy reader of instance role", "reads every SSM parameter: ssm:GetParameters on *", "want only the stack's"}},
		{"another policy", map[string]string{"instance": readAll}, "", []string{"reads every SSM parameter", "want only the stack's"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := fmt.Sprintf("webtier-t%d-app", i)
			if _, err := a.IAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
				t.Fatal(err)
			}
			for n, doc := range c.inline {
				if _, err := a.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(n), PolicyDocument: aws.String(doc)}); err != nil {
					t.Fatal(err)
				}
			}
			if c.attach != "" {
				if _, err := a.IAM.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(name), PolicyArn: aws.String(c.attach)}); err != nil {
					t.Fatal(err)
				}
			}
			profile, err := a.IAM.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.IAM.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: aws.String(name), RoleName: aws.String(name)}); err != nil {
				t.Fatal(err)
			}
			lt, err := a.EC2.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(name), LaunchTemplateData: &ec2types.RequestLaunchTemplateData{
				ImageId: aws.String("ami-12c6146b"), IamInstanceProfile: &ec2types.LaunchTemplateIamInstanceProfileSpecificationRequest{Arn: profile.InstanceProfile.Arn}}})
			if err != nil {
				t.Fatal(err)
			}
			var p Problems
			checkInstanceRole(ctx, a, Expect{InstancePolicy: want}, aws.ToString(lt.LaunchTemplate.LaunchTemplateId), &p)
			got := strings.Join(p, "\n")
			if len(c.problems) == 0 && len(p) > 0 {
				t.Errorf("problems:\n%s\nwant none", got)
			}
			for _, w := range c.problems {
				if !strings.Contains(got, w) {
					t.Errorf("problems:\n%s\nwant one saying %q", got, w)
				}
			}
		})
	}
	t.Run("no instance profile in the stack", func(t *testing.T) {
		var p Problems
		checkInstanceRole(ctx, a, Expect{}, "lt-0123456789abcdef0", &p)
		if len(p) != 1 || !strings.Contains(p[0], "no instance profile") {
			t.Errorf("problems %q, want one naming the missing instance profile", p)
		}
	})
}
