#!/usr/bin/env bash
# `make validate`: `terraform validate` and a plan of every synthesized stack
# (cdktf.out/stacks/*/cdk.tf.json) with the real AWS provider, offline; then
# the tests that break copies of a stack and expect the provider to say so.
#
# Each stack is checked in a scratch copy, with
#   - a CLI config of its own (TF_CLI_CONFIG_FILE) whose dev_overrides point
#     hashicorp/aws at the provider scripts/build-provider.sh builds (its
#     5.67.0 code base is used whatever version the stack pins),
#   - an override file giving the provider fake credentials, no start-up
#     calls and every service endpoint on an unused loopback port,
#   - a `terraform test` file answering data sources with plausible values
#     (override_data) and running a plan with refresh off,
# all inside a network namespace with no interfaces when `unshare -n` works.
#
# Environment:
#   ENGINE                   terraform (default) or tofu (scripts/engine.sh:
#                            tofu on PATH, else built by scripts/build-tofu.sh)
#   CDKTF_OUTDIR             synthesized output (default cdktf.out)
#   VALIDATE_ISOLATE         auto (default), require or off
#   VALIDATE_KEEP=1          keep the scratch copies (their path is printed)
#   VALIDATE_MARKDOWN=FILE   also write the per-stack table to FILE
#   VALIDATE_SKIP_BREAKAGE=1 do not run the breakage tests (they run by default)
#   VALIDATE_SKIP_EXAMPLES=1 do not plan the examples (examples/*, by default they are)
#   VALIDATE_SKIP_FIXTURES=1 do not plan the test fixtures (they run by default):
#                            each __tests__/testdata/*.yaml and
#                            __tests__/testdata/*/environments.yaml file is
#                            synthesized into a scratch outdir and planned the same way
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'validate: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# shellcheck source=scripts/engine.sh
source scripts/engine.sh
tf=$engine
outdir=${CDKTF_OUTDIR:-cdktf.out}

if ! command -v "$tf" >/dev/null; then
  die "$tf not found on PATH. Install Terraform >= 1.7 (https://developer.hashicorp.com/terraform/install;
on Debian/Ubuntu: HashiCorp's apt repository, package terraform), or use OpenTofu with ENGINE=tofu
(built from source by scripts/build-tofu.sh when tofu is not on PATH)."
fi
tf_version=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tf" version 2>&1) || die "\`$tf version\` failed: $tf_version"
tf_version=${tf_version%%$'\n'*}
log "using $(command -v "$tf"): $tf_version"
# `terraform test` answers data sources with override_data from Terraform
# 1.7 and OpenTofu 1.8 on.
if [[ $tf_version =~ v([0-9]+)\.([0-9]+) ]]; then
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  need=7
  [[ $tf_version == OpenTofu* ]] && need=8
  if ((major < 1 || (major == 1 && minor < need))); then
    die "$tf_version is too old: override_data in \`$tf test\` needs 1.$need or later"
  fi
fi

shopt -s nullglob
stacks=("$outdir"/stacks/*/cdk.tf.json)
shopt -u nullglob
((${#stacks[@]} > 0)) || die "no synthesized stacks under $outdir/stacks: run \`make synth\` first"

provider_dir=$(scripts/build-provider.sh) || die "the provider build failed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/validate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/validate" ./cmd/validate

args=(-provider-dir "$provider_dir" -outdir "$outdir" -terraform "$tf" -isolate "${VALIDATE_ISOLATE:-auto}")
[[ ${VALIDATE_KEEP:-} == 1 ]] && args+=(-keep)
[[ -n ${VALIDATE_MARKDOWN:-} ]] && args+=(-markdown "$VALIDATE_MARKDOWN")

status=0
log "validating and planning ${#stacks[@]} stack(s) offline"
"$tmp/validate" "${args[@]}" || status=$?

# The fixtures hold what the committed environments cannot (a custom domain
# needs a hosted zone; spot, a custom app, the drain hook): synthesized here, their data sources (the zone too)
# answered offline like the committed stacks'.
if [[ ${VALIDATE_SKIP_FIXTURES:-} == 1 ]]; then
  log "VALIDATE_SKIP_FIXTURES=1: fixtures NOT planned"
else
  for fixture in __tests__/testdata/*.yaml __tests__/testdata/*/environments.yaml; do
    [[ -f $fixture ]] || continue
    name=$(basename "$fixture" .yaml)
    [[ $name == environments ]] && name=$(basename "$(dirname "$fixture")")
    fixture_out="$tmp/fixture-$name"
    log "fixture $fixture: synthesizing into a scratch outdir"
    if ! ENVIRONMENTS_FILE=$fixture CDKTF_OUTDIR=$fixture_out go run . >"$tmp/fixture-$name.log" 2>&1; then
      cat "$tmp/fixture-$name.log" >&2
      log "fixture $fixture: synth failed"
      status=1
      continue
    fi
    fixture_args=(-provider-dir "$provider_dir" -outdir "$fixture_out" -terraform "$tf" -isolate "${VALIDATE_ISOLATE:-auto}")
    [[ ${VALIDATE_KEEP:-} == 1 ]] && fixture_args+=(-keep)
    log "fixture $fixture: validating and planning offline"
    "$tmp/validate" "${fixture_args[@]}" || status=$?
  done
fi

# The examples (examples/*, each its own Go module), synthesized with
# `go run .` into a scratch outdir and planned the same way.
if [[ ${VALIDATE_SKIP_EXAMPLES:-} == 1 ]]; then
  log "VALIDATE_SKIP_EXAMPLES=1: examples NOT planned"
else
  for example in examples/*/go.mod; do
    [[ -f $example ]] || continue
    dir=${example%/go.mod}
    name=$(basename "$dir")
    example_out="$tmp/example-$name"
    log "example $dir: synthesizing into a scratch outdir"
    if ! (cd "$dir" && CDKTF_OUTDIR=$example_out go run .) >"$tmp/example-$name.log" 2>&1; then
      cat "$tmp/example-$name.log" >&2
      log "example $dir: synth failed"
      status=1
      continue
    fi
    example_args=(-provider-dir "$provider_dir" -outdir "$example_out" -terraform "$tf" -isolate "${VALIDATE_ISOLATE:-auto}")
    [[ ${VALIDATE_KEEP:-} == 1 ]] && example_args+=(-keep)
    log "example $dir: validating and planning offline"
    "$tmp/validate" "${example_args[@]}" || status=$?
  done
fi

if [[ ${VALIDATE_SKIP_BREAKAGE:-} == 1 ]]; then
  log "VALIDATE_SKIP_BREAKAGE=1: breakage tests NOT run"
else
  log "breakage tests: break copies of the stacks and expect validate or plan to reject them"
  TFVALIDATE_REQUIRE=1 \
    TFVALIDATE_PROVIDER_DIR=$provider_dir \
    TFVALIDATE_OUTDIR=$(cd "$outdir" && pwd) \
    TFVALIDATE_ISOLATE=${VALIDATE_ISOLATE:-auto} \
    TERRAFORM_BINARY_NAME=$tf \
    go test -tags tfvalidate -count=1 -v -run 'TestOffline' ./internal/tfvalidate/ || status=1
fi

if ((status != 0)); then
  log "FAILED"
  exit "$status"
fi
log "every stack validates and plans offline with the real provider"
