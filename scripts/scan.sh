#!/usr/bin/env bash
# make scan: KICS (Checkmarx, pinned in scripts/install-tools.sh) over every
# synthesized stack, cdktf.out/stacks/<env>/cdk.tf.json, offline.
#
# Fails (exit 1) on any CRITICAL, HIGH or MEDIUM finding that .kics/exclusions.txt
# does not exclude, and (exit 2) when KICS could not scan or parse every stack.
# Prints a per-environment, per-severity table; writes into $KICS_REPORT_DIR:
#   results.json   KICS's own report      findings.tsv  one line a finding
#   summary.md     the table, as Markdown kics.log      KICS's log
#
# Environment: STACKS_DIR (default cdktf.out/stacks), KICS_EXCLUSIONS (default
# .kics/exclusions.txt), KICS_REPORT_DIR (default cdktf.out/kics).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

STACKS_DIR="${STACKS_DIR:-cdktf.out/stacks}"
EXCLUSIONS="${KICS_EXCLUSIONS:-.kics/exclusions.txt}"
REPORT_DIR="${KICS_REPORT_DIR:-cdktf.out/kics}"
SEVERITIES=(CRITICAL HIGH MEDIUM LOW INFO)
FAIL_ON='["CRITICAL","HIGH","MEDIUM"]'

log() { printf 'scan: %s\n' "$*"; }
die() { printf 'scan: error: %s\n' "$*" >&2; exit "${2:-1}"; }

# --- tools -------------------------------------------------------------------
JQ="$(scripts/install-tools.sh jq)"
KICS="$(scripts/install-tools.sh kics)"
KICS_VERSION="$(go version -m "$KICS" | awk '$1 == "mod" { print $3; exit }')"
# The queries and libraries ship in the KICS module itself; `go mod download`
# is a no-op when the module cache already has it (go install put it there).
# Run outside the module so that a go.mod being edited cannot get in the way.
ASSETS="$(cd "${TMPDIR:-/tmp}" && GOFLAGS='' go mod download -json "github.com/Checkmarx/kics/v2@$KICS_VERSION" |
  "$JQ" -r .Dir)/assets"
[[ -d "$ASSETS/queries" && -d "$ASSETS/libraries" ]] || die "no KICS queries under $ASSETS"

# --- stacks ------------------------------------------------------------------
# dev, stage, prod in promotion order first, then any other stack by name.
mapfile -t STACK_FILES < <(find "$STACKS_DIR" -mindepth 2 -maxdepth 2 -name cdk.tf.json 2>/dev/null |
  awk -F/ '{ e = $(NF - 1); r = (e == "dev") ? 0 : (e == "stage") ? 1 : (e == "prod") ? 2 : 3; print r "\t" e "\t" $0 }' |
  sort -t$'\t' -k1,1n -k2,2 | cut -f3)
[[ ${#STACK_FILES[@]} -gt 0 ]] || die "no stacks in $STACKS_DIR/*/cdk.tf.json: run 'make synth' first" 2
ENVS=()
for f in "${STACK_FILES[@]}"; do ENVS+=("$(basename "$(dirname "$f")")"); done

mkdir -p "$REPORT_DIR"
rm -f "$REPORT_DIR"/{results.json,findings.tsv,summary.md,kics.log,exclusions.json}

# --- exclusions: QUERY-ID ENVIRONMENTS RESOURCES REASON, validated -----------
# Every Terraform query id that this KICS version knows, to catch typos.
known_ids="$(find "$ASSETS/queries/terraform" "$ASSETS/queries/common" -name metadata.json -print0 2>/dev/null |
  xargs -0 "$JQ" -r '.id // empty' | sort -u)"
excl_json='[]'
bad=0
if [[ -f "$EXCLUSIONS" ]]; then
  lineno=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    lineno=$((lineno + 1))
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    read -r id envs resources reason <<<"$line"
    where="$EXCLUSIONS:$lineno"
    if [[ ! "$id" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]; then
      printf 'scan: %s: not a query id: %s\n' "$where" "$id" >&2; bad=1; continue
    fi
    if ! grep -qxF "$id" <<<"$known_ids"; then
      printf 'scan: %s: KICS %s has no Terraform query %s\n' "$where" "$KICS_VERSION" "$id" >&2; bad=1
    fi
    if [[ -z "${resources:-}" || ( "$resources" != '*' && "$resources" != *.* ) ]]; then
      printf 'scan: %s: resources must be * or TYPE.NAME globs (comma-separated): %s\n' "$where" "${resources:-}" >&2; bad=1
    fi
    if [[ -z "${reason:-}" ]]; then
      printf 'scan: %s: exclusion of %s has no reason\n' "$where" "$id" >&2; bad=1
    fi
    if [[ "${envs:-}" != '*' ]]; then
      IFS=, read -r -a list <<<"${envs:-}"
      [[ ${#list[@]} -gt 0 ]] || { printf 'scan: %s: no environments\n' "$where" >&2; bad=1; }
      for e in "${list[@]}"; do
        if [[ " ${ENVS[*]} " != *" $e "* ]]; then
          printf 'scan: %s: warning: environment %s has no stack here (stacks: %s)\n' "$where" "$e" "${ENVS[*]}" >&2
        fi
      done
    fi
    # RESOURCES globs become anchored regexes matched against "type.name".
    # shellcheck disable=SC2016 # $id, $envs, ... are jq variables, not the shell's
    excl_json="$("$JQ" -c --arg id "$id" --arg envs "${envs:-}" --arg res "${resources:-}" \
      --arg reason "${reason:-}" --arg where "$where" '
      . + [{id: $id, envs: ($envs | split(",")), reason: $reason, where: $where,
            resources: ($res | split(",") | map("^" + (gsub("(?<c>[.+^$()|\\[\\]{}\\\\])"; "\\\(.c)")
                                                  | gsub("\\*"; ".*") | gsub("\\?"; ".")) + "$"))}]' <<<"$excl_json")"
  done <"$EXCLUSIONS"
fi
[[ $bad == 0 ]] || die "fix $EXCLUSIONS" 2
printf '%s\n' "$excl_json" >"$REPORT_DIR/exclusions.json"

# --- scan ----------------------------------------------------------------------
log "KICS $KICS_VERSION over ${#STACK_FILES[@]} stacks (${ENVS[*]}): $(IFS=,; echo "${STACK_FILES[*]}")"
log "queries: $ASSETS/queries (terraform, aws + common); exclusions: $EXCLUSIONS ($("$JQ" length <<<"$excl_json"))"
# Offline: a `go install`ed KICS reports its version as "development" and so
# skips its latest-release check; DISABLE_CRASH_REPORT=0 turns off the crash
# reporter (KICS reads "0"/"false" here as "do not report"). Only the stack
# files are passed, so state files or .terraform/ left by cdktf are not scanned.
# --ignore-on-exit results: KICS exits non-zero only for engine errors; the
# findings are judged below against the exclusions.
rc=0
DISABLE_CRASH_REPORT=0 nice "$KICS" scan \
  --path "$(IFS=,; echo "${STACK_FILES[*]}")" \
  --type terraform --cloud-provider aws \
  --queries-path "$ASSETS/queries" --libraries-path "$ASSETS/libraries" \
  --exclude-gitignore --no-progress --no-color --ci \
  --output-path "$REPORT_DIR" --output-name results --report-formats json \
  --ignore-on-exit results >"$REPORT_DIR/kics.log" 2>&1 || rc=$?
if [[ $rc != 0 || ! -s "$REPORT_DIR/results.json" ]]; then
  tail -n 40 "$REPORT_DIR/kics.log" >&2
  die "KICS failed (exit $rc); log: $REPORT_DIR/kics.log" 2
fi
R="$REPORT_DIR/results.json"
read -r scanned parsed failed qtotal qfailed < <("$JQ" -r \
  '[.files_scanned, .files_parsed, .files_failed_to_scan, .queries_total, .queries_failed_to_execute] | @tsv' "$R")
log "files scanned $scanned, parsed $parsed, failed $failed; queries run $qtotal, failed $qfailed"
if [[ $scanned != "${#STACK_FILES[@]}" || $parsed != "${#STACK_FILES[@]}" || $failed != 0 || $qtotal == 0 || $qfailed != 0 ]]; then
  die "KICS did not scan every stack with every query (see $REPORT_DIR/kics.log)" 2
fi

# --- findings: one line each, excluded or not ----------------------------------
# env  severity  query_id  query_name  resource  search_key  excluded-by (or -)
# shellcheck disable=SC2016 # $q, $env, $ex, $hit are jq variables, not the shell's
"$JQ" -r --slurpfile ex "$REPORT_DIR/exclusions.json" '
  .queries[] as $q | $q.files[] |
  (.file_name | split("/") | .[-2]) as $env |
  "\(.resource_type).\(.resource_name)" as $res |
  ([$ex[0][] | select(.id == $q.query_id and (.envs == ["*"] or (.envs | index($env)))
                      and any(.resources[]; . as $re | $res | test($re)))][0]) as $hit |
  [$env, $q.severity, $q.query_id, $q.query_name,
   $res, .search_key, (if $hit then $hit.where else "-" end)] | @tsv' \
  "$R" | sort -t$'\t' -k1,1 -k2,2 -k4,4 >"$REPORT_DIR/findings.tsv"

# --- table ---------------------------------------------------------------------
count() { # env severity excluded(0|1)
  awk -F'\t' -v e="$1" -v s="$2" -v x="$3" \
    '$1 == e && (s == "" || $2 == s) && (($7 != "-") == x) { n++ } END { print n + 0 }' "$REPORT_DIR/findings.tsv"
}
{
  printf '| environment |'; printf ' %s |' "${SEVERITIES[@]}"; printf ' excluded |\n'
  printf '|---|'; printf -- '---:|%.0s' "${SEVERITIES[@]}"; printf -- '---:|\n'
  for e in "${ENVS[@]}"; do
    printf '| %s |' "$e"
    for s in "${SEVERITIES[@]}"; do printf ' %s |' "$(count "$e" "$s" 0)"; done
    printf ' %s |\n' "$(count "$e" "" 1)"
  done
} >"$REPORT_DIR/summary.md"
echo
printf '%-12s' environment; printf ' %8s' "${SEVERITIES[@]}" excluded; echo
for e in "${ENVS[@]}"; do
  printf '%-12s' "$e"
  for s in "${SEVERITIES[@]}"; do printf ' %8s' "$(count "$e" "$s" 0)"; done
  printf ' %8s\n' "$(count "$e" "" 1)"
done
echo "(severity columns: findings not excluded; excluded: findings of any severity excluded by $EXCLUSIONS)"
echo

# --- verdict -------------------------------------------------------------------
mapfile -t failing < <(awk -F'\t' -v f="$FAIL_ON" 'index(f, "\"" $2 "\"") && $7 == "-"' "$REPORT_DIR/findings.tsv")
mapfile -t excluded < <(awk -F'\t' '$7 != "-"' "$REPORT_DIR/findings.tsv")
if [[ ${#excluded[@]} -gt 0 ]]; then
  log "excluded findings (${#excluded[@]}):"
  printf '%s\n' "${excluded[@]}" | awk -F'\t' '{ printf "  %-6s %-8s %s  %s  %s  [%s]\n", $1, $2, $3, $4, $5, $7 }'
fi
# An exclusion that matched nothing is stale: say so, so that it gets removed.
while IFS=$'\t' read -r id where; do
  if ! awk -F'\t' -v w="$where" '$7 == w { found = 1 } END { exit !found }' "$REPORT_DIR/findings.tsv"; then
    log "warning: $where: exclusion of $id matched no finding in these stacks; remove it once no configuration can produce one"
  fi
done < <("$JQ" -r '.[] | [.id, .where] | @tsv' "$REPORT_DIR/exclusions.json")

if [[ ${#failing[@]} -gt 0 ]]; then
  log "FAIL: ${#failing[@]} CRITICAL/HIGH/MEDIUM findings not excluded:"
  printf '%s\n' "${failing[@]}" | awk -F'\t' '{ printf "  %-6s %-8s %s  %s\n         %s  (%s)\n", $1, $2, $3, $4, $5, $6 }'
  log "fix the construct, or exclude the query in $EXCLUSIONS with the reason it does not apply"
  exit 1
fi
log "PASS: no CRITICAL, HIGH or MEDIUM finding in ${ENVS[*]} (reports in $REPORT_DIR)"
