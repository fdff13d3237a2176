// Package encryption is the environment's customer-managed KMS key: the alarm
// topic, the flow log group and the CloudWatch agent's log groups are
// encrypted with it. A customer-managed key
// is needed because CloudWatch alarms cannot publish to a topic encrypted with
// the AWS-managed aws/sns key; its policy names exactly the services that use it.
package encryption

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawscalleridentity"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/internal/check"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// Props configure the key (it has no settings of environments.yaml of its
// own). Start from DefaultProps.
type Props struct {
	// Name prefixes the alias and names the log groups the key may serve, e.g. webtier-prod. Required.
	Name string
	// Region of the stack (the CloudWatch Logs service principal is regional). Required.
	Region string
	// AutoScalingPublishes lets the account's Auto Scaling service-linked role
	// (AutoScalingServiceLinkedRole) publish to the topic the key encrypts:
	// the group's notifications. KMS refuses a policy naming a role that does
	// not exist, and AWS creates that role with an account's first group.
	// Default: false.
	AutoScalingPublishes bool
}

// DefaultProps returns the documented defaults; set Name and Region.
func DefaultProps() Props { return Props{} }

// AutoScalingServiceLinkedRole is the path and name of the role EC2 Auto
// Scaling acts as in every account (it publishes the group's notifications).
const AutoScalingServiceLinkedRole = "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"

// DeletionWindowDays is how long a scheduled deletion of the key waits (the
// AWS maximum, so a mistaken destroy can be undone).
const DeletionWindowDays = 30

// Key is what the construct exposes.
type Key struct {
	// Scope holds the key, its alias and the caller identity lookup.
	Scope constructs.Construct
	// Key is the KMS key resource (for overrides).
	Key kmskey.KmsKey
	// Alias is alias/<name>.
	Alias string

	arn, accountID *string
}

// ARN returns the key's ARN (for kms_key_id and kms_master_key_id).
func (k *Key) ARN() *string { return k.arn }

// AccountID returns the deploying account's ID (a token read at plan time).
func (k *Key) AccountID() *string { return k.accountID }

// New builds the key as id in scope. It checks props first and returns
// every problem at once as *config.Errors, having made nothing.
func New(scope constructs.Construct, id string, props Props) (*Key, error) {
	cfg := props
	var problems check.Problems
	problems.Require(cfg.Name != "", "name", "the name prefix of the resources, e.g. webtier-prod")
	problems.Settings(config.ValidateRegionName(cfg.Region))
	if err := problems.Err(scope, id); err != nil {
		return nil, err
	}
	s := constructs.NewConstruct(scope, jsii.String(id))
	accountID := dataawscalleridentity.NewDataAwsCallerIdentity(s, jsii.String("account"), &dataawscalleridentity.DataAwsCallerIdentityConfig{}).AccountId()
	account := *accountID
	root := "arn:" + config.Partition + ":iam::" + account + ":root"
	logGroups := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:/%s/*", config.Partition, cfg.Region, account, cfg.Name)
	statements := []policydoc.Statement{
		{
			Sid: "AccountAdministers", Effect: "Allow", Principal: map[string]string{"AWS": root}, Resource: []string{"*"},
			// Administration only, listed one by one: no kms:* grant.
			Action: []string{"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
				"kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"},
		},
		{
			Sid: "CloudWatchAlarmsPublishToTheTopic", Effect: "Allow", Principal: map[string]string{"Service": "cloudwatch.amazonaws.com"},
			Action: []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
		},
		{
			Sid: "CloudWatchLogsEncryptThisEnvironmentsLogGroups", Effect: "Allow", Principal: map[string]string{"Service": "logs." + cfg.Region + ".amazonaws.com"},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]map[string]string{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": logGroups}},
		},
	}
	if cfg.AutoScalingPublishes {
		// Its managed policy covers AWS managed keys only, not this one.
		statements = append(statements, policydoc.Statement{
			Sid: "AutoScalingPublishesGroupNotifications", Effect: "Allow",
			Principal: map[string]string{"AWS": "arn:" + config.Partition + ":iam::" + account + ":" + AutoScalingServiceLinkedRole},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"}, Resource: []string{"*"},
		})
	}
	policy := policydoc.Document(statements...)
	key := kmskey.NewKmsKey(s, jsii.String("key"), &kmskey.KmsKeyConfig{
		Description:          jsii.String("Alarm topic and flow logs of " + cfg.Name),
		EnableKeyRotation:    jsii.Bool(true),
		DeletionWindowInDays: jsii.Number(DeletionWindowDays),
		Policy:               jsii.String(policy),
		Tags:                 ptr.Name(cfg.Name),
	})
	k := &Key{Scope: s, Key: key, arn: key.Arn(), Alias: "alias/" + cfg.Name, accountID: accountID}
	kmsalias.NewKmsAlias(s, jsii.String("alias"), &kmsalias.KmsAliasConfig{
		Name:        jsii.String(k.Alias),
		TargetKeyId: key.KeyId(),
	})
	return k, nil
}
