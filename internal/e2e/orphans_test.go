package e2e

import (
	"strings"
	"testing"
)

// A create whose answer the emulator dropped names its resource; only such
// errors do (a refused create, or a dropped read, names no orphan).
func TestLostCreates(t *testing.T) {
	const dropped = "\n│ Error: creating IAM Instance Profile (webtier-prod-app-20261207224632410800000004): operation error IAM: CreateInstanceProfile, https response error StatusCode: 200, RequestID: NIsLH, decomposing response: read tcp 127.0.0.1:39142->127.0.0.1:44125: use of closed network connection\n│ \n│   with aws_iam_instance_profile.compute_profile_1A2B,\n"
	for _, tc := range []struct {
		name, output string
		want         []string
	}{
		{"dropped create", dropped, []string{"webtier-prod-app-20261207224632410800000004"}},
		{"refused create", "Error: creating EC2 VPC (x): api error InvalidParameterValue: bad CIDR\n", nil},
		{"dropped read", "Error: reading IAM Role (r): read tcp: connection reset by peer\n", nil},
		{"two errors, one dropped create", "Error: creating EC2 VPC (v): InvalidParameterValue\n" + dropped, []string{"webtier-prod-app-20261207224632410800000004"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lostCreates(tc.output); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// Only the leftovers named as orphans are set aside.
func TestSplitOrphans(t *testing.T) {
	kept, lost := splitOrphans([]string{"instance-profile p-1", "vpc vpc-2", "instance-profile p-3"}, []string{"p-1"})
	if strings.Join(kept, ",") != "vpc vpc-2,instance-profile p-3" || strings.Join(lost, ",") != "instance-profile p-1" {
		t.Errorf("kept %q, lost %q; want [vpc vpc-2, instance-profile p-3] and [instance-profile p-1]", kept, lost)
	}
}
