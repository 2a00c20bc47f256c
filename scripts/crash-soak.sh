#!/usr/bin/env bash
# Crash soak: CrashRecoveryTest with 100 kill -9 rounds (or ROUNDS) against the real server, snapshots mixed in.
#
#   scripts/crash-soak.sh                      100 rounds of purchases and transfers, history checked after each
#   ROUNDS=300 scripts/crash-soak.sh           more rounds
#   TRANSFERS=off HISTORY=off scripts/crash-soak.sh   purchases only, balances only
#   SEED=123 scripts/crash-soak.sh             replay a failed run's random choices (printed as seed=... in the output)
#   MVN_ARGS=-o scripts/crash-soak.sh          extra Maven arguments (e.g. offline)
#
# Builds engine, journal, http-adapter and server, then runs only CrashRecoveryTest, with JUnit's class timeout off (every wait
# inside the test is bounded on its own). Output, including one line per round, goes to stdout and to
# target/crash-soak-<time>.log; a failed run keeps its data directory and server logs (the path is in the failure).
# Exit code: Maven's (0 when every round passed).
set -euo pipefail

ROOT="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-100}"
TRANSFERS="${TRANSFERS:-on}"
HISTORY="${HISTORY:-on}"
SNAPSHOTS="${SNAPSHOTS:-on}"
mkdir -p "$ROOT/target"
LOG="$ROOT/target/crash-soak-$(date -u +%Y%m%dT%H%M%SZ).log"

args=(-B -pl server -am verify
  -Dtest=CrashRecoveryTest -Dsurefire.failIfNoSpecifiedTests=false
  -Djunit.jupiter.execution.timeout.mode=disabled
  -Dledger.crash.rounds="$ROUNDS"
  -Dledger.crash.transfers="$TRANSFERS"
  -Dledger.crash.history="$HISTORY"
  -Dledger.crash.snapshots="$SNAPSHOTS")
[[ -n "${SEED:-}" ]] && args+=(-Dledger.crash.seed="$SEED")
extra=()
[[ -n "${MVN_ARGS:-}" ]] && read -r -a extra <<<"$MVN_ARGS"

echo "crash soak: $ROUNDS rounds, transfers=$TRANSFERS history=$HISTORY snapshots=$SNAPSHOTS; log $LOG"
cd "$ROOT"
set +e
mvn "${args[@]}" ${extra[@]+"${extra[@]}"} 2>&1 | tee "$LOG" | grep --line-buffered -E 'CrashRecoveryTest:|Tests run:|FAIL|BUILD'
status=${PIPESTATUS[0]}
set -e
echo "crash soak: exit $status; full output in $LOG"
exit "$status"
