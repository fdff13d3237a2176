package tests

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
)

// logWriterPrincipal returns the Principal of the access-log bucket policy's
// statement that lets the load balancer write its logs.
func logWriterPrincipal(t *testing.T, s *stackjson.Stack) map[string]any {
	t.Helper()
	text, _ := mustOne(t, s, "aws_s3_bucket_policy").String("policy")
	var doc struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Action    []string
		}
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("%s: bucket policy is not JSON: %v\n%s", s.Name, err, text)
	}
	for _, st := range doc.Statement {
		if st.Sid == "LoadBalancerWritesAccessLogs" {
			return st.Principal
		}
	}
	t.Fatalf("%s: bucket policy has no LoadBalancerWritesAccessLogs statement:\n%s", s.Name, text)
	return nil
}

// TestLogDeliveryPrincipal: in a Region opened as of August 2022
// (il-central-1, fixture testdata/newregion), which has no Elastic Load
// Balancing account, the access-log bucket policy lets the log delivery
// service principal write, and the stack reads no aws_elb_service_account
// (the provider fails it there, so such a stack could not be planned). In a
// Region with an account (the committed environments, us-east-1), the
// policy names that account, read with the data source.
func TestLogDeliveryPrincipal(t *testing.T) {
	r := synthFile(t, filepath.Join("testdata", "newregion", "environments.yaml"))
	s, ok := r.stacks["telaviv"]
	if !ok {
		t.Fatalf("no stack telaviv synthesized; got %v", keys(r.raw))
	}
	if region := s.Region(); region != "il-central-1" {
		t.Fatalf("telaviv provider region = %q, want il-central-1", region)
	}
	if ds := s.OfType("data.aws_elb_service_account"); len(ds) != 0 {
		t.Errorf("telaviv reads %s; il-central-1 has no ELB account, the plan would fail", ds[0].Address())
	}
	got := logWriterPrincipal(t, s)
	if len(got) != 1 || got["Service"] != alb.LogDeliveryPrincipal {
		t.Errorf("telaviv: log writer principal = %v, want {Service: %s}", got, alb.LogDeliveryPrincipal)
	}

	def := fixtureSynth(t)
	for _, env := range []string{"dev", "stage", "prod"} {
		s := def.stacks[env]
		account := mustOne(t, s, "data.aws_elb_service_account")
		if got := logWriterPrincipal(t, s); len(got) != 1 || got["AWS"] != ref(account, "arn") {
			t.Errorf("%s (us-east-1): log writer principal = %v, want {AWS: %s}", env, got, ref(account, "arn"))
		}
	}
}
