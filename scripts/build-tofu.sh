#!/usr/bin/env bash
# Builds OpenTofu from source, once, into a cache directory outside the
# repository (next to the AWS provider that scripts/build-provider.sh builds),
# and prints the path of the tofu binary on stdout (progress goes to stderr).
# Later runs reuse the binary at once.
#
# The OpenTofu registry and GitHub releases cannot be reached here, but the Go
# module proxy serves github.com/opentofu/opentofu. `go install ...@version`
# refuses it (its go.mod has a replace directive), so the module is downloaded
# and ./cmd/tofu is built inside a writable copy of it. A first build takes
# about 10 minutes on 2 cores; with a warm Go build cache it takes seconds.
#
# Environment:
#   ELASTIC_WEB_TIER_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier)
#   TOFU_REBUILD=1          build again even when a cached binary exists
#   PROGRESS_SECONDS        seconds between progress lines (default 30)
set -euo pipefail

readonly module=github.com/opentofu/opentofu
readonly version=v1.12.6

cache_root=${ELASTIC_WEB_TIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier}
dir=$cache_root/opentofu/$version
bin=$dir/tofu

log() { printf 'build-tofu: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ready() { [[ -x $bin && -f $dir/BUILD-INFO ]]; }

if [[ ${TOFU_REBUILD:-} != 1 ]] && ready; then
  log "reusing $bin (OpenTofu ${version#v}; TOFU_REBUILD=1 builds it again)"
  printf '%s\n' "$bin"
  exit 0
fi

command -v go >/dev/null || die "go not found on PATH: install Go (https://go.dev/dl/) to build OpenTofu"
mkdir -p "$dir"

# One build at a time per cache directory.
exec 9>"$dir/.lock"
if command -v flock >/dev/null; then
  if ! flock -n 9; then
    log "another build holds $dir/.lock; waiting for it"
    flock 9
  fi
  if [[ ${TOFU_REBUILD:-} != 1 ]] && ready; then
    log "reusing $bin (built by the run we waited for)"
    printf '%s\n' "$bin"
    exit 0
  fi
fi

log "downloading $module@$version through the Go module proxy"
json=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$module@$version") ||
  die "go mod download $module@$version failed:
$json"
moddir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
[[ -n $moddir && -d $moddir/cmd/tofu ]] || die "go mod download gave no module directory with cmd/tofu:
$json"

# The module cache is read-only, so build in a writable copy. With -trimpath
# the Go build cache keys do not depend on this directory's path, so any
# earlier build of the same source warms this one.
src=$dir/src
rm -rf "$src"
cp -r "$moddir" "$src"
chmod -R u+w "$src"
cd "$src"

log "counting packages to compile"
total=$(go list -deps ./cmd/tofu | wc -l) || die "go list -deps failed in $src"
log "building $total packages with $(go version | awk '{print $3}') on $(nproc 2>/dev/null || echo '?') cores; progress every ${PROGRESS_SECONDS:-30} s"

buildlog=$dir/build.log
: >"$buildlog"
start=$SECONDS
# version.dev=no: a release build reports "OpenTofu v1.12.6", not "-dev".
go build -v -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$bin.tmp" ./cmd/tofu >"$buildlog" 2>&1 &
pid=$!
# Stop the build if this script is interrupted.
trap 'kill "$pid" 2>/dev/null || true' INT TERM
trap 'kill "$pid" 2>/dev/null || true; rm -f "$bin.tmp"' EXIT
every=${PROGRESS_SECONDS:-30}
last=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  sleep 1
  if ((SECONDS - last >= every)); then
    last=$SECONDS
    done_pkgs=$(grep -c -v '^go: ' "$buildlog" || true)
    elapsed=$((SECONDS - start))
    log "$(printf '%d/%d packages compiled, %dm%02ds elapsed' "$done_pkgs" "$total" $((elapsed / 60)) $((elapsed % 60)))"
  fi
done
status=0
wait "$pid" || status=$?
trap - INT TERM EXIT
elapsed=$((SECONDS - start))
if ((status != 0)); then
  rm -f "$bin.tmp"
  tail -n 40 "$buildlog" >&2
  die "go build failed with status $status after ${elapsed}s (full log: $buildlog)"
fi
compiled=$(grep -c -v '^go: ' "$buildlog" || true)
log "built in ${elapsed}s ($compiled of $total packages compiled, the rest from the Go build cache)"

# No CLI config: a missing one makes tofu print a warning before its version.
got=$(CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$bin.tmp" version 2>&1 | head -n 1)
if [[ $got != "OpenTofu ${version}" ]]; then
  rm -f "$bin.tmp"
  die "the built binary reports \"$got\", want \"OpenTofu ${version}\""
fi
mv "$bin.tmp" "$bin"
{
  printf 'module %s@%s\n' "$module" "$version"
  printf 'built %s with %s in %ss (%s of %s packages compiled)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(go version)" "$elapsed" "$compiled" "$total"
  printf 'size %s bytes\n' "$(wc -c <"$bin" | tr -d ' ')"
} >"$dir/BUILD-INFO"
cd "$dir"
rm -rf "$src"
log "OpenTofu ready: $bin ($(du -h "$bin" | cut -f1))"
printf '%s\n' "$bin"
