#!/usr/bin/env bash
# PostgreSQL baseline: the purchase workload as a ledger table would run it, driven by pgbench.
#
# Installs PostgreSQL from Debian packages if absent, runs a throwaway server (initdb into a temporary directory,
# bound to 127.0.0.1 on a free port, run as the 'postgres' user when started as root), loads N customers and one
# merchant, then for each synchronous_commit setting runs pgbench closed-loop at CLIENTS connections and open-loop
# at each --rates value (pgbench --rate: Poisson arrivals, latency from the scheduled start), converts every run
# into a result file (benchmarks.jar pgbench-result), checks that money is conserved, stops the server and deletes
# the directory.
#
# One purchase is ONE transaction: conditional debit (UPDATE ... WHERE balance >= amount), merchant credit and a
# transaction row. Scripts (--scripts):
#   cte          the three as one statement (data-modifying CTEs): one round trip, PostgreSQL's best case
#   interactive  BEGIN; debit; (if debited) credit; insert; COMMIT: five round trips, as an application does it
#
# Usage: benchmarks/baselines/postgres.sh [options]
#   --out DIR            result files go here (default benchmarks/target/bench-results)
#   --customers N        10000          --initial-balance MINOR  100000000     --amount MINOR  100
#   --clients C          64 (same as the HTTP load tool's --connections)       --client-threads J  1
#   --duration S         10             --warmup S  5 (an unmeasured pgbench run first)
#   --rates R1,R2,...    open-loop transactions/s (default none)
#   --sync on,off        synchronous_commit settings to run (default on,off)
#   --scripts cte,...    cte and/or interactive (default cte)
#   --no-closed          skip the closed-loop runs (only the --rates ones)
#   --keep               keep the temporary directory (logs) for inspection
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="$ROOT/benchmarks/target/bench-results"
CUSTOMERS=10000 INITIAL=100000000 AMOUNT=100 CLIENTS=64 THREADS=1 DURATION=10 WARMUP=5 RATES="" SYNCS="on,off"
SCRIPTS="cte" KEEP=0 CLOSED=1
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --initial-balance) INITIAL="$2"; shift 2 ;;
    --amount) AMOUNT="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --client-threads) THREADS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --sync) SYNCS="$2"; shift 2 ;;
    --scripts) SCRIPTS="$2"; shift 2 ;;
    --no-closed) CLOSED=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

# --- binaries: the newest installed major version, else install Debian's ------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [[ -z "$(pg_bin)" || ! -x "$(pg_bin)/initdb" || ! -x "$(pg_bin)/pgbench" ]]; then
  apt_install postgresql
fi
BIN="$(pg_bin)"
[[ -x "$BIN/initdb" && -x "$BIN/pgbench" ]] || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin"
PG_VERSION="$("$BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')"
log "PostgreSQL $PG_VERSION from $BIN"

# --- a throwaway server -----------------------------------------------------------------------------------------------
# Not under /tmp's tmpfs (if it were one): the data directory must be on a disk that honours fsync, as the ledger's is.
TMP="$(mktemp -d "${TMPDIR:-/tmp}/ledger-pg.XXXXXX")"
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (the postgresql package creates it)"
  chown postgres: "$TMP"
  RUN_AS=(runuser -u postgres --)
fi
PORT="$(free_port 25432)"
PGDATA="$TMP/data"
cleanup() {
  local rc=$?
  if [[ -f "$PGDATA/postmaster.pid" ]]; then
    "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true
  fi
  if ((KEEP)); then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "initdb in $PGDATA, port $PORT"
"${RUN_AS[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --no-sync -E UTF8 >"$TMP/initdb.log" 2>&1 \
  || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }
# Defaults except: loopback only, a socket in the temporary directory, room for the clients, and a buffer pool that
# holds the tables (the ledger holds its state in memory too). fsync, full_page_writes and wal_sync_method stay at
# their defaults; synchronous_commit is set per run.
cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$TMP'
max_connections = $((CLIENTS + 20))
shared_buffers = 512MB
fsync = on
synchronous_commit = on
CONF
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$TMP/server.log" -w -t 60 start >/dev/null \
  || { tail -20 "$TMP/server.log" >&2; die "PostgreSQL did not start"; }

PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)
"${PSQL[@]}" <<SQL
CREATE TABLE customer (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
CREATE TABLE merchant (id int PRIMARY KEY, balance bigint NOT NULL);
CREATE TABLE ledger_tx (
  id          bigserial PRIMARY KEY,
  customer_id int NOT NULL,
  merchant_id int NOT NULL,
  amount      bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now());
INSERT INTO customer SELECT g, $INITIAL FROM generate_series(1, $CUSTOMERS) AS g;
INSERT INTO merchant VALUES (1, 0);
VACUUM ANALYZE;
SQL
log "loaded $CUSTOMERS customers (balance $INITIAL each) and 1 merchant"

cat >"$TMP/cte.sql" <<'SQL'
\set cid random(1, :customers)
WITH debit AS (
  UPDATE customer SET balance = balance - :amount WHERE id = :cid AND balance >= :amount RETURNING id
), credit AS (
  UPDATE merchant SET balance = balance + :amount WHERE id = 1 AND EXISTS (SELECT 1 FROM debit) RETURNING id
)
INSERT INTO ledger_tx (customer_id, merchant_id, amount) SELECT :cid, 1, :amount FROM debit;
SQL
cat >"$TMP/interactive.sql" <<'SQL'
\set cid random(1, :customers)
BEGIN;
WITH debit AS (UPDATE customer SET balance = balance - :amount WHERE id = :cid AND balance >= :amount RETURNING 1) SELECT count(*) AS debited FROM debit \gset
\if :debited
UPDATE merchant SET balance = balance + :amount WHERE id = 1;
INSERT INTO ledger_tx (customer_id, merchant_id, amount) VALUES (:cid, 1, :amount);
\endif
COMMIT;
SQL

# check_money: money is conserved and the merchant holds exactly what the transaction rows say.
check_money() {
  "${PSQL[@]}" -At <<SQL
SELECT CASE
  WHEN c.s + m.balance = $CUSTOMERS::bigint * $INITIAL AND m.balance = coalesce(t.s, 0)
    THEN 'ok: customers ' || c.s || ' + merchant ' || m.balance || ' = ' || ($CUSTOMERS::bigint * $INITIAL) || ' paid in; ' || t.n || ' transaction rows sum to the merchant balance'
  ELSE 'FAILED: customers ' || c.s || ' + merchant ' || m.balance || ' vs paid in ' || ($CUSTOMERS::bigint * $INITIAL) || '; transaction rows sum ' || coalesce(t.s, 0)
END
FROM (SELECT sum(balance) AS s FROM customer) c, merchant m, (SELECT sum(amount) AS s, count(*) AS n FROM ledger_tx) t
WHERE m.id = 1;
SQL
}

# run_pgbench NAME SYNC SCRIPT RATE: one measured run (after a warm-up run), converted into NAME.result.json.
run_pgbench() {
  local name="$1" sync="$2" script="$3" rate="$4"
  local args=(-h 127.0.0.1 -p "$PORT" -U postgres -n -M prepared -c "$CLIENTS" -j "$THREADS"
    -f "$TMP/$script.sql" -D "customers=$CUSTOMERS" -D "amount=$AMOUNT")
  ((rate > 0)) && args+=(-R "$rate")
  if ((WARMUP > 0)); then
    PGOPTIONS="-c synchronous_commit=$sync" "$BIN/pgbench" "${args[@]}" -T "$WARMUP" postgres >/dev/null 2>"$TMP/$name.warmup.err" \
      || { cat "$TMP/$name.warmup.err" >&2; die "pgbench warm-up failed"; }
  fi
  mkdir -p "$TMP/logs"
  local prefix="$TMP/logs/$name"
  local command="PGOPTIONS='-c synchronous_commit=$sync' pgbench ${args[*]} -T $DURATION --log --log-prefix=<dir>/$name postgres"
  command="${command//$TMP/<tmp>}"
  log "pgbench $name: synchronous_commit=$sync script=$script clients=$CLIENTS rate=${rate:-0} ${DURATION}s"
  PGOPTIONS="-c synchronous_commit=$sync" "$BIN/pgbench" "${args[@]}" -T "$DURATION" --log --log-prefix="$prefix" postgres \
    >"$TMP/$name.out" 2>"$TMP/$name.err" || { cat "$TMP/$name.err" >&2; die "pgbench $name failed"; }
  local class=process
  [[ "$sync" == on ]] && class=fsync
  local check; check="$(check_money)"
  bench_tool pgbench-result --stdout "$TMP/$name.out" --log-prefix "$prefix" \
    --variant "synchronous_commit=$sync, $script" --durability-class "$class" --workload "purchase=100" \
    --clients "$CLIENTS" --rate "$rate" --duration-s "$DURATION" --tool "pgbench (PostgreSQL $PG_VERSION)" --command "$command" \
    --check "conservation=$check" \
    --note "script $script: $( [[ $script == cte ]] && echo 'debit, credit and insert as one statement (one round trip)' || echo 'BEGIN, debit, credit, insert, COMMIT (five round trips)')" \
    --note "PostgreSQL $PG_VERSION, fsync=on, shared_buffers=512MB, amount $AMOUNT, $CUSTOMERS customers, one merchant row (every purchase updates it)" \
    --out "$OUT/$name.result.json" >&2
  rm -f "$prefix".*
  [[ "$check" == ok* ]] || die "money check failed after $name: $check"
}

for script in $(split_csv "$SCRIPTS"); do
  [[ "$script" == cte || "$script" == interactive ]] || die "--scripts: unknown script $script"
  for sync in $(split_csv "$SYNCS"); do
    [[ "$sync" == on || "$sync" == off ]] || die "--sync: on or off, not $sync"
    ((CLOSED)) && run_pgbench "postgresql-sync-$sync-$script-closed" "$sync" "$script" 0
    for rate in $(split_csv "$RATES"); do
      run_pgbench "postgresql-sync-$sync-$script-rate-$rate" "$sync" "$script" "$rate"
    done
  done
done
echo "$PG_VERSION" >"$OUT/postgresql.version"
log "PostgreSQL baseline done: results in $OUT"
