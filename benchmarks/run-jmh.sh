#!/usr/bin/env bash
# Runs the JMH suite from the repository root with the project's JVM flags (config/jvm.options).
# Builds benchmarks/target/benchmarks.jar first when it is missing or older than a source or pom.
# Arguments go to io.ledger.bench.BenchmarkMain, i.e. JMH's own, e.g.:
#   benchmarks/run-jmh.sh                                  # everything, 3x2s warm-up, 5x2s measured, 1 fork
#   benchmarks/run-jmh.sh LedgerApplyBenchmark -prof gc    # one class, with allocation per op
#   benchmarks/run-jmh.sh Pipeline -p journal=none -wi 1 -i 3
# Results: benchmarks/target/jmh-result.json (JSON) unless -rff is given.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find pom.xml benchmarks/pom.xml engine journal http-adapter server benchmarks/src \
        \( -name '*.java' -o -name 'pom.xml' \) -newer "$jar" -print -quit)" ]]; then
  mvn -q -pl benchmarks -am package -DskipTests
fi
exec java @config/jvm.options -Dledger.jvm.options="$root/config/jvm.options" -jar "$jar" "$@"
