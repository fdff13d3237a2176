package compute

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"

	"github.com/distribution/reference"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// How settings reach the instances. The boot scripts below are fixed text:
// no setting is ever written into shell syntax. Every setting (app_port,
// health_path, app image and port, the ECR registry and region) becomes an
// Environment= line of the systemd unit, quoted by unitEnv (the one quoting
// helper), and the unit is written by a heredoc with a quoted delimiter
// (<<'UNIT'), so the shell copies it byte for byte. systemd hands each value
// to the service as one environment variable; the unit's commands use them
// as "${NAME}", which systemd passes as exactly one argument, never to a
// shell. The only shell in a unit (the ECR login) reads its values from the
// environment ("$$NAME" in the unit is "$NAME" to bash), not from its text.

// unitDelimiter ends the heredoc that writes a unit; no line of a unit may be
// it (unitEnv puts every value on its Environment= line, line breaks escaped).
const unitDelimiter = "UNIT"

// envNameRE is a portable environment variable name.
var envNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// unitEnv renders name=value as one Environment= line whose assignment is a
// single double-quoted word (systemd.syntax(7), "Quoting"): \ and " are
// escaped, and tab, line feed and carriage return written as \t, \n and \r;
// % becomes %% (systemd.unit(5), "Specifiers": Environment= resolves
// specifiers after unquoting). systemd does not expand $ in Environment=
// (systemd.exec(5)). It refuses what systemd would not keep as it is: a
// value that is not UTF-8 (systemd ignores the assignment) or holds another
// control character or NUL (env_value_is_valid in systemd's env-util.c
// refuses all but \t \n \r).
// https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html#Quoting
// https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#Environment=
func unitEnv(name, value string) (string, error) {
	if !envNameRE.MatchString(name) {
		return "", fmt.Errorf("environment variable name %q: want upper case letters, digits and _", name)
	}
	if !utf8.ValidString(value) {
		return "", fmt.Errorf("%s %s is not UTF-8; systemd ignores such an assignment", name, strconv.Quote(value))
	}
	var b strings.Builder
	b.WriteString(`Environment="` + name + "=")
	for _, r := range value {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '%':
			b.WriteString("%%")
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				return "", fmt.Errorf("%s %s holds the control character %q; systemd refuses it in an environment variable", name, strconv.Quote(value), r)
			}
			b.WriteRune(r)
		}
	}
	b.WriteString(`"`)
	return b.String(), nil
}

// unitEnvs renders one Environment= line per name, value pair, in order.
func unitEnvs(pairs ...string) (string, error) {
	var lines []string
	for i := 0; i+1 < len(pairs); i += 2 {
		l, err := unitEnv(pairs[i], pairs[i+1])
		if err != nil {
			return "", err
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n"), nil
}

// render executes a fixed template on data already quoted for where it goes.
func render(t *template.Template, data any) (string, error) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// checkUnit fails on a unit that has a line equal to the heredoc delimiter
// (it would end the heredoc and run the rest as commands).
func checkUnit(unit string) error {
	for _, l := range strings.Split(unit, "\n") {
		if l == unitDelimiter {
			return fmt.Errorf("a unit line is the heredoc delimiter %s", unitDelimiter)
		}
	}
	return nil
}

// demoUnitTemplate runs the demo app. INSTANCE_ID and AZ come from the
// instance metadata through /etc/webapp/instance.env, the settings from
// the Environment= lines ({{.Env}}, quoted by unitEnv).
var demoUnitTemplate = template.Must(template.New("demo-unit").Parse(`[Unit]
Description=Elastic web tier demo app
After=network-online.target

[Service]
{{.Env}}
EnvironmentFile=/etc/webapp/instance.env
ExecStart=/usr/bin/python3 /opt/webapp/app.py
DynamicUser=yes
Restart=always

[Install]
WantedBy=multi-user.target
`))

// demoUnit is the demo app's systemd unit for an app port and health path.
func demoUnit(appPort int, healthPath string) (string, error) {
	env, err := unitEnvs("APP_PORT", strconv.Itoa(appPort), "HEALTH_PATH", healthPath)
	if err != nil {
		return "", err
	}
	return render(demoUnitTemplate, struct{ Env string }{env})
}

// userDataTemplate installs and starts a small web app with nothing but the
// python3 that Amazon Linux 2023 ships (no package download needed, so it also
// works without NAT). It answers on the app port with its instance ID and AZ
// in the body and in an X-Instance-Id header (cmd/stress counts those), has a
// health path for the target group, and /burn?ms=N spends up to 1 s of CPU per
// request so a load test can drive the scaling alarms. The instance ID and AZ
// are checked against their formats before they are written anywhere.
var userDataTemplate = template.Must(template.New("userdata").Parse(`#!/bin/bash
set -euo pipefail
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
md() { curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE_ID=$(md instance-id)
AZ=$(md placement/availability-zone)
[[ $INSTANCE_ID =~ ^i-[0-9a-f]{8,17}$ ]] || { echo "unexpected instance ID from the instance metadata" >&2; exit 1; }
[[ $AZ =~ ^[a-z0-9-]{1,32}$ ]] || { echo "unexpected availability zone from the instance metadata" >&2; exit 1; }
install -d -m 0755 /opt/webapp /etc/webapp
printf 'INSTANCE_ID=%s\nAZ=%s\n' "$INSTANCE_ID" "$AZ" > /etc/webapp/instance.env
cat > /opt/webapp/app.py <<'PY'
import json, os, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

INSTANCE_ID = os.environ["INSTANCE_ID"]
AZ = os.environ["AZ"]
HEALTH_PATH = os.environ["HEALTH_PATH"]

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == HEALTH_PATH:
            self.reply(200, {"status": "ok"})
            return
        if url.path == "/burn":
            ms = min(1000, max(0, int(parse_qs(url.query).get("ms", ["100"])[0] or 0)))
            end = time.process_time() + ms / 1000.0
            while time.process_time() < end:
                pass
        self.reply(200, {"instance_id": INSTANCE_ID, "availability_zone": AZ})

    def reply(self, code, doc):
        body = (json.dumps(doc) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Instance-Id", INSTANCE_ID)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

ThreadingHTTPServer(("0.0.0.0", int(os.environ["APP_PORT"])), Handler).serve_forever()
PY
cat > /etc/systemd/system/webapp.service <<'UNIT'
{{.Unit}}UNIT
{{.Ready}}systemctl daemon-reload
systemctl enable --now webapp.service
{{- if .Ready}}
systemctl enable webapp-ready.service
systemctl start --no-block webapp-ready.service
{{- end}}
`))

// UserData renders the demo app's boot script for an app port and health
// path. The values reach only the unit's Environment= lines (unitEnv); a
// value systemd could not carry as it is is an error.
func UserData(appPort int, healthPath string) (string, error) {
	return demoUserData(appPort, healthPath, nil)
}

// demoUserData is UserData, completing hook at every boot when it is not nil.
func demoUserData(appPort int, healthPath string, hook *LaunchHook) (string, error) {
	unit, err := demoUnit(appPort, healthPath)
	if err != nil {
		return "", err
	}
	if err := checkUnit(unit); err != nil {
		return "", err
	}
	ready, err := readySection(hook, appPort, healthPath)
	if err != nil {
		return "", err
	}
	return render(userDataTemplate, struct{ Unit, Ready string }{unit, ready})
}

// containerUnitTemplate runs one container image under systemd with the
// docker package of Amazon Linux 2023, its port published on the app port.
// IMAGE, APP_PORT and PORT (and ECR_REGION, ECR_REGISTRY) are Environment=
// lines; "${IMAGE}" is one argument of docker, whatever it holds. For an
// ECR image each start logs in first (the password lasts 12 hours, a
// restart may come later).
var containerUnitTemplate = template.Must(template.New("container-unit").Parse(`[Unit]
Description=Elastic web tier app container
After=docker.service network-online.target
Requires=docker.service

[Service]
{{.Env}}
ExecStartPre=-/usr/bin/docker rm -f webapp
{{- if .ECR}}
ExecStartPre=/bin/bash -c 'set -o pipefail; aws ecr get-login-password --region "$$ECR_REGION" | docker login --username AWS --password-stdin "$$ECR_REGISTRY"'
{{- end}}
ExecStartPre=/usr/bin/docker pull ${IMAGE}
ExecStart=/usr/bin/docker run --rm --name webapp -p ${APP_PORT}:${PORT} ${IMAGE}
ExecStop=/usr/bin/docker stop webapp
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
`))

// containerUnit is the systemd unit running image (its port published on
// appPort), logging in to its registry first when it is a private ECR image.
func containerUnit(image string, port, appPort int) (string, error) {
	// Validation has checked the image; a reference that is not one (or
	// starts with "-", which docker would read as an option) stops here too.
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return "", fmt.Errorf("image %s: %v", strconv.Quote(image), err)
	}
	pairs := []string{"IMAGE", image, "APP_PORT", strconv.Itoa(appPort), "PORT", strconv.Itoa(port)}
	ecr, isECR := config.ParseECRImage(image)
	if isECR {
		// The login's own settings; with DOCKER_CONFIG, docker login and
		// docker pull share one credentials file whatever $HOME is.
		pairs = append(pairs, "ECR_REGION", ecr.Region, "ECR_REGISTRY", ecr.Registry, "DOCKER_CONFIG", "/root/.docker")
	}
	env, err := unitEnvs(pairs...)
	if err != nil {
		return "", err
	}
	return render(containerUnitTemplate, struct {
		Env string
		ECR bool
	}{env, isECR})
}

// containerTemplate installs docker and starts the container's unit.
var containerTemplate = template.Must(template.New("container").Parse(`#!/bin/bash
set -euo pipefail
dnf install -y docker
systemctl enable --now docker.service
cat > /etc/systemd/system/webapp.service <<'UNIT'
{{.Unit}}UNIT
{{.Ready}}systemctl daemon-reload
systemctl enable --now webapp.service
{{- if .Ready}}
systemctl enable webapp-ready.service
systemctl start --no-block webapp-ready.service
{{- end}}
`))

// ContainerUserData renders the boot script that runs image, listening on
// port, published on the instances' app port. A private ECR image is pulled
// after a login with the instance role (InstancePolicy grants the pull).
func ContainerUserData(image string, port, appPort int) (string, error) {
	return containerUserData(image, port, appPort, "", nil)
}

// containerUserData is ContainerUserData, completing hook at every boot
// once healthPath answers on appPort when hook is not nil.
func containerUserData(image string, port, appPort int, healthPath string, hook *LaunchHook) (string, error) {
	unit, err := containerUnit(image, port, appPort)
	if err != nil {
		return "", err
	}
	if err := checkUnit(unit); err != nil {
		return "", err
	}
	ready, err := readySection(hook, appPort, healthPath)
	if err != nil {
		return "", err
	}
	return render(containerTemplate, struct{ Unit, Ready string }{unit, ready})
}

// userData is what the instances of cfg run: the given user data (the
// contents of compute.user_data_file, read by the YAML reader, as it is),
// one container (compute.app), or the demo app; the last two followed by
// the CloudWatch agent's part when agent is not nil.
// With a launch hook (compute.warm_pool), the demo app and the container
// complete it themselves once health_path answers (validation refuses a
// user data file with a warm pool).
func userData(cfg config.Compute, agent *AgentConfig, hook *LaunchHook) (string, error) {
	var ud string
	var err error
	switch {
	case cfg.UserData != "":
		return cfg.UserData, nil
	case cfg.App != nil:
		ud, err = containerUserData(cfg.App.Image, cfg.App.Port, cfg.AppPort, cfg.HealthPath, hook)
	default:
		ud, err = demoUserData(cfg.AppPort, cfg.HealthPath, hook)
	}
	if err != nil || agent == nil {
		return ud, err
	}
	part, err := AgentScript(*agent)
	if err != nil {
		return "", err
	}
	return ud + part, nil
}
