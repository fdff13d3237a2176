# shellcheck shell=bash
# Sourced by scripts/validate.sh and scripts/e2e.sh: the one place that turns
# the engine choice into the executable they and the cdktf CLI run.
#
#   ENGINE=terraform (default)  terraform on PATH
#   ENGINE=tofu                 tofu on PATH, else OpenTofu built from source
#                               by scripts/build-tofu.sh (cached; its directory
#                               is put first on PATH)
#
# It exports TERRAFORM_BINARY_NAME (what the cdktf CLI reads; terraform or
# tofu) and sets `engine`. Without ENGINE, a TERRAFORM_BINARY_NAME of
# terraform or tofu chooses. The caller defines log and die.

engine=${ENGINE:-${TERRAFORM_BINARY_NAME:-terraform}}
case $engine in
  terraform | tofu) ;;
  *) die "ENGINE=$engine: want terraform or tofu" ;;
esac
if [[ -n ${ENGINE:-} && -n ${TERRAFORM_BINARY_NAME:-} && $TERRAFORM_BINARY_NAME != "$ENGINE" ]]; then
  die "ENGINE=$ENGINE but TERRAFORM_BINARY_NAME=$TERRAFORM_BINARY_NAME: set one of them"
fi
if [[ $engine == tofu ]] && ! command -v tofu >/dev/null; then
  log "tofu not on PATH: using OpenTofu built from source (scripts/build-tofu.sh)"
  tofu_bin=$("$(dirname "${BASH_SOURCE[0]}")/build-tofu.sh") || die "the OpenTofu build failed"
  PATH=$(dirname "$tofu_bin"):$PATH
  export PATH
fi
export TERRAFORM_BINARY_NAME=$engine
