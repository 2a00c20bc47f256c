#!/usr/bin/env bash
# The change stream's cost, side by side in one sitting: one ./ledger serve (process durability), the load tool's
# closed-loop purchases at 32 connections, with 0, 1 and 100 consumers of GET /api/canary/events?from=latest for the
# load's merchant, and with one slow consumer ("slow": curl --limit-rate 1k, which the server cuts off with its resume
# id once its buffer stays full); ROUNDS rounds, the order rotating. Prints purchases/s, p99 and server CPU per
# purchase per run, and the events each consumer received (over warm-up and window).
#   usage: benchmarks/compare/stream.sh OUTDIR [ROUNDS] [DURATION_S]   (after: mvn -B -q -pl benchmarks,server -am package -DskipTests)
set -euo pipefail
out=$1; rounds=${2:-2}; dur=${3:-10}
root=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOADJAR="$root/benchmarks/target/benchmarks.jar"
[[ -f "$LOADJAR" && -f "$root/server/target/ledger-server.jar" ]] || { echo "build first: mvn -B -q -pl benchmarks,server -am package -DskipTests"; exit 2; }
mkdir -p "$out"
d=$(mktemp -d /tmp/streambench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; [[ -n "${jpid:-}" ]] && kill -TERM "$jpid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$d"; }
trap cleanup EXIT
(cd "$root" && LEDGER_MVN_ARGS=-o exec ./ledger serve --port 0 --data-dir "$d/data" --durability process >"$d/out" 2>"$d/err") &
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$d/out" | head -1); [[ -n "$port" ]] && break; sleep 0.2
done
[[ -n "$port" ]] || { echo "the server did not start"; cat "$d/err"; exit 1; }
jpid=$(pgrep -f -- "--data-dir $d/data" | head -1)
token=$(cd "$root" && LEDGER_MVN_ARGS=-o ./ledger token --merchant streambench --data-dir "$d/data")
load() { # label
  java -jar "$LOADJAR" load --port "$port" --token "$token" --merchant streambench --server-pid "$jpid" -c 32 --customers 2000 \
    --initial-balance 100000000 --mix purchase=100 --amount 100 --warmup 3s --duration ${dur}s --no-verify \
    -o "$out/$1.result.json" > "$out/$1.log" 2>&1 || echo "load $1 rc=$?"
}
load warmup
echo "| round | consumers | purchases/s | p99 ms | server CPU µs/purchase | events received per consumer (min-max) |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$rounds"); do
  order=(0 1 100 slow); [[ $((r % 2)) -eq 0 ]] && order=(slow 100 1 0)
  for n in "${order[@]}"; do
    pids=(); consumers=$n; rate=()
    if [[ $n == slow ]]; then consumers=1; rate=(--limit-rate 1k); fi
    for i in $(seq 1 "$consumers"); do
      curl -sN "${rate[@]}" --max-time $((dur + 30)) -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/canary/events?from=latest" > "$d/c$i" 2>/dev/null &
      pids+=($!)
    done
    sleep 1
    load "r$r-n$n"
    sleep 1
    for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
    wait "${pids[@]:-}" 2>/dev/null || true
    counts=""; [[ $consumers -gt 0 ]] && counts=$(for i in $(seq 1 "$consumers"); do grep -c '^id:' "$d/c$i" || true; done | sort -n | sed -n '1p;$p' | paste -sd- -)
    [[ $n == slow ]] && grep -q '^: too slow' "$d/c1" && counts="$counts, cut off: $(grep '^: too slow' "$d/c1" | head -1)"
    python3 - "$out/r$r-n$n.result.json" "$r" "$n" "${counts:--}" <<'PY'
import json,sys
p,r,n,c=sys.argv[1:]
try:
    j=json.load(open(p))
except Exception as e:
    print(f"| {r} | {n} | (no result: {e}) | | {c} |"); sys.exit()
rate=j['throughput']; p99=j['latencyUs']['p99']/1000
cpu=j['serverCpuPct']/100/rate*1e6 if rate else 0
print(f"| {r} | {n} | {rate:,.0f} | {p99:.1f} | {cpu:.0f} | {c} |")
PY
    rm -f "$d"/c*
  done
done
