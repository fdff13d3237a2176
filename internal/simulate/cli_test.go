package simulate

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var prodDir = filepath.Join("testdata", "stacks", "prod")

func runMain(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestMainJSON(t *testing.T) {
	// Prod, 90 -> 900 at minute 10: the first scale-out is at 12 (see
	// TestRealStacks); the new instance serves after the launch delay:
	// 12 + 2 = 14 by default (grace period 120 s), 12 + 5 = 17 with 5m.
	tests := []struct {
		name        string
		extra       []string
		wantServing float64
		wantDelay   float64
	}{
		{"grace period", nil, 14, 120},
		{"--launch-delay 5m", []string{"--launch-delay", "5m"}, 17, 300},
		{"--launch-delay 300", []string{"--launch-delay", "300"}, 17, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--stack", prodDir, "--profile", "step:from=90,to=900,at=10", "--minutes", "30", "--json"}, tc.extra...)
			code, stdout, stderr := runMain(args...)
			if code != ExitOK {
				t.Fatalf("exit %d, stderr %s", code, stderr)
			}
			var got struct {
				Events   []map[string]any `json:"events"`
				Timeline []map[string]any `json:"timeline"`
				Summary  map[string]any   `json:"summary"`
				Delay    float64          `json:"launch_delay_seconds"`
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
			}
			if len(got.Events) == 0 {
				t.Fatal("no events")
			}
			e := got.Events[0]
			want := map[string]any{"minute": 12.0, "kind": "scale_out", "capacity_before": 3.0, "capacity_after": 4.0}
			for k, v := range want {
				if e[k] != v {
					t.Errorf("events[0].%s = %v, want %v", k, e[k], v)
				}
			}
			if len(got.Timeline) != 30 {
				t.Errorf("timeline has %d rows, want 30", len(got.Timeline))
			}
			for _, k := range []string{"minute", "load", "desired", "in_service", "cpu", "alarms"} {
				if _, ok := got.Timeline[0][k]; !ok {
					t.Errorf("timeline row has no %q: %v", k, got.Timeline[0])
				}
			}
			if s := got.Summary["first_new_instance_in_service_minute"]; s != tc.wantServing {
				t.Errorf("first_new_instance_in_service_minute = %v, want %v", s, tc.wantServing)
			}
			if s := got.Summary["time_to_first_scale_out_minutes"]; s != 2.0 {
				t.Errorf("time_to_first_scale_out_minutes = %v, want 2", s)
			}
			if got.Delay != tc.wantDelay {
				t.Errorf("launch_delay_seconds = %v, want %v", got.Delay, tc.wantDelay)
			}
		})
	}
}

func TestMainJSONWithoutEvents(t *testing.T) {
	// 150 on 3 instances is 50%, between the thresholds: no event, and
	// "events" is an empty list, not null.
	code, stdout, stderr := runMain("--stack", prodDir, "--profile", "constant:load=150", "--minutes", "10", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if string(got["events"]) != "[]" {
		t.Errorf("events = %s, want []", got["events"])
	}
}

func TestMainTextAndSVG(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "prod.svg")
	code, stdout, stderr := runMain("--stack", prodDir, "--profile", "step:from=90,to=900,at=10", "--minutes", "30", "--svg", svg)
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{
		"Scaling simulation of stack prod",
		"webtier-prod-cpu-high: Average CPUUtilization > 70 for 2 of 2 periods of 60s (missing data: missing) -> webtier-prod-scale-out",
		"minute 12: scale_out 3 -> 4 by webtier-prod-scale-out",
		"minute 12, 2 minutes after CPU first went above the threshold",
		"ignored   3 alarms that invoke no scaling policy",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text output does not contain %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
	}
	if err := xml.Unmarshal(b, &doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("--svg wrote no SVG document (root %q, err %v)", doc.XMLName.Local, err)
	}
	for _, want := range []string{"stack prod: step:from=90,to=900,at=10", "first scale-out at minute 12", "scale-out threshold 70%", "max_size 9"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("SVG does not contain %q", want)
		}
	}
}

func TestMainErrors(t *testing.T) {
	dev := filepath.Join("testdata", "stacks", "dev")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"no flags", nil, ExitUsage, []string{"--stack is required", "--profile is required"}},
		{"bad minutes", []string{"--stack", prodDir, "--profile", "constant:load=1", "--minutes", "0"}, ExitUsage, []string{"--minutes = 0: must be within 1..10080"}},
		{"bad profile", []string{"--stack", prodDir, "--profile", "square:x=1"}, ExitUsage, []string{`profile "square:x=1": not a built-in shape`}},
		{"bad launch delay", []string{"--stack", prodDir, "--profile", "constant:load=1", "--launch-delay", "soon"}, ExitUsage, []string{`"soon": want seconds (120) or a duration (90s, 2m)`}},
		{"extra argument", []string{"--stack", prodDir, "--profile", "constant:load=1", "prod"}, ExitUsage, []string{`unexpected arguments ["prod"]`}},
		{"no such stack", []string{"--stack", "testdata/stacks/none", "--profile", "constant:load=1"}, ExitError, []string{"--stack testdata/stacks/none"}},
		{"ec2 stack", []string{"--stack", dev, "--profile", "constant:load=1"}, ExitError, []string{"stack dev has no aws_autoscaling_group", "there is no Auto Scaling Group to simulate"}},
		{"help", []string{"-h"}, ExitOK, []string{"Usage: go run ./cmd/simulate", "step:from=A,to=B,at=M"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runMain(tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %s)", code, tc.code, stderr)
			}
			if code != ExitOK && stdout != "" {
				t.Errorf("stdout = %q, want nothing on failure", stdout)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
		})
	}
}

func TestHelpNamesTheLoadUnits(t *testing.T) {
	_, _, stderr := runMain("-h")
	for _, want := range []string{"percent of one instance", "ALBRequestCountPerTarget", "requests per minute"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("help does not mention %q:\n%s", want, stderr)
		}
	}
}
