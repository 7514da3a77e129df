#!/usr/bin/env bash
# Supervision (督导考核) at scale (issue 13, "Performance"): release build on PostgreSQL + Redis
# with the benchmark province (100,000 talents over every village, 1,000,000 hour records), then:
#   1. the province cadre's GET /api/v1/admin/kpi/report (every indicator, 11 children):
#      cold (the cached counts dropped before each of 5 requests; goal < 500 ms) and cached
#      (20 requests; goal < 20 ms), the median and the slowest of each;
#   2. a county cadre's GET /api/v1/admin/kpi/gaps (villages without a verified talent, first
#      page; goal < 100 ms; 7 requests);
#   3. `jiqing kpi-snapshot` of every unit for yesterday (goal < 60 s; one run).
#
#   bench/kpi.sh                         # defaults below
#   COUNTY=220183 bench/kpi.sh
#
# Uses the database $BENCH_DB (created and filled if missing, as in bench/leaderboards.sh).
# NO_BUILD=1 measures the release binary already in $CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORT=${PORT:-18096}
COUNTY=${COUNTY:-220183}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}
HOPE_ROOMS=${HOPE_ROOMS:-120}
RECOGNITIONS=${RECOGNITIONS:-5000}

export DATABASE_URL="${PG_ADMIN%/*}/${BENCH_DB}"
export REDIS_URL="$REDIS"
export JIQING_CACHE_PREFIX="bench:"
export JIQING_BIND="127.0.0.1:${PORT}"
export JIQING_KPI_CACHE_SECS=300
export RUST_LOG=${RUST_LOG:-warn}
REL="${CARGO_TARGET_DIR:-target}/release"
BIN="$REL/jiqing"
BASE="http://127.0.0.1:${PORT}"

if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build"
  cargo build --release --quiet --bin jiqing --bin jiqing-bench-seed
fi
if ! psql "$PG_ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname='${BENCH_DB}'" | grep -q 1; then
  psql "$PG_ADMIN" -qc "CREATE DATABASE ${BENCH_DB}"
fi
echo "== data ($YOUTHS youths, $ENTRIES hour entries, Youth Homes with $HOPE_ROOMS 希望小屋, $RECOGNITIONS recognitions; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES" --hope-rooms "$HOPE_ROOMS" \
  --recognitions "$RECOGNITIONS"
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"

echo "== start the server"
"$BIN" serve >/tmp/jiqing-bench-kpi-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done

login() { # username region
  JIQING_ADMIN_PASSWORD="bench-password-123" "$BIN" create-admin --username "$1" --region "$2" >/dev/null 2>&1 || true
  curl -sf -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"bench-password-123\"}" \
    "$BASE/api/v1/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}
PROVINCE_TOKEN=$(login bench_cadre_220000 220000)
COUNTY_TOKEN=$(login "bench_cadre_${COUNTY}" "$COUNTY")
REPORT="$BASE/api/v1/admin/kpi/report"
drop_counts() { redis-cli -u "$REDIS" --scan --pattern 'bench:kpi:live:*' | xargs -r redis-cli -u "$REDIS" del >/dev/null; }
timed() { # token url
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $1" "$2"
}
summary() { # label goal
  sort -k2 -n | awk -v l="$1" -v g="$2" '{ t[NR] = $2; c[NR] = $1 } END {
    printf "%-28s median %7.1f ms, slowest %7.1f ms (HTTP %s; goal %s)\n", l, 1000 * t[int((NR + 1) / 2)], 1000 * t[NR], c[NR], g }'
}

echo "== check: the answer"
curl -sf -H "authorization: Bearer $PROVINCE_TOKEN" "$REPORT" | cut -c1-300; echo

echo "== province report (machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
for _ in 1 2 3 4 5; do drop_counts; timed "$PROVINCE_TOKEN" "$REPORT"; done | summary "report, cold" "< 500 ms"
timed "$PROVINCE_TOKEN" "$REPORT" >/dev/null
for _ in $(seq 1 20); do timed "$PROVINCE_TOKEN" "$REPORT"; done | summary "report, cached" "< 20 ms"

echo "== county gaps page"
for _ in $(seq 1 7); do timed "$COUNTY_TOKEN" "$BASE/api/v1/admin/kpi/gaps"; done | summary "gaps (${COUNTY})" "< 100 ms"

echo "== daily snapshot of every unit (goal < 60 s)"
"$BIN" kpi-snapshot
