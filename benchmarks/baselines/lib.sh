# Shared by the baseline scripts and benchmarks/run.sh; source it, do not run it.
# Needs: bash 4+, coreutils. Everything else is checked (and installed from Debian packages) where it is used.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_JAR="$ROOT/benchmarks/target/benchmarks.jar"
JVM_OPTIONS="$ROOT/config/jvm.options"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# as_root CMD...: run as root (directly, or through sudo when available).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"
  fi
}

# apt_install PKG...: install Debian packages non-interactively (no service is started where policy-rc.d forbids it).
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand (this script expects Debian or Ubuntu)"
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || log "apt-get update failed; trying the install anyway"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || die "apt-get install $* failed"
}

# port_in_use PORT: true when something accepts connections on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [START]: print a port on 127.0.0.1 that nothing listens on, from START (default 20000 + random) upwards.
free_port() {
  local port=${1:-$((20000 + RANDOM % 20000))}
  local tries=0
  while port_in_use "$port"; do
    port=$((port + 1)); tries=$((tries + 1))
    ((tries < 200)) || die "no free port found near $1"
  done
  echo "$port"
}

# bench_tool ARGS...: the benchmark jar's tools (load, pgbench-result, redis-result, report).
bench_tool() {
  [[ -f "$BENCH_JAR" ]] || die "missing $BENCH_JAR: build it with 'mvn -B -q -DskipTests -pl benchmarks -am package' (run.sh does)"
  java "@$JVM_OPTIONS" -Xms256m -Xmx1g -jar "$BENCH_JAR" "$@"
}

# split_csv TEXT: one item per line of a comma-separated list (empty text: nothing).
split_csv() { tr ',' '\n' <<<"$1" | sed '/^[[:space:]]*$/d'; }
