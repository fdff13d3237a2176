package e2e

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// The accounts of the account guard's proof. moto answers the harness's
// own credentials (fakeKeyID) as its default account, and the credentials
// of an assumed role as the role's account (moto/sts/models.py
// _create_access_key and moto/iam/models.py get_account_id_from, 5.2.1):
// assuming a role of another account is how the harness gets another
// account's credentials.
const (
	// HarnessAccount is the account of the harness's own credentials (moto's DEFAULT_ACCOUNT_ID).
	HarnessAccount = "123456789012"
	// OtherAccount is an account no environment deploys into: its
	// credentials must be refused by an environment with account_id.
	OtherAccount = "999999999999"
	// RoleAccount is the account an environment deploys into through
	// assume_role in the default settings.
	RoleAccount = "210987654321"
)

// notAllowed is what the provider says when the credentials' account is
// not in allowed_account_ids (aws-sdk-go-base VerifyAccountIDAllowed).
const notAllowed = "AWS account ID not allowed"

// AccountGuard is what a stack's provider says about accounts.
type AccountGuard struct {
	// Allowed is allowed_account_ids.
	Allowed []string
	// RoleARN and SessionName of assume_role ("" without).
	RoleARN, SessionName string
}

// AccountGuardFrom reads the default aws provider's account settings.
func AccountGuardFrom(s *stackjson.Stack) AccountGuard {
	var g AccountGuard
	p, ok := stackjson.Walk(s.Raw, "provider", "aws", 0)
	if !ok {
		return g
	}
	if ids, ok := stackjson.Walk(p, "allowed_account_ids"); ok {
		list, _ := ids.([]any)
		for _, id := range list {
			if v, ok := id.(string); ok {
				g.Allowed = append(g.Allowed, v)
			}
		}
	}
	if v, ok := stackjson.Walk(p, "assume_role", "role_arn"); ok {
		g.RoleARN, _ = v.(string)
	}
	if v, ok := stackjson.Walk(p, "assume_role", "session_name"); ok {
		g.SessionName, _ = v.(string)
	}
	return g
}

// assumeRole returns credentials of roleARN, assumed with the harness's own.
func assumeRole(ctx context.Context, endpoint, region, roleARN, session string) (aws.Credentials, error) {
	if session == "" {
		session = "e2e-harness"
	}
	c := sts.NewFromConfig(aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(fakeKeyID, fakeSecret, ""),
		BaseEndpoint: aws.String(endpoint),
	})
	out, err := c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(session)})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("assuming %s: %v", roleARN, apiErr(err))
	}
	k := out.Credentials
	return aws.Credentials{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: aws.ToString(k.SecretAccessKey), SessionToken: aws.ToString(k.SessionToken)}, nil
}

// callerAccount is the account the emulator's STS says creds are in.
func callerAccount(ctx context.Context, endpoint, region string, creds aws.Credentials) (string, error) {
	c := sts.NewFromConfig(aws.Config{
		Region:       region,
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		BaseEndpoint: aws.String(endpoint),
	})
	out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", fmt.Errorf("GetCallerIdentity: %v", apiErr(err))
	}
	return aws.ToString(out.Account), nil
}

// NewAWSAs returns clients for region at endpoint acting with creds.
func NewAWSAs(endpoint, region string, creds aws.Credentials) *AWS {
	return newAWS(aws.Config{
		Region:       region,
		Credentials:  credentials.StaticCredentialsProvider{Value: creds},
		BaseEndpoint: aws.String(endpoint),
	})
}

// harnessAs makes the harness's own clients act as the stack's provider
// does: through the role of assume_role, so every check (and the leftovers
// after destroy) looks in the account the stack deployed into, which
// GetCallerIdentity confirms is account_id. It returns a log line ("" when
// the stack assumes no role).
func (r *envRun) harnessAs(ctx context.Context, g AccountGuard) (string, error) {
	if g.RoleARN == "" {
		return "", nil
	}
	creds, err := assumeRole(ctx, r.emu.URL, r.region, g.RoleARN, g.SessionName)
	if err != nil {
		return "", err
	}
	acct, err := callerAccount(ctx, r.emu.URL, r.region, creds)
	if err != nil {
		return "", err
	}
	if len(g.Allowed) > 0 && !containsString(g.Allowed, acct) {
		return "", fmt.Errorf("the role %s is in account %s, not in allowed_account_ids %v", g.RoleARN, acct, g.Allowed)
	}
	r.aws, r.assumed = NewAWSAs(r.emu.URL, r.region, creds), &creds
	return fmt.Sprintf("checks act as %s (account %s), as the provider's assume_role does", g.RoleARN, acct), nil
}

// refuseOtherAccount deploys the stack with credentials of OtherAccount: it
// must fail on the provider's account guard before creating anything, which
// the emulator confirms in both accounts. It returns a summary cell.
func (r *envRun) refuseOtherAccount(ctx context.Context, g AccountGuard) (string, error) {
	if containsString(g.Allowed, OtherAccount) {
		return "", fmt.Errorf("allowed_account_ids %v holds the harness's other account %s", g.Allowed, OtherAccount)
	}
	creds, err := assumeRole(ctx, r.emu.URL, r.region, "arn:aws:iam::"+OtherAccount+":role/e2e-other-account", "e2e-other-account")
	if err != nil {
		return "", err
	}
	if acct, err := callerAccount(ctx, r.emu.URL, r.region, creds); err != nil || acct != OtherAccount {
		return "", fmt.Errorf("the other account's credentials are in account %q (%v), want %s", acct, err, OtherAccount)
	}
	env := append(r.env(), "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey, "AWS_SESSION_TOKEN="+creds.SessionToken)
	step := "wrong account"
	res, err := r.h.cdktf(ctx, env, r.logPath(step), 10*time.Minute,
		"deploy", r.name, "--auto-approve", "--skip-provider-lock", "--output", r.out)
	if err != nil {
		return "", &StepError{Env: r.name, Step: step, Err: err, Log: r.logPath(step)}
	}
	out := StripANSI(res.Output)
	if res.ExitCode == 0 || !strings.Contains(out, notAllowed+": "+OtherAccount) {
		return "", &StepError{Env: r.name, Step: step, Err: fmt.Errorf("deploy with account %s's credentials exited %d, want a failure saying %q", OtherAccount, res.ExitCode, notAllowed+": "+OtherAccount),
			TFError: orFirstLine(FirstError(res.Output), lastLine(out)), Log: r.logPath(step)}
	}
	for _, a := range []struct {
		name string
		aws  *AWS
	}{{"expected account", r.aws}, {"other account " + OtherAccount, NewAWSAs(r.emu.URL, r.region, creds)}} {
		left, err := a.aws.Leftovers(ctx, r.bucket)
		if err != nil {
			return "", err
		}
		if len(left) > 0 {
			return "", fmt.Errorf("after the refused deploy the %s holds %d resources: %s", a.name, len(left), strings.Join(left, ", "))
		}
	}
	return fmt.Sprintf("account %s refused, nothing created", OtherAccount), nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// checkEnv is the environment of the harness's own tools that read what the
// stack made (cmd/stress --watch): the engine's, with the assumed role's
// credentials when the stack assumes one.
func (r *envRun) checkEnv() []string {
	env := r.env()
	if c := r.assumed; c != nil {
		env = append(env, "AWS_ACCESS_KEY_ID="+c.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey, "AWS_SESSION_TOKEN="+c.SessionToken)
	}
	return env
}
