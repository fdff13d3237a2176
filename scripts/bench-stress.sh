#!/usr/bin/env bash
# Benchmark cmd/stress against hey and ab on one loopback server.
#
# The three tools run interleaved (stress hey ab, stress hey ab, ...) at the
# same concurrency and request count, all with keep-alive, against one
# benchserver (internal/stress/benchserver) on 127.0.0.1. After every run the
# script checks that the tool counted every request and that the server
# served exactly that many; for stress it also checks the per-instance split
# (the server rotates its instance IDs, so each gets N/instances exactly).
# It prints each tool's median requests per second and the ratio stress/hey,
# and each tool's CPU time per request (user+sys of the tool's process: less
# swayed than throughput by other load on the machine).
#
# Usage: scripts/bench-stress.sh            (N=20000 C=20 ROUNDS=5)
#        N=50000 C=50 ROUNDS=7 scripts/bench-stress.sh
set -euo pipefail

N=${N:-20000}
C=${C:-20}
ROUNDS=${ROUNDS:-5}
INSTANCES=${INSTANCES:-4}
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

if ! command -v ab >/dev/null; then
  echo "installing ab (apache2-utils)..." >&2
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq apache2-utils >/dev/null
fi

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

# run_tool TOOL: one run; prints "REQS_PER_S CPU_US_PER_REQUEST" after
# checking the counts.
TIMEFORMAT='%3U %3S'
run_tool() {
  local tool=$1 before after out rps cpu
  before=$(served)
  out=$work/$tool.out
  case $tool in
    stress)
      { time "$work/stress" -n "$N" -c "$C" --json "$url" >"$out" 2>"$work/stress.err"; } 2>"$work/time" ||
        fail "stress exited non-zero: $(cat "$work/stress.err")"
      rps=$(sed -n 's/^  "rps": \([0-9.]*\),$/\1/p' "$out")
      grep -q "^  \"requests\": $N,$" "$out" || fail "stress: requests != $N"
      grep -q "^  \"succeeded\": $N,$" "$out" || fail "stress: succeeded != $N"
      local per=$((N / INSTANCES)) i
      for ((i = 1; i <= INSTANCES; i++)); do
        grep -q "^    \"i-bench$i\": $per,\?$" "$out" || fail "stress: i-bench$i not credited $per"
      done
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
  ((after - before == N)) || fail "$tool: server served $((after - before)), want $N"
  [[ -n $rps ]] || fail "$tool: no requests/s in its output"
  cpu=$(awk -v n="$N" '{printf "%.2f", ($1 + $2) * 1e6 / n}' "$work/time")
  echo "$rps $cpu"
}

median() {
  sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

tools=(stress hey ab)
echo "machine: $(nproc) cores, $(uname -m); $(go version | cut -d' ' -f3); hey $HEY_VERSION; $(ab -V | head -n 1)" >&2
echo "target: $url  N=$N C=$C keep-alive  rounds=$ROUNDS (+1 warm-up)" >&2
for tool in "${tools[@]}"; do
  run_tool "$tool" >/dev/null # warm-up, not counted
done
for ((r = 1; r <= ROUNDS; r++)); do
  line="round $r:"
  for tool in "${tools[@]}"; do
    read -r rps cpu < <(run_tool "$tool")
    echo "$rps" >>"$work/$tool.rps"
    echo "$cpu" >>"$work/$tool.cpu"
    line+=$(printf '  %s %8.0f req/s %5.1f us/req' "$tool" "$rps" "$cpu")
  done
  echo "$line" >&2
done

echo
printf '%-8s %14s %18s   %s\n' tool "median req/s" "median CPU us/req" "req/s of every round"
for tool in "${tools[@]}"; do
  m=$(median <"$work/$tool.rps")
  printf '%-8s %14.1f %18.2f   %s\n' "$tool" "$m" "$(median <"$work/$tool.cpu")" "$(tr '\n' ' ' <"$work/$tool.rps")"
  printf -v "median_$tool" '%s' "$m"
done
# shellcheck disable=SC2154 # set by printf -v above
awk -v s="$median_stress" -v h="$median_hey" -v a="$median_ab" \
  'BEGIN {printf "ratio stress/hey: %.3f   stress/ab: %.3f\n", s / h, s / a}'
echo "accuracy: every run of every tool counted all $N requests and matched the server's count;"
echo "          stress credited each of the $INSTANCES instances exactly $((N / INSTANCES)) every round"
