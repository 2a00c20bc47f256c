#!/usr/bin/env bash
# Side-by-side comparison of git revisions of this repository on this machine, in one sitting: the JMH suite's apply,
# pipeline and codec benchmarks, and the HTTP request path (./ledger serve, process durability, closed loop at 4 and
# 32 connections), each repeated ROUNDS times with the order rotating, so that a change in the machine's load touches
# every build. The first revision is the baseline the ratios are taken against.
#
#   benchmarks/compare/run.sh [--rounds N] [--duration S] REV [REV ...]
#   benchmarks/compare/run.sh 4af94da 4edd52b HEAD
#
# Each revision is checked out as a detached worktree under benchmarks/target/compare/<rev> and built there
# (mvn package, tests skipped); results and the two tables go to benchmarks/target/compare/results/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/benchmarks/compare"
rounds=2; duration=10
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $# -ge 2 ]] || { sed -n '2,12p' "$0"; exit 2; }
work="$root/benchmarks/target/compare"
mkdir -p "$work"
systems=()
for rev in "$@"; do
  sha=$(git -C "$root" rev-parse --short "$rev")
  tree="$work/$sha"
  [[ -d "$tree" ]] || git -C "$root" worktree add --detach "$tree" "$sha" >/dev/null
  # A build before the server module (4af94da) has the server jar in http-adapter.
  modules=benchmarks; [[ -d "$tree/server" ]] && modules=server,benchmarks
  (cd "$tree" && mvn -B -q -pl "$modules" -am package -DskipTests)
  systems+=("$sha=$tree")
done
last="${systems[${#systems[@]}-1]}"
export LOADJAR="${last#*=}/benchmarks/target/benchmarks.jar"
"$here/jmh.sh" "$work/results/jmh" "$rounds" "${systems[@]}" | tee "$work/results-jmh.txt"
"$here/http.sh" "$work/results/http" "$rounds" "$duration" "${systems[@]}"
python3 "$here/http-summary.py" "$work/results/http" "${systems[@]%%=*}" | tee "$work/results-http.txt"
