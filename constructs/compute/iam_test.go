package compute

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

type statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource []string
}

func statementsOf(t *testing.T, doc string) []statement {
	t.Helper()
	var d struct {
		Version   string
		Statement []statement
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, doc)
	}
	if d.Version != "2012-10-17" {
		t.Errorf("policy version %q, want 2012-10-17", d.Version)
	}
	return d.Statement
}

// TestInstancePolicy: Session Manager and the agent's messages always; the
// registry login and the pull of the one repository for an ECR image; no
// ssm:GetParameter* (nor any other SSM read) at all.
func TestInstancePolicy(t *testing.T) {
	base := []statement{
		{"SessionManager", "Allow", []string{"ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, []string{"*"}},
		{"AgentMessages", "Allow", []string{"ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"}, []string{"*"}},
	}
	ecr := func(arn string) []statement {
		return append(append([]statement{}, base...),
			statement{"EcrLogin", "Allow", []string{"ecr:GetAuthorizationToken"}, []string{"*"}},
			statement{"EcrPullAppImage", "Allow", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}, []string{arn}})
	}
	cases := []struct {
		name string
		app  *config.App
		want []statement
	}{
		{"demo app", nil, base},
		{"public image", &config.App{Image: "nginx:stable", Port: 80}, base},
		{"ECR Public image", &config.App{Image: "public.ecr.aws/nginx/nginx:1.27", Port: 80}, base},
		{"ECR image of the README", &config.App{Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", Port: 80}, ecr("arn:aws:ecr:eu-west-1:123456789012:repository/web")},
		{"ECR image in a namespace, by digest", &config.App{Image: "210987654321.dkr.ecr.us-east-2.amazonaws.com/team/api@sha256:" + strings.Repeat("c", 64), Port: 8080},
			ecr("arn:aws:ecr:us-east-2:210987654321:repository/team/api")},
		{"dual-stack ECR host", &config.App{Image: "123456789012.dkr-ecr.ap-south-1.on.aws/web:2", Port: 80}, ecr("arn:aws:ecr:ap-south-1:123456789012:repository/web")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := InstancePolicy(c.app)
			if got := statementsOf(t, doc); !reflect.DeepEqual(got, c.want) {
				t.Errorf("statements:\n got %+v\nwant %+v", got, c.want)
			}
			for _, forbidden := range []string{"ssm:Get", "ssm:*", `"*:`, `"Action":"*"`} {
				if strings.Contains(doc, forbidden) {
					t.Errorf("policy holds %q:\n%s", forbidden, doc)
				}
			}
		})
	}
}

// TestRoleDescription names the repository the role may pull from.
func TestRoleDescription(t *testing.T) {
	for _, c := range []struct {
		app  *config.App
		want string
	}{
		{nil, "Instances of webtier-dev: Session Manager only"},
		{&config.App{Image: "nginx:stable"}, "Instances of webtier-dev: Session Manager only"},
		{&config.App{Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:1.2"}, "Instances of webtier-dev: Session Manager and pulls from ECR repository team/web only"},
	} {
		if got := roleDescription("webtier-dev", c.app, false); got != c.want {
			t.Errorf("roleDescription(%+v) = %q, want %q", c.app, got, c.want)
		}
	}
}
