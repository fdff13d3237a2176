package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/tfjson"
)

// TestExpectFromGoldens: the expectations read from the reviewed goldens:
// stage and prod notify the alarm topic of the four group events, dev (ec2)
// of none; no committed stack has a drain hook.
func TestExpectFromGoldens(t *testing.T) {
	events := []string{"autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR"}
	for env, want := range map[string][]string{"dev": nil, "stage": events, "prod": events} {
		b, err := os.ReadFile(filepath.Join("..", "..", "__tests__", "testdata", "golden", env+".tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := tfjson.Parse(env, b)
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
