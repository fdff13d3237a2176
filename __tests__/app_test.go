package tests

import (
	"encoding/base64"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestContainerApp synthesizes the fixture testdata/app: a private ECR
// image gets a registry login before its pull and a pull permission on its
// repository only; a public image gets neither; a health path reaches the
// unit quoted for systemd (% doubled) and the target group as written.
func TestContainerApp(t *testing.T) {
	r := synthFile(t, filepath.Join(repoRoot, "__tests__", "testdata", "app", "environments.yaml"))
	userData := func(t *testing.T, s *stackjson.Stack) string {
		t.Helper()
		enc, _ := mustOne(t, s, "aws_launch_template").String("user_data")
		b, err := base64.StdEncoding.DecodeString(enc)
		if err != nil {
			t.Fatalf("user_data is not base64: %v", err)
		}
		return string(b)
	}
	const login = `ExecStartPre=/bin/bash -c 'set -o pipefail; aws ecr get-login-password --region "$$ECR_REGION" | docker login --username AWS --password-stdin "$$ECR_REGISTRY"'`
	const pull = "ExecStartPre=/usr/bin/docker pull ${IMAGE}"
	base := []policyStatement{
		{"SessionManager", "Allow", []string{"ssm:UpdateInstanceInformation", "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, []string{"*"}},
		{"AgentMessages", "Allow", []string{"ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"}, []string{"*"}},
	}

	t.Run("ecr", func(t *testing.T) {
		s := r.stacks["ecr"]
		want := append(append([]policyStatement{}, base...),
			policyStatement{"EcrLogin", "Allow", []string{"ecr:GetAuthorizationToken"}, []string{"*"}},
			policyStatement{"EcrPullAppImage", "Allow", []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
				[]string{"arn:aws:ecr:eu-west-1:123456789012:repository/web"}})
		want = append(want, agentStatements(t, s, "ecr")...)
		if got := instancePolicy(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("instance policy:\n%s\nwant:\n%s", show(got), show(want))
		}
		role, ok := s.Find(stackjson.Refs(mustOne(t, s, "aws_iam_instance_profile").Attrs["role"])[0].Address)
		if d, _ := role.String("description"); !ok || d != "Instances of webtier-ecr: Session Manager, the CloudWatch agent's logs and metrics and pulls from ECR repository web only" {
			t.Errorf("instance role description = %q (found %v)", d, ok)
		}
		ud := userData(t, s)
		for _, w := range []string{`Environment="IMAGE=123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2"`, `Environment="ECR_REGION=eu-west-1"`,
			`Environment="ECR_REGISTRY=123456789012.dkr.ecr.eu-west-1.amazonaws.com"`, "<<'UNIT'"} {
			if !strings.Contains(ud, w) {
				t.Errorf("user data lacks %s:\n%s", w, ud)
			}
		}
		if li, pi := strings.Index(ud, login), strings.Index(ud, pull); li < 0 || pi < li {
			t.Errorf("user data does not log in to the registry before the pull (login at %d, pull at %d):\n%s", li, pi, ud)
		}
	})

	t.Run("hub", func(t *testing.T) {
		s := r.stacks["hub"]
		want := append(append([]policyStatement{}, base...), agentStatements(t, s, "hub")...)
		if got := instancePolicy(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("instance policy:\n%s\nwant:\n%s", show(got), show(want))
		}
		ud := userData(t, s)
		if !strings.Contains(ud, pull) || strings.Contains(ud, "docker login") || strings.Contains(ud, "ECR_") {
			t.Errorf("user data of a public image: want a pull and no login:\n%s", ud)
		}
	})

	t.Run("demo", func(t *testing.T) {
		s := r.stacks["demo"]
		want := append(append([]policyStatement{}, base...), agentStatements(t, s, "demo")...)
		if got := instancePolicy(t, s); !reflect.DeepEqual(got, want) {
			t.Errorf("instance policy:\n%s\nwant:\n%s", show(got), show(want))
		}
		if w := `Environment="HEALTH_PATH=/ready:v1@x+y,z=%%2F-._"` + "\n"; !strings.Contains(userData(t, s), w) {
			t.Errorf("user data lacks %s:\n%s", w, userData(t, s))
		}
		if p, _ := mustOne(t, s, "aws_lb_target_group").String("health_check", "path"); p != "/ready:v1@x+y,z=%2F-._" {
			t.Errorf("target group health check path = %q, want /ready:v1@x+y,z=%%2F-._", p)
		}
	})
}
