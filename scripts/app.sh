#!/bin/sh
# The "app" of cdktf.json (what `npx cdktf synth` and `npx cdktf deploy` run):
# the same program as `go run .`, run from a binary in bin/ that is rebuilt
# with `go build` only when a file of the project (other than Markdown and
# docs/, which no build reads) is newer than it. `go run .`
# (and a no-op `go build`) checks the whole build graph on every run, about
# 0.3 s of CPU; this check is a `find` over the project's few hundred files.
# It also sets JSII_NODE and NODE_OPTIONS as the Makefile does, so that the
# app does not re-execute itself to add them (internal/jsiienv).
#
# A file whose modification time is older than the binary's (restored by
# `tar -x`, `cp -p` or `rsync -t`) does not trigger a rebuild: `rm -rf bin`
# forces one. Git sets the current time on every file it writes.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd -P)
bin=bin/elastic-web-tier

stale() {
  [ ! -x "$bin" ] && return 0
  newer=$(find . \( -name .git -o -name node_modules -o -name cdktf.out -o -name .cdktf.out.staging -o -path ./bin -o -path ./docs \) -prune \
    -o -type f ! -name '*.md' -newer "$bin" -print | head -n 1)
  [ -n "$newer" ]
}
if stale; then
  mkdir -p bin
  tmp=$(mktemp "bin/.build.XXXXXX")
  trap 'rm -f "$tmp" "$tmp.new"' EXIT
  # The binary gets the time the build started, so that a file edited while
  # `go build` ran is newer than it and the next run rebuilds.
  go build -o "$tmp.new" .
  touch -r "$tmp" "$tmp.new"
  mv -f "$tmp.new" "$bin"
  rm -f "$tmp"
  trap - EXIT
fi

if [ -z "${JSII_NODE:-}" ] && [ -x node_modules/node/bin/node ]; then
  export JSII_NODE="$root/node_modules/node/bin/node"
fi
case "${NODE_OPTIONS:-}" in
*--no-deprecation*) ;;
*) export NODE_OPTIONS="${NODE_OPTIONS:---max-old-space-size=4069} --no-deprecation" ;;
esac
exec "$bin" "$@"
