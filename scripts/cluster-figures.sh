#!/usr/bin/env bash
# The cluster figures of docs/cluster.md "Figures", in one command (everything on 127.0.0.1, data in a temp dir that
# is deleted, every process it starts stopped on exit):
#
#   [ROUNDS=2] [DURATION=10s] [WARMUP=3s] [CONNECTIONS=64] [ONLY=throughput|catchup] scripts/cluster-figures.sh
#
# 1. Throughput and latency, ROUNDS rounds back to back, the order alternating: the load tool (purchases only) against
#    three nodes of scripts/cluster-3.sh (load on node 0) and against one './ledger serve --durability fsync', each on
#    fresh data; a markdown table of every round's replies/s, p50, p99, p99.9 and their ranges.
# 2. Catch-up of a restarted node: three fresh nodes; one follower (not the node whose log's latest 'role' line says
#    LEADER: a node starts as a follower and logs its role only when it changes) is stopped (SIGTERM); the load runs
#    DURATION against the leader; the follower is restarted and its /metrics money totals (ledger_money_*: its applied
#    state) are polled every 0.1 s until they equal the leader's. N is the leader's
#    last command id (/metrics ledger_journal_last_command_id; all the load went to it) minus the last one in the
#    stopped follower's journal ('./ledger journal'). T runs from the restart, so it includes the JVM and Aeron start
#    and the replay of the follower's own (short) log; the time until its HTTP answered is printed too.
#
# Builds nothing: run 'mvn -B -q -pl benchmarks,server,cluster -am package -DskipTests' first. Ports: HTTP 9610-9612
# and 9620, UDP 24601-24805 (HTTP_BASE, SINGLE_PORT, AERON_BASE override them). Node and load outputs are kept with
# KEEP=1 (the temp dir is then left and printed).
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
ROUNDS="${ROUNDS:-2}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-3s}"
CONNECTIONS="${CONNECTIONS:-64}"
HTTP_BASE="${HTTP_BASE:-9610}"
SINGLE_PORT="${SINGLE_PORT:-9620}"
AERON_BASE="${AERON_BASE:-24600}"
MERCHANT=benchf
export LEDGER_JWT_SECRET="${LEDGER_JWT_SECRET:-text:cluster-figures-secret-at-least-32-bytes}"

die() { printf 'cluster-figures: %s\n' "$*" >&2; exit 1; }
say() { printf 'cluster-figures: %s\n' "$*" >&2; }
seconds() { # 10s -> 10, 2m -> 120, 500ms -> 1
  case "$1" in
    *ms) echo $(((${1%ms} + 999) / 1000)) ;; *s) echo "${1%s}" ;; *m) echo $((${1%m} * 60)) ;; *) echo "$1" ;;
  esac
}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer, not '$ROUNDS'"
[[ "$(seconds "$DURATION")" =~ ^[0-9]+$ && "$(seconds "$WARMUP")" =~ ^[0-9]+$ ]] \
  || die "DURATION and WARMUP are like 10s, 500ms or 2m"
LOAD_TIMEOUT=$(($(seconds "$DURATION") + $(seconds "$WARMUP") + 180))

# --- the jars: built, and not older than the sources (./ledger would otherwise build them) -------------------------
BUILD_HINT="mvn -B -q -pl benchmarks,server,cluster -am package -DskipTests"
for jar in benchmarks/target/benchmarks.jar server/target/ledger-server.jar cluster/target/ledger-cluster.jar; do
  [[ -f "$jar" ]] || die "missing $jar: build first: $BUILD_HINT"
done
for jar in server/target/ledger-server.jar cluster/target/ledger-cluster.jar; do
  newer="$(find pom.xml ./*/pom.xml ./*/src/main -newer "$jar" -print -quit 2>/dev/null || true)"
  [[ -z "$newer" ]] || die "$jar is older than $newer (./ledger would rebuild it mid-run): build first: $BUILD_HINT"
done
command -v curl >/dev/null || die "curl is needed"

WORK="$(mktemp -d /tmp/cluster-figures.XXXXXX)"
pids=()    # process group leaders (each started with setsid)
stopped=" " # those already stopped: never signalled again (their ids may belong to someone else's processes by then)
stop() { # stop a process group: TERM, up to 30 s, then KILL
  local pid="$1" i
  [[ "$stopped" != *" $pid "* ]] || return 0
  stopped+="$pid "
  kill -TERM -- "-$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  for i in $(seq 1 300); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
started() { pids+=("$1"); stopped="${stopped// $1 / }"; }
cleanup() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do stop "$pid"; done
  if [[ "${KEEP:-0}" == 1 ]]; then say "outputs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

await_line() { # FILE PATTERN PID TIMEOUT_S
  local i
  for i in $(seq 1 $(($4 * 2))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { tail -n 30 "$1" >&2; die "process $3 exited before '$2' ($1)"; }
    sleep 0.5
  done
  tail -n 30 "$1" >&2
  die "no '$2' in $1 after $4 s"
}

TOKEN="$(./ledger token --merchant "$MERCHANT")"
OPERATOR_TOKEN="$(./ledger token --operator)" # /metrics answers operator tokens only

# LABEL PORT: the load tool's report in $WORK/LABEL.load, "replies/s p50 p99 p99.9" (ms) in $WORK/LABEL.fig
# (not on stdout: a command substitution's subshell would not register the processes it starts for the cleanup)
load() {
  local out="$WORK/$1.load"
  timeout "$LOAD_TIMEOUT" java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port "$2" \
    --token "$TOKEN" --merchant "$MERCHANT" --customers 500 --initial-balance 100000000 --duration "$DURATION" \
    --warmup "$WARMUP" --mix purchase=100 --amount 100 -c "$CONNECTIONS" >"$out" 2>"$out.err" \
    || { cat "$out" "$out.err" >&2; die "the load tool failed on $1"; }
  grep -h '^  check ' "$out" | sed "s/^  /  $1: /" >&2
  if grep -h '^  check ' "$out" | grep -vq ': ok'; then say "WARNING: a money check of $1 did not pass"; fi
  local rate lat
  rate="$(sed -n 's/^  throughput  \([0-9,.]*\) .*/\1/p' "$out" | tr -d ,)"
  lat="$(sed -n 's/^  latency from .*us: p50 \([0-9,.]*\)  p90 [0-9,.]*  p99 \([0-9,.]*\)  p99\.9 \([0-9,.]*\) .*/\1 \2 \3/p' "$out" | tr -d ,)"
  [[ -n "$rate" && -n "$lat" ]] || { cat "$out" >&2; die "cannot read replies/s and latency from the load tool's report of $1"; }
  awk -v r="$rate" -v l="$lat" 'BEGIN { split(l, a, " "); printf "%s %.1f %.1f %.1f\n", r, a[1] / 1000, a[2] / 1000, a[3] / 1000 }' \
    >"$WORK/$1.fig"
}

run_cluster() { # ROUND
  local dir="$WORK/cluster-$1" pid
  mkdir -p "$dir"
  setsid scripts/cluster-3.sh "$dir" "$HTTP_BASE" "$AERON_BASE" >"$dir/cluster-3.out" 2>&1 &
  pid=$!
  started "$pid"
  await_line "$dir/cluster-3.out" 'three nodes up' "$pid" 300
  load "cluster-round-$1" "$HTTP_BASE"
  stop "$pid"
}

run_single() { # ROUND
  local dir="$WORK/single-$1" pid
  mkdir -p "$dir"
  setsid ./ledger serve --port "$SINGLE_PORT" --data-dir "$dir/data" --durability fsync >"$dir/serve.log" 2>&1 &
  pid=$!
  started "$pid"
  await_line "$dir/serve.log" 'listening on' "$pid" 120
  load "single-round-$1" "$SINGLE_PORT"
  stop "$pid"
}

ONLY="${ONLY:-}"
[[ -z "$ONLY" || "$ONLY" == throughput || "$ONLY" == catchup ]] || die "ONLY is throughput or catchup, not '$ONLY'"

# --- 1. throughput and latency ---------------------------------------------------------------------------------
if [[ "$ONLY" != catchup ]]; then
rows=()
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2 == 1)); then order=(cluster single); else order=(single cluster); fi
  for setup in "${order[@]}"; do
    say "round $round of $ROUNDS: $setup ($DURATION after $WARMUP warm-up, $CONNECTIONS connections)"
    "run_$setup" "$round"
    rows+=("$round $setup $(cat "$WORK/$setup-round-$round.fig")")
  done
done

echo
echo "Throughput and latency: $ROUNDS round(s), $DURATION window after $WARMUP warm-up, $CONNECTIONS connections, purchases only ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
echo
echo "| round | setup | replies/s | p50 | p99 | p99.9 |"
echo "|---|---|---|---|---|---|"
name() { if [[ "$1" == cluster ]]; then echo "three nodes (\`scripts/cluster-3.sh\`, load on node 0)"; else echo "single node, \`serve --durability fsync\`"; fi; }
for row in "${rows[@]}"; do
  read -r round setup rate p50 p99 p999 <<<"$row"
  printf '| %s | %s | %s | %s ms | %s ms | %s ms |\n' "$round" "$(name "$setup")" "$rate" "$p50" "$p99" "$p999"
done
for setup in cluster single; do
  printf '%s\n' "${rows[@]}" | awk -v s="$setup" -v n="$(name "$setup")" '
    $2 == s { for (i = 3; i <= 6; i++) { if (!(i in lo) || $i < lo[i]) lo[i] = $i; if (!(i in hi) || $i > hi[i]) hi[i] = $i } }
    END { printf "| range | %s | %d-%d | %.1f-%.1f ms | %.1f-%.1f ms | %.1f-%.1f ms |\n", n, lo[3], hi[3], lo[4], hi[4], lo[5], hi[5], lo[6], hi[6] }'
done

fi
[[ "$ONLY" != throughput ]] || exit 0

# --- 2. catch-up of a restarted follower -------------------------------------------------------------------------
dir="$WORK/catchup"
mkdir -p "$dir"
node_pid=()
start_node() { # the same command line as scripts/cluster-3.sh
  setsid ./ledger cluster --node "$1" --nodes 3 --data-dir "$dir/node-$1" --http-port "$((HTTP_BASE + $1))" \
    --base-port "$AERON_BASE" >>"$dir/node-$1.log" 2>&1 &
  node_pid[$1]=$!
  started "$!"
}
last_role() { grep -o 'role [A-Z]*' "$dir/node-$1.log" 2>/dev/null | tail -n 1 | cut -d' ' -f2 || true; }
metrics() { curl -sf --max-time 2 -H "Authorization: Bearer $OPERATOR_TOKEN" "http://127.0.0.1:$1/metrics"; }
money() { metrics "$1" | { grep '^ledger_money_' || true; } | sort; }
restart_follower() { # TARGET: start the follower again and poll until its money totals are TARGET; sets restart_ms, restart_http_ms
  local start_ns now_ns state deadline=$(($(date +%s) + 600))
  restart_ms=""
  restart_http_ms=""
  start_ns="$(date +%s%N)"
  start_node "$follower"
  while (($(date +%s) < deadline)); do
    if state="$(money "$((HTTP_BASE + follower))" 2>/dev/null)"; then
      now_ns="$(date +%s%N)"
      [[ -n "$restart_http_ms" ]] || restart_http_ms=$(((now_ns - start_ns) / 1000000))
      if [[ "$state" == "$1" ]]; then restart_ms=$(((now_ns - start_ns) / 1000000)); return 0; fi
    fi
    kill -0 "${node_pid[$follower]}" 2>/dev/null || { tail -n 30 "$dir/node-$follower.log" >&2; die "the restarted follower exited"; }
    sleep 0.1
  done
  diff <(echo "$1") <(money "$((HTTP_BASE + follower))" || true) >&2 || true
  die "the follower did not reach the leader's money totals in 600 s"
}

say "catch-up: three fresh nodes"
for node in 0 1 2; do start_node "$node"; done
for node in 0 1 2; do await_line "$dir/node-$node.log" 'listening on' "${node_pid[$node]}" 300; done
leader=""
for _ in $(seq 1 600); do
  for node in 0 1 2; do [[ "$(last_role "$node")" == LEADER ]] && leader="$node"; done
  [[ -n "$leader" ]] && break
  sleep 0.1
done
[[ -n "$leader" ]] || die "no node logged 'role LEADER' ($dir)"
follower=$(((leader + 1) % 3)) # a node starts as a follower and logs a role line only when its role changes
say "catch-up: node $leader leads; a baseline: follower node $follower stopped and restarted with nothing to catch up"
stop "${node_pid[$follower]}"
restart_follower "$(money "$((HTTP_BASE + leader))")"
baseline_ms="$restart_ms"
say "catch-up: stopping follower node $follower again, then $DURATION of load on the leader"
stop "${node_pid[$follower]}"
before="$(./ledger journal --data-dir "$dir/node-$follower" --limit 1000000 | tail -n 1 \
  | sed -n 's/.*"commandId":\([0-9]*\).*/\1/p')"
before="${before:-0}"
load catchup-load "$((HTTP_BASE + leader))"
after="$(metrics "$((HTTP_BASE + leader))" | sed -n 's/^ledger_journal_last_command_id \([0-9.eE+]*\)$/\1/p' | awk '{ printf "%d", $1 }')"
[[ -n "$after" ]] || die "no ledger_journal_last_command_id on the leader's /metrics"
target="$(money "$((HTTP_BASE + leader))")"
[[ -n "$target" ]] || die "no ledger_money_* on the leader's /metrics"
commands=$((after - before))

say "catch-up: the follower had commandId $before, the leader $after: restarting node $follower"
restart_follower "$target"
caught_ms="$restart_ms"
caught_http_ms="$restart_http_ms"
echo
net_ms=$((caught_ms - baseline_ms))
echo "Catch-up: caught up $commands commands in $caught_ms ms = $(awk -v n="$commands" -v t="$caught_ms" 'BEGIN { printf "%.0f", n * 1000 / (t > 0 ? t : 1) }') commands/s" \
  "(restart of follower node $follower to its money totals equal to the leader's: JVM and Aeron start included; its HTTP answered after $caught_http_ms ms;" \
  "commandIds $before -> $after after $DURATION of load at $CONNECTIONS connections on the leader)"
if ((net_ms > 0)); then
  echo "Catch-up, less a restart with nothing to catch up ($baseline_ms ms): $commands commands in $net_ms ms = $(awk -v n="$commands" -v t="$net_ms" 'BEGIN { printf "%.0f", n * 1000 / t }') commands/s"
else
  echo "Catch-up, less a restart with nothing to catch up ($baseline_ms ms): not measurable (the restart with nothing to catch up took as long or longer)"
fi
