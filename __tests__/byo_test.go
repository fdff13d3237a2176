package tests

import (
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// TestALBTakesYourBucketAndWebACL: given an access-log bucket and a web ACL
// of the caller's, the load balancer writes its logs to that bucket and is
// associated with that web ACL, and makes neither (nor a bucket policy);
// without them (the other load balancer of the same stack) it makes both,
// as the app's environments do (their snapshots hold the rest).
func TestALBTakesYourBucketAndWebACL(t *testing.T) {
	const (
		bucket = "org-alb-logs.eu-west-2"
		acl    = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/org-edge/a1b2c3d4-5678-90ab-cdef-0123456789ab"
	)
	_, st := libStack(t, "byo")
	np := network.DefaultProps()
	np.Name, np.Region, np.AvailabilityZones, np.CIDR = "byo", "eu-west-2", []string{"eu-west-2a", "eu-west-2b"}, "10.0.0.0/16"
	net, err := network.New(st, "network", np)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(id, prefix string, own bool) {
		p := alb.DefaultProps()
		p.Name, p.TargetGroupNamePrefix, p.Network, p.Region = "byo-"+id, prefix, net, "eu-west-2"
		p.ConnectionLogs = true
		if own {
			p.AccessLogBucket, p.WAFWebACLARN = bucket, acl // no AccountID: no bucket policy to name it in
		} else {
			p.AccountID = jsii.String("123456789012")
		}
		if _, err := alb.New(st, id, p); err != nil {
			t.Fatal(err)
		}
	}
	mk("own", "own-", true)
	mk("made", "made-", false)
	s := synthStack(t, st, "byo")

	under := func(id, typ string) []stackjson.Resource {
		var out []stackjson.Resource
		for _, r := range s.OfType(typ) {
			if strings.HasPrefix(r.Path, "byo/"+id+"/") {
				out = append(out, r)
			}
		}
		return out
	}
	for _, typ := range []string{"aws_s3_bucket", "aws_s3_bucket_policy", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_public_access_block", "aws_wafv2_web_acl"} {
		if got := len(under("own", typ)); got != 0 {
			t.Errorf("given a bucket and a web ACL: %d %s made, want none", got, typ)
		}
		if got := len(under("made", typ)); got != 1 {
			t.Errorf("given none: %d %s made, want 1", got, typ)
		}
	}
	cases := []struct {
		id                  string
		wantBucket, wantACL func() string
	}{
		{"own", func() string { return bucket }, func() string { return acl }},
		{"made", func() string { return ref(under("made", "aws_s3_bucket")[0], "id") }, func() string { return ref(under("made", "aws_wafv2_web_acl")[0], "arn") }},
	}
	for _, c := range cases {
		lbs, assocs := under(c.id, "aws_lb"), under(c.id, "aws_wafv2_web_acl_association")
		if len(lbs) != 1 || len(assocs) != 1 {
			t.Fatalf("%s: %d load balancers and %d web ACL associations, want 1 and 1", c.id, len(lbs), len(assocs))
		}
		for _, logs := range []string{"access_logs", "connection_logs"} {
			if got, _ := lbs[0].String(logs, "bucket"); got != c.wantBucket() {
				t.Errorf("%s: %s.bucket = %q, want %q", c.id, logs, got, c.wantBucket())
			}
		}
		if got, _ := assocs[0].String("web_acl_arn"); got != c.wantACL() {
			t.Errorf("%s: web ACL association web_acl_arn = %q, want %q", c.id, got, c.wantACL())
		}
		if got, _ := assocs[0].String("resource_arn"); got != ref(lbs[0], "arn") {
			t.Errorf("%s: web ACL association resource_arn = %q, want %q", c.id, got, ref(lbs[0], "arn"))
		}
	}
	if deps := under("own", "aws_lb")[0].List("depends_on"); len(deps) != 0 {
		t.Errorf("given a bucket: the load balancer depends on %v, want nothing (no policy made here)", deps)
	}
}
