#!/usr/bin/env bash
# What do parallel readers give the embedded default? The service opens JIQING_SQLITE_CONNECTIONS
# connections to its SQLite file (default 4): one writes at a time, the others read beside it
# (WAL), and every transaction begins IMMEDIATE (db::begin). This serves a SQLite file of
# benchmark data with 1 and then with $MORE connections and, from one run, drives with wrk at 64
# connections, one after another:
#   /api/v1/me (the session look-up), /api/v1/trainings and /api/v1/me/notifications (a
#   youth's first lists), and a county's volunteer-hours top-50 by SQL over the ledger
#   (?source=db, a cadre's token: the heaviest read);
#   then writes under contention: 16 connections re-saving a youth's talent profile (a
#   transaction that reads, then writes) while 48 read the notifications beside them. Any
#   answer but 200 counts as an error.
#
#   bench/sqlite-readers.sh                    # 20,000 youths, 200,000 hour entries, 10 s each
#   NO_BUILD=1 MORE=4 DURATION=15s bench/sqlite-readers.sh
#
# The file ($BENCH_SQLITE) is created and filled once by jiqing-bench-seed.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_SQLITE=${BENCH_SQLITE:-/tmp/jiqing-bench.sqlite}
PORT=${PORT:-18093}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
MORE=${MORE:-4}
COUNTY=${COUNTY:-220102}
YOUTHS=${YOUTHS:-20000}
ENTRIES=${ENTRIES:-200000}

export DATABASE_URL="sqlite://${BENCH_SQLITE}?mode=rwc"
unset REDIS_URL
export JIQING_BIND="127.0.0.1:${PORT}"
# The start-up run of the background jobs would share the CPU with the first measurement.
export JIQING_BACKGROUND_TASKS=false
export RUST_LOG=${RUST_LOG:-warn}
REL="${CARGO_TARGET_DIR:-target}/release"
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y wrk >/dev/null; }
if [ -z "${NO_BUILD:-}" ]; then
  echo "== release build"
  # Two steps, as in bench/soak.sh: the example's dev-dependency features stay out of the bins.
  cargo build --release --quiet --bin jiqing --bin jiqing-bench-seed
fi

echo "== data ($YOUTHS youths, $ENTRIES hour entries in $BENCH_SQLITE; skipped when present)"
"$REL/jiqing-bench-seed" --youths "$YOUTHS" --entries "$ENTRIES"
ADMIN="bench_cadre_${COUNTY}"
JIQING_ADMIN_PASSWORD="bench-password-123" "$REL/jiqing" create-admin --username "$ADMIN" --region "$COUNTY" >/dev/null 2>&1 || true
YOUTH=$(sqlite3 "$BENCH_SQLITE" "SELECT substr(u.openid, 5) FROM users u JOIN talent_profiles p ON p.user_id = u.id WHERE u.openid LIKE 'dev_bench%' AND p.home_region_code LIKE '${COUNTY}%' ORDER BY u.openid LIMIT 1" 2>/dev/null || echo bench0)

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
token() { # body path
  curl -sf -H 'content-type: application/json' -d "$1" "$BASE$2" | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}
measure() { # connections
  JIQING_SQLITE_CONNECTIONS="$1" "$REL/jiqing" >"/tmp/jiqing-sqlite-readers-$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -sf "$BASE/health/ready" >/dev/null && break; sleep 0.2; done
  local youth cadre
  youth=$(token "{\"code\":\"dev:${YOUTH}\"}" /api/v1/auth/wechat-login)
  cadre=$(token "{\"username\":\"$ADMIN\",\"password\":\"bench-password-123\"}" /api/v1/auth/login)
  for spec in "me|/api/v1/me|$youth" "trainings|/api/v1/trainings|$youth" \
      "notifications|/api/v1/me/notifications|$youth" \
      "board-sql|/api/v1/leaderboards/volunteer-hours?region=${COUNTY}&period=month&limit=50&source=db|$cadre"; do
    IFS='|' read -r name path tok <<<"$spec"
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency -H "authorization: Bearer $tok" "$BASE$path")
    printf '%s %s %s %s\n' "$1" "$name" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "$(echo "$out" | awk '$1=="99%" {print $2}')"
    if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then echo "$out" | grep -E 'Non-2xx|Socket errors'; fi
  done
  # Writes beside reads: the profile as the form sends it back (the ID number kept as stored).
  curl -sf -H "authorization: Bearer $youth" "$BASE/api/v1/me/talent-profile" | jq -c '{realName,
    gender, dateOfBirth, homeRegionCode, education, industries, categories, politicalStatus,
    skills, introduction: "压测保存", sensitiveInfoConsent: true, consentVersion: "2026-11"}' \
    >/tmp/jiqing-sqlite-profile.json
  printf 'wrk.method = "PUT"\nwrk.headers["content-type"] = "application/json"\nwrk.body = [==[%s]==]\n' \
    "$(cat /tmp/jiqing-sqlite-profile.json)" >/tmp/jiqing-sqlite-put.lua
  local writes reads
  wrk -t1 -c16 -d"$DURATION" --timeout 10s --latency -s /tmp/jiqing-sqlite-put.lua \
    -H "authorization: Bearer $youth" "$BASE/api/v1/me/talent-profile" >/tmp/jiqing-sqlite-writes.txt &
  local writer=$!
  reads=$(wrk -t1 -c48 -d"$DURATION" --timeout 10s --latency -H "authorization: Bearer $youth" \
    "$BASE/api/v1/me/notifications")
  wait "$writer"
  writes=$(cat /tmp/jiqing-sqlite-writes.txt)
  for pair in "mixed-reads|$reads" "mixed-writes|$writes"; do
    local name=${pair%%|*} out=${pair#*|}
    printf '%s %s %s %s errors=%s\n' "$1" "$name" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
      "$(echo "$out" | awk '$1=="99%" {print $2}')" \
      "$(echo "$out" | awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}')"
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

echo "== wrk: $CONNECTIONS connections, $DURATION each; 1 connection, then $MORE (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
{ measure 1; measure "$MORE"; } | tee /tmp/jiqing-sqlite-readers.txt
echo "== $MORE connections against 1 (one run; machine load now: $(cut -d' ' -f1-3 /proc/loadavg))"
awk -v more="$MORE" '$1 == 1 {one[$2] = $3; p1[$2] = $4} $1 == more {n[$2] = $3; pn[$2] = $4}
  $1 == 1 && $5 != "" {e1[$2] = $5} $1 == more && $5 != "" {en[$2] = $5}
  END { for (k in one) printf "%-14s %10.0f -> %10.0f req/s = %.2fx   p99 %s -> %s %s\n", k, one[k], n[k], (one[k] > 0 ? n[k] / one[k] : 0), p1[k], pn[k], (k in e1 ? "  " e1[k] " -> " en[k] : "") }' \
  /tmp/jiqing-sqlite-readers.txt
if grep -q 'errors=[1-9]' /tmp/jiqing-sqlite-readers.txt; then
  echo "MISSED: some answers under contention were errors"; exit 1
fi
