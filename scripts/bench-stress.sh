#!/usr/bin/env bash
# Benchmark cmd/stress against wrk, hey and ab on one loopback server.
#
# The tools run interleaved (the order rotates every round) at the same
# number of connections, all with keep-alive, against one benchserver
# (internal/stress/benchserver) on 127.0.0.1. After every run the script
# checks what each tool can count against the server's own count:
#   stress, hey, ab  send exactly N requests: the tool must report N answered
#                    with 200 and the server must have served exactly N;
#                    stress must also credit each of the INSTANCES instance
#                    IDs (the server rotates them) exactly N/INSTANCES;
#   wrk              runs for a duration (it has no request count): no
#                    socket error, no non-2xx answer, and the server served
#                    what wrk counted plus at most C (the requests in flight
#                    when it stopped, which it does not count). wrk counts no
#                    header, so no per-instance check.
# It prints each tool's median requests per second, its median CPU time per
# request (user+sys of the tool's process over the requests it counted: less
# swayed than throughput by other load on the machine), and stress's ratio to
# each peer, as the median of the per-round ratios (each round's runs are
# side by side in time) next to the ratio of the medians.
#
# Usage: scripts/bench-stress.sh                 (N=100000 C=50 ROUNDS=5)
#        N=200000 C=100 ROUNDS=7 scripts/bench-stress.sh
#        TOOLS="stress wrk" scripts/bench-stress.sh
#        BEFORE=<git revision> scripts/bench-stress.sh   (adds cmd/stress as
#          of that revision as the peer "before")
# Settings: N requests per run, C connections (stress -c, wrk -c, hey -c,
# ab -c), ROUNDS (after one unmeasured warm-up run of each tool), INSTANCES,
# WRK_THREADS (default: the number of cores), WRK_DURATION (seconds; default:
# the stress warm-up run's duration rounded up, at least 2), TOOLS.
set -euo pipefail

N=${N:-100000}
C=${C:-50}
ROUNDS=${ROUNDS:-5}
INSTANCES=${INSTANCES:-4}
WRK_THREADS=${WRK_THREADS:-$(nproc)}
TOOLS=${TOOLS:-stress wrk hey ab}
HEY_VERSION=v0.1.5

cd "$(dirname "$0")/.."
if ((N % INSTANCES != 0)); then
  echo "N ($N) must be a multiple of INSTANCES ($INSTANCES)" >&2
  exit 2
fi
if ((ROUNDS < 1 || C < 1 || N < C)); then
  echo "need ROUNDS >= 1 and 1 <= C <= N" >&2
  exit 2
fi
read -r -a tools <<<"$TOOLS"
[[ ${tools[0]:-} == stress ]] || { echo "TOOLS must start with stress (got '$TOOLS')" >&2; exit 2; }
for tool in "${tools[@]}"; do
  case $tool in stress | wrk | hey | ab) ;; *) echo "unknown tool '$tool' in TOOLS" >&2; exit 2 ;; esac
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- tools ------------------------------------------------------------------
echo "building cmd/stress and the bench server..." >&2
go build -o "$work/stress" ./cmd/stress
go build -o "$work/benchserver" ./internal/stress/benchserver
if [[ -n ${BEFORE:-} ]]; then
  rev=$(git rev-parse --short "$BEFORE^{commit}") || { echo "BEFORE=$BEFORE is not a revision" >&2; exit 2; }
  echo "building cmd/stress as of $rev (BEFORE)..." >&2
  mkdir "$work/before-src"
  git archive "$rev" | tar -x -C "$work/before-src"
  (cd "$work/before-src" && go build -o "$work/before" ./cmd/stress)
  tools+=(before)
fi

apt_install() {
  local sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}
hey_bin=
for tool in "${tools[@]}"; do
  case $tool in
    hey)
      hey_bin=$(command -v hey || true)
      if [[ -z $hey_bin ]]; then
        gobin=$(go env GOBIN)
        [[ -n $gobin ]] || gobin="$(go env GOPATH)/bin"
        if [[ ! -x $gobin/hey ]]; then
          echo "installing hey $HEY_VERSION..." >&2
          go install "github.com/rakyll/hey@$HEY_VERSION"
        fi
        hey_bin=$gobin/hey
      fi
      ;;
    ab) command -v ab >/dev/null || { echo "installing ab (apache2-utils)..." >&2; apt_install apache2-utils; } ;;
    wrk) command -v wrk >/dev/null || { echo "installing wrk..." >&2; apt_install wrk; } ;;
  esac
done

# --- server -----------------------------------------------------------------
"$work/benchserver" -addr 127.0.0.1:0 -instances "$INSTANCES" >"$work/addr" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s $work/addr ]] && break
  sleep 0.05
done
addr=$(head -n 1 "$work/addr")
[[ $addr == 127.0.0.1:* ]] || { echo "bench server did not start: $(cat "$work/server.log")" >&2; exit 1; }
url="http://$addr/"
port=${addr##*:}

# served prints the server's request count (bash's /dev/tcp: no curl needed).
served() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET /__count HTTP/1.0\r\nHost: %s\r\n\r\n' "$addr" >&3
  reply=$(cat <&3)
  exec 3<&-
  printf '%s\n' "$reply" | tail -n 1 | tr -d '\r'
}

fail() {
  echo "ACCURACY: $*" >&2
  exit 1
}

# check_stress OUT: the JSON report counted all N, each instance N/INSTANCES.
check_stress() {
  local out=$1 name=$2 per=$((N / INSTANCES)) i
  grep -q "^  \"requests\": $N,$" "$out" || fail "$name: requests != $N"
  grep -q "^  \"succeeded\": $N,$" "$out" || fail "$name: succeeded != $N"
  for ((i = 1; i <= INSTANCES; i++)); do
    grep -q "^    \"i-bench$i\": $per,\?$" "$out" || fail "$name: i-bench$i not credited $per"
  done
}

# run_tool TOOL: one run; prints "REQS_PER_S CPU_US_PER_REQUEST SECONDS"
# after checking the counts.
TIMEFORMAT='%3U %3S %3R'
run_tool() {
  local tool=$1 before after out rps count=$N
  before=$(served)
  out=$work/$tool.out
  case $tool in
    stress | before)
      { time "$work/$tool" -n "$N" -c "$C" --json "$url" >"$out" 2>"$work/$tool.err"; } 2>"$work/time" ||
        fail "$tool exited non-zero: $(cat "$work/$tool.err")"
      rps=$(sed -n 's/^  "rps": \([0-9.]*\),$/\1/p' "$out")
      check_stress "$out" "$tool"
      ;;
    wrk)
      { time wrk -t "$WRK_THREADS" -c "$C" -d "${WRK_DURATION}s" "$url" >"$out" 2>&1; } 2>"$work/time" ||
        fail "wrk exited non-zero: $(tail -n 3 "$out")"
      rps=$(sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$out")
      count=$(sed -n 's/^[[:space:]]*\([0-9]*\) requests in .*/\1/p' "$out")
      [[ -n $count ]] || fail "wrk: no request count in its output"
      ! grep -q 'Socket errors' "$out" || fail "wrk: $(grep 'Socket errors' "$out")"
      ! grep -q 'Non-2xx' "$out" || fail "wrk: $(grep 'Non-2xx' "$out")"
      ;;
    hey)
      { time "$hey_bin" -n "$N" -c "$C" "$url" >"$out" 2>&1; } 2>"$work/time" || fail "hey exited non-zero"
      rps=$(sed -n 's/^ *Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$out")
      grep -Eq "^[[:space:]]*\[200\][[:space:]]+$N responses" "$out" || fail "hey: not $N responses with 200"
      ;;
    ab)
      { time ab -q -k -n "$N" -c "$C" "$url" >"$out" 2>&1; } 2>"$work/time" || fail "ab exited non-zero: $(tail -n 3 "$out")"
      rps=$(sed -n 's/^Requests per second:[[:space:]]*\([0-9.]*\).*/\1/p' "$out")
      grep -Eq "^Complete requests:[[:space:]]+$N$" "$out" || fail "ab: complete requests != $N"
      grep -Eq "^Failed requests:[[:space:]]+0$" "$out" || fail "ab: failed requests"
      ;;
  esac
  after=$(served)
  if [[ $tool == wrk ]]; then
    local extra=$((after - before - count))
    ((extra >= 0 && extra <= C)) || fail "wrk: counted $count, server served $((after - before)) (more than C=$C apart)"
  else
    ((after - before == N)) || fail "$tool: server served $((after - before)), want $N"
  fi
  [[ -n $rps ]] || fail "$tool: no requests/s in its output"
  awk -v n="$count" -v rps="$rps" '{printf "%s %.2f %s\n", rps, ($1 + $2) * 1e6 / n, $3}' "$work/time"
}

median() {
  sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

versions="$(go version | cut -d' ' -f3)"
for tool in "${tools[@]}"; do
  case $tool in
    wrk) versions+="; $({ wrk -v 2>&1 || true; } | head -n 1 | cut -d' ' -f1-2) ($WRK_THREADS threads)" ;;
    hey) versions+="; hey $HEY_VERSION" ;;
    ab) versions+="; $(ab -V | head -n 1 | sed 's/, Version /, /; s/This is //')" ;;
  esac
done
echo "machine: $(nproc) cores, $(uname -m); $versions" >&2

# Warm-up (not counted); the stress run also sets wrk's duration.
for tool in "${tools[@]}"; do
  if [[ $tool == wrk && -z ${WRK_DURATION:-} ]]; then
    WRK_DURATION=$(awk '{d = int($3 + 0.999); print (d < 2) ? 2 : d}' "$work/stress.time")
  fi
  read -r _ _ secs < <(run_tool "$tool")
  [[ $tool == stress ]] && echo "x x $secs" >"$work/stress.time"
done
echo "target: $url  N=$N C=$C keep-alive  rounds=$ROUNDS (+1 warm-up)${WRK_DURATION:+  wrk: ${WRK_DURATION}s per run}" >&2

for ((r = 1; r <= ROUNDS; r++)); do
  line="round $r:"
  k=${#tools[@]}
  for ((i = 0; i < k; i++)); do
    tool=${tools[(r - 1 + i) % k]}
    read -r rps cpu _ < <(run_tool "$tool")
    echo "$rps" >>"$work/$tool.rps"
    echo "$cpu" >>"$work/$tool.cpu"
    echo "$rps" >"$work/$tool.last"
    line+=$(printf '  %s %6.0f/s %5.1fus' "$tool" "$rps" "$cpu")
  done
  for tool in "${tools[@]:1}"; do
    awk -v s="$(cat "$work/stress.last")" -v p="$(cat "$work/$tool.last")" 'BEGIN {printf "%.4f\n", s / p}' >>"$work/$tool.ratio"
  done
  echo "$line" >&2
done

echo
printf '%-8s %12s %16s   %s\n' tool "median req/s" "CPU us/request" "req/s of every round"
for tool in "${tools[@]}"; do
  printf '%-8s %12.0f %16.2f   %s\n' "$tool" "$(median <"$work/$tool.rps")" "$(median <"$work/$tool.cpu")" \
    "$(awk '{printf "%s%.0f", (NR > 1) ? " " : "", $1}' "$work/$tool.rps")"
done
echo
for tool in "${tools[@]:1}"; do
  awk -v peer="$tool" -v pr="$(median <"$work/$tool.ratio")" -v s="$(median <"$work/stress.rps")" -v p="$(median <"$work/$tool.rps")" \
    -v sc="$(median <"$work/stress.cpu")" -v pc="$(median <"$work/$tool.cpu")" \
    'BEGIN {printf "stress/%-6s req/s: %.3f (median of per-round ratios; ratio of medians %.3f)   CPU per request: %.2f\n", peer, pr, s / p, sc / pc}'
done
echo "accuracy: every run of stress, hey and ab counted all $N requests and matched the server's count;"
echo "          stress credited each of the $INSTANCES instances exactly $((N / INSTANCES)) in every run;"
if [[ " ${tools[*]} " == *" wrk "* ]]; then
  echo "          wrk: no socket error or non-2xx answer, and the server served its count plus at most C=$C in flight"
fi
