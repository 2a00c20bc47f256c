#!/usr/bin/env bash
# Issue 13's open loop (run.sh step 2c, one durability mode) on a fresh copy of a big state, with where the server's
# CPU went: each server thread's CPU and run-queue wait (kernel schedstat, read from /proc at the start and the end of
# the measured run, so any build can be measured), the GC and safepoint log, and the server's log (long-pause
# warnings, snapshots). The load is run.sh's: a 10 s warm-up at RATE, then RATE purchases/s (Poisson) for 45 s over
# CONNS connections.
#
# usage: stall.sh BIGSTATE TREE OUTDIR [DURABILITY [ledger serve args...]]
#   BIGSTATE   a data directory such as `RecoveryBenchmark ... --dir DIR --keep` leaves (copied, never changed)
#   TREE       a built checkout (./ledger serve, benchmarks/target/benchmarks.jar)
#   env: RATE (10000), CONNS (64), SNAP_S (snapshot every S seconds, 15; 0 for none), EXTRA_OPTS (more JVM flags)
# Prints the load tool's summary and a per-thread table; everything is kept in OUTDIR (the copy is deleted).
set -euo pipefail
src=$1 tree=$2 out=$3 dur=${4:-process}
shift $(( $# < 4 ? $# : 4 ))
RATE=${RATE:-10000} CONNS=${CONNS:-64} SNAP_S=${SNAP_S:-15}
rm -rf "$out"; mkdir -p "$out"
big="$out/big-state"
cp -r "$src" "$big"; rm -f "$big/journal/writer.lock" "$big/events/writer.lock"
opts="-Xms8g -Xmx8g -XX:MaxDirectMemorySize=8g -XX:+UseZGC -XX:+ExitOnOutOfMemoryError"
opts+=" -Xlog:gc,safepoint:file=$out/gc.log:uptime,tid ${EXTRA_OPTS:-}"
(cd "$tree" && LEDGER_MVN_ARGS=-o LEDGER_JAVA_OPTS="$opts" exec ./ledger serve --port 0 --data-dir "$big" \
  --durability "$dur" --metrics public --snapshot-every-commands 0 --snapshot-every-seconds "$SNAP_S" "$@" \
  >"$out/server.out" 2>&1) &
pid=$!
trap 'kill -KILL $pid 2>/dev/null || true; rm -rf "$big"' EXIT
port=""
for _ in $(seq 1 6000); do
  port=$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$out/server.out" | head -1)
  [[ -n $port ]] && break
  kill -0 $pid 2>/dev/null || { tail -20 "$out/server.out"; exit 1; }
  sleep 0.05
done
[[ -n $port ]] || { echo "no port after 300 s"; exit 1; }
jpid=$(pgrep -f -- "--data-dir $big" | tail -1)
metric() { curl -fsS "http://127.0.0.1:$port/metrics" | awk -v name="$1" '$1 == name && !found { print $2; found = 1 }'; }
for _ in $(seq 1 600); do [[ "$(metric ledger_snapshot_follower_behind_records)" == 0* ]] && break; sleep 0.2; done
# threads: "tid name cpu_ns wait_ns" per thread of the server, tab-separated (names may hold spaces)
threads() {
  for t in /proc/"$jpid"/task/*; do
    { read -r name < "$t/comm" && read -r cpu wait _ < "$t/schedstat" && printf '%s\t%s\t%s\t%s\n' "${t##*/}" "$name" "$cpu" "$wait"; } 2>/dev/null || true
  done
}
bench() { (cd "$tree" && java @config/jvm.options -jar benchmarks/target/benchmarks.jar "$@"); }
bench load --port "$port" --secret-file "$big/jwt-keys" -c "$CONNS" --customers 1000 --mix purchase=100 --amount 100 \
  --rate "$RATE" --warmup 0s --duration 10s --no-verify >"$out/warm.txt" 2>&1
metric ledger_thread_longest_pause_seconds >/dev/null
threads >"$out/threads-start.tsv"; start_ns=$(date +%s%N)
bench load --port "$port" --secret-file "$big/jwt-keys" --server-pid "$jpid" -c "$CONNS" --customers 10000 \
  --initial-balance 100000000 --mix purchase=100 --amount 100 --rate "$RATE" --arrival poisson --warmup 0s --duration 45s \
  --drain-timeout 5s -o "$out/result.json" >"$out/load.txt" 2>&1 || true
threads >"$out/threads-end.tsv"; ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
pause_ms=$(awk -v s="$(metric ledger_thread_longest_pause_seconds)" 'BEGIN { printf "%.1f", s * 1000 }')
written=$(metric ledger_snapshots_written_total)
kill -TERM "$jpid"; wait $pid || true
grep -E '^ +(throughput|latency|note)' "$out/load.txt" || tail -5 "$out/load.txt"
echo "longest ledger-thread pause ${pause_ms} ms; snapshots written by this process: ${written}; run ${ms} ms"
echo "per thread name (digits folded to #), ms per second of the run: on a CPU / ready but waiting for a CPU"
awk -F'\t' -v ms="$ms" '{ n = $2; gsub(/[0-9]+/, "#", n) }
  NR == FNR { c0[$1] = $3; w0[$1] = $4; next }
  ($1 in c0) { cpu[n] += ($3 - c0[$1]) / 1e6 * 1000 / ms; wait[n] += ($4 - w0[$1]) / 1e6 * 1000 / ms }
  END { for (n in cpu) if (cpu[n] >= 5) printf "  %-18s %6.0f / %6.0f\n", n, cpu[n], wait[n] }' \
  "$out/threads-start.tsv" "$out/threads-end.tsv" | sort -k2 -n -r
