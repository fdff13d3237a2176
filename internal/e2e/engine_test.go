package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The engine is told by what `version` prints, whatever the executable is
// called, and decides the registry host of the provider mirror.
func TestDetectEngine(t *testing.T) {
	cases := []struct {
		name, prints     string
		wantErr          string
		wantTofu         bool
		wantRegistry     string
		wantVersionFirst string
	}{
		{name: "terraform", prints: "Terraform v1.11.4\non linux_amd64", wantRegistry: TerraformRegistry, wantVersionFirst: "Terraform v1.11.4"},
		{name: "tofu", prints: "OpenTofu v1.12.6\non linux_amd64", wantTofu: true, wantRegistry: OpenTofuRegistry, wantVersionFirst: "OpenTofu v1.12.6"},
		{name: "tofu-named-terraform", prints: "OpenTofu v1.10.0", wantTofu: true, wantRegistry: OpenTofuRegistry, wantVersionFirst: "OpenTofu v1.10.0"},
		{name: "other", prints: "hello", wantErr: `printed "hello": neither Terraform nor OpenTofu`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), c.name)
			script := "#!/bin/sh\nprintf '%s\\n' '" + strings.ReplaceAll(c.prints, "\n", "' '") + "'\n"
			if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
				t.Fatal(err)
			}
			e, err := DetectEngine(context.Background(), bin)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Version != c.wantVersionFirst || e.OpenTofu() != c.wantTofu || e.Registry() != c.wantRegistry {
				t.Errorf("got version %q, OpenTofu %v, registry %s; want %q, %v, %s", e.Version, e.OpenTofu(), e.Registry(), c.wantVersionFirst, c.wantTofu, c.wantRegistry)
			}
		})
	}
}

// The mirror lays the provider out under the engine's registry host and the
// CLI config installs hashicorp/aws from there only.
func TestMirrorLayout(t *testing.T) {
	provider := filepath.Join(t.TempDir(), "terraform-provider-aws")
	if err := os.WriteFile(provider, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{TerraformRegistry, OpenTofuRegistry} {
		t.Run(host, func(t *testing.T) {
			dir := t.TempDir()
			rc, err := Mirror(dir, provider, "5.88.0", host)
			if err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, "mirror", host, "hashicorp", "aws", "5.88.0", "linux_amd64", "terraform-provider-aws_v5.88.0")
			if got, err := os.Readlink(link); err != nil || got != provider {
				t.Errorf("mirror entry %s -> %q (%v), want -> %s", link, got, err, provider)
			}
			conf, err := os.ReadFile(rc)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{`include = ["` + host + `/hashicorp/aws"]`, `path    = "` + filepath.Join(dir, "mirror") + `"`, "disable_checkpoint = true"} {
				if !strings.Contains(string(conf), want) {
					t.Errorf("CLI config lacks %q:\n%s", want, conf)
				}
			}
			if strings.Contains(string(conf), "direct") {
				t.Errorf("CLI config allows direct installation:\n%s", conf)
			}
		})
	}
	if _, err := Mirror(t.TempDir(), provider, "5.88.0", "example.com"); err == nil || !strings.Contains(err.Error(), `registry host "example.com"`) {
		t.Errorf("Mirror with host example.com: err = %v, want a refusal naming the host", err)
	}
}
