package tests

import (
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestReliabilityByDesign asserts what the README's "Reliability by design"
// section promises (AZ spread, ELB health checks and instance refresh are in
// TestComputeProperties): resources that are replaced by name use
// create-before-destroy with a name prefix, and the S3 state backend is
// encrypted and locked.
func TestReliabilityByDesign(t *testing.T) {
	r := fixtureSynth(t)
	t.Run("create before destroy", func(t *testing.T) {
		for _, env := range []string{"dev", "prod"} {
			s := r.stacks[env]
			for _, typ := range []string{"aws_security_group", "aws_lb_target_group", "aws_launch_template"} {
				for _, res := range s.OfType(typ) {
					if cbd, _ := res.Bool("lifecycle", "create_before_destroy"); !cbd {
						t.Errorf("%s: %s lacks create_before_destroy:\n%s", env, res.Where(), show(res.Attrs))
					}
					if _, named := res.Attrs["name"]; named {
						t.Errorf("%s: %s has a fixed name; a replacement created first would collide (use name_prefix)", env, res.Where())
					}
				}
			}
		}
	})
	t.Run("s3 backend encrypted and locked", func(t *testing.T) {
		v := fixtureVariant(t, testfixture.Set("environments.prod.backend", map[string]string{"bucket": "my-terraform-state", "key": "webtier/prod/terraform.tfstate"}))
		s := v.stacks["prod"]
		if s.Backend.Type != "s3" {
			t.Fatalf("backend = %q, want s3", s.Backend.Type)
		}
		want := map[string]any{"bucket": "my-terraform-state", "key": "webtier/prod/terraform.tfstate", "region": "us-east-1", "encrypt": true, "use_lockfile": true}
		for k, w := range want {
			if got := s.Backend.Config[k]; got != w {
				t.Errorf("s3 backend %s = %v, want %v (config %s)", k, got, w, show(s.Backend.Config))
			}
		}
		if dev := v.stacks["dev"]; dev.Backend.Type != "local" || dev.Backend.Config["path"] != "../../../terraform.dev.tfstate" {
			t.Errorf("dev backend = %s %v, want local ../../../terraform.dev.tfstate", dev.Backend.Type, dev.Backend.Config)
		}
	})
}
