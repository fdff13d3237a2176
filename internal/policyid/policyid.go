// Package policyid is what constructs/nag (which records suppressions) and
// internal/policy (which checks the rules and reads the suppressions) share:
// the rule IDs and the metadata key. It imports nothing, so a construct that
// suppresses a rule does not pull in the policy check and, through its
// cross-setting rules, the scaling simulator and its plotting library.
package policyid

import "slices"

// SuppressionKey is the "//" metadata key of a resource under which
// suppressions made in code are recorded.
const SuppressionKey = "ewt_suppressions"

// IDs are the IDs of internal/policy's rules, sorted (its tests keep the two
// in step).
var IDs = []string{
	"EWT-ALB-1", "EWT-ALB-2", "EWT-ALB-3", "EWT-ALB-4", "EWT-ALB-5", "EWT-ALB-6", "EWT-ALB-7",
	"EWT-COST-1",
	"EWT-EBS-1",
	"EWT-EC2-1", "EWT-EC2-2",
	"EWT-IAM-1", "EWT-IAM-2",
	"EWT-LOGS-1",
	"EWT-OBS-1",
	"EWT-SCALE-1", "EWT-SCALE-2", "EWT-SCALE-3", "EWT-SCALE-4",
	"EWT-SG-1", "EWT-SG-2", "EWT-SG-3",
	"EWT-STATE-1",
	"EWT-VPC-1",
}

// Known reports whether id is a rule ID.
func Known(id string) bool {
	_, found := slices.BinarySearch(IDs, id)
	return found
}
