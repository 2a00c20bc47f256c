#!/usr/bin/env bash
# Three nodes of the replicated ledger on 127.0.0.1 (docs/cluster.md), until Ctrl-C; they are stopped on exit.
#
#   LEDGER_JWT_SECRET=text:... scripts/cluster-3.sh [DATA_DIR] [HTTP_BASE_PORT] [AERON_BASE_PORT]
#
# Node N keeps its data in DATA_DIR/node-N (default ./cluster-data), serves HTTP on HTTP_BASE_PORT+N (default 9000)
# and uses UDP ports AERON_BASE_PORT+100*N+1..5 (default 20000). Each node embeds its own media driver in SHARED
# threading mode with backing-off idle strategies, so the three fit 2 cores. Logs: DATA_DIR/node-N.log.
# Without LEDGER_JWT_SECRET a key is generated and printed, with a token to try the API.
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${1:-cluster-data}"
HTTP_BASE="${2:-9000}"
AERON_BASE="${3:-20000}"
mkdir -p "$DATA_DIR"

if [[ -z "${LEDGER_JWT_SECRET:-}" ]]; then
  LEDGER_JWT_SECRET="base64:$(head -c 32 /dev/urandom | base64)"
  printf 'cluster-3: generated LEDGER_JWT_SECRET=%s\n' "$LEDGER_JWT_SECRET"
fi
export LEDGER_JWT_SECRET

"$ROOT/ledger" cluster --help >/dev/null # builds cluster/target/ledger-cluster.jar once, before three nodes race to

pids=()
stop_nodes() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_nodes EXIT
trap 'exit 130' INT TERM

for node in 0 1 2; do
  "$ROOT/ledger" cluster --node "$node" --nodes 3 --data-dir "$DATA_DIR/node-$node" --http-port "$((HTTP_BASE + node))" \
    --base-port "$AERON_BASE" >"$DATA_DIR/node-$node.log" 2>&1 &
  pids+=("$!")
done

for node in 0 1 2; do
  for _ in $(seq 1 240); do
    grep -q 'listening on' "$DATA_DIR/node-$node.log" 2>/dev/null && break
    kill -0 "${pids[$node]}" 2>/dev/null || { tail -n 30 "$DATA_DIR/node-$node.log" >&2; exit 1; }
    sleep 0.5
  done
  grep -h 'listening on' "$DATA_DIR/node-$node.log" || { echo "cluster-3: node $node did not start" >&2; exit 1; }
done
echo "cluster-3: three nodes up (Ctrl-C stops them); e.g. TOKEN=\$(LEDGER_JWT_SECRET=... ./ledger token --merchant m1)"
wait
