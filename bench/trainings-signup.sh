#!/usr/bin/env bash
# Sign-up throughput: start a release server, prepare N youths and one training, fire N
# first-time sign-ups with bounded concurrency, report sign-ups per second and latency.
#
#   bench/trainings-signup.sh                 # SQLite file (the embedded default)
#   BENCH_DB=postgres bench/trainings-signup.sh   # a fresh PostgreSQL database (+ Redis if REDIS_URL)
#
# Knobs: BENCH_YOUTHS (2000), BENCH_CAPACITY (500), BENCH_CONCURRENCY (64), BENCH_PORT (18080),
# BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

DB_KIND="${BENCH_DB:-sqlite}"
PORT="${BENCH_PORT:-18080}"
WORK="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
PG_ADMIN="${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS \"$PG_DB\" WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build"
  cargo build --release --quiet --bin jiqing --example trainings_signup_bench
fi

case "$DB_KIND" in
  sqlite) export DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc" ;;
  postgres)
    PG_DB="jiqing_bench_$$"
    psql "$PG_ADMIN" -qc "CREATE DATABASE \"$PG_DB\"" >/dev/null
    export DATABASE_URL="${PG_ADMIN%/*}/$PG_DB" ;;
  *) echo "BENCH_DB must be sqlite or postgres"; exit 2 ;;
esac
export JIQING_BIND="127.0.0.1:$PORT"
export BENCH_BASE_URL="http://127.0.0.1:$PORT"
export RUST_LOG="${RUST_LOG:-warn}"

echo "== server on $DB_KIND"
./target/release/jiqing serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BENCH_BASE_URL/health/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "$BENCH_BASE_URL/health/ready" >/dev/null || { cat "$WORK/server.log"; exit 1; }

echo "== benchmark ($(nproc) cores)"
./target/release/examples/trainings_signup_bench
