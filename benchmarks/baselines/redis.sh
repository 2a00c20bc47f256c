#!/usr/bin/env bash
# Redis baseline: the purchase workload as a Lua function, driven by redis-benchmark.
#
# Installs Redis from Debian packages if absent, runs a throwaway redis-server (bound to 127.0.0.1 on a free port,
# its directory a temporary one, appendonly yes with appendfsync everysec, no RDB snapshots), loads N customers
# and one merchant, loads a Lua library with FUNCTION LOAD (Redis 7+; with an older Redis it falls back to
# EVALSHA of the same code, and says so in the results) whose 'purchase' function does the conditional debit, the
# merchant credit and an XADD to a transactions stream atomically. redis-benchmark then calls it at CLIENTS
# connections: FCALL purchase 3 cust:__rand_int__ merchant:1 txs AMOUNT, once per combination of --clients and
# --pipeline (both take a comma-separated list; -P 16 is redis-benchmark's pipelining: 16 calls in flight per
# connection). Each run is converted into a result file (benchmarks.jar redis-result) with redis-server's CPU in the
# run (from /proc/PID/stat, so the report can divide it per purchase); money conservation is checked after the last
# run, and the server is stopped and its directory deleted.
#
# redis-benchmark has no rate limit: it always runs closed-loop (as fast as CLIENTS connections allow). Its request
# count is sized from a short calibration run so that the measured run lasts about --duration seconds.
#
# Usage: benchmarks/baselines/redis.sh [options]
#   --out DIR            result files go here (default benchmarks/target/bench-results)
#   --customers N        10000          --initial-balance MINOR  100000000     --amount MINOR  100
#   --clients C[,C...]   64 (same as the HTTP load tool's --connections)       --client-threads T  1
#   --pipeline P[,P...]  1              --duration S  10     --warmup S  5
#   --repeat N           label the results as repeat N of a comparison (file names get -rN); default none
#   --keep               keep the temporary directory for inspection
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT="$ROOT/benchmarks/target/bench-results"
CUSTOMERS=10000 INITIAL=100000000 AMOUNT=100 CLIENTS=64 THREADS=1 PIPELINE=1 DURATION=10 WARMUP=5 KEEP=0 REPEAT=0
while (($#)); do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --customers) CUSTOMERS="$2"; shift 2 ;;
    --initial-balance) INITIAL="$2"; shift 2 ;;
    --amount) AMOUNT="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --client-threads) THREADS="$2"; shift 2 ;;
    --pipeline) PIPELINE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-benchmark >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  apt_install redis-server redis-tools
fi
REDIS_VERSION="$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
REDIS_MAJOR="${REDIS_VERSION%%.*}"
log "Redis $REDIS_VERSION ($(command -v redis-server))"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/ledger-redis.XXXXXX")"
PORT="$(free_port 26379)"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if ((KEEP)); then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$TMP/redis.conf" <<CONF
bind 127.0.0.1
port $PORT
protected-mode yes
daemonize no
dir $TMP
logfile $TMP/redis.log
# Durability under test: every write is appended to the AOF, which is fsynced once a second (a process crash loses
# nothing acknowledged; a power loss up to about a second).
appendonly yes
appendfsync everysec
# No RDB snapshots: their fork would add pauses the ledger does not have (it has no snapshots yet either).
save ""
maxclients $(( $(split_csv "$CLIENTS" | sort -n | tail -n 1) + 100 ))
CONF
redis-server "$TMP/redis.conf" &
SERVER_PID=$!
CLI=(redis-cli -h 127.0.0.1 -p "$PORT")
for _ in $(seq 1 100); do
  [[ "$("${CLI[@]}" ping 2>/dev/null)" == PONG ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/redis.log" >&2; die "redis-server exited"; }
  sleep 0.1
done
[[ "$("${CLI[@]}" ping 2>/dev/null)" == PONG ]] || die "redis-server did not answer PING"
log "redis-server on 127.0.0.1:$PORT in $TMP (appendonly yes, appendfsync everysec)"

# The purchase: conditional debit, credit, stream entry, in one atomic function call. Customers are plain integer
# strings; __rand_int__ in redis-benchmark yields 12-digit zero-padded numbers, so keys are cust:%012d.
BODY='
  local amount = tonumber(ARG_AMOUNT)
  local balance = tonumber(redis.call("GET", KEY_CUSTOMER))
  if balance == nil then return redis.error_reply("no such customer " .. KEY_CUSTOMER) end
  if balance < amount then return 0 end
  redis.call("DECRBY", KEY_CUSTOMER, amount)
  redis.call("INCRBY", KEY_MERCHANT, amount)
  redis.call("XADD", KEY_STREAM, "*", "customer", KEY_CUSTOMER, "merchant", KEY_MERCHANT, "amount", amount)
  return 1'
if ((REDIS_MAJOR >= 7)); then
  MECHANISM="FUNCTION LOAD + FCALL"
  {
    echo '#!lua name=ledger'
    echo 'redis.register_function("purchase", function(keys, args)'
    sed 's/ARG_AMOUNT/args[1]/g; s/KEY_CUSTOMER/keys[1]/g; s/KEY_MERCHANT/keys[2]/g; s/KEY_STREAM/keys[3]/g' <<<"$BODY"
    echo 'end)'
  } >"$TMP/ledger.lua"
  "${CLI[@]}" -x function load replace <"$TMP/ledger.lua" >/dev/null
  CALL=(FCALL purchase 3)
else
  MECHANISM="EVALSHA (Redis $REDIS_VERSION has no FUNCTION LOAD)"
  sed 's/ARG_AMOUNT/ARGV[1]/g; s/KEY_CUSTOMER/KEYS[1]/g; s/KEY_MERCHANT/KEYS[2]/g; s/KEY_STREAM/KEYS[3]/g' <<<"$BODY" >"$TMP/ledger.lua"
  SHA="$("${CLI[@]}" -x script load <"$TMP/ledger.lua")"
  CALL=(EVALSHA "$SHA" 3)
fi
"${CLI[@]}" eval "for i = 0, tonumber(ARGV[1]) - 1 do redis.call('SET', string.format('cust:%012d', i), ARGV[2]) end
  redis.call('SET', 'merchant:1', 0) return 1" 0 "$CUSTOMERS" "$INITIAL" >/dev/null
log "loaded $CUSTOMERS customers (balance $INITIAL each) and 1 merchant; purchase via $MECHANISM"
# Sanity: one purchase through the same call, checked.
[[ "$("${CLI[@]}" "${CALL[@]}" cust:000000000000 merchant:1 txs "$AMOUNT")" == 1 ]] || die "the purchase function did not accept a purchase"

# cpu_ticks: redis-server's user + system CPU so far, in clock ticks (fields 14 and 15 of /proc/PID/stat, counted
# after the command name, which is in parentheses).
cpu_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
TICKS_PER_S="$(getconf CLK_TCK)"
WORK=("${CALL[@]}" cust:__rand_int__ merchant:1 txs "$AMOUNT")
for clients in $(split_csv "$CLIENTS"); do
  for pipeline in $(split_csv "$PIPELINE"); do
    BENCH=(redis-benchmark -h 127.0.0.1 -p "$PORT" -c "$clients" -P "$pipeline" -r "$CUSTOMERS")
    ((THREADS > 1)) && BENCH+=(--threads "$THREADS")
    # Calibrate: how many requests last about a second, then warm up and measure for the asked durations.
    "${BENCH[@]}" -n $((20000 * pipeline)) -q --csv "${WORK[@]}" >"$TMP/calibrate.csv" 2>&1 || { cat "$TMP/calibrate.csv" >&2; die "redis-benchmark failed"; }
    RPS="$(sed -n '2p' "$TMP/calibrate.csv" | cut -d, -f2 | tr -d '"' | cut -d. -f1)"
    [[ "$RPS" =~ ^[0-9]+$ && "$RPS" -gt 0 ]] || die "cannot read the calibration run's rate from $(cat "$TMP/calibrate.csv")"
    if ((WARMUP > 0)); then
      "${BENCH[@]}" -n $((RPS * WARMUP)) -q "${WORK[@]}" >/dev/null 2>&1 || die "redis-benchmark warm-up failed"
    fi
    N=$((RPS * DURATION))
    SUFFIX=""; if ((REPEAT > 0)); then SUFFIX="-r$REPEAT"; fi
    NAME="redis-everysec-c$clients-p$pipeline$SUFFIX-closed"
    COMMAND="redis-benchmark -h 127.0.0.1 -p <port> -c $clients -P $pipeline -r $CUSTOMERS -n $N ${WORK[*]}"
    log "redis-benchmark: $clients clients, pipeline $pipeline, $N requests (about ${DURATION}s at the calibrated $RPS/s)"
    TICKS_BEFORE="$(cpu_ticks)"
    START_NS=$(date +%s%N)
    "${BENCH[@]}" -n "$N" "${WORK[@]}" >"$TMP/$NAME.out" 2>&1 || { cat "$TMP/$NAME.out" >&2; die "redis-benchmark failed"; }
    END_NS=$(date +%s%N)
    TICKS_AFTER="$(cpu_ticks)"
    ELAPSED_S="$(awk -v a="$START_NS" -v b="$END_NS" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    CPU_PCT="$(awk -v t="$((TICKS_AFTER - TICKS_BEFORE))" -v hz="$TICKS_PER_S" -v s="$ELAPSED_S" 'BEGIN { printf "%.1f", 100 * t / hz / s }')"
    printf '%s %s %s %s %s %s\n' "$NAME" "$clients" "$pipeline" "$ELAPSED_S" "$CPU_PCT" "$COMMAND" >>"$TMP/runs.txt"
  done
done

# Money: every customer's balance plus the merchant's equals what was paid in, and the merchant holds exactly
# AMOUNT per stream entry.
CHECK="$("${CLI[@]}" eval "
  local sum = 0
  for i = 0, tonumber(ARGV[1]) - 1 do sum = sum + tonumber(redis.call('GET', string.format('cust:%012d', i))) end
  local merchant = tonumber(redis.call('GET', 'merchant:1'))
  local entries = redis.call('XLEN', 'txs')
  local paid = tonumber(ARGV[1]) * tonumber(ARGV[2])
  if sum + merchant == paid and merchant == entries * tonumber(ARGV[3]) then
    return 'ok: customers ' .. sum .. ' + merchant ' .. merchant .. ' = ' .. paid .. ' paid in; ' .. entries .. ' stream entries of ' .. ARGV[3]
  end
  return 'FAILED: customers ' .. sum .. ' + merchant ' .. merchant .. ' vs paid in ' .. paid .. '; ' .. entries .. ' stream entries'
  " 0 "$CUSTOMERS" "$INITIAL" "$AMOUNT")"
AOF_BYTES="$(du -sb "$TMP/appendonlydir" 2>/dev/null | cut -f1 || echo '?')"
while read -r NAME clients pipeline ELAPSED_S CPU_PCT COMMAND; do
  bench_tool redis-result --output "$TMP/$NAME.out" --variant "appendfsync everysec" --durability-class process \
    --workload "purchase=100" --clients "$clients" --pipeline "$pipeline" --elapsed-s "$ELAPSED_S" --server-cpu-pct "$CPU_PCT" \
    --repeat "$REPEAT" --tool "redis-benchmark $REDIS_VERSION" --command "$COMMAND" --check "conservation=$CHECK" \
    --note "purchase via $MECHANISM: GET, conditional DECRBY, INCRBY and XADD in one atomic call" \
    --note "Redis $REDIS_VERSION, appendonly yes, appendfsync everysec, no RDB; AOF $AOF_BYTES bytes at the end of all runs; amount $AMOUNT, $CUSTOMERS customers, one merchant key" \
    --note "redis-benchmark has no rate limit: closed loop only; its latency is from each request's send time" \
    --note "redis-server CPU $CPU_PCT% of a core in the run (/proc/PID/stat, 1/$TICKS_PER_S s ticks)" \
    --out "$OUT/$NAME.result.json" >&2
done <"$TMP/runs.txt"
[[ "$CHECK" == ok* ]] || die "money check failed: $CHECK"
echo "$REDIS_VERSION" >"$OUT/redis.version"
echo "$MECHANISM" >"$OUT/redis.mechanism"
log "Redis baseline done: results in $OUT"
