package rollout

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMainInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ec2 := write("ec2.json", `{"dev": {"compute_mode": "ec2"}}`)
	bad := write("bad.json", `{"dev": {"compute_mode": "asg", "asg_name": ""}}`)
	notJSON := write("x.json", `[1]`)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  []string
	}{
		{"no flags", nil, 2, "", []string{"-env is required", "-outputs is required"}},
		{"bad poll", []string{"-env", "dev", "-outputs", ec2, "-poll", "0s"}, 2, "", []string{"-poll (0s)"}},
		{"ec2 mode", []string{"-env", "dev", "-outputs", ec2}, 0, "compute_mode is ec2", nil},
		{"unknown stack", []string{"-env", "prod", "-outputs", ec2}, 2, "", []string{"has no outputs of stack prod", `"dev"`}},
		{"not an outputs file", []string{"-env", "dev", "-outputs", notJSON}, 2, "", []string{"not an outputs file"}},
		{"missing file", []string{"-env", "dev", "-outputs", filepath.Join(dir, "none.json")}, 2, "", []string{"no such file"}},
		{"every bad output", []string{"-env", "dev", "-outputs", bad}, 2, "", []string{"output asg_name is empty", "output launch_template_id is missing", "output instance_refresh_preferences is missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb strings.Builder
			if got := Main(tt.args, &out, &errb); got != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %s)", got, tt.wantCode, errb.String())
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q, want %q in it", out.String(), tt.wantOut)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q, want %q in it", errb.String(), w)
				}
			}
		})
	}
}
