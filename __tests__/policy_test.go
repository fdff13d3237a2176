package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/nag"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
	"github.com/platformstarter/elastic-web-tier/internal/policy"
	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/synth"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestPolicyFailsSynth: a production environment without deletion protection
// fails synth with the rule ID and resource path, and cdktf.out is not written.
func TestPolicyFailsSynth(t *testing.T) {
	unprotected := testfixture.Set("environments.prod.alb.deletion_protection", false)
	t.Setenv("ENVIRONMENTS_FILE", testfixture.Variant(t, unprotected))
	out := filepath.Join(t.TempDir(), "cdktf.out")
	var log bytes.Buffer
	err := synth.Run(&log, out, policy.Check)
	if err == nil || !strings.Contains(err.Error(), "EWT-ALB-2") || !strings.Contains(err.Error(), "prod/alb/lb") {
		t.Fatalf("synth error = %v, want EWT-ALB-2 on prod/alb/lb", err)
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("%s was written although the policy check failed", out)
	}

	// The same with a suppression in environments.yaml passes and is listed.
	t.Setenv("ENVIRONMENTS_FILE", testfixture.Variant(t, unprotected,
		testfixture.Append("environments.prod.suppressions", map[string]string{"rule": "EWT-ALB-2", "resource": "prod/alb/lb", "reason": "short-lived load test copy"})))
	log.Reset()
	if err := synth.Run(&log, out, policy.Check); err != nil {
		t.Fatalf("suppressed synth failed: %v", err)
	}
	if !strings.Contains(log.String(), "suppressed EWT-ALB-2 on prod/alb/lb (environments.yaml): short-lived load test copy") {
		t.Errorf("summary does not list the suppression:\n%s", log.String())
	}
}

// TestCodeSuppression: nag.Suppress records the suppression in the synthesized
// metadata, where the policy check finds it.
func TestCodeSuppression(t *testing.T) {
	f, err := config.Load(testfixture.EnvironmentsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	prod := f.Environments[2]
	if prod.Name != "prod" {
		t.Fatalf("the fixture's third environment is %s, want prod", prod.Name)
	}
	prod.ALB.DeletionProtection = false
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())})
	st, err := webtier.New(app, prod.Name, synth.Props(f, prod))
	if err != nil {
		t.Fatal(err)
	}
	balancer := st.ALB.LoadBalancer
	if err := nag.Suppress(balancer, nag.Suppression{Rule: "EWT-ALB-2", Reason: "blue/green copy"}); err != nil {
		t.Fatal(err)
	}
	if err := nag.Suppress(balancer, nag.Suppression{Rule: "EWT-ALB-2"}); err == nil {
		t.Errorf("a suppression without a reason was accepted")
	}
	outdir := cdktf.Testing_FullSynth(st.Stack)
	t.Cleanup(func() { os.RemoveAll(*outdir) })
	s, err := stackjson.LoadDir(filepath.Join(*outdir, "stacks", "prod"))
	if err != nil {
		t.Fatal(err)
	}
	res := policy.Evaluate(f, []*stackjson.Stack{s})
	var code []policy.Suppression
	for _, sp := range res.Suppressed {
		if sp.Rule == "EWT-ALB-2" {
			code = append(code, sp)
		}
	}
	if len(res.Violations) != 0 || len(code) != 1 || code[0].Source != "code" || code[0].Reason != "blue/green copy" {
		t.Errorf("violations %v, suppressed %+v: want EWT-ALB-2 suppressed in code", res.Violations, res.Suppressed)
	}
}
