#!/usr/bin/env bash
# Loans at scale (issue 11, "Performance"): release build on PostgreSQL + Redis with 100,000 loan
# applications (jiqing-bench-seed --loans), one run at 64 connections with wrk, each endpoint in turn:
#   1. an authenticated GET /api/v1/me (the baseline),
#   2. the bank officer's queue: GET /api/v1/admin/bank/loan-applications?status=recommended
#      (sorted by due date),
#   3. the province cadre's list: GET /api/v1/admin/loan-applications (all 100,000 in scope),
#   4. a county cadre's list of the applications waiting for review (status=submitted),
# then the ratios (goal: lists >= 0.3x /me) and the province stats over every application
# (GET /api/v1/admin/loans/stats, goal < 1 s; 7 requests, the median and the slowest).
#
#   bench/loans.sh                       # defaults below
#   DURATION=30s COUNTY=220183 bench/loans.sh
#
# Uses the database $BENCH_DB (created and filled if missing, as in bench/leaderboards.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORT=${PORT:-18093}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COUNTY=${COUNTY:-220102}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}
LOANS=${LOANS:-100000}

export DATABASE_URL="${PG_ADMIN%/*}/${BENCH_DB}"
export REDIS_URL="$REDIS"
export JIQING_CACHE_PREFIX="bench:"
export JIQING_BIND="127.0.0.1:${PORT}"
export RUST_LOG=${RUST_LOG:-warn}
REL="${CARGO_TARGET_DIR:-target}/release"
BIN="$REL/jiqing"
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }
if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build"
  cargo build --release --quiet --bin jiqing --bin jiqing-bench-seed
fi

if ! psql "$PG_ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname='${BENCH_DB}'" | grep -q 1; then
  psql "$PG_ADMIN" -qc "CREATE DATABASE ${BENCH_DB}"
fi
echo "== data ($YOUTHS youths, $ENTRIES hour entries, $LOANS loan applications; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES" --loans "$LOANS"
# Fresh bulk-loaded rows have no planner statistics and no visibility map yet (autovacuum
# would get there later): without them the first runs measured plans production never uses.
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
psql "$DATABASE_URL" -tAc "SELECT 'loan applications: ' || count(*) || ', recommended: ' || count(*) FILTER (WHERE status = 'recommended') || ', county ${COUNTY} submitted: ' || count(*) FILTER (WHERE status = 'submitted' AND region_code LIKE '${COUNTY}%') FROM loan_applications"

echo "== start the server"
"$BIN" serve >/tmp/jiqing-bench-loans-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done

login() { # username region|bank role
  local flags=(--username "$1")
  if [ "$3" = bank_officer ]; then flags+=(--role bank_officer --bank "$2"); else flags+=(--region "$2"); fi
  JIQING_ADMIN_PASSWORD="bench-password-123" "$BIN" create-admin "${flags[@]}" >/dev/null 2>&1 || true
  curl -sf -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"bench-password-123\"}" \
    "$BASE/api/v1/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}
BANK_ID=$(psql "$DATABASE_URL" -tAc "SELECT id FROM banks WHERE name = '基准测试农村商业银行'")
BANK_TOKEN=$(login bench_bank_officer "$BANK_ID" bank_officer)
PROVINCE_TOKEN=$(login bench_cadre_220000 220000 cadre)
COUNTY_TOKEN=$(login "bench_cadre_${COUNTY}" "$COUNTY" cadre)
YOUTH=$(psql "$DATABASE_URL" -tAc "SELECT substr(u.openid, 5) FROM users u JOIN talent_profiles p ON p.user_id = u.id WHERE u.openid LIKE 'dev\_bench%' AND p.home_region_code LIKE '${COUNTY}%' ORDER BY u.openid LIMIT 1")
YOUTH_TOKEN=$(curl -sf -H 'content-type: application/json' -d "{\"code\":\"dev:${YOUTH:-bench0}\"}" "$BASE/api/v1/auth/wechat-login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

QUEUE="$BASE/api/v1/admin/bank/loan-applications?status=recommended"
echo "== check: the answers"
curl -sf -H "authorization: Bearer $BANK_TOKEN" "$QUEUE" | cut -c1-300
curl -sf -H "authorization: Bearer $PROVINCE_TOKEN" "$BASE/api/v1/admin/loan-applications" | cut -c1-300

run() { # name url token
  local out rps p99 errs
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "authorization: Bearer $3" "$2")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
  printf '%-24s %12s req/s   p99 %8s  %s\n' "$1" "$rps" "$p99" "$errs"
  echo "$rps" >"/tmp/jiqing-bench-loans-$1.rps"
}
echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION each (warm-up 5 s first)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "authorization: Bearer $YOUTH_TOKEN" "$BASE/api/v1/me" >/dev/null
run me "$BASE/api/v1/me" "$YOUTH_TOKEN"
run bank-queue "$QUEUE" "$BANK_TOKEN"
run province-list "$BASE/api/v1/admin/loan-applications" "$PROVINCE_TOKEN"
run county-submitted "$BASE/api/v1/admin/loan-applications?status=submitted" "$COUNTY_TOKEN"

r() { cat "/tmp/jiqing-bench-loans-$1.rps"; }
echo "== ratios (one run; machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v me="$(r me)" -v q="$(r bank-queue)" -v p="$(r province-list)" -v c="$(r county-submitted)" 'BEGIN {
  printf "bank queue / me        = %.2f (goal >= 0.3)\n", q / me
  printf "province list / me     = %.2f (goal >= 0.3)\n", p / me
  printf "county submitted / me  = %.2f (goal >= 0.3)\n", c / me
}'

echo "== province stats over every application (goal < 1 s)"
for _ in $(seq 1 7); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $PROVINCE_TOKEN" "$BASE/api/v1/admin/loans/stats"
done | sort -k2 -n | awk '{ t[NR] = $2; c[NR] = $1 } END { printf "stats: median %.3f s, slowest %.3f s (HTTP %s)\n", t[4], t[7], c[7] }'
