#!/usr/bin/env bash
# Builds the real AWS Terraform provider from source, once, into a cache
# directory outside the repository, and prints that directory on stdout
# (progress goes to stderr). Later runs reuse the binary at once.
#
# The registry cannot be reached here, but the Go module proxy serves the
# provider's source as the Crossplane fork github.com/upbound/terraform-provider-aws
# (the hashicorp/terraform-provider-aws 5.67.0 code base). A first build takes
# about 35 minutes and about 6 GB of memory on 2 cores; with a warm Go build
# cache it takes about 20 s. The binary is about 600 MB.
#
# Environment:
#   ELASTIC_WEB_TIER_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier)
#   PROVIDER_REBUILD=1      build again even when a cached binary exists
#   PROGRESS_SECONDS        seconds between progress lines (default 30)
set -euo pipefail

readonly module=github.com/upbound/terraform-provider-aws
readonly version=v0.0.0-20241019052313-8fed8454b0e3
readonly upstream=5.67.0

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${ELASTIC_WEB_TIER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/elastic-web-tier}
dir=$cache_root/terraform-provider-aws/$version
bin=$dir/terraform-provider-aws

log() { printf 'build-provider: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ready() { [[ -x $bin && -s $dir/endpoints.txt && -f $dir/BUILD-INFO ]]; }

if [[ ${PROVIDER_REBUILD:-} != 1 ]] && ready; then
  log "reusing $bin (hashicorp/aws $upstream code base; PROVIDER_REBUILD=1 builds it again)"
  printf '%s\n' "$dir"
  exit 0
fi

command -v go >/dev/null || die "go not found on PATH: install Go (https://go.dev/dl/) to build the provider"
mkdir -p "$dir"

# One build at a time per cache directory.
exec 9>"$dir/.lock"
if command -v flock >/dev/null; then
  if ! flock -n 9; then
    log "another build holds $dir/.lock; waiting for it"
    flock 9
  fi
  if [[ ${PROVIDER_REBUILD:-} != 1 ]] && ready; then
    log "reusing $bin (built by the run we waited for)"
    printf '%s\n' "$dir"
    exit 0
  fi
fi

export GONOSUMDB=$module${GONOSUMDB:+,$GONOSUMDB}

log "downloading $module@$version through the Go module proxy"
json=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$module@$version") ||
  die "go mod download $module@$version failed:
$json"
moddir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
[[ -n $moddir && -d $moddir ]] || die "go mod download gave no module directory:
$json"

# The module cache is read-only and the build rewrites go.sum, so build in a
# writable copy. With -trimpath the Go build cache keys do not depend on this
# directory's path, so any earlier build of the same source warms this one.
src=$dir/src
rm -rf "$src"
cp -r "$moddir" "$src"
chmod -R u+w "$src"
cd "$src"

log "counting packages to compile"
total=$(go list -mod=mod -deps . | wc -l) || die "go list -deps failed in $src"
mem_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
log "building $total packages with $(go version | awk '{print $3}') on $(nproc 2>/dev/null || echo '?') cores"
log "a first build takes ~35 min and ~6 GB of memory on 2 cores (~20 s when the Go build cache is warm); progress every ${PROGRESS_SECONDS:-30} s"
if ((mem_kb > 0 && mem_kb < 6 * 1024 * 1024)); then
  log "warning: only $((mem_kb / 1024)) MB of memory available; the linker may run out (GOFLAGS=-p=1 uses less)"
fi

buildlog=$dir/build.log
: >"$buildlog"
start=$SECONDS
go build -mod=mod -v -trimpath -ldflags "-s -w" -o "$bin.tmp" . >"$buildlog" 2>&1 &
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

# The endpoint attributes of the provider block, for the offline override.
(cd "$repo" && go run ./cmd/validate -print-endpoints "$src/internal/provider/provider_gen.go") >"$dir/endpoints.txt.tmp" ||
  die "could not read the endpoint list from $src/internal/provider/provider_gen.go"
mv "$dir/endpoints.txt.tmp" "$dir/endpoints.txt"
mv "$bin.tmp" "$bin"
{
  printf 'module %s@%s\n' "$module" "$version"
  printf 'upstream hashicorp/terraform-provider-aws %s\n' "$upstream"
  printf 'built %s with %s in %ss (%s of %s packages compiled)\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(go version)" "$elapsed" "$compiled" "$total"
  printf 'size %s bytes\n' "$(wc -c <"$bin" | tr -d ' ')"
} >"$dir/BUILD-INFO"
# The copy of the source is no longer needed (the Go build cache keeps the
# compiled packages); it is 200 MB.
cd "$dir"
rm -rf "$src"
log "provider ready: $bin ($(du -h "$bin" | cut -f1))"
printf '%s\n' "$dir"
