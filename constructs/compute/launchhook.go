package compute

import (
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
	"github.com/platformstarter/elastic-web-tier/internal/policydoc"
)

// LaunchHook is the group's launch lifecycle hook (with compute.warm_pool):
// an instance waits in Pending:Wait (or Warmed:Pending:Wait on its way into
// the pool) until it completes the hook itself, once its app answers 200 on
// the health path, and is abandoned when Timeout passes first.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pool-instance-lifecycle.html
type LaunchHook struct {
	// Name of the hook and GroupName of its group.
	Name, GroupName string
	// Timeout is the heartbeat timeout in seconds (compute.warm_pool.hook_timeout_seconds).
	Timeout int
}

// LaunchHookTransition is the transition the hook holds.
const LaunchHookTransition = "autoscaling:EC2_INSTANCE_LAUNCHING"

// CompleteLifecycleAction is the one action the instance role gets for the
// hook, on its own group's ARN only.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html
const CompleteLifecycleAction = "autoscaling:CompleteLifecycleAction"

// groupARN is the ARN of the group named name in region and account, with
// the group's ID (unknown before it exists) as the wildcard AWS's ARN format
// for autoScalingGroup resources allows.
// https://docs.aws.amazon.com/autoscaling/ec2/userguide/control-access-using-iam.html
func groupARN(region, account, name string) string {
	return "arn:" + config.Partition + ":autoscaling:" + region + ":" + account + ":autoScalingGroup:*:autoScalingGroupName/" + name
}

// hookStatement lets the instances complete the lifecycle actions of the
// group named groupName in region and account, and of no other group.
func hookStatement(region, account, groupName string) policydoc.Statement {
	st := policydoc.Allow([]string{CompleteLifecycleAction}, groupARN(region, account, groupName))
	st.Sid = "CompleteOwnLaunchHook"
	return st
}

// readyScript is fixed text: it reads its settings from the environment the
// unit gives it (quoted by unitEnv), uses each as one quoted word, and takes
// the instance ID and region from the instance metadata after checking their
// format. It waits (at most HOOK_TIMEOUT seconds) for the app to answer on
// the health path, then completes the launch hook. On an instance that is
// not waiting in the hook (a reboot in service) AWS refuses the call and the
// unit fails, which changes nothing.
const readyScript = `#!/bin/bash
set -uo pipefail
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
md() { curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"; }
INSTANCE_ID=$(md instance-id)
REGION=$(md placement/region)
[[ $INSTANCE_ID =~ ^i-[0-9a-f]{8,17}$ ]] || { echo "unexpected instance ID from the instance metadata" >&2; exit 1; }
[[ $REGION =~ ^[a-z0-9-]{1,32}$ ]] || { echo "unexpected region from the instance metadata" >&2; exit 1; }
deadline=$((SECONDS + HOOK_TIMEOUT))
until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:${APP_PORT}${HEALTH_PATH}"; do
  if (( SECONDS >= deadline )); then
    echo "the app did not answer on its health path in ${HOOK_TIMEOUT} s; the hook times out and abandons the instance" >&2
    exit 1
  fi
  sleep 5
done
exec aws autoscaling complete-lifecycle-action --region "$REGION" \
  --auto-scaling-group-name "$GROUP_NAME" --lifecycle-hook-name "$HOOK_NAME" \
  --instance-id "$INSTANCE_ID" --lifecycle-action-result CONTINUE
`

// readyDelimiter ends the heredoc that writes readyScript.
const readyDelimiter = "SCRIPT"

// readyUnitTemplate runs readyScript at every boot, after the app's unit.
var readyUnitTemplate = template.Must(template.New("ready-unit").Parse(`[Unit]
Description=Complete the launch lifecycle hook once the app answers its health path
After=webapp.service network-online.target
Wants=network-online.target

[Service]
Type=oneshot
{{.Env}}
ExecStart=/usr/local/libexec/webapp-ready

[Install]
WantedBy=multi-user.target
`))

// readySectionTemplate writes the script and its unit (both heredocs quoted).
var readySectionTemplate = template.Must(template.New("ready").Parse(`install -d -m 0755 /usr/local/libexec
cat > /usr/local/libexec/webapp-ready <<'SCRIPT'
{{.Script}}SCRIPT
chmod 0755 /usr/local/libexec/webapp-ready
cat > /etc/systemd/system/webapp-ready.service <<'UNIT'
{{.Unit}}UNIT
`))

// readySection is the part of the user data that completes hook at every
// boot once healthPath answers on appPort; "" without a hook.
func readySection(hook *LaunchHook, appPort int, healthPath string) (string, error) {
	if hook == nil {
		return "", nil
	}
	env, err := unitEnvs("APP_PORT", strconv.Itoa(appPort), "HEALTH_PATH", healthPath,
		"GROUP_NAME", hook.GroupName, "HOOK_NAME", hook.Name, "HOOK_TIMEOUT", strconv.Itoa(hook.Timeout))
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(readyScript, "\n") {
		if l == readyDelimiter {
			return "", fmt.Errorf("a line of the readiness script is the heredoc delimiter %s", readyDelimiter)
		}
	}
	unit, err := render(readyUnitTemplate, struct{ Env string }{env})
	if err != nil {
		return "", err
	}
	if err := checkUnit(unit); err != nil {
		return "", err
	}
	return render(readySectionTemplate, struct{ Script, Unit string }{readyScript, unit})
}
