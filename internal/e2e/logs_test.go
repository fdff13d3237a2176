package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// TestCheckLogGroups runs the harness's log group check against the
// emulator: a group with the stack's retention and key passes, and its ARN
// (without ":*") resolves the policy's reference; another retention, another
// key, no key or a missing group is reported.
func TestCheckLogGroups(t *testing.T) {
	a := startShim(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	key := func(alias string) string {
		k, err := a.KMS.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.KMS.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: k.KeyMetadata.KeyId}); err != nil {
			t.Fatal(err)
		}
		return aws.ToString(k.KeyMetadata.Arn)
	}
	stackKey, otherKey := key("alias/webtier-t"), key("alias/other")
	group := func(name string, days int32, kmsKey string) {
		in := &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}
		if kmsKey != "" {
			in.KmsKeyId = aws.String(kmsKey)
		}
		if _, err := a.Logs.CreateLogGroup(ctx, in); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Logs.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(days)}); err != nil {
			t.Fatal(err)
		}
	}
	group("/webtier-t/app", 30, stackKey)
	group("/webtier-t/days", 7, stackKey)
	group("/webtier-t/other-key", 30, otherKey)
	group("/webtier-t/no-key", 30, "")
	cases := []struct {
		name     string
		want     LogGroup
		problems []string
	}{
		{"as the stack says", LogGroup{Address: "aws_cloudwatch_log_group.app", Name: "/webtier-t/app", RetentionDays: 30, KeyAlias: "alias/webtier-t"}, nil},
		{"another retention", LogGroup{Address: "aws_cloudwatch_log_group.d", Name: "/webtier-t/days", RetentionDays: 30, KeyAlias: "alias/webtier-t"},
			[]string{"log group /webtier-t/days keeps logs 7 days, the stack says 30"}},
		{"another key", LogGroup{Address: "aws_cloudwatch_log_group.o", Name: "/webtier-t/other-key", RetentionDays: 30, KeyAlias: "alias/webtier-t"},
			[]string{"log group /webtier-t/other-key is encrypted with", "want the stack's key alias/webtier-t"}},
		{"no key", LogGroup{Address: "aws_cloudwatch_log_group.n", Name: "/webtier-t/no-key", RetentionDays: 30, KeyAlias: "alias/webtier-t"},
			[]string{`log group /webtier-t/no-key is encrypted with ""`}},
		{"missing", LogGroup{Address: "aws_cloudwatch_log_group.m", Name: "/webtier-t/missing", RetentionDays: 30, KeyAlias: "alias/webtier-t"},
			[]string{"log group /webtier-t/missing: not found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p Problems
			arns := checkLogGroups(ctx, a, Expect{LogGroups: []LogGroup{c.want}}, &p)
			got := strings.Join(p, "\n")
			if len(c.problems) == 0 {
				if len(p) > 0 {
					t.Errorf("problems:\n%s\nwant none", got)
				}
				doc := resolveARNs(`["${`+c.want.Address+`.arn}:*"]`, arns)
				if want := `["arn:aws:logs:us-east-1:123456789012:log-group:` + c.want.Name + `:*"]`; doc != want {
					t.Errorf("resolved %s, want %s", doc, want)
				}
			}
			for _, w := range c.problems {
				if !strings.Contains(got, w) {
					t.Errorf("problems:\n%s\nwant one containing %q", got, w)
				}
			}
		})
	}
}
