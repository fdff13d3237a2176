#!/usr/bin/env bash
# Install the project's lint and scan tools when they are missing, at pinned
# versions, and print where each one is. Idempotent: a tool already present at
# the pinned version is left alone. Used by scripts/lint.sh, scripts/scan.sh
# and the GitHub workflows; run it by hand as `scripts/install-tools.sh all`.
#
#   scripts/install-tools.sh TOOL...   TOOL: kics staticcheck actionlint shellcheck jq all
#
# Go tools go to $(go env GOPATH)/bin (outside the repository; CI keeps it).
# Why these versions:
#   kics        v2.2.0   issue 5 pins it; built from source with `go install`
#                        (it reports itself as "development", which also turns
#                        off its online latest-version check).
#   staticcheck v0.8.2   newest release fetched from the module proxy here; it
#                        needs go >= 1.26.0, so it understands this module.
#   actionlint  v1.7.12  issue 11 pins it.
#   jq and the shell linter: Debian/Ubuntu packages (apt), any current version.
set -euo pipefail

KICS_VERSION="${KICS_VERSION:-v2.2.0}"
STATICCHECK_VERSION="${STATICCHECK_VERSION:-v0.8.2}"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"

GOBIN_DIR="$(go env GOPATH)/bin"

log() { printf 'install-tools: %s\n' "$*" >&2; }

# go_tool_version BIN MODULE: the version of MODULE that BIN was built from,
# read from the build info Go embeds in every binary; empty when BIN is absent.
go_tool_version() {
  local bin="$1" module="$2"
  [[ -x "$bin" ]] || return 0
  go version -m "$bin" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }'
}

# go_tool NAME MODULE PACKAGE VERSION: make $GOBIN_DIR/NAME the build of
# PACKAGE@VERSION, installing it when missing or at another version.
go_tool() {
  local name="$1" module="$2" package="$3" version="$4"
  local bin="$GOBIN_DIR/$name" have
  have="$(go_tool_version "$bin" "$module")"
  if [[ "$have" != "$version" ]]; then
    log "installing $package@$version (found: ${have:-none}) into $GOBIN_DIR"
    # GOFLAGS from the caller (e.g. -mod=vendor) must not leak into a tool build.
    GOFLAGS=-buildvcs=false go install "$package@$version"
  fi
  printf '%s\n' "$bin"
}

# apt_tool NAME PACKAGE: install a Debian/Ubuntu package when NAME is not on PATH.
apt_tool() {
  local name="$1" package="$2" sudo=()
  if ! command -v "$name" >/dev/null 2>&1; then
    if [[ "$(id -u)" != 0 ]]; then
      command -v sudo >/dev/null 2>&1 || { log "need root or sudo to apt-get install $package"; exit 1; }
      sudo=(sudo)
    fi
    log "installing $package with apt-get"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$package" >/dev/null
  fi
  command -v "$name"
}

install_one() {
  case "$1" in
    kics) go_tool console github.com/Checkmarx/kics/v2 github.com/Checkmarx/kics/v2/cmd/console "$KICS_VERSION" ;;
    staticcheck) go_tool staticcheck honnef.co/go/tools honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION" ;;
    actionlint) go_tool actionlint github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
    shellcheck) apt_tool shellcheck shellcheck ;;
    jq) apt_tool jq jq ;;
    *) log "unknown tool: $1 (known: kics staticcheck actionlint shellcheck jq all)"; exit 2 ;;
  esac
}

main() {
  [[ $# -gt 0 ]] || { log "usage: $0 TOOL... (kics staticcheck actionlint shellcheck jq all)"; exit 2; }
  local arg tool
  for arg in "$@"; do
    if [[ "$arg" == all ]]; then
      for tool in jq shellcheck actionlint staticcheck kics; do install_one "$tool"; done
    else
      install_one "$arg"
    fi
  done
}

main "$@"
