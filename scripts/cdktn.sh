#!/usr/bin/env bash
# `make cdktn`: CDK Terrain's CLI (cdktn-cli, pinned in scripts/cdktn/) drives
# this app: `cdktn synth` runs cdktf.json's app like `cdktf synth` does, and
# the two outputs must be byte for byte the same. With CDKTN_E2E=1 it then
# deploys, checks, re-plans and destroys one environment against the local
# AWS emulator with `cdktn deploy` / `cdktn destroy` instead of the cdktf CLI
# (the e2e harness with -cli; ENGINE picks terraform or tofu as for make e2e).
#
# The CLI is installed once (npm ci of scripts/cdktn/package-lock.json) into
# ${ELASTIC_WEB_TIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier}/cdktn-cli/<lock hash>/,
# outside the repository; the app itself keeps the cdktf Go bindings.
#
# Environment:
#   CDKTN_E2E=1        also deploy through cdktn (needs the AWS provider build)
#   CDKTN_E2E_ENV      the environment deployed (default dev)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'cdktn: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# cdktn-cli needs Node >= 22.19: the project's pinned Node comes first.
if [[ -x node_modules/node/bin/node ]]; then
  PATH=$PWD/node_modules/node/bin:$PATH
fi
export CHECKPOINT_DISABLE=1 # no version check or telemetry call

cache_root=${ELASTIC_WEB_TIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier}
lock_hash=$(cat scripts/cdktn/package.json scripts/cdktn/package-lock.json | sha256sum | cut -c1-16)
dir=$cache_root/cdktn-cli/$lock_hash
cli=$dir/node_modules/.bin/cdktn
if [[ ! -x $cli ]]; then
  log "installing cdktn-cli (scripts/cdktn/package-lock.json) into $dir"
  mkdir -p "$dir"
  cp scripts/cdktn/package.json scripts/cdktn/package-lock.json "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die "npm ci of cdktn-cli failed"
fi
log "cdktn-cli $("$cli" --version 2>/dev/null | head -n 1 || true) ($cli), node $(node --version)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cdktn.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
log "cdktn synth"
"$cli" synth --output "$tmp/cdktn.out" >"$tmp/cdktn.log" 2>&1 || { cat "$tmp/cdktn.log" >&2; die "cdktn synth failed"; }
log "cdktf synth"
npx --no-install cdktf synth --output "$tmp/cdktf.out" >"$tmp/cdktf.log" 2>&1 || { cat "$tmp/cdktf.log" >&2; die "cdktf synth failed"; }
if ! diff -r "$tmp/cdktf.out" "$tmp/cdktn.out" >"$tmp/diff.txt"; then
  head -n 40 "$tmp/diff.txt" >&2
  die "cdktn synth and cdktf synth wrote different output"
fi
stacks=$(find "$tmp/cdktn.out/stacks" -mindepth 1 -maxdepth 1 -type d | wc -l)
log "cdktn synth wrote the same $stacks stack(s) as cdktf synth, byte for byte ($((SECONDS - start)) s)"

if [[ ${CDKTN_E2E:-} == 1 ]]; then
  # shellcheck source=scripts/engine.sh
  source scripts/engine.sh
  provider_dir=$(scripts/build-provider.sh) || die "the provider build failed"
  env=${CDKTN_E2E_ENV:-dev}
  log "deploying $env through cdktn with $engine against the AWS emulator"
  go run ./cmd/e2e -provider-dir "$provider_dir" -cli "$cli" -env "$env" -steps re-plan
fi
