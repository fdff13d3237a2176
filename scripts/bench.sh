#!/usr/bin/env bash
# make bench: what a synth costs, against the floor of any CDKTF Go app with
# the AWS provider; then `make test` (wall time, Node kernels started) and the
# Go benchmarks of internal/.
#
# Synth variants, run interleaved (rotating which goes first) for BENCH_ROUNDS
# rounds (default 7, at least 5) after one unmeasured warm-up run of each:
#   a  floor: internal/bench/floor, one stack with only the AWS provider,
#      provider loaded the standard way
#   b  our synth of every environment (a build of main.go), standard loading
#      (EWT_LAZY_JSII=0: jsii's launcher, every package as jsii loads it)
#   c  the same binary as it runs by default (internal/lazyjsii: lazy copies
#      of the provider and cdktf, stand-in tarballs, direct kernel)
#   d  the command in cdktf.json ("app": what `npx cdktf synth` runs, through
#      a shell in the project directory: scripts/app.sh, c's program from bin/)
#   e  go run . (what `make synth` runs)
#   p  with BENCH_BEFORE=<git revision>: the "app" command of cdktf.json as
#      of that revision, run in a `git archive` of it (the before of a
#      before/after: for this branch's base, `go run .` of that main.go)
# Each run is measured by internal/bench/measure: wall time; CPU time (user +
# system) of the whole process tree from wait4's rusage, which includes every
# descendant that was waited for (Node and the go command included); peak
# resident memory of the whole tree, the largest sum of VmRSS over its live
# processes, sampled from /proc every 5 ms (GNU time's max RSS is only the
# largest single process, so that is printed too, as "largest process": the
# Node kernel in every variant), and the same sum for anonymous memory alone
# (RssAnon: heaps and stacks, no binaries' pages). Every round also checks
# that b, c, d and e wrote byte-identical output (p is another revision,
# whose stacks may differ), that no process of the
# tree outlived the app (orphan Node) and that no jsii-runtime.* temp
# directory was left behind. Figures are printed, not asserted; the script
# fails only when a run fails or one of those checks does. The synth goals of
# issue 19 are judged for d against a: wall <= 0.8 s, CPU <= 0.25x, largest
# process (the kernel) <= 0.30x.
#
# Environment: BENCH_ROUNDS (default 7), BENCH_BEFORE (a git revision),
# BENCH_SKIP_TEST=1 (no `make test`), BENCH_SKIP_GO=1 (no Go benchmarks),
# BENCH_GO_BENCHTIME (go test -benchtime).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

rounds=${BENCH_ROUNDS:-7}
if ! [[ $rounds =~ ^[0-9]+$ ]] || ((rounds < 5)); then
  echo "bench: BENCH_ROUNDS must be a number of at least 5 (got '$rounds')" >&2
  exit 2
fi

log() { printf 'bench: %s\n' "$*" >&2; }
fail() {
  printf 'bench: FAILED: %s\n' "$*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ewt-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The Node that package.json pins, and the NODE_OPTIONS jsiienv would add, so
# that no variant re-executes itself to complete its environment.
node=${JSII_NODE:-$root/node_modules/node/bin/node}
[[ -x $node ]] || fail "no Node at $node (run make deps)"
export JSII_NODE=$node
export NODE_OPTIONS=${NODE_OPTIONS:-"--max-old-space-size=4069 --no-deprecation"}
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
unset JSII_RUNTIME_PACKAGE_CACHE_ROOT JSII_RUNTIME EWT_LAZY_JSII EWT_JSII_LAUNCHER

log "building the app, the floor app and the measuring tool"
go build -o "$work/ewt" .
go build -o "$work/floor" ./internal/bench/floor
go build -o "$work/measure" ./internal/bench/measure
variants=(a b c d e)
before_rev=
if [[ -n ${BENCH_BEFORE:-} ]]; then
  before_rev=$(git rev-parse --short "${BENCH_BEFORE}^{commit}") || fail "BENCH_BEFORE=$BENCH_BEFORE is not a revision"
  log "unpacking $before_rev (BENCH_BEFORE)"
  mkdir "$work/before-src"
  git archive "$before_rev" | tar -x -C "$work/before-src"
  before_cmd=$(sed -n 's/^ *"app": *"\(.*\)",*$/\1/p' "$work/before-src/cdktf.json")
  [[ -n $before_cmd ]] || fail "no \"app\" in cdktf.json of $before_rev"
  variants+=(p)
fi
# d: the "app" command of cdktf.json.
app_cmd=$(sed -n 's/^ *"app": *"\(.*\)",*$/\1/p' cdktf.json)
[[ -n $app_cmd ]] || fail 'no "app" in cdktf.json'

# run VARIANT ROUND: one measured run; result line in $work/res-VARIANT-ROUND.
run() {
  local v=$1 r=$2 out="$work/out-$1-$2" tmp="$work/tmp-$1-$2" cmd
  mkdir -p "$tmp"
  case $v in
  a) cmd=(env EWT_LAZY_JSII=0 "$work/floor") ;;
  b) cmd=(env EWT_LAZY_JSII=0 EWT_LAZY_JSII_VERBOSE=1 "$work/ewt") ;;
  c) cmd=(env EWT_LAZY_JSII_VERBOSE=1 "$work/ewt") ;;
  d) cmd=(env EWT_LAZY_JSII_VERBOSE=1 sh -c "$app_cmd") ;;
  e) cmd=(env EWT_LAZY_JSII_VERBOSE=1 go run .) ;;
  p) cmd=(env EWT_LAZY_JSII_VERBOSE=1 sh -c "cd \"\$0\" && $before_cmd" "$work/before-src") ;;
  esac
  if ! TMPDIR=$tmp CDKTF_OUTDIR=$out "$work/measure" -o "$work/res-$v-$r" -- "${cmd[@]}" \
    >"$work/log-$v-$r" 2>&1; then
    cat "$work/log-$v-$r" >&2
    fail "variant $v, round $r: the app failed"
  fi
  local left
  left=$(find "$tmp" -mindepth 1 -maxdepth 1 ! -name 'go-build*' -printf '%f ')
  [[ -z $left ]] || fail "variant $v, round $r: left in its TMPDIR: $left"
  rm -rf "$tmp"
  grep -q ' orphans=0 ' "$work/res-$v-$r" || fail "variant $v, round $r: processes outlived the app: $(cat "$work/res-$v-$r")"
  case $v in
  b) grep -q '^lazy jsii loading: off' "$work/log-$v-$r" ||
    fail "variant b, round $r: lazy loading was not off: $(grep -m1 'lazy jsii' "$work/log-$v-$r" || echo 'no status line (is lazyjsii.Setup wired into the app?)')" ;;
  c | d | e | p) grep -Eq '^lazy jsii loading: (active|prepared)' "$work/log-$v-$r" ||
    fail "variant $v, round $r: lazy loading was not active: $(grep -m1 'lazy jsii' "$work/log-$v-$r" || echo 'no status line (is lazyjsii.Setup wired into the app?)')" ;;
  esac
}

log "warm-up (not measured): one run of each variant"
for v in "${variants[@]}"; do run "$v" 0; done
if ! compgen -G "${HOME}/.cache/aws/jsii/package-cache/@cdktf/provider-aws/*/*/.jsii.runtime.v*.json" >/dev/null; then
  log "note: the standard jsii package cache has no runtime index of the provider yet; (a) and (b) parse its full assembly until a run lives long enough to write one"
fi

nv=${#variants[@]}
for ((r = 1; r <= rounds; r++)); do
  order=()
  for ((i = 0; i < nv; i++)); do order+=("${variants[(r + i) % nv]}"); done
  log "round $r/$rounds: ${order[*]}"
  for v in "${order[@]}"; do run "$v" "$r"; done
  for v in "${variants[@]}"; do
    # a synthesizes another app; p is another revision, whose stacks may differ.
    [[ $v == a || $v == b || $v == p ]] && continue
    diff -r -q "$work/out-b-$r" "$work/out-$v-$r" >/dev/null ||
      fail "round $r: the output of variant $v differs from the standard output (b): $(diff -r -q "$work/out-b-$r" "$work/out-$v-$r" | head -3)"
  done
  for v in "${variants[@]}"; do rm -rf "$work/out-$v-$r"; done
done

# field VARIANT KEY: the values of KEY over the measured rounds, one a line.
field() {
  local r
  for ((r = 1; r <= rounds; r++)); do
    tr ' ' '\n' <"$work/res-$1-$r" | sed -n "s/^$2=//p"
  done
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
declare -A med
for v in "${variants[@]}"; do
  for k in wall_ms cpu_ms tree_rss_peak_kb tree_anon_peak_kb proc_rss_peak_kb; do
    med[$v,$k]=$(field "$v" "$k" | median)
  done
done

test_line="make test: skipped (BENCH_SKIP_TEST=1)"
test_failed=0
if [[ ${BENCH_SKIP_TEST:-0} != 1 ]]; then
  log "make test (tests compiled first, not timed; then every test run once with -count=1)"
  go test -count=1 -run '^$' ./internal/... ./__tests__/ >/dev/null 2>&1 || true
  # Count Node kernels: JSII_NODE becomes a wrapper that logs each start of
  # the jsii runtime (jsii's launcher or the direct kernel), then runs the
  # real Node.
  cat >"$work/node" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
for a in "$@"; do
  case $a in *jsii-runtime.js | */.direct-kernel/lib/program.js) printf '%s\n' "$PPID" >>"$EWT_BENCH_KERNEL_LOG"; break ;; esac
done
exec "$EWT_BENCH_REAL_NODE" "$@"
EOF
  chmod +x "$work/node"
  : >"$work/kernels"
  start=$(date +%s%N)
  if EWT_BENCH_KERNEL_LOG=$work/kernels EWT_BENCH_REAL_NODE=$node GOFLAGS=-count=1 \
    make --no-print-directory test JSII_NODE="$work/node" >"$work/test.log" 2>&1; then
    status=passed
  else
    status="FAILED (log below)"
    test_failed=1
  fi
  end=$(date +%s%N)
  test_line=$(printf 'make test: %s in %.1f s wall, %d Node kernel(s) started' \
    "$status" "$(((end - start) / 1000000))e-3" "$(wc -l <"$work/kernels")")
fi

go_bench=""
if [[ ${BENCH_SKIP_GO:-0} != 1 ]]; then
  log "Go benchmarks of internal/ (pure Go work)"
  go_bench=$(go test -run '^$' -bench . -benchmem -count=1 ${BENCH_GO_BENCHTIME:+-benchtime "$BENCH_GO_BENCHTIME"} ./internal/... 2>&1 |
    grep -E '^(Benchmark|FAIL|pkg:|---)' || true)
fi

ratio() { awk -v x="${med[$1,$3]}" -v y="${med[$2,$3]}" 'BEGIN {printf "%.2f", x / y}'; }
verdict() { awk -v r="$(ratio "$1" "$2" "$3")" -v g="$4" 'BEGIN {print (r <= g) ? "meets goal <= " g : "misses goal <= " g}'; }
wall_verdict() {
  awk -v w="${med[$1,wall_ms]}" -v g="$2" 'BEGIN {printf "%.2f s (%s)", w / 1000, (w / 1000 <= g) ? "meets goal <= " g " s" : "misses goal <= " g " s"}'
}
diff_s() { awk -v x="${med[$1,$3]}" -v y="${med[$2,$3]}" 'BEGIN {printf "%.2f", (x - y) / 1000}'; }
label() {
  case $1 in
  a) echo "a  floor (provider only, standard)" ;;
  b) echo "b  our synth, standard loading" ;;
  c) echo "c  our synth, default" ;;
  d) echo "d  cdktf.json app ($app_cmd)" ;;
  e) echo "e  go run . (make synth)" ;;
  p) echo "p  cdktf.json app of $before_rev" ;;
  esac
}
row() {
  awk -v label="$(label "$1")" -v w="${med[$1,wall_ms]}" -v c="${med[$1,cpu_ms]}" -v t="${med[$1,tree_rss_peak_kb]}" \
    -v a="${med[$1,tree_anon_peak_kb]}" -v p="${med[$1,proc_rss_peak_kb]}" -v cf="${med[a,cpu_ms]}" -v pf="${med[a,proc_rss_peak_kb]}" \
    'BEGIN {printf "%-38s %6.2f %6.2f %5.2f %11.0f %12.0f %18.0f %5.2f\n", label, w / 1000, c / 1000, c / cf, t / 1024, a / 1024, p / 1024, p / pf}'
}

echo
echo "== make bench ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "software: $(go version | cut -d' ' -f3-4), Node $("$node" --version), $(uname -sr)"
echo "synth: median of $rounds interleaved rounds per variant (after one warm-up run each)"
echo
echo "variant                                wall s  CPU s  CPU/a  tree RSS MB  tree anon MB  largest process MB  /a"
for v in "${variants[@]}"; do row "$v"; done
echo
echo "goals for d, the cdktf.json command (issue 19): wall $(wall_verdict d 0.8); CPU $(ratio d a cpu_ms) of the floor's ($(verdict d a cpu_ms 0.25));"
echo "  largest process (the kernel) $(ratio d a proc_rss_peak_kb) of the floor's ($(verdict d a proc_rss_peak_kb 0.30))"
echo "c/a: wall $(ratio c a wall_ms), CPU $(ratio c a cpu_ms), tree RSS $(ratio c a tree_rss_peak_kb), largest process $(ratio c a proc_rss_peak_kb); b/a: CPU $(ratio b a cpu_ms), tree RSS $(ratio b a tree_rss_peak_kb)"
if [[ -n $before_rev ]]; then
  echo "d/p (the cdktf.json command, now/before): wall $(ratio d p wall_ms), CPU $(ratio d p cpu_ms), tree RSS $(ratio d p tree_rss_peak_kb), largest process $(ratio d p proc_rss_peak_kb)"
fi
echo "what go run adds (e - c): wall $(diff_s e c wall_ms) s, CPU $(diff_s e c cpu_ms) s; the cdktf.json script (d - c): wall $(diff_s d c wall_ms) s, CPU $(diff_s d c cpu_ms) s"
echo "checks: b, c, d, e output byte-identical in every round; no orphan process, no leftover temp directory in any run"
echo "CPU: user+system of the whole process tree (wait4 rusage, Node and the go command included)"
echo "memory: peaks sampled from /proc every 5 ms; tree RSS = largest sum of VmRSS over the app and its Node processes (the Node binary's"
echo "  pages count once per Node process); tree anon = the same for RssAnon (heaps and stacks only); largest process = the"
echo "  biggest single VmRSS (what GNU time reports; the Node kernel in every variant)"
echo "$test_line"
if [[ -n $go_bench ]]; then
  printf '\nGo benchmarks (go test -run ^$ -bench . -benchmem ./internal/...):\n%s\n' "$go_bench"
fi
if ((test_failed)); then
  printf '\nmake test log:\n' >&2
  cat "$work/test.log" >&2
  exit 1
fi
