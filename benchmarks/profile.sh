#!/usr/bin/env bash
# Flame graphs of the real server's request path under load: async-profiler attached to `./ledger serve` while the
# load tool drives closed-loop purchases at it. One self-contained HTML flame graph per event, stacks split per
# thread (http-io, ledger, ledger-snapshot...), plus a text file recording the machine's load
# at the time (other processes share these cores: read the shape of a profile, not its absolute numbers).
#
#   1. builds the server jar and benchmarks/target/benchmarks.jar when missing (mvn package, tests skipped)
#   2. fetches tools.profiler:async-profiler (Maven Central) into benchmarks/target/async-profiler and unpacks its
#      linux-x64/libasyncProfiler.so
#   3. starts ./ledger serve (fresh data directory under benchmarks/target, port 0, --durability as given) and one
#      load-tool run: --customers customers, purchase=100, --connections connections, closed loop, long enough for
#      the warm-up and every profile
#   4. after --warmup seconds, for each event: attaches the profiler (jcmd PID JVMTI.agent_load, the JDK's own way
#      to load an agent into a running JVM), profiles --seconds seconds, writes PREFIX-EVENT.html; the cpu event
#      uses perf events and falls back to itimer where the kernel refuses them
#   5. stops the load tool and the server, and writes PREFIX-machine.txt (uptime, top processes, the load tool's
#      summary during the profiles, the exact commands)
#
# Usage: benchmarks/profile.sh [options]
#   --out DIR              where the HTML and text go (default docs/profiles)
#   --prefix NAME          file name prefix (default before): NAME-cpu.html, NAME-alloc.html, NAME-wall.html
#   --events LIST          cpu, alloc, wall, lock (default cpu,alloc,wall)
#   --seconds S            profile length per event (default 15)
#   --warmup S             load before the first profile, for the JIT (default 20)
#   --connections N        load-tool connections (default 32)
#   --customers N          (default 2000)
#   --durability MODE      process or fsync (default process)
#   --serve-args "ARGS"    extra ./ledger serve options, e.g. "--wait-strategy yielding"
#   --load-args "ARGS"     extra load-tool options, e.g. "--batch 100 --batch-path /api/canary/batch" (batches)
#   --minwidth PCT         leave out frames narrower than PCT% of the samples, to keep the HTML small (default 0.05)
#   --async-profiler V     async-profiler version (default 4.1)
#
# Needs: JDK 17+ (java, jcmd), Maven 3.8+, Linux x86-64. The perf-events cpu profile needs
# kernel.perf_event_paranoid <= 1 for a non-root user (root needs nothing); kernel frames need kptr_restrict 0.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/baselines/lib.sh"
cd "$ROOT"

OUT="$ROOT/docs/profiles" PREFIX=before EVENTS=cpu,alloc,wall SECONDS_PER=15 WARMUP=20 CONNECTIONS=32 CUSTOMERS=2000
DURABILITY=process SERVE_ARGS="" LOAD_ARGS="" MINWIDTH=0.05 AP_VERSION=4.1
ARGS_TEXT="$*"
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    --events) EVENTS="$2"; shift 2 ;;
    --seconds) SECONDS_PER="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --durability) DURABILITY="$2"; shift 2 ;;
    --serve-args) SERVE_ARGS="$2"; shift 2 ;;
    --load-args) LOAD_ARGS="$2"; shift 2 ;;
    --minwidth) MINWIDTH="$2"; shift 2 ;;
    --async-profiler) AP_VERSION="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
command -v jcmd >/dev/null 2>&1 || die "jcmd not found: it comes with the JDK (not the JRE)"
[[ "$(uname -sm)" == "Linux x86_64" ]] || die "this script uses linux-x64/libasyncProfiler.so; this machine is $(uname -sm)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
read -r -a events <<<"${EVENTS//,/ }"

# --- 1. jars, 2. the profiler -----------------------------------------------------------------------------------------
SERVER_JAR="$ROOT/server/target/ledger-server.jar"
if [[ ! -f "$BENCH_JAR" || ! -f "$SERVER_JAR" ]]; then
  log "building (mvn -B -q -DskipTests -pl benchmarks -am package)"
  mvn -B -q -DskipTests -pl benchmarks -am package >&2 || die "build failed"
fi
AP_DIR="$ROOT/benchmarks/target/async-profiler"
LIB="$AP_DIR/linux-x64/libasyncProfiler.so"
if [[ ! -f "$LIB" ]]; then
  mkdir -p "$AP_DIR"
  log "fetching tools.profiler:async-profiler:$AP_VERSION"
  (cd "$AP_DIR" && mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$AP_VERSION" -DoutputDirectory=. >&2 \
    && unzip -o -q "async-profiler-$AP_VERSION.jar" 'linux-x64/*') || die "cannot fetch async-profiler $AP_VERSION"
fi

# --- 3. server and load -----------------------------------------------------------------------------------------------
WORK="$ROOT/benchmarks/target/profile-run"
rm -rf "$WORK"
mkdir -p "$WORK"
SERVER_PID="" LOAD_PID=""
cleanup() {
  local rc=$?
  [[ -n "$LOAD_PID" ]] && kill -TERM "$LOAD_PID" 2>/dev/null || true
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  ((rc == 0)) || log "failed (exit $rc); scratch files in $WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r -a serve_args <<<"$SERVE_ARGS"
read -r -a load_args <<<"$LOAD_ARGS"
touch "$SERVER_JAR" # the jar was just built or checked: do not let ./ledger rebuild it under load
: >"$WORK/server.out"
: >"$WORK/server.err"
"$ROOT/ledger" serve --port 0 --data-dir "$WORK/data" --durability "$DURABILITY" ${serve_args[@]+"${serve_args[@]}"} \
  >>"$WORK/server.out" 2>>"$WORK/server.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
  PORT="$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$WORK/server.out" | head -n 1)"
  [[ -n "$PORT" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; die "the server exited"; }
  sleep 0.2
done
[[ -n "$PORT" ]] || die "the server did not start within 60 s"
log "ledger serve --durability $DURABILITY $SERVE_ARGS: pid $SERVER_PID, port $PORT"

TOTAL=$((WARMUP + ${#events[@]} * (SECONDS_PER + 3) + 5))
LOAD_CMD=(load --port "$PORT" --secret-file "$WORK/data/jwt-keys" --server-pid "$SERVER_PID" -c "$CONNECTIONS"
  --customers "$CUSTOMERS" --mix purchase=100 --amount 100 --warmup "${WARMUP}s" --duration "$((TOTAL - WARMUP))s" ${load_args[@]+"${load_args[@]}"})
bench_tool "${LOAD_CMD[@]}" >"$WORK/load.out" 2>"$WORK/load.err" &
LOAD_PID=$!
log "load: ${LOAD_CMD[*]}"
# The set-up phase (creating and paying in customers) comes before the warm-up: wait for the workload to start.
for _ in $(seq 1 600); do
  grep -q 'warm-up' "$WORK/load.err" 2>/dev/null && break
  kill -0 "$LOAD_PID" 2>/dev/null || { cat "$WORK/load.err" >&2; die "the load tool exited early"; }
  sleep 0.2
done
sleep "$WARMUP"

# --- 4. profiles --------------------------------------------------------------------------------------------------------
# agent OPTIONS: load the profiler into the server with OPTIONS. jcmd splits its own arguments at '=', so the
# options travel as one quoted value. The profiler reports to the server's stdout.
agent() { jcmd "$SERVER_PID" JVMTI.agent_load "$LIB" "\"$1\"" >>"$WORK/jcmd.log" 2>&1; }

machine_state() {
  printf '## %s, %s\n' "$1" "$(date -u +'%Y-%m-%d %H:%M:%S UTC')"
  printf 'uptime: %s\n' "$(uptime)"
  printf 'processes by CPU (ps, lifetime average %%CPU):\n'
  ps -eo pid,pcpu,pmem,etime,comm --sort=-pcpu | head -n 12
  printf 'top, one 1-second sample:\n'
  top -b -n 2 -d 1 -w 160 2>/dev/null | awk '/^top -/{n++} n==2' | head -n 20 || true
  printf '\n'
}
: >"$WORK/machine.txt"
for event in "${events[@]}"; do
  file="$OUT/$PREFIX-$event.html"
  rm -f "$file"
  used="$event"
  opts="event=$event"
  [[ "$event" == alloc ]] && opts="event=alloc,alloc=512k"
  [[ "$event" == lock ]] && opts="event=lock,lock=10us"
  [[ "$event" == wall ]] && opts="event=wall,interval=5ms"
  [[ "$event" == cpu ]] && opts="event=cpu,interval=1ms"
  before="$(wc -l <"$WORK/server.out")"
  agent "start,$opts,threads,file=$file" || die "jcmd could not load the profiler (see $WORK/jcmd.log)"
  sleep 1
  if tail -n +"$((before + 1))" "$WORK/server.out" | grep -q '^\[ERROR\]'; then
    if [[ "$event" == cpu ]]; then
      log "perf events refused ($(tail -n +"$((before + 1))" "$WORK/server.out" | grep '^\[ERROR\]' | head -n 1)); falling back to itimer"
      used=itimer
      agent "start,event=itimer,interval=1ms,threads,file=$file" || die "jcmd could not load the profiler"
    else
      die "profiler refused event $event: $(tail -n +"$((before + 1))" "$WORK/server.out" | grep '^\[ERROR\]' | head -n 1)"
    fi
  fi
  machine_state "during the $event profile (event $used, ${SECONDS_PER} s)" >>"$WORK/machine.txt"
  sleep "$((SECONDS_PER - 1))"
  # The same samples as collapsed stacks (text, one stack per line), for the per-thread summary below and for
  # scripted analysis; they stay in the scratch directory.
  agent "dump,collapsed,file=$WORK/$PREFIX-$event.collapsed" || die "jcmd could not dump the profile"
  agent "stop,file=$file,title=ledger $DURABILITY $CONNECTIONS connections: $used ($PREFIX),minwidth=$MINWIDTH" \
    || die "jcmd could not stop the profiler"
  for _ in $(seq 1 50); do [[ -s "$file" ]] && break; sleep 0.2; done
  [[ -s "$file" ]] || die "the profiler wrote no $file (server output: $(tail -n 3 "$WORK/server.out"))"
  log "$file: $(du -h "$file" | cut -f1) ($used)"
  sleep 2
done

# thread_shares FILE: samples per thread of a collapsed profile (its first frame is "[name tid=N]"), thread-pool
# numbers folded (http-io-3-1 -> http-io), largest first.
thread_shares() {
  awk '{ n = $NF; $NF = ""; split($0, f, ";"); t = f[1]; sub(/^\[/, "", t); sub(/ tid=[0-9]+\]$/, "", t);
         gsub(/-[0-9]+/, "", t); s[t] += n; total += n }
       END { for (t in s) printf "%7.1f%%  %s\n", 100 * s[t] / total, t }' "$1" | sort -rn
}

# --- 5. stop, record ----------------------------------------------------------------------------------------------------
wait "$LOAD_PID" || log "WARNING: the load tool exited with status $? (a check failed or it was cut short; see below)"
LOAD_PID=""
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""
{
  printf '# Machine and load during benchmarks/profile.sh%s\n\n' "${ARGS_TEXT:+ $ARGS_TEXT}"
  printf 'ledger commit %s%s; %s; %s cores; %s\n' "$(git rev-parse --short HEAD)" \
    "$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')" "$(java -version 2>&1 | head -n 1)" "$(nproc)" "$(uname -sr)"
  printf 'server: ./ledger serve --port 0 --data-dir <tmp> --durability %s %s (pid %s)\n' "$DURABILITY" "$SERVE_ARGS" "(gone)"
  printf 'load:   benchmarks.jar %s\n' "${LOAD_CMD[*]//$WORK/<tmp>}"
  printf 'profiler: async-profiler %s, loaded with jcmd PID JVMTI.agent_load libasyncProfiler.so "start,<event>,threads,file=..."\n\n' "$AP_VERSION"
  cat "$WORK/machine.txt"
  for event in "${events[@]}"; do
    [[ -s "$WORK/$PREFIX-$event.collapsed" ]] || continue
    printf '## %s samples by thread (share of all samples in the profile)\n\n' "$event"
    thread_shares "$WORK/$PREFIX-$event.collapsed"
    printf '\n'
  done
  printf '## the load tool over the whole run (warm-up excluded; the profiles were taken inside this window)\n\n'
  cat "$WORK/load.out"
} >"$OUT/$PREFIX-machine.txt"
log "done: $(ls "$OUT"/"$PREFIX"-* | tr '\n' ' ')"
