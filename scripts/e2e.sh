#!/usr/bin/env bash
# `make e2e`: deploy every environment for real against a local AWS emulator
# (moto with the shims of internal/e2e/motoshim), through the real cdktf CLI
# path and the real AWS provider, then check, re-plan, drift, scale, update,
# rollback, rollout, destroy; one environment keeps its state in the emulator's S3 with locking.
# First the harness's own tests (broken stacks must fail naming the step).
#
# Environment:
#   ENGINE          terraform (default) or tofu (scripts/engine.sh: tofu on
#                   PATH, else built by scripts/build-tofu.sh); the harness
#                   and the cdktf CLI (TERRAFORM_BINARY_NAME) both run it
#   E2E_ARGS        extra flags for cmd/e2e (e.g. "-env dev -keep")
#   E2E_SKIP_SELFTEST=1  do not run the broken-stack tests first
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'e2e: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source=scripts/engine.sh
source scripts/engine.sh

provider_dir=$(scripts/build-provider.sh) || { log "error: the provider build failed"; exit 1; }
start=$SECONDS
log "engine: $(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$engine" version | head -n 1) ($(command -v "$engine"))"
if [[ ${E2E_SKIP_SELFTEST:-} != 1 ]]; then
  log "harness self-test: broken stacks fail with the step and the error named"
  go test -count=1 -run 'TestBrokenStacks' ./internal/e2e -args -e2e.provider-dir="$provider_dir"
fi
# shellcheck disable=SC2086 # E2E_ARGS is a list of flags
go run ./cmd/e2e -provider-dir "$provider_dir" ${E2E_ARGS:-}
log "done in $((SECONDS - start)) s with $engine"
