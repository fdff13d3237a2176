package e2e

import (
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/stackjson"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// TestExpectFromGoldens: the expectations read from the reviewed goldens of
// the library's fixture (internal/testfixture): stage and prod notify the
// alarm topic of the four group events, dev (ec2) of none; no stack of the
// fixture has a drain hook.
func TestExpectFromGoldens(t *testing.T) {
	events := []string{"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}
	for env, want := range map[string][]string{"dev": nil, "stage": events, "prod": events} {
		s, err := stackjson.Parse(env, testfixture.Golden(t, env))
		if err != nil {
			t.Fatal(err)
		}
		e, err := ExpectFrom(s)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(e.Notifications, want) || e.DrainSeconds != 0 {
			t.Errorf("%s: notifications %v, drain %d; want %v, 0", env, e.Notifications, e.DrainSeconds, want)
		}
	}
}
