package e2e

import (
	"context"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// LogGroup is one CloudWatch log group of the stack as it writes it.
type LogGroup struct {
	// Address is its Terraform address, e.g. aws_cloudwatch_log_group.compute_app-logs_1A2B3C4D.
	Address string
	// Name of the log group, e.g. /webtier-stage/app.
	Name string
	// RetentionDays is retention_in_days.
	RetentionDays int
	// KeyAlias is the alias (alias/<name>) of the stack's KMS key that its
	// kms_key_id references ("" when it references none of the stack's keys).
	KeyAlias string
}

// logGroupsOf reads the stack's log groups, sorted by name.
func logGroupsOf(s *stackjson.Stack) []LogGroup {
	aliases := map[string]string{} // key address -> alias name
	for _, a := range s.OfType("aws_kms_alias") {
		name, _ := a.String("name")
		for _, ref := range stackjson.Refs(a.Attrs["target_key_id"]) {
			aliases[ref.Address] = name
		}
	}
	var out []LogGroup
	for _, lg := range s.OfType("aws_cloudwatch_log_group") {
		g := LogGroup{Address: lg.Address()}
		g.Name, _ = lg.String("name")
		days, _ := lg.Number("retention_in_days")
		g.RetentionDays = int(days)
		for _, ref := range stackjson.Refs(lg.Attrs["kms_key_id"]) {
			if a, ok := aliases[ref.Address]; ok {
				g.KeyAlias = a
			}
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// checkLogGroups requires each log group of the stack: present, with its
// retention, encrypted with the stack's key (the one its alias names). It
// returns the ARN of each by address, without the ":*" that
// DescribeLogGroups appends (the arn the provider exposes and the instance
// policy names).
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_LogGroup.html
func checkLogGroups(ctx context.Context, a *AWS, exp Expect, p *Problems) map[string]string {
	arns := map[string]string{}
	for _, want := range exp.LogGroups {
		out, err := a.Logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(want.Name)})
		if err != nil {
			p.addf("log group %s: %v", want.Name, apiErr(err))
			continue
		}
		found := false
		for _, g := range out.LogGroups {
			if aws.ToString(g.LogGroupName) != want.Name {
				continue
			}
			found = true
			arns[want.Address] = strings.TrimSuffix(aws.ToString(g.Arn), ":*")
			if got := int(aws.ToInt32(g.RetentionInDays)); got != want.RetentionDays {
				p.addf("log group %s keeps logs %d days, the stack says %d", want.Name, got, want.RetentionDays)
			}
			if want.KeyAlias == "" {
				p.addf("log group %s: the stack encrypts it with none of its keys", want.Name)
				continue
			}
			key, err := a.KMS.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(want.KeyAlias)})
			switch {
			case err != nil:
				p.addf("key %s of log group %s: %v", want.KeyAlias, want.Name, apiErr(err))
			case aws.ToString(g.KmsKeyId) != aws.ToString(key.KeyMetadata.Arn):
				p.addf("log group %s is encrypted with %q, want the stack's key %s (%s)", want.Name, aws.ToString(g.KmsKeyId), want.KeyAlias, aws.ToString(key.KeyMetadata.Arn))
			}
		}
		if !found {
			p.addf("log group %s: not found", want.Name)
		}
	}
	return arns
}

// resolveARNs writes the ARNs of arns (by address) where doc references
// them as ${<address>.arn}.
func resolveARNs(doc string, arns map[string]string) string {
	for addr, arn := range arns {
		doc = strings.ReplaceAll(doc, "${"+addr+".arn}", arn)
	}
	return doc
}
