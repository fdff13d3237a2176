#!/usr/bin/env bash
# `make test`: every test, saying what it does while it does it. A first run on
# a fresh machine compiles the AWS provider's Go bindings for minutes; go test
# is silent while it builds, so the packages are compiled first by go build -v,
# which names each package it compiles (none when the build cache is warm),
# and this script prints a count every 25 packages.
#
# Usage: scripts/test.sh PACKAGE... (make test passes every package of the
# module and ./__tests__), then each Go module under examples/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'test: %s\n' "$*" >&2; }
(($# > 0)) || { log "error: no packages given"; exit 2; }

# Every package the tests need, standard library included (go build -v names
# those it compiles too); test variants and test mains are left to go test.
mapfile -t all < <(go list -deps -test -f '{{if or .GoFiles .CgoFiles}}{{if .Standard}}std {{end}}{{.ImportPath}}{{end}}' "$@" | grep -v -e ' \[' -e '\.test$')
deps=()
for p in "${all[@]}"; do [[ $p == std\ * ]] || deps+=("$p"); done
log "compiling up to ${#all[@]} packages (a first run compiles them all, the AWS provider's bindings for several minutes; then only what changed)"
start=$SECONDS
go build -v "${deps[@]}" 2>&1 | awk -v total="${#all[@]}" '
  /^#/ || / / { print; next }      # compiler messages (not a package path): show them
  { n++; if (n % 25 == 0) printf "test: compiled %d of at most %d packages\n", n, total > "/dev/stderr" }
  END { if (n > 0) printf "test: compiled %d packages\n", n > "/dev/stderr" }'
log "compiled in $((SECONDS - start)) s; running the tests ($# packages; __tests__ and each example start one jsii kernel, 1-2 min each)"
go test "$@"
for mod in examples/*/go.mod; do
  x=${mod%/go.mod}
  log "go -C $x test ./..."
  go -C "$x" test ./...
done
