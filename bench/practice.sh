#!/usr/bin/env bash
# 返家乡 practice at scale (issue 12, "Performance"): release build on PostgreSQL + Redis with a
# province-wide summer campaign of 20,000 positions and 200,000 applications
# (jiqing-bench-seed --practice-positions --practice-applications, on top of the 100,000 youths),
# one run at 64 connections with wrk, each endpoint in turn:
#   1. an authenticated GET /api/v1/me (the baseline, a student's token),
#   2. the student's GET /api/v1/practice/positions (home county + city-wide; goal >= 0.3x /me),
#   3. the host supervisor's GET /api/v1/me/host/positions/{id}/applications for the position
#      with the most applicants (goal >= 0.3x /me),
# then the ratios, a 1,000-row CSV position import by the county cadre (goal < 5 s; 3 imports,
# the slowest) and the province cadre's GET /api/v1/admin/practice/stats (goal < 1 s; 7 requests,
# the median and the slowest).
#
#   bench/practice.sh                    # defaults below
#   DURATION=30s COUNTY=220183 bench/practice.sh
#
# Uses the database $BENCH_DB (created and filled if missing, as in bench/leaderboards.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORT=${PORT:-18095}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COUNTY=${COUNTY:-220183}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}
POSITIONS=${POSITIONS:-20000}
APPLICATIONS=${APPLICATIONS:-200000}

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
echo "== data ($YOUTHS youths, $ENTRIES hour entries, $POSITIONS positions, $APPLICATIONS applications; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES" \
  --practice-positions "$POSITIONS" --practice-applications "$APPLICATIONS"
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
CAMPAIGN=$(psql "$DATABASE_URL" -tAc "SELECT id FROM practice_campaigns WHERE name = '返家乡社会实践（基准测试）'")
psql "$DATABASE_URL" -tAc "SELECT 'positions: ' || (SELECT count(*) FROM practice_positions WHERE campaign_id = '$CAMPAIGN') || ', applications: ' || (SELECT count(*) FROM practice_applications WHERE campaign_id = '$CAMPAIGN') || ', county ${COUNTY} positions: ' || (SELECT count(*) FROM practice_positions WHERE campaign_id = '$CAMPAIGN' AND region_code LIKE '${COUNTY}%')"

echo "== start the server"
"$BIN" serve >/tmp/jiqing-bench-practice-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done

login() { # username region
  JIQING_ADMIN_PASSWORD="bench-password-123" "$BIN" create-admin --username "$1" --region "$2" >/dev/null 2>&1 || true
  curl -sf -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"bench-password-123\"}" \
    "$BASE/api/v1/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}
wechat() { # dev name
  curl -sf -H 'content-type: application/json' -d "{\"code\":\"dev:$1\"}" "$BASE/api/v1/auth/wechat-login" \
    | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}
PROVINCE_TOKEN=$(login bench_cadre_220000 220000)
COUNTY_TOKEN=$(login "bench_cadre_${COUNTY}" "$COUNTY")
STUDENT=$(psql "$DATABASE_URL" -tAc "SELECT substr(u.openid, 5) FROM users u JOIN student_profiles s ON s.user_id = u.id WHERE u.openid LIKE 'dev\_benchstu%' AND s.home_region_code LIKE '${COUNTY}%' ORDER BY u.openid LIMIT 1")
STUDENT_TOKEN=$(wechat "$STUDENT")
read -r HOST POSITION <<<"$(psql "$DATABASE_URL" -tAF' ' -c "SELECT substr(u.openid, 5), a.position_id FROM practice_applications a JOIN host_supervisors hs ON hs.host_unit_id = a.host_unit_id JOIN users u ON u.id = hs.user_id WHERE a.campaign_id = '$CAMPAIGN' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")"
HOST_TOKEN=$(wechat "$HOST")
APPLICANTS="$BASE/api/v1/me/host/positions/$POSITION/applications"

echo "== check: the answers"
curl -sf -H "authorization: Bearer $STUDENT_TOKEN" "$BASE/api/v1/practice/positions" | cut -c1-300; echo
curl -sf -H "authorization: Bearer $HOST_TOKEN" "$APPLICANTS" | cut -c1-300; echo

run() { # name url token
  local out rps p99 errs
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "authorization: Bearer $3" "$2")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errs=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
  printf '%-24s %12s req/s   p99 %8s  %s\n' "$1" "$rps" "$p99" "$errs"
  echo "$rps" >"/tmp/jiqing-bench-practice-$1.rps"
}
echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION each (warm-up 5 s first)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "authorization: Bearer $STUDENT_TOKEN" "$BASE/api/v1/me" >/dev/null
run me "$BASE/api/v1/me" "$STUDENT_TOKEN"
run student-positions "$BASE/api/v1/practice/positions" "$STUDENT_TOKEN"
run host-applicants "$APPLICANTS" "$HOST_TOKEN"

r() { cat "/tmp/jiqing-bench-practice-$1.rps"; }
echo "== ratios (one run; machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v me="$(r me)" -v s="$(r student-positions)" -v h="$(r host-applicants)" 'BEGIN {
  printf "student positions / me = %.2f (goal >= 0.3)\n", s / me
  printf "host applicants / me   = %.2f (goal >= 0.3)\n", h / me
}'

echo "== a 1,000-row position import by the county cadre (goal < 5 s; 3 imports)"
CSV=$(mktemp --suffix=.csv)
read -r HOST_UNIT HOST_REGION <<<"$(psql "$DATABASE_URL" -tAF' ' -c "SELECT id, region_code FROM host_units WHERE region_code LIKE '${COUNTY}%' ORDER BY id LIMIT 1")"
read -r FROM TO <<<"$(psql "$DATABASE_URL" -tAF' ' -c "SELECT practice_starts_on, practice_ends_on FROM practice_campaigns WHERE id = '$CAMPAIGN'")"
curl -sf -H "authorization: Bearer $COUNTY_TOKEN" "$BASE/api/v1/admin/practice/positions/import-template" | head -1 >"$CSV"
for i in $(seq 1 1000); do
  echo "$HOST_UNIT,$HOST_REGION,村史调查实践岗$i,走访农户、整理村史资料、协助开展法治宣传。,乡土调查,,,5,$FROM,$TO,6,线下,否,3000,否"
done >>"$CSV"
for _ in 1 2 3; do
  curl -s -o /tmp/jiqing-bench-practice-import.json -w '%{http_code} %{time_total}\n' \
    -H "authorization: Bearer $COUNTY_TOKEN" -H 'content-type: text/csv' --data-binary @"$CSV" \
    "$BASE/api/v1/admin/practice/positions/imports?campaignId=$CAMPAIGN"
done | sort -k2 -n | awk '{ t[NR] = $2; c[NR] = $1 } END { printf "import of 1,000 rows: fastest %.3f s, slowest %.3f s (HTTP %s)\n", t[1], t[3], c[3] }'
head -c 200 /tmp/jiqing-bench-practice-import.json; echo
rm -f "$CSV"
# The imported drafts go again, so that reruns measure the same lists.
psql "$DATABASE_URL" -qc "DELETE FROM practice_events WHERE subject_id IN (SELECT id FROM practice_positions WHERE status = 'draft' AND title LIKE '村史调查实践岗%'); DELETE FROM practice_positions WHERE status = 'draft' AND title LIKE '村史调查实践岗%'"

echo "== province stats over the campaign (goal < 1 s)"
for _ in $(seq 1 7); do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $PROVINCE_TOKEN" \
    "$BASE/api/v1/admin/practice/stats?campaignId=$CAMPAIGN"
done | sort -k2 -n | awk '{ t[NR] = $2; c[NR] = $1 } END { printf "stats: median %.3f s, slowest %.3f s (HTTP %s)\n", t[4], t[7], c[7] }'
