#!/usr/bin/env bash
# One command for every benchmark of the benchmarks issue, back to back on this machine, then BENCHMARKS.md.
#
#   1. builds the server jar and benchmarks/target/benchmarks.jar (mvn package, tests skipped)
#   2. JMH engine benchmarks (ledger apply; ring + apply; ring + journal + apply per durability mode; journal append
#      and replay; replay into a ledger; purchase parse and reply write), with -prof gc (allocation per command type)
#      then RecoveryBenchmark (replay, snapshot, start-up, memory of 1M customers / 16M history entries), then on the
#      state it leaves: ./ledger serve after a kill -9 with a 10M-command tail, and an open loop of 10,000 purchases/s
#      spanning snapshots in both durability modes with the ledger thread's longest pause (issue 13; needs curl)
#   3. the real server (./ledger serve, fresh data directory, --durability process, then fsync) driven over HTTP by the
#      load tool: an unrecorded JIT warm-up (2 x --warmup), closed loop (max throughput at --connections), then open
#      loop at fixed rates (throughput vs p99 points), then one mixed-workload run (process only)
#   4. the PostgreSQL baseline (baselines/postgres.sh: synchronous_commit on and off) and the Redis baseline
#      (baselines/redis.sh: appendfsync everysec) at the same concurrency, PostgreSQL also at the same rates
#   5. benchmarks.jar report: BENCHMARKS.md (machine, versions, commands, tables, ratios, targets) and the plot
#      benchmarks/results/throughput-vs-p99.png; the result files are copied to benchmarks/results/data/
#
# --edge runs instead the request-path comparison of the HTTP edge issue (about 5 minutes per repeat with the
# defaults), and writes its own report (benchmarks/target/bench-run/edge-report.md unless --report says otherwise;
# BENCHMARKS.md is left alone): the bare Netty server (benchmarks.jar bare-server: the transport floor), the ledger
# unbatched (process and fsync durability), the ledger with batches of --batches purchases per request (process),
# and Redis + Lua unpipelined and pipelined (redis-benchmark -P 1 and -P 16), each closed loop at every
# --edge-connections count, plus open loop at every --edge-rates rate (bare, ledger process and fsync). Repeats are
# interleaved (each repeat runs every system once, in the same order), so that a drift of the machine's load
# touches every system; each result records its repeat, and the report gives ranges and per-repeat ratios against
# the bare server and Redis of the same repeat. Server CPU per purchase comes from /proc/PID/stat of each server.
#
# Open-loop rates ("auto"): from the ladder 500, 1k, 2k, 5k, 10k, 20k, 50k, 100k, 200k/s, each system runs the rates
# up to 80% of its own closed-loop throughput, so the systems share the lower rates (same offered rate comparisons)
# and each draws its own curve. redis-benchmark cannot hold a rate: Redis is measured closed-loop only.
#
# Usage: benchmarks/run.sh [options]
#   --quick               a 2-3 minute sanity run: short JMH, 1,000 customers, 3 s windows, at most 2 rates per
#                         system; BENCHMARKS.md is labelled as a quick run
#   --connections N       client concurrency for every system (default 64)
#   --duration S          measurement window per load run, seconds (default 30; quick 3)
#   --warmup S            warm-up per load run, seconds (default 10; quick 2)
#   --customers N         customers on every system (default 10000; quick 1000)
#   --rates auto|R1,R2    open-loop rates (default auto; an explicit list applies to every system)
#   --pg-scripts LIST     cte and/or interactive (default cte,interactive; quick cte)
#   --skip-jmh | --skip-recovery | --skip-stalls | --skip-http | --skip-postgres | --skip-redis
#                         (--skip-recovery skips the stalls too: they run on the state it leaves)
#   --jmh-args "ARGS"     replace the JMH options (default: -prof gc, BenchmarkMain's iterations)
#   --big-state DIR       step 2b copies DIR (a data directory such as `RecoveryBenchmark ... --dir DIR --keep` leaves:
#                         journal and snapshots) instead of building one, so that step 2c can run on its own; DIR itself
#                         is not changed
#   --report FILE         the markdown to write (default BENCHMARKS.md at the repository root, with the plot and raw
#                         results in benchmarks/results/; for another FILE they go to FILE-without-.md-results/)
#   --work DIR            scratch and raw results (default benchmarks/target/bench-run; emptied first)
#   --edge                the request-path comparison only (see above); with it:
#     --repeats N           interleaved repeats (default 3)
#     --edge-connections L  closed-loop connection counts (default 4,32); open loops use the largest
#     --edge-rates L        open-loop rates, purchases/s (default 2000)
#     --batches L           purchases per batch request (default 10,100); --batch-path P (default /api/canary/batch)
#     --transports L        the bare server's transports, nio and/or epoll (default epoll: the ledger's own default,
#                           --transport auto, is epoll where it loads)
#     --edge-systems L      any of bare,process,fsync,batch,redis (default all of them)
#     --duration and --warmup default to 5 and 2 seconds, --customers to 2000
#
# Needs: JDK 17+, Maven 3.8+, and root (or sudo) with apt-get the first time, to install PostgreSQL and Redis from
# Debian packages (and fonts for the plot, if the machine has none). Temporary directories go under ${TMPDIR:-/tmp},
# which must be a real disk for the fsync figures to mean anything.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/baselines/lib.sh"
cd "$ROOT"

QUICK=0 CONNECTIONS=64 DURATION="" WARMUP="" CUSTOMERS="" RATES=auto PG_SCRIPTS="" JMH_ARGS=""
SKIP_JMH=0 SKIP_RECOVERY=0 SKIP_STALLS=0 SKIP_HTTP=0 SKIP_PG=0 SKIP_REDIS=0
EDGE=0 REPEATS=3 EDGE_CONNECTIONS=4,32 EDGE_RATES=2000 BATCHES=10,100 BATCH_PATH=/api/canary/batch TRANSPORTS=epoll
EDGE_SYSTEMS=bare,process,fsync,batch,redis REPORT_SET=0 BIG_FROM=""
REPORT="$ROOT/BENCHMARKS.md" WORK="$ROOT/benchmarks/target/bench-run"
ARGS_TEXT="$*"
while (($#)); do
  case "$1" in
    --quick) QUICK=1; shift ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --pg-scripts) PG_SCRIPTS="$2"; shift 2 ;;
    --jmh-args) JMH_ARGS="$2"; shift 2 ;;
    --skip-jmh) SKIP_JMH=1; shift ;;
    --skip-recovery) SKIP_RECOVERY=1; shift ;;
    --skip-stalls) SKIP_STALLS=1; shift ;;
    --skip-http) SKIP_HTTP=1; shift ;;
    --skip-postgres) SKIP_PG=1; shift ;;
    --skip-redis) SKIP_REDIS=1; shift ;;
    --big-state) BIG_FROM="$2"; shift 2 ;;
    --report) REPORT="$2"; REPORT_SET=1; shift 2 ;;
    --edge) EDGE=1; shift ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --edge-connections) EDGE_CONNECTIONS="$2"; shift 2 ;;
    --edge-rates) EDGE_RATES="$2"; shift 2 ;;
    --batches) BATCHES="$2"; shift 2 ;;
    --batch-path) BATCH_PATH="$2"; shift 2 ;;
    --transports) TRANSPORTS="$2"; shift 2 ;;
    --edge-systems) EDGE_SYSTEMS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
# The plot and the raw result files go to benchmarks/results/ with BENCHMARKS.md, and next to any other --report
# (FILE without .md, plus -results/), so that a partial run never replaces the committed ones.
RESULTS_DIR="$ROOT/benchmarks/results"
((REPORT_SET)) && RESULTS_DIR="${REPORT%.md}-results"
if ((EDGE)); then
  : "${DURATION:=5}" "${WARMUP:=2}" "${CUSTOMERS:=2000}"
  ((REPORT_SET)) || REPORT="$WORK/edge-report.md"
  [[ "$REPEATS" =~ ^[1-9][0-9]*$ ]] || die "--repeats $REPEATS must be a positive integer"
fi
# A report in a directory that does not exist yet: create it now, not after the run has measured everything.
mkdir -p "$(dirname "$REPORT")" || die "cannot create the directory of --report $REPORT"
if ((QUICK)); then
  : "${DURATION:=3}" "${WARMUP:=2}" "${CUSTOMERS:=1000}" "${PG_SCRIPTS:=cte}"
  MAX_RATES=2
  [[ -n "$JMH_ARGS" ]] || JMH_ARGS="-wi 1 -w 1s -i 1 -r 1s -p records=200000 -p waitStrategy=lite-blocking -prof gc"
else
  : "${DURATION:=30}" "${WARMUP:=10}" "${CUSTOMERS:=10000}" "${PG_SCRIPTS:=cte,interactive}"
  MAX_RATES=9
  [[ -n "$JMH_ARGS" ]] || JMH_ARGS="-prof gc"
fi
LADDER=(500 1000 2000 5000 10000 20000 50000 100000 200000)
START_S=$(date +%s)

# --- prerequisites ---------------------------------------------------------------------------------------------------
command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17+ (apt-get install openjdk-17-jdk-headless)"
command -v mvn >/dev/null 2>&1 || die "mvn not found: install Maven 3.8+ (apt-get install maven)"
if ((EDGE == 0)) && { ! command -v fc-list >/dev/null 2>&1 || [[ -z "$(fc-list 2>/dev/null | head -n 1)" ]]; }; then
  apt_install fontconfig fonts-dejavu-core # Java2D needs one font to draw the plot's text
fi

rm -rf "$WORK"
mkdir -p "$WORK/results" "$WORK/tmp"
COMMANDS="$WORK/commands.txt"
: >"$COMMANDS"
export TMPDIR="$WORK/tmp"

# record TEXT: add a command to the list BENCHMARKS.md shows (temporary paths and ports replaced).
record() {
  local text="$*"
  text="${text//$WORK\/tmp/<tmp>}"
  text="${text//$ROOT\//}"
  printf '%s\n' "$text" >>"$COMMANDS"
}

SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  ((rc == 0)) || log "failed (exit $rc); logs of the failed step are above, scratch files in $WORK"
  rm -rf "$WORK/tmp"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build --------------------------------------------------------------------------------------------------------
log "building (mvn -B -q -DskipTests -pl benchmarks -am package)"
record "mvn -B -q -DskipTests -pl benchmarks -am package"
mvn -B -q -DskipTests -pl benchmarks -am package >&2 || die "build failed"
touch "$ROOT/server/target/ledger-server.jar" # so that ./ledger does not rebuild it

# --- machine -----------------------------------------------------------------------------------------------------------
prop() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | sed 's/\\/\\\\/g')" >>"$WORK/machine.properties"; }
: >"$WORK/machine.properties"
prop mode "$( ((EDGE)) && echo edge || { ((QUICK)) && echo quick || echo full; })"
prop date "$(date -u +'%Y-%m-%d %H:%M UTC')"
prop command "benchmarks/run.sh${ARGS_TEXT:+ $ARGS_TEXT}"
prop cpu "$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
prop cores "$(nproc)"
prop ram "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
prop kernel "$(uname -srm)"
prop os "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
prop jdk "$(java -version 2>&1 | head -n 2 | tr '\n' ' ' | sed 's/ *$//')"
prop filesystem "$(df -PT "$WORK/tmp" | awk 'NR == 2 { print $2 " on " $1 }')"
prop git "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
prop loadavg "$(cut -d' ' -f1-3 /proc/loadavg)"

# --- the request-path comparison (--edge) ------------------------------------------------------------------------------
# Defined here, run after the server helpers below are defined (edge_main is called from there).
edge_wants() { [[ ",$EDGE_SYSTEMS," == *",$1,"* ]]; }

# edge_load NAME REPEAT ARGS...: one load-tool run against $PORT/$PID into NAME.result.json, recorded.
edge_load() {
  local name="$1" repeat="$2"
  shift 2
  record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port <port> --server-pid <pid> --customers $CUSTOMERS --initial-balance 100000000 --duration ${DURATION}s --warmup ${WARMUP}s --mix purchase=100 --amount 100 --repeat $repeat $*"
  local rc=0
  bench_tool load --port "$PORT" --server-pid "$PID" --customers "$CUSTOMERS" --initial-balance 100000000 \
    --duration "${DURATION}s" --warmup "${WARMUP}s" --mix purchase=100 --amount 100 --repeat "$repeat" "$@" \
    -o "$WORK/results/$name.result.json" >"$WORK/$name.out" 2>"$WORK/$name.err" || rc=$?
  if ((rc != 0)); then
    [[ -f "$WORK/results/$name.result.json" ]] || { tail -20 "$WORK/$name.err" >&2; die "load run $name failed (exit $rc) without a result"; }
    log "WARNING: load run $name: a check failed (exit $rc); see its result in the report"
  fi
  sed -n 's/^  throughput *//p' "$WORK/$name.out" | head -n 1 | sed "s|^|$(date +%H:%M:%S)   $name: |" >&2
}

# edge_warm ARGS...: an unrecorded JIT warm-up run (a fresh JVM's first seconds are not what it settles to).
edge_warm() {
  bench_tool load --port "$PORT" --customers 500 --mix purchase=100 --amount 100 --warmup 0s --duration "$((WARMUP * 2))s" \
    -c "$MAX_CONNECTIONS" "$@" >/dev/null 2>&1 || die "the warm-up load run failed (port $PORT)"
}

edge_main() {
  MAX_CONNECTIONS="$(split_csv "$EDGE_CONNECTIONS" | sort -n | tail -n 1)"
  local repeat transport c rate b durability secret
  for repeat in $(seq 1 "$REPEATS"); do
    log "edge comparison: repeat $repeat of $REPEATS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    if edge_wants bare; then
      for transport in $(split_csv "$TRANSPORTS"); do
        record "java -jar benchmarks/target/benchmarks.jar bare-server --port 0 --transport $transport --max-seconds 3600"
        : >"$WORK/bare.out"
        java -Xms256m -Xmx1g -jar "$BENCH_JAR" bare-server --port 0 --transport "$transport" --max-seconds 3600 >"$WORK/bare.out" 2>&1 &
        SERVER_PID=$!
        PID=$SERVER_PID PORT=""
        for _ in $(seq 1 150); do
          PORT="$(sed -n 's|^bare-netty listening on http://[^:]*:\([0-9]*\).*|\1|p' "$WORK/bare.out" | head -n 1)"
          [[ -n "$PORT" ]] && break
          kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/bare.out" >&2; die "the bare server exited"; }
          sleep 0.2
        done
        [[ -n "$PORT" ]] || die "the bare server did not start"
        local bare=(--token none --no-setup --no-verify --system bare-netty --variant "$transport" --durability-class none)
        edge_warm --token none --no-setup --no-verify
        for c in $(split_csv "$EDGE_CONNECTIONS"); do
          edge_load "edge-r$repeat-bare-$transport-c$c-closed" "$repeat" "${bare[@]}" -c "$c"
        done
        for rate in $(split_csv "$EDGE_RATES"); do
          edge_load "edge-r$repeat-bare-$transport-rate-$rate" "$repeat" "${bare[@]}" -c "$MAX_CONNECTIONS" --rate "$rate" --arrival poisson --drain-timeout 5s
        done
        stop_server
      done
    fi
    for durability in process fsync; do
      edge_wants "$durability" || { [[ "$durability" == process ]] && edge_wants batch; } || continue
      start_server "$durability"
      PID=$SERVER_PID
      secret="$DATA_DIR/jwt-keys"
      local ledger=(--secret-file "$secret" --system ledger --variant "$durability" --durability-class "$durability")
      edge_warm --secret-file "$secret" --no-verify
      if edge_wants "$durability"; then
        for c in $(split_csv "$EDGE_CONNECTIONS"); do
          edge_load "edge-r$repeat-ledger-$durability-c$c-closed" "$repeat" "${ledger[@]}" -c "$c"
        done
      fi
      if [[ "$durability" == process ]] && edge_wants batch; then
        for b in $(split_csv "$BATCHES"); do
          for c in $(split_csv "$EDGE_CONNECTIONS"); do
            edge_load "edge-r$repeat-ledger-$durability-b$b-c$c-closed" "$repeat" "${ledger[@]}" -c "$c" --batch "$b" --batch-path "$BATCH_PATH"
          done
        done
      fi
      if edge_wants "$durability"; then
        for rate in $(split_csv "$EDGE_RATES"); do
          edge_load "edge-r$repeat-ledger-$durability-rate-$rate" "$repeat" "${ledger[@]}" -c "$MAX_CONNECTIONS" --rate "$rate" --arrival poisson --drain-timeout 5s
        done
      fi
      stop_server
    done
    if edge_wants redis; then
      record "benchmarks/baselines/redis.sh --out <work>/results --customers $CUSTOMERS --amount 100 --initial-balance 100000000 --clients $EDGE_CONNECTIONS --pipeline 1,16 --duration $DURATION --warmup $WARMUP --repeat $repeat"
      "$ROOT/benchmarks/baselines/redis.sh" --out "$WORK/results" --customers "$CUSTOMERS" --amount 100 --initial-balance 100000000 \
        --clients "$EDGE_CONNECTIONS" --pipeline 1,16 --duration "$DURATION" --warmup "$WARMUP" --repeat "$repeat" 2>"$WORK/redis-r$repeat.log" \
        || { tail -20 "$WORK/redis-r$repeat.log" >&2; die "the Redis baseline failed"; }
      prop redis "$(cat "$WORK/results/redis.version")"
      prop redis.mechanism "$(cat "$WORK/results/redis.mechanism")"
    fi
  done
  prop loadavg.after "$(cut -d' ' -f1-3 /proc/loadavg)"
  prop notes "All systems ran one after the other on the same $(nproc)-core machine, repeats interleaved; the load generator (one client thread) always shares the cores with the server it measures.\\nBatches post $BATCHES purchases per request to POST $BATCH_PATH; their throughput counts purchases (of 2xx replies), their latency is per request.\\nServer CPU per purchase: the server process's user + system CPU in the measurement window (/proc/PID/stat, 10 ms ticks) divided by the purchases in it."
  prop elapsed "$(( ($(date +%s) - START_S) / 60 )) min $(( ($(date +%s) - START_S) % 60 )) s"
  bench_tool report --layout edge --results "$WORK/results" --machine "$WORK/machine.properties" --commands "$COMMANDS" --out "$REPORT"
  log "done in $(( $(date +%s) - START_S )) s: $REPORT"
}

# --- 2. JMH ------------------------------------------------------------------------------------------------------------
if ((SKIP_JMH == 0 && EDGE == 0)); then
  log "JMH: $JMH_ARGS"
  read -r -a jmh_args <<<"$JMH_ARGS"
  record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar $JMH_ARGS -rf json -rff <work>/jmh.json"
  java "@$JVM_OPTIONS" -Dledger.jvm.options="$JVM_OPTIONS" -jar "$BENCH_JAR" "${jmh_args[@]}" -rf json -rff "$WORK/jmh.json" \
    >"$WORK/jmh.log" 2>&1 || { tail -40 "$WORK/jmh.log" >&2; die "JMH failed (log: $WORK/jmh.log)"; }
  grep -E '^Benchmark|thrpt' "$WORK/jmh.log" | grep -v ':jfr' >&2 || true
fi

# throughput_of FILE: the "throughput" of a result file, as an integer.
throughput_of() { sed -n 's/^ *"throughput" : \([0-9.]*\).*/\1/p' "$1" | cut -d. -f1; }

# rates_for MAX: the open-loop rates to run for a system whose closed-loop throughput is MAX.
rates_for() {
  local max="${1:-0}" rate n=0
  if [[ "$RATES" != auto ]]; then split_csv "$RATES"; return; fi
  for rate in "${LADDER[@]}"; do
    if ((rate * 10 <= max * 8 && n < MAX_RATES)); then echo "$rate"; n=$((n + 1)); fi
  done
}

# --- 2b. recovery: replay of a 10M-command journal, a snapshot of 1M customers and a start from it -------------------
# The data directory it leaves (journal + snapshot: 1M customers, 16M history entries) is the big state of step 2c.
RECOVERY_ARGS="--customers 1000000 --commands 10000000 --tail 100000"
((QUICK)) && RECOVERY_ARGS="--customers 100000 --commands 1000000 --tail 10000"
BIG_DIR="$WORK/tmp/big-state"
if [[ -n "$BIG_FROM" ]] && ((SKIP_RECOVERY == 0 && EDGE == 0)); then
  [[ -d "$BIG_FROM/journal" ]] || die "--big-state $BIG_FROM has no journal directory"
  log "recovery: skipped, copying the big state of an earlier run from $BIG_FROM"
  mkdir -p "$WORK/tmp"
  cp -r "$BIG_FROM" "$BIG_DIR"
  rm -f "$BIG_DIR/journal/writer.lock"
elif ((SKIP_RECOVERY == 0 && EDGE == 0)); then
  log "recovery: $RECOVERY_ARGS"
  record "java @config/jvm.options -Xms8g -Xmx8g -XX:+UseG1GC -cp benchmarks/target/benchmarks.jar io.ledger.bench.RecoveryBenchmark $RECOVERY_ARGS --dir <tmp>/big-state --keep"
  read -r -a recovery_args <<<"$RECOVERY_ARGS"
  TMPDIR="$WORK/tmp" java "@$JVM_OPTIONS" -Xms8g -Xmx8g -XX:+UseG1GC -Djava.io.tmpdir="$WORK/tmp" -cp "$BENCH_JAR" \
    io.ledger.bench.RecoveryBenchmark "${recovery_args[@]}" --dir "$BIG_DIR" --keep >"$WORK/recovery.txt" 2>"$WORK/recovery.log" \
    || { tail -40 "$WORK/recovery.log" >&2; die "RecoveryBenchmark failed (log: $WORK/recovery.log)"; }
  cat "$WORK/recovery.txt" >&2
fi

# --- 2c. the ledger thread never stalls (issue 13), on the big state of 2b ------------------------------------------
# a. start-up after kill -9 with the whole journal as the tail (its snapshots moved aside): launch to "listening";
# b. per durability mode, an open loop of purchases at STALL_RATE/s over HTTP while the snapshot follower writes
#    snapshots every STALL_SNAPSHOT_S s (the run must span at least two): p99.9 and max from the load tool, and the
#    ledger thread's longest pause (the stall detector, ledger_thread_longest_pause_seconds) over the measured run.
# One "nostall <name> key=value ..." line per figure, in $WORK/nostall.txt and the report.
# STALL_SETTLE: the measured run's own warm-up (the load tool's --warmup, after its set-up), unrecorded. The set-up
# creates and pays in --customers customers closed loop, as fast as the server answers; a window that began right
# after it measured that burst's aftermath (a C2 JIT burst, a ZGC cycle and the follower's catch-up snapshot: per-second
# maxima of 130-1,470 ms in its first 5 s, session 13), not the steady open loop. Sessions up to 13 used 0 s.
STALL_RATE=10000 STALL_SNAPSHOT_S=15 STALL_DURATION=45 STALL_WARMUP=10 STALL_SETTLE=10
((QUICK)) && STALL_RATE=2000 STALL_SNAPSHOT_S=2 STALL_DURATION=6 STALL_WARMUP=2 STALL_SETTLE=2
# Both copies of the ledger (live and follower) with their history off the heap (direct memory).
# ZGC: its pauses stay under a millisecond whatever the heap holds, where a G1 young collection copies the live
# ledger objects and stops every thread for it (0.4-3.4 s measured here on 100,000 customers, on the loaded shared VM).
# STALL_JAVA_OPTS replaces these flags (e.g. to compare with G1). GC pauses and safepoints are logged
# (big-jvm-PID.log), so that a long ledger-thread pause can be told apart from a descheduled thread.
BIG_JAVA_OPTS="${STALL_JAVA_OPTS:--Xms8g -Xmx8g -XX:MaxDirectMemorySize=8g -XX:+UseZGC -XX:+ExitOnOutOfMemoryError}"
BIG_JAVA_OPTS+=" -Xlog:gc,safepoint:file=$WORK/big-jvm-%p.log:uptime,tid"
: >"$WORK/nostall.txt"
nostall() { printf 'nostall %s\n' "$*" | tee -a "$WORK/nostall.txt" >&2; }

# start_big DURABILITY ARGS...: ./ledger serve on the big state; sets SERVER_PID, PORT, READY_MS (launch to port) and
# BIG_OUT (its output: $WORK/big-server-N.out, N counting the starts).
BIG_STARTS=0
start_big() {
  local durability="$1" start_ns
  shift
  # --metrics public: the run reads the stall detector and the snapshot counters from /metrics (127.0.0.1 only)
  record "LEDGER_JAVA_OPTS='$BIG_JAVA_OPTS' ./ledger serve --port 0 --data-dir <tmp>/big-state --durability $durability --metrics public $*"
  BIG_STARTS=$((BIG_STARTS + 1))
  BIG_OUT="$WORK/big-server-$BIG_STARTS.out"
  : >"$BIG_OUT"
  start_ns=$(date +%s%N)
  LEDGER_JAVA_OPTS="$BIG_JAVA_OPTS" "$ROOT/ledger" serve --port 0 --data-dir "$BIG_DIR" --durability "$durability" \
    --metrics public "$@" \
    >>"$BIG_OUT" 2>&1 &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 6000); do
    PORT="$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$BIG_OUT" 2>/dev/null | head -n 1 || true)"
    [[ -n "$PORT" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -40 "$BIG_OUT" >&2; die "the server exited"; }
    sleep 0.02
  done
  [[ -n "$PORT" ]] || { tail -40 "$BIG_OUT" >&2; die "the server did not start within 120 s"; }
  READY_MS=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  DATA_DIR="$BIG_DIR"
}

kill_big() {
  kill -KILL "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# metric NAME: the value of an unlabelled metric on the running server's /metrics.
metric() { curl -fsS "http://127.0.0.1:$PORT/metrics" | awk -v name="$1" '$1 == name && !found { print $2; found = 1 }'; }

# thread_seconds: "kind thread seconds" lines of the server threads' CPU and CPU wait counters (Linux, /metrics).
thread_seconds() {
  curl -fsS "http://127.0.0.1:$PORT/metrics" | sed -n \
    -e 's/^ledger_process_thread_cpu_seconds_total{thread="\([^"]*\)"} \([0-9.eE+-]*\).*/cpu \1 \2/p' \
    -e 's/^ledger_process_thread_cpu_wait_seconds_total{thread="\([^"]*\)"} \([0-9.eE+-]*\).*/wait \1 \2/p'
}

# thread_rates BEFORE AFTER MS: "thread=cpu/wait" in ms per second of the run, for the threads that ran 1 ms/s or more.
thread_rates() {
  awk -v ms="$3" 'NR == FNR { before[$1 " " $2] = $3; next }
    { delta[$1 " " $2] = $3 - before[$1 " " $2]; names[$2] = 1 }
    END { for (n in names) { cpu = delta["cpu " n] * 1000000 / ms; wait = delta["wait " n] * 1000000 / ms;
            if (cpu >= 1) printf "%s=%.0f/%.0f ", n, cpu, wait } }' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# json_first FILE KEY: the first number under "KEY" in a pretty-printed result file.
json_first() { sed -n "s/^ *\"$2\" : \([0-9.]*\).*/\1/p" "$1" | head -n 1; }

if ((SKIP_RECOVERY == 0 && SKIP_STALLS == 0 && EDGE == 0)); then
  command -v curl >/dev/null 2>&1 || apt_install curl
  log "stalls: start-up after kill -9, then open loop at $STALL_RATE purchases/s with snapshots every $STALL_SNAPSHOT_S s"
  # a. start-up after kill -9 with the whole journal as the tail
  mv "$BIG_DIR/snapshots" "$BIG_DIR/snapshots.aside"
  start_big process --snapshot-every-commands 0 --snapshot-every-seconds 0
  kill_big
  start_big process --snapshot-every-commands 0 --snapshot-every-seconds 0
  replayed="$(sed -n 's/.*replayed \([0-9]*\) commands in \([0-9]*\) ms.*/commands=\1 replay_ms=\2/p' "$BIG_OUT" | head -n 1)"
  nostall "startup_after_kill9 $replayed ready_ms=$READY_MS (launch to listening, JVM start included)"
  kill_big
  rm -rf "$BIG_DIR/snapshots"
  mv "$BIG_DIR/snapshots.aside" "$BIG_DIR/snapshots"

  # b. open loop with snapshots, in both durability modes
  for durability in process fsync; do
    start_big "$durability" --snapshot-every-commands 0 --snapshot-every-seconds "$STALL_SNAPSHOT_S"
    startup_ms=$READY_MS
    # the follower rebuilds its copy (loads the snapshot again) after the port opens: wait until it follows
    for _ in $(seq 1 600); do
      [[ "$(metric ledger_snapshot_follower_behind_records)" == 0* ]] && break
      sleep 0.2
    done
    record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port <port> --secret-file <tmp>/big-state/jwt-keys -c $CONNECTIONS --customers 1000 --mix purchase=100 --amount 100 --rate $STALL_RATE --warmup 0s --duration ${STALL_WARMUP}s --no-verify   # JIT warm-up, not recorded"
    bench_tool load --port "$PORT" --secret-file "$BIG_DIR/jwt-keys" -c "$CONNECTIONS" --customers 1000 --mix purchase=100 \
      --amount 100 --rate "$STALL_RATE" --warmup 0s --duration "${STALL_WARMUP}s" --no-verify >/dev/null 2>&1 \
      || die "the warm-up load run failed"
    result="$WORK/nostall-$durability.result.json"
    record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port <port> --secret-file <tmp>/big-state/jwt-keys -c $CONNECTIONS --customers $CUSTOMERS --initial-balance 100000000 --mix purchase=100 --amount 100 --rate $STALL_RATE --arrival poisson --warmup ${STALL_SETTLE}s --duration ${STALL_DURATION}s -o <work>/nostall-$durability.result.json"
    load_log="$WORK/nostall-$durability.load.log"
    : >"$load_log"
    bench_tool load --port "$PORT" --secret-file "$BIG_DIR/jwt-keys" --server-pid "$SERVER_PID" -c "$CONNECTIONS" \
      --customers "$CUSTOMERS" --initial-balance 100000000 --mix purchase=100 --amount 100 --rate "$STALL_RATE" \
      --arrival poisson --warmup "${STALL_SETTLE}s" --duration "${STALL_DURATION}s" --drain-timeout 5s --variant "$durability" \
      --durability-class "$durability" -o "$result" >"$load_log" 2>&1 &
    load_pid=$!
    # The server-side figures (longest pause, snapshots, thread CPU) start about a second before the load tool's window:
    # at its warm-up progress line of STALL_SETTLE - 1.5 s or later (lines come every ~0.9 s), or at its first window line.
    while kill -0 "$load_pid" 2>/dev/null; do
      settled="$(sed -n 's/^ledger-load: warm-up *\([0-9.]*\) s.*/\1/p' "$load_log" | tail -n 1)"
      if [[ -n "$settled" ]] && awk -v t="$settled" -v s="$STALL_SETTLE" 'BEGIN { exit !(t >= s - 1.5) }'; then break; fi
      if grep -q '^ledger-load: \(measuring\|draining\)' "$load_log"; then break; fi
      sleep 0.1
    done
    metric ledger_thread_longest_pause_seconds >/dev/null # starts the period the measured run is read over
    written_before="$(metric ledger_snapshots_written_total)"
    threads_before="$(thread_seconds)"
    threads_start_ns=$(date +%s%N)
    load_rc=0
    wait "$load_pid" || load_rc=$?
    cat "$load_log" >&2
    ((load_rc == 0)) || [[ -f "$result" ]] || die "the open-loop run failed without a result"
    pause_s="$(metric ledger_thread_longest_pause_seconds)"
    written_after="$(metric ledger_snapshots_written_total)"
    threads_ms=$(( ($(date +%s%N) - threads_start_ns) / 1000000 ))
    nostall "threads durability=$durability (per second of the run: ms on a CPU / ms ready but waiting for one)" \
      "$(thread_rates "$threads_before" "$(thread_seconds)" "$threads_ms")"
    snapshots=$(( ${written_after%.*} - ${written_before%.*} ))
    nostall "open_loop durability=$durability rate=$STALL_RATE throughput=$(json_first "$result" throughput)" \
      "p99_9_ms=$(awk -v us="$(json_first "$result" p999)" 'BEGIN { printf "%.2f", us / 1000 }')" \
      "max_ms=$(awk -v us="$(json_first "$result" max)" 'BEGIN { printf "%.2f", us / 1000 }')" \
      "longest_ledger_pause_ms=$(awk -v s="$pause_s" 'BEGIN { printf "%.3f", s * 1000 }')" \
      "snapshots_during_run=$snapshots startup_from_snapshot_ms=$startup_ms"
    ((snapshots >= 2)) || log "WARNING: only $snapshots snapshots during the $durability run (at least two are wanted)"
    kill -TERM "$SERVER_PID"
    wait "$SERVER_PID" || die "the server exited with status $? on SIGTERM"
    SERVER_PID=""
  done
fi

# --- 3. the ledger over HTTP ----------------------------------------------------------------------------------------
LOAD_COMMON=(-c "$CONNECTIONS" --customers "$CUSTOMERS" --initial-balance 100000000
  --duration "${DURATION}s" --warmup "${WARMUP}s")

start_server() {
  local durability="$1" data
  data="$(mktemp -d "$TMPDIR/ledger-$durability.XXXXXX")"
  DATA_DIR="$data/data"
  record "./ledger serve --port 0 --data-dir <tmp>/data --durability $durability"
  # Created here: the background job opens its redirections only once it runs, after the first poll may have.
  : >"$data/server.out"
  : >"$data/server.err"
  "$ROOT/ledger" serve --port 0 --data-dir "$DATA_DIR" --durability "$durability" >>"$data/server.out" 2>>"$data/server.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 300); do
    PORT="$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$data/server.out" 2>/dev/null | head -n 1 || true)"
    [[ -n "$PORT" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$data/server.err" >&2; die "the server exited"; }
    sleep 0.2
  done
  [[ -n "$PORT" ]] || die "the server did not start within 60 s"
  log "ledger serve --durability $durability: pid $SERVER_PID, port $PORT"
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || die "the server exited with status $? on SIGTERM"
  SERVER_PID=""
}

# load NAME DURABILITY ARGS...: one load-tool run against the running server, into NAME.result.json.
load() {
  local name="$1" durability="$2"
  shift 2
  record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port <port> --secret-file <tmp>/data/jwt-keys ${LOAD_COMMON[*]} $* --variant $durability --durability-class $durability"
  local rc=0
  bench_tool load --port "$PORT" --secret-file "$DATA_DIR/jwt-keys" --server-pid "$SERVER_PID" "${LOAD_COMMON[@]}" "$@" \
    --variant "$durability" --durability-class "$durability" -o "$WORK/results/$name.result.json" || rc=$?
  if ((rc != 0)); then
    # A failed check is a finding: its result file records it and the report shows it. No result file: the tool broke.
    [[ -f "$WORK/results/$name.result.json" ]] || die "load run $name failed (exit $rc) without a result"
    log "WARNING: load run $name: a check failed (exit $rc); see its result in the report"
  fi
}

if ((EDGE)); then
  edge_main
  exit 0
fi

if ((SKIP_HTTP == 0)); then
  for durability in process fsync; do
    start_server "$durability"
    # A fresh JVM: warm the server's JIT up once, unrecorded, so that the first measured run is not the cold one.
    record "java @config/jvm.options -jar benchmarks/target/benchmarks.jar load --port <port> --secret-file <tmp>/data/jwt-keys -c $CONNECTIONS --customers 1000 --mix purchase=70,payin=10,balance=20 --warmup 0s --duration $((WARMUP * 2))s --no-verify   # JIT warm-up, not recorded"
    bench_tool load --port "$PORT" --secret-file "$DATA_DIR/jwt-keys" -c "$CONNECTIONS" --customers 1000 \
      --mix purchase=70,payin=10,balance=20 --warmup 0s --duration "$((WARMUP * 2))s" --no-verify >/dev/null 2>&1 \
      || die "the warm-up load run failed"
    load "ledger-$durability-closed" "$durability" --mix purchase=100 --amount 100
    max="$(throughput_of "$WORK/results/ledger-$durability-closed.result.json")"
    for rate in $(rates_for "$max"); do
      load "ledger-$durability-rate-$rate" "$durability" --mix purchase=100 --amount 100 --rate "$rate" --arrival poisson --drain-timeout 5s
    done
    if [[ "$durability" == process ]]; then
      load "ledger-$durability-mixed-closed" "$durability" --mix purchase=60,transfer=10,payin=10,balance=20 --amount 1..10000
    fi
    stop_server
  done
fi

# --- 4. baselines -----------------------------------------------------------------------------------------------------
BASE_COMMON=(--out "$WORK/results" --customers "$CUSTOMERS" --amount 100 --initial-balance 100000000
  --clients "$CONNECTIONS" --duration "$DURATION" --warmup "$WARMUP")
if ((SKIP_PG == 0)); then
  record "benchmarks/baselines/postgres.sh ${BASE_COMMON[*]} --sync on,off --scripts $PG_SCRIPTS"
  "$ROOT/benchmarks/baselines/postgres.sh" "${BASE_COMMON[@]}" --sync on,off --scripts "$PG_SCRIPTS"
  for sync in on off; do
    max="$(throughput_of "$WORK/results/postgresql-sync-$sync-cte-closed.result.json")"
    rates="$(rates_for "$max" | paste -sd, -)"
    if [[ -n "$rates" ]]; then
      record "benchmarks/baselines/postgres.sh ${BASE_COMMON[*]} --sync $sync --scripts cte --no-closed --rates $rates"
      "$ROOT/benchmarks/baselines/postgres.sh" "${BASE_COMMON[@]}" --sync "$sync" --scripts cte --no-closed --rates "$rates"
    fi
  done
  prop postgresql "$(cat "$WORK/results/postgresql.version")"
fi
if ((SKIP_REDIS == 0)); then
  record "benchmarks/baselines/redis.sh ${BASE_COMMON[*]}"
  "$ROOT/benchmarks/baselines/redis.sh" "${BASE_COMMON[@]}"
  prop redis "$(cat "$WORK/results/redis.version")"
  prop redis.mechanism "$(cat "$WORK/results/redis.mechanism")"
fi
record "${WORK#$ROOT/} and <work> are benchmarks/target/bench-run; the raw result files are copied to benchmarks/results/data/"

# --- 5. the report ----------------------------------------------------------------------------------------------------
NOTES="All systems ran one after the other on the same $(nproc)-core machine, each with the same client concurrency ($CONNECTIONS connections) and $CUSTOMERS customers; the load generator always shares the cores with the server it measures."
NOTES+="\\nOpen loop: the load tool (--arrival poisson) and pgbench --rate both draw Poisson arrivals and time each request from its scheduled start, so neither hides a stall (no coordinated omission). redis-benchmark has no rate limit, so Redis appears in closed loop only, and its p99 can only be compared at the same concurrency."
NOTES+="\\nThe ledger's purchase travels HTTP/1.1 + JSON + JWT verification + the Disruptor pipeline + the journal; PostgreSQL's and Redis's travel their binary protocols with no authentication. Every purchase on every system updates the same single merchant balance."
NOTES+="\\nThe ledger's history (two entries per purchase) and product ids are kept in memory and grow with every accepted purchase; so do the PostgreSQL transaction table and the Redis stream."
((QUICK)) && NOTES+="\\nQUICK RUN: windows of ${DURATION} s after ${WARMUP} s of warm-up, JMH with one short iteration; the JIT is barely warm and one hiccup moves a percentile. Use the full run for figures."
prop notes "$NOTES"
prop elapsed "$(( ($(date +%s) - START_S) / 60 )) min $(( ($(date +%s) - START_S) % 60 )) s"

mkdir -p "$RESULTS_DIR/data"
rm -f "$RESULTS_DIR/data/"*.json
cp "$WORK/results/"*.result.json "$RESULTS_DIR/data/" 2>/dev/null || true
[[ -f "$WORK/jmh.json" ]] && cp "$WORK/jmh.json" "$RESULTS_DIR/data/jmh.json"
cp "$WORK/machine.properties" "$RESULTS_DIR/data/machine.properties"
report_args=(report --results "$WORK/results" --machine "$WORK/machine.properties" --commands "$COMMANDS"
  --out "$REPORT" --plot "$RESULTS_DIR/throughput-vs-p99.png")
[[ -f "$WORK/jmh.json" ]] && report_args+=(--jmh "$WORK/jmh.json")
bench_tool "${report_args[@]}"
if [[ -s "$WORK/recovery.txt" ]]; then
  cp "$WORK/recovery.txt" "$RESULTS_DIR/data/recovery.txt"
  {
    printf '\n## Recovery: replay, snapshot and start-up\n\n'
    printf 'RecoveryBenchmark (%s) builds a journal of customers, pay-ins and purchases, replays it whole into a fresh\n' "$RECOVERY_ARGS"
    printf 'ledger, writes a snapshot of that state, then starts from the snapshot plus a journal tail, as a server\n'
    printf 'start does. Its raw output, from this run:\n\n```text\n'
    cat "$WORK/recovery.txt"
    printf '```\n'
  } >>"$REPORT"
fi
if [[ -s "$WORK/nostall.txt" ]]; then
  cp "$WORK/nostall.txt" "$RESULTS_DIR/data/nostall.txt"
  for durability in process fsync; do
    [[ -f "$WORK/nostall-$durability.result.json" ]] && cp "$WORK/nostall-$durability.result.json" "$RESULTS_DIR/data/"
  done
  {
    printf '\n## The ledger thread under snapshots (issue 13)\n\n'
    printf 'On the state RecoveryBenchmark left (%s): ./ledger serve after a kill -9 with the whole journal as\n' "$RECOVERY_ARGS"
    printf 'its tail (launch to listening), then per durability mode an open loop of %s purchases/s, measured for %s s after\n' "$STALL_RATE" "$STALL_DURATION"
    printf '%s s of its own warm-up (which follows the load tool'"'"'s closed-loop set-up of its customers), while the\n' "$STALL_SETTLE"
    printf 'snapshot follower writes a snapshot every %s s; the longest ledger-thread pause is the stall detector'"'"'s\n' "$STALL_SNAPSHOT_S"
    printf '(ledger_thread_longest_pause_seconds, read over the measured run). Raw output, from this run:\n\n```text\n'
    cat "$WORK/nostall.txt"
    printf '```\n'
  } >>"$REPORT"
fi
log "done in $(( $(date +%s) - START_S )) s: $REPORT, ${RESULTS_DIR#$ROOT/}/throughput-vs-p99.png"
