#!/usr/bin/env bash
# `make bench`: run every benchmark with every figure measured.
#
# PostgreSQL figures need a server: MEDIATION_BENCH_POSTGRES_URL (or
# MEDIATION_TEST_POSTGRES_URL) names one; without either, a throwaway cluster is started
# exactly as .ci/run does (.ci/postgres.sh) and stopped at exit. The last line printed
# is one JSON object with every figure.
# Usage: benchmarks/bench.sh [PYTHON [MODULE ...]] (modules: core, store, ...; none: all)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${1:-python3}"
shift || true
started=$(date +%s)
if [ -z "${MEDIATION_BENCH_POSTGRES_URL:-}" ]; then
    if [ -z "${MEDIATION_TEST_POSTGRES_URL:-}" ]; then
        source .ci/postgres.sh
        start_postgres
    fi
    export MEDIATION_BENCH_POSTGRES_URL="$MEDIATION_TEST_POSTGRES_URL"
fi
"$PYTHON" benchmarks/run.py "$@"
echo "bench: done in $(( $(date +%s) - started )) s" >&2
