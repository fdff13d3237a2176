package compute

import (
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
)

// The instance role's only policy is inline (InstancePolicy), not the AWS
// managed AmazonSSMManagedInstanceCore: that one also grants ssm:GetParameter
// and ssm:GetParameters on "*" (every SSM parameter of the account, secrets
// included), ssm:GetDocument, the State Manager association and inventory
// actions, none of which Session Manager needs.
// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html

// SessionManagerActions are what Session Manager needs on the instance: the
// SSM agent registers (ssm:UpdateInstanceInformation) and opens the
// session's control and data channels (ssmmessages). It is AWS's minimal
// Session Manager instance policy, less the S3 and KMS statements that only
// session logging to S3 and KMS-encrypted sessions need (not configured).
// None of these actions supports a resource narrower than "*".
// https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
var SessionManagerActions = []string{
	"ssm:UpdateInstanceInformation",
	"ssmmessages:CreateControlChannel",
	"ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel",
	"ssmmessages:OpenDataChannel",
}

// AgentMessageActions are the SSM agent's message channel for Run Command
// (ec2messages, the endpoint the agent polls besides ssmmessages; the same
// six actions AmazonSSMManagedInstanceCore grants): the instance reads and
// answers only the messages addressed to it, and reads no account data.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html
var AgentMessageActions = []string{
	"ec2messages:AcknowledgeMessage",
	"ec2messages:DeleteMessage",
	"ec2messages:FailMessage",
	"ec2messages:GetEndpoint",
	"ec2messages:GetMessages",
	"ec2messages:SendReply",
}

// ECRPullActions pull an image from one repository; they are granted on
// that repository's ARN only.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/security_iam_id-based-policy-examples.html
var ECRPullActions = []string{
	"ecr:BatchCheckLayerAvailability",
	"ecr:BatchGetImage",
	"ecr:GetDownloadUrlForLayer",
}

// ECRAuthAction gets the registry password for docker login. AWS takes it
// only on "*": the token is not tied to a repository, the pull actions are.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html
const ECRAuthAction = "ecr:GetAuthorizationToken"

// InstancePolicy is the instance role's inline policy: Session Manager and
// the agent's messages, and for a compute.app image in a private ECR
// registry, the registry login and the pull of that one repository.
func InstancePolicy(app *config.App) string { return InstancePolicyWithAgent(app, nil) }

// InstancePolicyWithAgent is InstancePolicy and, for the CloudWatch agent
// (observability.logs), its log streams and events in the log groups of
// logGroupARNs only and its metrics in the CWAgent namespace only
// (agentStatements): no managed CloudWatchAgentServerPolicy, which also
// creates any log group, publishes to any namespace, reads every EC2 tag
// and volume and the AmazonCloudWatch-* SSM parameters. None: no agent.
func InstancePolicyWithAgent(app *config.App, logGroupARNs []string) string {
	return instancePolicy(app, logGroupARNs)
}

// instancePolicy is InstancePolicyWithAgent with extra statements last (the
// launch hook's, with a warm pool).
func instancePolicy(app *config.App, logGroupARNs []string, extra ...policydoc.Statement) string {
	sm := policydoc.Allow(SessionManagerActions, "*")
	sm.Sid = "SessionManager"
	msgs := policydoc.Allow(AgentMessageActions, "*")
	msgs.Sid = "AgentMessages"
	statements := []policydoc.Statement{sm, msgs}
	if app != nil {
		if ecr, ok := config.ParseECRImage(app.Image); ok {
			auth := policydoc.Allow([]string{ECRAuthAction}, "*")
			auth.Sid = "EcrLogin"
			pull := policydoc.Allow(ECRPullActions, ecr.RepositoryARN())
			pull.Sid = "EcrPullAppImage"
			statements = append(statements, auth, pull)
		}
	}
	if len(logGroupARNs) > 0 {
		statements = append(statements, agentStatements(logGroupARNs)...)
	}
	return policydoc.Document(append(statements, extra...)...)
}

// roleDescription says what the instance role of name may do.
func roleDescription(name string, app *config.App, agent bool) string {
	what := "Session Manager"
	if agent {
		what += ", the CloudWatch agent's logs and metrics"
	}
	if app != nil {
		if ecr, ok := config.ParseECRImage(app.Image); ok {
			return "Instances of " + name + ": " + what + " and pulls from ECR repository " + ecr.Repository + " only"
		}
	}
	return "Instances of " + name + ": " + what + " only"
}
