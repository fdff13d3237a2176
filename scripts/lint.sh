#!/usr/bin/env bash
# make lint: go vet, staticcheck, gofmt -l, go mod tidy -diff, actionlint, shellcheck.
# Every check runs even when an earlier one fails; the script exits 1 if any
# failed and prints a one-line verdict per check. The tools are installed by
# scripts/install-tools.sh when missing (pinned versions are there).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'lint: %s\n' "$*"; }

STATICCHECK="$(scripts/install-tools.sh staticcheck)"
ACTIONLINT="$(scripts/install-tools.sh actionlint)"
SHELLCHECK="$(scripts/install-tools.sh shellcheck)"
scripts/install-tools.sh jq >/dev/null

# Go packages: `./...` skips directories starting with "_" (and so does
# `./__tests__/...`: it matches nothing), so __tests__ is named as a package;
# `./...` also picks up Go code that npm packages ship inside node_modules/
# (flatted does), which is not ours to lint.
patterns=(./...)
if compgen -G '__tests__/*.go' >/dev/null; then patterns+=(./__tests__); fi
go_list="$(go list "${patterns[@]}")" || { log "go list ${patterns[*]} failed"; exit 1; }
mapfile -t PKGS < <(grep -v /node_modules/ <<<"$go_list")
[[ ${#PKGS[@]} -gt 0 ]] || { log "go list found no Go package"; exit 1; }

# Files to lint: what git tracks plus new files it does not ignore, so that
# node_modules/, cdktf.out/ and other generated trees stay out; a copy
# without .git falls back to find with the same trees pruned.
list_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | xargs -0 -r ls -d 2>/dev/null
  else
    find . \( -name .git -o -name node_modules -o -name cdktf.out -o -name .gen -o -name .terraform \) -prune \
      -o -type f -print | sed 's|^\./||'
  fi
}
mapfile -t FILES < <(list_files | sort -u)

# Shell scripts: *.sh and *.bash, and files without those suffixes whose first
# line is a sh/bash shebang (.ci/run, scripts with no suffix).
SHELL_SCRIPTS=()
for f in "${FILES[@]}"; do
  case "$f" in
    *.sh | *.bash) SHELL_SCRIPTS+=("$f") ;;
    *.go | *.json | *.md | *.yaml | *.yml | *.txt | *.tsv | *.sum | *.mod) ;;
    *) if head -n 1 -- "$f" 2>/dev/null | grep -qE '^#!.*\b(ba)?sh\b'; then SHELL_SCRIPTS+=("$f"); fi ;;
  esac
done
GO_FILES=()
for f in "${FILES[@]}"; do [[ "$f" == *.go ]] && GO_FILES+=("$f"); done
WORKFLOWS=()
for f in "${FILES[@]}"; do [[ "$f" == .github/workflows/*.y*ml ]] && WORKFLOWS+=("$f"); done

failed=()
run() { # name command...: run one check, remember a failure, go on
  local name="$1"
  shift
  log "$name: $*" | cut -c1-200
  if "$@"; then log "$name: ok"; else log "$name: FAILED"; failed+=("$name"); fi
}

gofmt_check() {
  local out
  [[ ${#GO_FILES[@]} -gt 0 ]] || return 0 # gofmt with no file reads stdin
  out="$(gofmt -l "${GO_FILES[@]}")"
  [[ -z "$out" ]] && return 0
  printf 'gofmt: not formatted (run gofmt -w):\n%s\n' "$out"
  return 1
}

# Every action pinned by a full commit SHA with its version in a comment
# ("uses: owner/repo@<40 hex> # vX.Y.Z"); local reusable workflows (./) aside.
pin_check() {
  local bad
  bad="$(grep -nE '^[[:space:]]*(-[[:space:]]*)?uses:' "${WORKFLOWS[@]}" /dev/null |
    grep -vE 'uses:[[:space:]]*\./' |
    grep -vE 'uses:[[:space:]]*[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}[[:space:]]+#[[:space:]]*v[0-9]' || true)"
  [[ -z "$bad" ]] && return 0
  printf 'actions not pinned by full SHA with a "# vX" comment:\n%s\n' "$bad"
  return 1
}

# The IAM policy documents for the pipeline's roles: valid JSON, within IAM's size limit.
JSON_DOCS=()
for f in "${FILES[@]}"; do [[ "$f" == .github/aws/*.json ]] && JSON_DOCS+=("$f"); done
json_check() {
  local f size ok=0
  for f in "${JSON_DOCS[@]}"; do
    jq empty "$f" || { echo "invalid JSON: $f"; ok=1; continue; }
    # IAM counts a managed policy's characters without whitespace: 6,144 at most.
    size="$(jq -c . "$f" | tr -d ' \n' | wc -c)"
    if ((size > 6144)); then echo "$f: $size characters, over IAM's 6,144 for a managed policy"; ok=1; fi
  done
  return "$ok"
}

log "${#PKGS[@]} Go packages, ${#GO_FILES[@]} Go files, ${#SHELL_SCRIPTS[@]} shell scripts, ${#WORKFLOWS[@]} workflows"
run "go vet" go vet "${PKGS[@]}"
run staticcheck "$STATICCHECK" "${PKGS[@]}"
run "gofmt -l" gofmt_check
# go.mod and go.sum exactly as `go mod tidy` writes them (direct requirements
# not marked // indirect, no stale sums); -diff changes nothing, prints the fix.
run "go mod tidy" go mod tidy -diff

# examples/*: each its own Go module, built, vetted and tidy like the
# repository's, and importing only its public packages (Go would let a
# module under this path import internal/ ones).
public_imports() { # dir: fail on a direct import of an internal package
  local bad
  bad="$(go -C "$1" list -test -f '{{range .Imports}}{{$.ImportPath}} imports {{.}}{{"\n"}}{{end}}' ./... |
    grep -E ' imports github\.com/platformstarter/elastic-web-tier/(.*/)?internal(/|$)' || true)"
  [[ -z "$bad" ]] && return 0
  printf '%s imports internal packages; examples use public packages only:\n%s\n' "$1" "$bad"
  return 1
}
staticcheck_in() { (cd "$1" && "$STATICCHECK" ./...); }
# go build of one main package writes its binary: into a scratch directory.
example_bin="$(mktemp -d)"
trap 'rm -rf "$example_bin"' EXIT
for example in examples/*/go.mod; do
  [[ -f $example ]] || continue
  dir="${example%/go.mod}"
  run "$dir: go build" go -C "$dir" build -o "$example_bin/" ./...
  run "$dir: go vet" go -C "$dir" vet ./...
  run "$dir: staticcheck" staticcheck_in "$dir"
  run "$dir: go mod tidy" go -C "$dir" mod tidy -diff
  run "$dir: public imports" public_imports "$dir"
done
if [[ ${#WORKFLOWS[@]} -gt 0 ]]; then
  # actionlint also runs shellcheck over every `run:` block it finds.
  run actionlint "$ACTIONLINT" -shellcheck "$SHELLCHECK" "${WORKFLOWS[@]}"
  run "action pins" pin_check
else
  log "actionlint: no workflows under .github/workflows"
fi
if [[ ${#JSON_DOCS[@]} -gt 0 ]]; then run "IAM policy JSON" json_check; fi
if [[ ${#SHELL_SCRIPTS[@]} -gt 0 ]]; then
  # -x follows `source`d files; severity stays at the default (style).
  run shellcheck "$SHELLCHECK" -x "${SHELL_SCRIPTS[@]}"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
  log "FAILED: ${failed[*]}"
  exit 1
fi
log "all checks passed (go vet, staticcheck, gofmt, go mod tidy, actionlint, action pins, IAM policy JSON, shellcheck)"
