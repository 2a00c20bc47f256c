#!/usr/bin/env bash
# The HTTP load tool (benchmarks.jar load), building the jar first when stale. Examples:
#   benchmarks/load.sh --port 9000 --secret-file data/jwt-keys                         # closed loop, 64 connections
#   benchmarks/load.sh --port 9000 --secret-file data/jwt-keys --rate 20000 --arrival poisson -o result.json
#   benchmarks/load.sh --help
exec "$(dirname "${BASH_SOURCE[0]}")/run-jmh.sh" load "$@"
