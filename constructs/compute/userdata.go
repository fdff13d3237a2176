package compute

import (
	"bytes"
	"text/template"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// userDataTemplate installs and starts a small web app with nothing but the
// python3 that Amazon Linux 2023 ships (no package download needed, so it also
// works without NAT). It answers on the app port with its instance ID and AZ
// in the body and in an X-Instance-Id header (cmd/stress counts those), has a
// health path for the target group, and /burn?ms=N spends up to 1 s of CPU per
// request so a load test can drive the scaling alarms.
var userDataTemplate = template.Must(template.New("userdata").Parse(`#!/bin/bash
set -euo pipefail
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
md() { curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE_ID=$(md instance-id)
AZ=$(md placement/availability-zone)
install -d -m 0755 /opt/webapp
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
cat > /etc/systemd/system/webapp.service <<UNIT
[Unit]
Description=Elastic web tier demo app
After=network-online.target

[Service]
Environment=INSTANCE_ID=$INSTANCE_ID AZ=$AZ APP_PORT={{.AppPort}} HEALTH_PATH={{.HealthPath}}
ExecStart=/usr/bin/python3 /opt/webapp/app.py
DynamicUser=yes
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now webapp.service
`))

// UserData renders the instance bootstrap script for an app port and health path.
func UserData(appPort int, healthPath string) string {
	var b bytes.Buffer
	if err := userDataTemplate.Execute(&b, struct {
		AppPort    int
		HealthPath string
	}{appPort, healthPath}); err != nil {
		panic(err) // the template is fixed and the data are plain values
	}
	return b.String()
}

// containerTemplate runs one container image under systemd with the docker
// package of Amazon Linux 2023, its port published on the app port. The
// image reference passed validation (the distribution grammar: no space,
// quote or shell character).
var containerTemplate = template.Must(template.New("container").Parse(`#!/bin/bash
set -euo pipefail
dnf install -y docker
systemctl enable --now docker.service
cat > /etc/systemd/system/webapp.service <<'UNIT'
[Unit]
Description=Elastic web tier app container {{.Image}}
After=docker.service network-online.target
Requires=docker.service

[Service]
ExecStartPre=-/usr/bin/docker rm -f webapp
ExecStartPre=/usr/bin/docker pull {{.Image}}
ExecStart=/usr/bin/docker run --rm --name webapp -p {{.AppPort}}:{{.Port}} {{.Image}}
ExecStop=/usr/bin/docker stop webapp
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now webapp.service
`))

// ContainerUserData renders the user data that runs image, listening on
// port, published on the instances' app port.
func ContainerUserData(image string, port, appPort int) string {
	var b bytes.Buffer
	if err := containerTemplate.Execute(&b, struct {
		Image         string
		Port, AppPort int
	}{image, port, appPort}); err != nil {
		panic(err) // the template is fixed and the data are plain values
	}
	return b.String()
}

// userData is what the instances of cfg run: the given user data (the
// contents of compute.user_data_file, read by the YAML reader), one
// container (compute.app), or the demo app.
func userData(cfg config.Compute) string {
	switch {
	case cfg.UserData != "":
		return cfg.UserData
	case cfg.App != nil:
		return ContainerUserData(cfg.App.Image, cfg.App.Port, cfg.AppPort)
	}
	return UserData(cfg.AppPort, cfg.HealthPath)
}
