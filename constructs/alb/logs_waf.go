package alb

import (
	"fmt"
	"slices"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/dataawselbserviceaccount"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucket"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketlifecycleconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketownershipcontrols"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketpublicaccessblock"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketserversideencryptionconfiguration"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/s3bucketversioning"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webacl"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/wafv2webaclassociation"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
	"github.com/platformstarter/elastic-web-tier/internal/ptr"
)

// AccessLogPrefix is the key prefix of the access logs in their bucket.
const AccessLogPrefix = "alb"

// ConnectionLogPrefix is the key prefix of the connection logs in the same bucket.
const ConnectionLogPrefix = "alb-connections"

// LogDeliveryPrincipal is the service principal that writes the load
// balancer's logs to the bucket in the Regions available as of August 2022
// or later, which have no Elastic Load Balancing account. AWS documents it
// for those Regions only: Enable access logs for your Application Load
// Balancer, "Attach a policy to your S3 bucket"
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html).
const LogDeliveryPrincipal = "logdelivery.elasticloadbalancing.amazonaws.com"

// ELBAccountRegions are the Regions of the aws partition available before
// August 2022: there Elastic Load Balancing writes the logs as a regional
// AWS account, which the bucket policy names (the provider's
// aws_elb_service_account data source knows these Regions, and no other;
// AWS documents the same account IDs on the page above). Every other
// Region takes LogDeliveryPrincipal.
var ELBAccountRegions = []string{
	"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-north-1",
	"eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// logWriter is the principal the bucket policy lets write the logs in region:
// the regional Elastic Load Balancing account (read with the provider's data
// source) where there is one, else the log delivery service principal.
func logWriter(s constructs.Construct, region string) map[string]string {
	if slices.Contains(ELBAccountRegions, region) {
		elb := dataawselbserviceaccount.NewDataAwsElbServiceAccount(s, jsii.String("elb-account"), &dataawselbserviceaccount.DataAwsElbServiceAccountConfig{})
		return map[string]string{"AWS": *elb.Arn()}
	}
	return map[string]string{"Service": LogDeliveryPrincipal}
}

// accessLogBucket creates the private, encrypted, versioned bucket the load
// balancer writes its access logs to, and the policy that lets Elastic Load
// Balancing write there (over TLS only; see logWriter). It returns the
// bucket name and the policy, which the load balancer must depend on.
func accessLogBucket(s constructs.Construct, cfg config.ALB, w Props) (*string, s3bucketpolicy.S3BucketPolicy) {
	b := s3bucket.NewS3Bucket(s, jsii.String("access-logs"), &s3bucket.S3BucketConfig{
		BucketPrefix: jsii.String(w.Name + "-alb-logs-"),
		ForceDestroy: jsii.Bool(!cfg.DeletionProtection),
		Tags:         ptr.Name(w.Name + "-alb-logs"),
	})
	bucketID := b.Id()
	s3bucketpublicaccessblock.NewS3BucketPublicAccessBlock(s, jsii.String("access-logs-public-access"), &s3bucketpublicaccessblock.S3BucketPublicAccessBlockConfig{
		Bucket:                bucketID,
		BlockPublicAcls:       jsii.Bool(true),
		BlockPublicPolicy:     jsii.Bool(true),
		IgnorePublicAcls:      jsii.Bool(true),
		RestrictPublicBuckets: jsii.Bool(true),
	})
	s3bucketownershipcontrols.NewS3BucketOwnershipControls(s, jsii.String("access-logs-ownership"), &s3bucketownershipcontrols.S3BucketOwnershipControlsConfig{
		Bucket: bucketID,
		Rule:   &s3bucketownershipcontrols.S3BucketOwnershipControlsRule{ObjectOwnership: jsii.String("BucketOwnerEnforced")},
	})
	// ALB access logs support only SSE-S3 (AES256), not KMS.
	s3bucketserversideencryptionconfiguration.NewS3BucketServerSideEncryptionConfigurationA(s, jsii.String("access-logs-encryption"), &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationAConfig{
		Bucket: bucketID,
		Rule: &[]*s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleA{{
			ApplyServerSideEncryptionByDefault: &s3bucketserversideencryptionconfiguration.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA{SseAlgorithm: jsii.String("AES256")},
		}},
	})
	s3bucketversioning.NewS3BucketVersioningA(s, jsii.String("access-logs-versioning"), &s3bucketversioning.S3BucketVersioningAConfig{
		Bucket:                  bucketID,
		VersioningConfiguration: &s3bucketversioning.S3BucketVersioningVersioningConfiguration{Status: jsii.String("Enabled")},
	})
	s3bucketlifecycleconfiguration.NewS3BucketLifecycleConfiguration(s, jsii.String("access-logs-lifecycle"), &s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationConfig{
		Bucket: bucketID,
		Rule: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRule{{
			Id:                          jsii.String("expire-access-logs"),
			Status:                      jsii.String("Enabled"),
			Filter:                      &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleFilter{{Prefix: jsii.String("")}},
			Expiration:                  &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleExpiration{{Days: jsii.Number(cfg.AccessLogRetentionDays)}},
			NoncurrentVersionExpiration: &[]*s3bucketlifecycleconfiguration.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration{{NoncurrentDays: jsii.Number(30)}},
		}},
	})
	writer := logWriter(s, w.Region)
	bucketARN := *b.Arn()
	var writes []string
	if cfg.AccessLogs {
		writes = append(writes, bucketARN+"/"+AccessLogPrefix+"/AWSLogs/"+*w.AccountID+"/*")
	}
	if cfg.ConnectionLogs {
		writes = append(writes, bucketARN+"/"+ConnectionLogPrefix+"/AWSLogs/"+*w.AccountID+"/*")
	}
	policy := s3bucketpolicy.NewS3BucketPolicy(s, jsii.String("access-logs-policy"), &s3bucketpolicy.S3BucketPolicyConfig{
		Bucket: bucketID,
		Policy: jsii.String(policydoc.Document(
			policydoc.Statement{
				Sid: "LoadBalancerWritesAccessLogs", Effect: "Allow", Principal: writer,
				Action:   []string{"s3:PutObject"},
				Resource: writes,
			},
			policydoc.Statement{
				Sid: "TLSOnly", Effect: "Deny", Principal: map[string]string{"AWS": "*"},
				Action:    []string{"s3:*"},
				Resource:  []string{bucketARN, bucketARN + "/*"},
				Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
			},
		)),
	})
	return bucketID, policy
}

// managedRuleGroups are the AWS managed WAF rule groups the web ACL applies, in priority order.
var managedRuleGroups = []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}

// webACL puts a regional WAF web ACL with AWS managed rule groups in front
// of the load balancer, or the caller's web ACL (alb.waf_web_acl_arn).
func webACL(s constructs.Construct, w Props, lbARN *string) {
	aclARN := jsii.String(w.WAFWebACLARN)
	if w.WAFWebACLARN == "" {
		aclARN = managedWebACL(s, w)
	}
	wafv2webaclassociation.NewWafv2WebAclAssociation(s, jsii.String("waf-association"), &wafv2webaclassociation.Wafv2WebAclAssociationConfigA{
		ResourceArn: lbARN,
		WebAclArn:   aclARN,
	})
}

// managedWebACL makes the web ACL with AWS managed rule groups and returns its ARN.
func managedWebACL(s constructs.Construct, w Props) *string {
	var rules []any
	for i, group := range managedRuleGroups {
		// The bindings type a rule's statement as interface{} (its schema is
		// recursive), so it is written in Terraform's own snake_case shape.
		rules = append(rules, &wafv2webacl.Wafv2WebAclRule{
			Name:           jsii.String(group),
			Priority:       jsii.Number(i + 1),
			OverrideAction: &wafv2webacl.Wafv2WebAclRuleOverrideAction{None: &wafv2webacl.Wafv2WebAclRuleOverrideActionNone{}},
			Statement: map[string]any{
				"managed_rule_group_statement": map[string]any{"name": group, "vendor_name": "AWS"},
			},
			VisibilityConfig: &wafv2webacl.Wafv2WebAclRuleVisibilityConfig{
				CloudwatchMetricsEnabled: jsii.Bool(true),
				MetricName:               jsii.String(fmt.Sprintf("%s-%s", w.Name, group)),
				SampledRequestsEnabled:   jsii.Bool(true),
			},
		})
	}
	acl := wafv2webacl.NewWafv2WebAcl(s, jsii.String("waf"), &wafv2webacl.Wafv2WebAclConfig{
		Name:          jsii.String(w.Name),
		Description:   jsii.String("AWS managed protections for the load balancer of " + w.Name),
		Scope:         jsii.String("REGIONAL"),
		DefaultAction: &wafv2webacl.Wafv2WebAclDefaultAction{Allow: &wafv2webacl.Wafv2WebAclDefaultActionAllow{}},
		Rule:          &rules,
		VisibilityConfig: &wafv2webacl.Wafv2WebAclVisibilityConfig{
			CloudwatchMetricsEnabled: jsii.Bool(true),
			MetricName:               jsii.String(w.Name),
			SampledRequestsEnabled:   jsii.Bool(true),
		},
		Tags: ptr.Name(w.Name),
	})
	return acl.Arn()
}
