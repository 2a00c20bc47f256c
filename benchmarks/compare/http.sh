#!/usr/bin/env bash
# Interleaved HTTP request-path comparison of several builds: each tree's ./ledger serve (process durability, fresh data
# directory), driven by one load tool (LOADJAR), closed loop, purchases only, at 4 and 32 connections; ROUNDS rounds,
# the order rotating each round.  usage: http.sh OUTDIR ROUNDS DURATION_S label=tree [label=tree ...]
set -euo pipefail
out=$1; rounds=$2; dur=$3; shift 3
systems=("$@")
LOADJAR=${LOADJAR:?set LOADJAR to the benchmarks.jar whose load tool drives every build}
mkdir -p "$out"
run() { # label tree round
  local l=$1 t=$2 r=$3 d port="" jpid secret
  d=$(mktemp -d /tmp/abhttp.XXXXXX)
  (cd "$t" && LEDGER_MVN_ARGS=-o exec ./ledger serve --port 0 --data-dir "$d/data" --durability process >"$d/out" 2>"$d/err") &
  for _ in $(seq 1 300); do
    port=$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$d/out" | head -1); [[ -n "$port" ]] && break; sleep 0.2
  done
  jpid=$(pgrep -f -- "--data-dir $d/data" | head -1)
  secret="$d/data/jwt-keys"; [[ -f "$secret" ]] || secret="$d/data/jwt-secret"
  java -jar "$LOADJAR" load --port "$port" --secret-file "$secret" -c 32 --customers 2000 \
    --mix purchase=100 --amount 100 --warmup 0s --duration 8s --no-verify >/dev/null 2>&1 || echo "warm-up $l failed"
  for c in 4 32; do
    java -jar "$LOADJAR" load --port "$port" --secret-file "$secret" --server-pid "$jpid" \
      -c $c --customers 2000 --initial-balance 100000000 --mix purchase=100 --amount 100 --warmup 3s --duration ${dur}s \
      --system "$l" --variant "c$c" -o "$out/$l-r$r-c$c.result.json" > "$out/$l-r$r-c$c.log" 2>&1 || echo "load $l r$r c$c rc=$?"
  done
  kill -TERM "$jpid" 2>/dev/null || true; wait 2>/dev/null || true
  rm -rf "$d"
  echo "$(date +%T) $l round $r done (load $(cut -d' ' -f1-3 /proc/loadavg))"
}
n=${#systems[@]}
for r in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((n-1))); do
    i=$(( (k + r - 1) % n )); s=${systems[$i]}
    run "${s%%=*}" "${s#*=}" "$r"
  done
done
