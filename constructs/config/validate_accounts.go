package config

import (
	"regexp"
	"strings"
)

var (
	// accountIDRE is an AWS account ID: 12 digits.
	accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)
	// roleARNRE splits an IAM role ARN into partition, account and the
	// resource after "role/" (path and name).
	roleARNRE = regexp.MustCompile(`^arn:([^:]*):iam::([^:]*):role/(.*)$`)
	// roleNameRE is an IAM role name (IAM CreateRole RoleName).
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// rolePathRE is an IAM path between "role/" and the name: empty, or
	// segments of printable ASCII ending in "/" (IAM CreateRole Path).
	rolePathRE = regexp.MustCompile(`^([!-.0-~]+/)*$`)
	// sessionNameRE is STS AssumeRole RoleSessionName: 2-64 of [\w+=,.@-].
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	// externalIDRE is STS AssumeRole ExternalId's characters, [\w+=,.@:/-]
	// (its length, 2-1224, is checked apart: RE2 repeats at most 1000).
	externalIDRE = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// STS AssumeRole DurationSeconds bounds (the role's own maximum session
// duration, 1-12 hours, may be lower).
const minAssumeRoleDuration, maxAssumeRoleDuration = 900, 43200

// exampleAccount is the account ID the messages show.
const exampleAccount = "123456789012"

// validateAccounts checks account_id and assume_role: the account is 12
// digits, and the role is an IAM role of the aws partition in that account.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
func validateAccounts(e *Environment, bad badFunc) {
	if e.AccountID != "" && !accountIDRE.MatchString(e.AccountID) {
		bad("account_id", "%s is not an AWS account ID; want 12 digits, e.g. %s (quote it in YAML so leading zeros stay)", q(e.AccountID), exampleAccount)
	}
	r := e.AssumeRole
	if r == nil {
		return
	}
	if e.AccountID == "" {
		bad("account_id", "is missing but assume_role is set; want the 12-digit account the role is in, which the provider then requires the assumed credentials to be in")
	}
	example := "arn:" + Partition + ":iam::" + orAccount(e.AccountID) + ":role/deploy"
	if r.RoleARN == "" {
		bad("assume_role.role_arn", "is missing; want an IAM role ARN such as %s", example)
	} else if m := roleARNRE.FindStringSubmatch(r.RoleARN); m == nil {
		bad("assume_role.role_arn", "%s is not an IAM role ARN; want arn:%s:iam::<12-digit account>:role/<name>, e.g. %s", q(r.RoleARN), Partition, example)
	} else {
		path, name := "", m[3]
		if i := strings.LastIndexByte(m[3], '/'); i >= 0 {
			path, name = m[3][:i+1], m[3][i+1:]
		}
		switch {
		case m[1] != Partition:
			bad("assume_role.role_arn", "%s is in partition %s; the stacks deploy to partition %s: want %s", q(r.RoleARN), q(m[1]), Partition, example)
		case !accountIDRE.MatchString(m[2]):
			bad("assume_role.role_arn", "%s has account %s; want 12 digits, e.g. %s", q(r.RoleARN), q(m[2]), example)
		case !roleNameRE.MatchString(name) || !rolePathRE.MatchString(path):
			bad("assume_role.role_arn", "%s has no valid role name; want role/<name> or role/<path>/<name>, the name 1-64 letters, digits and + = , . @ _ -", q(r.RoleARN))
		case accountIDRE.MatchString(e.AccountID) && m[2] != e.AccountID:
			bad("assume_role.role_arn", "is in account %s but account_id is %s; the role must be in the environment's account", m[2], e.AccountID)
		}
	}
	if s := r.SessionName; s != "" && !sessionNameRE.MatchString(s) {
		bad("assume_role.session_name", "%s is not an STS role session name; want 2-64 letters, digits and + = , . @ _ -, or leave it out", q(s))
	}
	if s := r.ExternalID; s != "" && (len(s) < 2 || len(s) > 1224 || !externalIDRE.MatchString(s)) {
		bad("assume_role.external_id", "%s is not an STS external ID; want 2-1224 letters, digits and + = , . @ : / _ -, or leave it out", q(s))
	}
	if r.Duration < minAssumeRoleDuration || r.Duration > maxAssumeRoleDuration {
		bad("assume_role.duration", "%d is out of range; STS takes %d to %d seconds (15 minutes to 12 hours)", r.Duration, minAssumeRoleDuration, maxAssumeRoleDuration)
	}
}

// orAccount is a when it is an account ID, else the example account.
func orAccount(a string) string {
	if accountIDRE.MatchString(a) {
		return a
	}
	return exampleAccount
}
