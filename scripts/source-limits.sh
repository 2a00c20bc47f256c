#!/usr/bin/env bash
# Lists the main source files over 700 lines and the methods over 80 lines, in every module (issue 11's limits).
# The same scan fails the build when anything is listed: SourceLimitsTest in server.
# Usage: scripts/source-limits.sh   (needs only a JDK 17+: the scanner runs as a single source file)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec java "$root/server/src/test/java/io/ledger/server/SourceLimits.java" "$root"
