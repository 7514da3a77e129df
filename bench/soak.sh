#!/usr/bin/env bash
# Mixed-traffic soak: two release instances on PostgreSQL + Redis with the benchmark data,
# driven for 10 minutes at 64 connections by a day's mix (examples/soak.rs), then the ledger,
# the enrollments and the leaderboards are checked against each other.
#
#   bench/soak.sh                     # 600 s, 64 connections
#   SECONDS_TOTAL=120 bench/soak.sh   # a shorter run (RSS marks scale with it)
#   NO_BUILD=1 bench/soak.sh          # the release binaries already in $CARGO_TARGET_DIR
#   RATE=800 bench/soak.sh            # paced: 800 steps of the mix a second in all (0: as fast
#                                     # as the servers answer, their saturation)
#
# Prints per class: throughput, p50/p99, unexpected answers (anything but the expected
# 2xx/409), 5xx; each instance's RSS at minutes 1, 2, 5 and 10; pool timeouts from the logs.
# Exits non-zero when a goal is missed or a consistency check fails.
# Uses the database $BENCH_DB (created and filled by jiqing-bench-seed if missing, as in
# bench/leaderboards.sh) and Redis keys under "bench:".
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORTS=${PORTS:-"18091 18092"}
SECONDS_TOTAL=${SECONDS_TOTAL:-600}
CONNECTIONS=${CONNECTIONS:-64}
RATE=${RATE:-0}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}
# Pool and runtime settings under test (README "Configuration").
export JIQING_DB_POOL_SIZE=${JIQING_DB_POOL_SIZE:-32}
export JIQING_REDIS_CONNECTIONS=${JIQING_REDIS_CONNECTIONS:-1}
export JIQING_LEADERBOARD_MAX_STALE_MS=${JIQING_LEADERBOARD_MAX_STALE_MS:-1000}

export DATABASE_URL="${PG_ADMIN%/*}/${BENCH_DB}"
export REDIS_URL="$REDIS"
export JIQING_CACHE_PREFIX="bench:"
export RUST_LOG=${RUST_LOG:-warn}
LOGS=$(mktemp -d)
REL="${CARGO_TARGET_DIR:-target}/release"

if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build"
  # Two steps: an example pulls in the dev-dependencies, whose features (test-hooks) would be
  # unified into the library the server binary links if both were built in one command.
  cargo build --release --quiet --bin jiqing --bin jiqing-bench-seed
  cargo build --release --quiet --example soak
fi

if ! psql "$PG_ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname='${BENCH_DB}'" | grep -q 1; then
  psql "$PG_ADMIN" -qc "CREATE DATABASE ${BENCH_DB}"
fi
echo "== data ($YOUTHS youths, $ENTRIES hour entries; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES"
"$REL/jiqing" rebuild-leaderboards

echo "== two instances"
PIDS=()
BASES=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

for port in $PORTS; do
  JIQING_BIND="127.0.0.1:${port}" "$REL/jiqing" serve >"$LOGS/server-$port.log" 2>&1 &
  PIDS+=($!)
  BASES+=("http://127.0.0.1:${port}")
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:${port}/health/ready" >/dev/null && break; sleep 0.2; done

done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

status=0
SOAK_BASES=$(IFS=,; echo "${BASES[*]}") SOAK_PIDS=$(IFS=,; echo "${PIDS[*]}") \
  SOAK_SECONDS="$SECONDS_TOTAL" SOAK_CONNECTIONS="$CONNECTIONS" SOAK_RATE="$RATE" \
  "$REL/examples/soak" || status=$?
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

timeouts=$(cat "$LOGS"/server-*.log | grep -ciE 'pool timed out|PoolTimedOut|acquire' || true)
panics=$(cat "$LOGS"/server-*.log | grep -ci 'panic' || true)
echo "database pool timeouts in the logs: $timeouts; panics: $panics"
if [ "$timeouts" != "0" ] || [ "$panics" != "0" ]; then status=1; fi
rm -rf "$LOGS"
exit "$status"
