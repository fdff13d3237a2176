package webtier_test

import (
	"reflect"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/alb"
	"github.com/platformstarter/elastic-web-tier/constructs/compute"
	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/constructs/encryption"
	"github.com/platformstarter/elastic-web-tier/constructs/network"
	"github.com/platformstarter/elastic-web-tier/constructs/observability"
	"github.com/platformstarter/elastic-web-tier/constructs/scaling"
	"github.com/platformstarter/elastic-web-tier/constructs/webtier"
)

// TestDefaultPropsAreConfigDefaults: every construct's DefaultProps holds
// the defaults of constructs/config (the ones types.go documents and the
// YAML reader applies) and nothing of its own: a Go caller and a YAML user
// start from the same values.
func TestDefaultPropsAreConfigDefaults(t *testing.T) {
	sc := config.DefaultScaling()
	cases := []struct {
		name      string
		got, want any
	}{
		{"network", network.DefaultProps(), network.Props{Network: config.DefaultNetwork()}},
		{"compute", compute.DefaultProps(), compute.Props{Compute: config.DefaultCompute(), Agent: &compute.Agent{RetentionDays: config.DefaultObservability().Logs.RetentionDays}}},
		{"alb", alb.DefaultProps(), alb.Props{ALB: config.DefaultALB(), TargetPort: config.DefaultCompute().AppPort}},
		{"observability", observability.DefaultProps(), observability.Props{Observability: config.DefaultObservability()}},
		{"scaling", scaling.DefaultProps(), scaling.Props{Scaling: sc}},
		{"scaling recovery", scaling.DefaultRecoveryProps(), scaling.RecoveryProps{}},
		{"encryption", encryption.DefaultProps(), encryption.Props{}},
		{"webtier", webtier.DefaultProps(), webtier.Props{Environment: config.Builtin(), Project: config.DefaultProject}},
	}
	for _, c := range cases {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s.DefaultProps():\ngot  %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
	// The values the docs name.
	if p := alb.DefaultProps(); p.TargetPort != 8080 || p.HealthCheck.Path != "/health" {
		t.Errorf("alb.DefaultProps: TargetPort %d, health check path %q; want 8080 and /health", p.TargetPort, p.HealthCheck.Path)
	}
	if p := observability.DefaultProps(); p.CPUThresholds != nil {
		t.Errorf("observability.DefaultProps CPU thresholds %+v, want none (nothing scales until a policy is drawn)", p.CPUThresholds)
	}
}
