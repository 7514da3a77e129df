#!/usr/bin/env bash
# Leaderboard and list benchmark: release build on PostgreSQL + Redis, one run measuring at 64
# connections with wrk, each endpoint in turn:
#   1. a trivial JSON endpoint of the same server (/health): the ceiling,
#   2. GET top-50 of a county for this month with a youth's token (own rank included), cached,
#   3. GET the region board of a city for this month, cached,
#   4. the county top-50 computed by SQL from the ledger (?source=db),
#   5. an authenticated GET /api/v1/me, and the lists a youth opens first (trainings, volunteer
#      activities, /me/enrollments, /me/notifications) with the same youth's token,
# then prints the ratios (goals: boards >= 0.6x /health with p99 < 10 ms, lists >= 0.5x /me) and
# the time to rebuild every leaderboard from the ledger, and exits non-zero when a goal is missed.
# The youth signs up for a training and an activity first, so every list has rows.
#
#   bench/leaderboards.sh                # defaults below
#   DURATION=30s COUNTY=220183 bench/leaderboards.sh
#
# It creates and fills the database $BENCH_DB (never the test one) if it is missing; drop it
# afterwards with: psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE jiqing_bench'
set -euo pipefail
cd "$(dirname "$0")/.."

PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
BENCH_DB=${BENCH_DB:-jiqing_bench}
REDIS=${REDIS:-redis://127.0.0.1:6379}
PORT=${PORT:-18089}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COUNTY=${COUNTY:-220102}
YOUTHS=${YOUTHS:-100000}
ENTRIES=${ENTRIES:-1000000}

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
  cargo build --release --quiet
fi

if ! psql "$PG_ADMIN" -tAc "SELECT 1 FROM pg_database WHERE datname='${BENCH_DB}'" | grep -q 1; then
  psql "$PG_ADMIN" -qc "CREATE DATABASE ${BENCH_DB}"
fi
echo "== data ($YOUTHS youths, $ENTRIES hour entries; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES"
psql "$DATABASE_URL" -tAc "SELECT 'ledger rows: ' || count(*) || ', youths: ' || (SELECT count(*) FROM talent_profiles) || ', county ${COUNTY} youths: ' || (SELECT count(*) FROM talent_profiles WHERE home_region_code LIKE '${COUNTY}%') FROM volunteer_hour_entries"

echo "== rebuild every leaderboard from the ledger (Redis prefix bench:)"
redis-cli -u "$REDIS" --scan --pattern 'bench:*' | xargs -r -n 1000 redis-cli -u "$REDIS" UNLINK >/dev/null
"$BIN" rebuild-leaderboards 2>&1 | tee /tmp/jiqing-bench-rebuild.txt

echo "== start the server"
"$BIN" serve >/tmp/jiqing-bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done

# A cadre for the SQL path (it is cadre-only) and a youth with hours for "my rank".
ADMIN="bench_cadre_${COUNTY}"
JIQING_ADMIN_PASSWORD="bench-password-123" "$BIN" create-admin --username "$ADMIN" --region "$COUNTY" >/dev/null 2>&1 || true
CADRE_TOKEN=$(curl -sf -H 'content-type: application/json' -d "{\"username\":\"$ADMIN\",\"password\":\"bench-password-123\"}" "$BASE/api/v1/auth/login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
# A seeded youth of the county (openid dev_<name>), so their lists hold the county's trainings.
YOUTH=$(psql "$DATABASE_URL" -tAc "SELECT substr(u.openid, 5) FROM users u JOIN talent_profiles p ON p.user_id = u.id WHERE u.openid LIKE 'dev\_bench%' AND p.home_region_code LIKE '${COUNTY}%' ORDER BY u.openid LIMIT 1")
YOUTH_TOKEN=$(curl -sf -H 'content-type: application/json' -d "{\"code\":\"dev:${YOUTH:-bench0}\"}" "$BASE/api/v1/auth/wechat-login" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')

# Rows in every first list: the county's cadre publishes a training and a volunteer activity
# three days ahead when the youth sees none (the seed makes neither), and the youth signs up for
# the first of each (each brings a notification); a repeated run finds them signed up (409).
echo "== the youth's first lists hold rows"
first_id() { curl -sf -H "authorization: Bearer $YOUTH_TOKEN" "$BASE$1" | jq -r '.items[0].id // empty'; }
if [ -z "$(first_id /api/v1/trainings)" ]; then
  at() { date -u -d "+3 days $1" +%Y-%m-%dT%H:%M:%SZ; }
  publish() { # path body
    curl -s -o /dev/null -w "published $1: %{http_code}\n" -H "authorization: Bearer $CADRE_TOKEN" \
      -H 'content-type: application/json' -d "$2" "$BASE$1"
  }
  publish /api/v1/admin/trainings "{\"title\":\"压测培训\",\"category\":\"ecommerce_livestream\",
    \"description\":\"压测\",\"regionCode\":\"$COUNTY\",\"venue\":\"青年之家\",
    \"startsAt\":\"$(at '')\",\"endsAt\":\"$(at '+4 hours')\",
    \"signupDeadline\":\"$(at '-12 hours')\",\"capacity\":30}"
  publish /api/v1/admin/volunteer/activities "{\"category\":\"river_patrol\",\"title\":\"压测巡河\",
    \"description\":\"压测\",\"place\":\"伊通河南岭段\",\"regionCode\":\"$COUNTY\",
    \"startsAt\":\"$(at '')\",\"endsAt\":\"$(at '+2 hours')\",\"wanted\":100}"
fi
for spec in "/api/v1/trainings|enrollments" "/api/v1/volunteer/activities|signups"; do
  IFS='|' read -r list action <<<"$spec"
  id=$(first_id "$list")
  [ -n "$id" ] && curl -s -o /dev/null -w "$list/$id/$action: %{http_code}\n" \
    -H "authorization: Bearer $YOUTH_TOKEN" -H 'content-type: application/json' -d '{}' \
    "$BASE$list/$id/$action"
done
for list in trainings volunteer/activities me/enrollments me/notifications; do
  printf '%s: %s rows\n' "$list" "$(curl -sf -H "authorization: Bearer $YOUTH_TOKEN" "$BASE/api/v1/$list" | jq '.total')"
done

LB="$BASE/api/v1/leaderboards/volunteer-hours?region=${COUNTY}&period=month&limit=50"
echo "== check: both paths give the same top-50"
A=$(curl -sf -H "authorization: Bearer $YOUTH_TOKEN" "$LB" | sed -E 's/"servedFrom":"[a-z]+"//')
B=$(curl -sf -H "authorization: Bearer $CADRE_TOKEN" "$LB&source=db" | sed -E 's/"servedFrom":"[a-z]+"//; s/"me":[^}]*\}|"me":null//')
A2=$(echo "$A" | sed -E 's/"me":[^}]*\}|"me":null//')
if [ "$A2" = "$B" ]; then echo "same answer"; else echo "DIFFERENT ANSWERS"; echo "$A2" | head -c 400; echo; echo "$B" | head -c 400; echo; fi

run() { # name url token
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-H "authorization: Bearer $3"} "$2")
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local errs
  errs=$(echo "$out" | grep -E 'Non-2xx|Socket errors' || true)
  printf '%-28s %12s req/s   p99 %8s  %s\n' "$1" "$rps" "$p99" "$errs"
  echo "$rps" >"/tmp/jiqing-bench-$1.rps"
  echo "$p99" >"/tmp/jiqing-bench-$1.p99"
}

echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION each (warm-up 5 s first)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -H "authorization: Bearer $YOUTH_TOKEN" "$LB" >/dev/null
run trivial "$BASE/health"
run leaderboard-cache "$LB" "$YOUTH_TOKEN"
run regions "$BASE/api/v1/leaderboards/regions?parent=${COUNTY:0:4}00&period=month" "$YOUTH_TOKEN"
run leaderboard-sql "$LB&source=db" "$CADRE_TOKEN"
run me "$BASE/api/v1/me" "$YOUTH_TOKEN"
run trainings "$BASE/api/v1/trainings" "$YOUTH_TOKEN"
run activities "$BASE/api/v1/volunteer/activities" "$YOUTH_TOKEN"
run enrollments "$BASE/api/v1/me/enrollments" "$YOUTH_TOKEN"
run notifications "$BASE/api/v1/me/notifications" "$YOUTH_TOKEN"

r() { cat "/tmp/jiqing-bench-$1.rps"; }
p99ms() { awk '{ v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v }' "/tmp/jiqing-bench-$1.p99"; }
echo "== ratios (one run; machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v t="$(r trivial)" -v c="$(r leaderboard-cache)" -v g="$(r regions)" -v s="$(r leaderboard-sql)" \
    -v cp="$(p99ms leaderboard-cache)" -v gp="$(p99ms regions)" \
    -v me="$(r me)" -v tr="$(r trainings)" -v ac="$(r activities)" -v en="$(r enrollments)" -v no="$(r notifications)" '
function goal(label, value, fmt, ok) {
  printf "%-34s = " fmt " %s\n", label, value, ok ? "met" : "MISSED"
  if (!ok) missed++
}
BEGIN {
  goal("volunteer-hours (cached) / health", c / t, "%.2f (goal >= 0.6)", c / t >= 0.6)
  goal("regions (cached) / health", g / t, "%.2f (goal >= 0.6)", g / t >= 0.6)
  goal("volunteer-hours (cached) p99 ms", cp, "%.1f (goal < 10)", cp < 10)
  goal("regions (cached) p99 ms", gp, "%.1f (goal < 10)", gp < 10)
  printf "volunteer-hours cached / sql       = %.1fx\n", c / s
  goal("trainings / me", tr / me, "%.2f (goal >= 0.5)", tr / me >= 0.5)
  goal("activities / me", ac / me, "%.2f (goal >= 0.5)", ac / me >= 0.5)
  goal("enrollments / me", en / me, "%.2f (goal >= 0.5)", en / me >= 0.5)
  goal("notifications / me", no / me, "%.2f (goal >= 0.5)", no / me >= 0.5)
  exit missed > 0
}'
