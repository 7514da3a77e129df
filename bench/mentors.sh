#!/usr/bin/env bash
# Mentors at scale (issue 10, "Performance"): release build on PostgreSQL + Redis with 2,000
# certified mentors and 50,000 mentorship requests (jiqing-bench-seed --mentors --mentor-requests,
# on top of the 100,000 youths), one run at 64 connections with wrk, each endpoint in turn:
#   1. an authenticated GET /api/v1/me (the baseline),
#   2. a verified youth's GET /api/v1/mentors (region guard, seats, stats; goal >= 0.3x /me),
#   3. the same list filtered (expertise=cultivation&kind=long_term),
# then the ratios and the province cadre's GET /api/v1/admin/mentoring/stats over every talent
# (goal < 1 s; 7 requests, the median and the slowest) and a county's.
#
#   bench/mentors.sh                     # defaults below
#   DURATION=30s COUNTY=220183 bench/mentors.sh
#
# Uses the database $BENCH_DB (created and filled if missing, as in bench/leaderboards.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORT=${PORT:-18094}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COUNTY=${COUNTY:-220102}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}
MENTORS=${MENTORS:-2000}
REQUESTS=${REQUESTS:-50000}

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
echo "== data ($YOUTHS youths, $ENTRIES hour entries, $MENTORS mentors, $REQUESTS requests; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES" --mentors "$MENTORS" --mentor-requests "$REQUESTS"
# Fresh bulk-loaded rows have no planner statistics and no visibility map yet (autovacuum
# would get there later): without them the first runs measured plans production never uses.
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
psql "$DATABASE_URL" -tAc "SELECT 'certified mentors: ' || (SELECT count(*) FROM mentor_profiles WHERE status = 'certified') || ', requests: ' || (SELECT count(*) FROM mentorship_requests) || ', pairings: ' || (SELECT count(*) FROM mentorships) || ', talents: ' || (SELECT count(*) FROM talent_profiles)"

echo "== start the server"
"$BIN" serve >/tmp/jiqing-bench-mentors-server.log 2>&1 &
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
# A verified adult youth of the county (every seeded talent is verified and 18+).
YOUTH=$(psql "$DATABASE_URL" -tAc "SELECT substr(u.openid, 5) FROM users u JOIN talent_profiles p ON p.user_id = u.id WHERE u.openid LIKE 'dev\_bench%' AND p.status = 'verified' AND p.home_region_code LIKE '${COUNTY}%' ORDER BY u.openid LIMIT 1")
YOUTH_TOKEN=$(curl -sf -H 'content-type: application/json' -d "{\"code\":\"dev:${YOUTH:-bench0}\"}" "$BASE/api/v1/auth/wechat-login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

MENTORS_URL="$BASE/api/v1/mentors"
FILTERED_URL="$BASE/api/v1/mentors?expertise=cultivation&kind=long_term"
echo "== check: the answers"
curl -sf -H "authorization: Bearer $YOUTH_TOKEN" "$MENTORS_URL" | cut -c1-300; echo
curl -sf -H "authorization: Bearer $PROVINCE_TOKEN" "$BASE/api/v1/admin/mentoring/stats" | cut -c1-300; echo

run() { # name url token
  local out rps p99 errs
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "authorization: Bearer $3" "$2")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
  printf '%-24s %12s req/s   p99 %8s  %s\n' "$1" "$rps" "$p99" "$errs"
  echo "$rps" >"/tmp/jiqing-bench-mentors-$1.rps"
}
echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION each (warm-up 5 s first)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "authorization: Bearer $YOUTH_TOKEN" "$BASE/api/v1/me" >/dev/null
run me "$BASE/api/v1/me" "$YOUTH_TOKEN"
run mentors "$MENTORS_URL" "$YOUTH_TOKEN"
run mentors-filtered "$FILTERED_URL" "$YOUTH_TOKEN"

r() { cat "/tmp/jiqing-bench-mentors-$1.rps"; }
echo "== ratios (one run; machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v me="$(r me)" -v m="$(r mentors)" -v f="$(r mentors-filtered)" 'BEGIN {
  printf "mentors / me           = %.2f (goal >= 0.3)\n", m / me
  printf "mentors filtered / me  = %.2f (goal >= 0.3)\n", f / me
}'

stats() { # label token
  for _ in $(seq 1 7); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $2" "$BASE/api/v1/admin/mentoring/stats"
  done | sort -k2 -n | awk -v l="$1" '{ t[NR] = $2; c[NR] = $1 } END { printf "%s stats: median %.3f s, slowest %.3f s (HTTP %s)\n", l, t[4], t[7], c[7] }'
}
echo "== mentoring stats (goal for the province < 1 s)"
stats province "$PROVINCE_TOKEN"
stats "county ${COUNTY}" "$COUNTY_TOKEN"
