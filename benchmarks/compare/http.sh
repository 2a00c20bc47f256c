#!/usr/bin/env bash
# Interleaved HTTP request-path comparison of several builds or options: each system's ./ledger serve (process
# durability, fresh data directory), driven by one load tool (LOADJAR), purchases only: closed loop at 4 and 32
# connections, then open loop at OPEN_RATE purchases/s (Poisson, 32 connections; OPEN_RATE=0 skips it); ROUNDS rounds,
# the order rotating each round. A system is label=tree, or label=tree:ARGS with extra `ledger serve` arguments
# separated by commas, e.g. loop=/path/wt  own=/path/wt:--ledger-thread,own (the default, --ledger-thread auto, runs the
# ledger on the event loop here: one event loop, process durability)
# usage: http.sh OUTDIR ROUNDS DURATION_S label=tree[:args] [label=tree[:args] ...]
set -euo pipefail
out=$1; rounds=$2; dur=$3; shift 3
systems=("$@")
LOADJAR=${LOADJAR:?set LOADJAR to the benchmarks.jar whose load tool drives every build}
OPEN_RATE=${OPEN_RATE:-2000}
mkdir -p "$out"
run() { # label tree[:args] round
  local l=$1 spec=$2 r=$3 t args=() d port="" jpid secret
  t=${spec%%:*}
  if [[ "$spec" == *:* ]]; then IFS=, read -r -a args <<< "${spec#*:}"; fi
  d=$(mktemp -d /tmp/abhttp.XXXXXX)
  (cd "$t" && LEDGER_MVN_ARGS=-o exec ./ledger serve --port 0 --data-dir "$d/data" --durability process ${args[@]+"${args[@]}"} \
    >"$d/out" 2>"$d/err") &
  for _ in $(seq 1 300); do
    port=$(sed -n 's|^ledger listening on http://[^:]*:\([0-9]*\).*|\1|p' "$d/out" | head -1); [[ -n "$port" ]] && break; sleep 0.2
  done
  [[ -n "$port" ]] || { echo "$l did not start: $(tail -3 "$d/err")"; rm -rf "$d"; return 0; }
  jpid=$(pgrep -f -- "--data-dir $d/data" | head -1)
  secret="$d/data/jwt-keys"; [[ -f "$secret" ]] || secret="$d/data/jwt-secret"
  java -jar "$LOADJAR" load --port "$port" --secret-file "$secret" -c 32 --customers 2000 \
    --mix purchase=100 --amount 100 --warmup 0s --duration 8s --no-verify >/dev/null 2>&1 || echo "warm-up $l failed"
  for c in 4 32; do
    java -jar "$LOADJAR" load --port "$port" --secret-file "$secret" --server-pid "$jpid" \
      -c $c --customers 2000 --initial-balance 100000000 --mix purchase=100 --amount 100 --warmup 3s --duration ${dur}s \
      --system "$l" --variant "c$c" -o "$out/$l-r$r-c$c.result.json" > "$out/$l-r$r-c$c.log" 2>&1 || echo "load $l r$r c$c rc=$?"
  done
  if [[ "$OPEN_RATE" != 0 ]]; then
    java -jar "$LOADJAR" load --port "$port" --secret-file "$secret" --server-pid "$jpid" \
      -c 32 --rate "$OPEN_RATE" --arrival poisson --drain-timeout 5s --customers 2000 --initial-balance 100000000 \
      --mix purchase=100 --amount 100 --warmup 3s --duration ${dur}s --system "$l" --variant "open$OPEN_RATE" \
      -o "$out/$l-r$r-open$OPEN_RATE.result.json" > "$out/$l-r$r-open$OPEN_RATE.log" 2>&1 || echo "load $l r$r open rc=$?"
  fi
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
