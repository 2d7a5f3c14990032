#!/usr/bin/env bash
# HTTP load benchmark, loopback only: the client list and the client page (API
# and HTML), and the calendar (appointments, free slots, day and week pages)
# on a demo database of 10,000 clients, next to /healthz on the same server. Needs wrk (Debian package `wrk`; installed here if missing).
#
#   bench/http.sh                 # SQLite in a temporary data directory
#   bench/http.sh postgres://...  # the same against a PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18181}

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p myomap
BIN=target/release/myomap
DATA=$(mktemp -d)
DB_ARGS=(--data "$DATA")
[ $# -ge 1 ] && DB_ARGS+=(--database "$1")

echo "seeding 10,000 demo clients..."
"$BIN" demo --no-serve --clients 10000 "${DB_ARGS[@]}" >/dev/null
MYOMAP_LOG=warn "$BIN" serve "${DB_ARGS[@]}" --bind "127.0.0.1:$PORT" >/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

TOKEN=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/login" -H 'content-type: application/json' \
  -d '{"email":"therapist@demo.test","password":"demo-therapist"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
ID=$(curl -fs "http://127.0.0.1:$PORT/api/v1/clients?q=okafor" -H "Authorization: Bearer $TOKEN" \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')

HEALTHZ_RPS=
# One markdown table row per endpoint: throughput, its share of /healthz's
# throughput measured on the same server in the same run, and p99 latency.
run() {
  local name=$1 path=$2; shift 2
  local out rps p99 share errors
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "http://127.0.0.1:$PORT$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
  [ -z "$HEALTHZ_RPS" ] && HEALTHZ_RPS=$rps
  share=$(awk -v a="$rps" -v b="$HEALTHZ_RPS" 'BEGIN {printf "%.1f %%", 100 * a / b}')
  printf '| %s | %s | %s | %s |%s\n' "$name" "$(printf "%'.0f" "$rps")" "$share" "$p99" \
    "${errors:+ ($errors non-2xx)}"
}

echo "wrk: 2 threads, $CONNECTIONS connections, $DURATION per endpoint, $(nproc) cores, $(date -u +%F), $("$BIN" --version)"
echo "| endpoint | req/s | share of /healthz | p99 |"
echo "|---|---|---|---|"
run "GET /healthz" /healthz
run "GET /api/v1/clients (page 1 of 10,000)" /api/v1/clients -H "Authorization: Bearer $TOKEN"
run "GET /api/v1/clients?q=walsh" "/api/v1/clients?q=walsh" -H "Authorization: Bearer $TOKEN"
run "GET /api/v1/clients/{id} (audited)" "/api/v1/clients/$ID" -H "Authorization: Bearer $TOKEN"
run "GET /clients (HTML)" /clients -H "Cookie: myomap_session=$TOKEN"
run "GET /clients/{id} (HTML, whole record, audited)" "/clients/$ID" -H "Cookie: myomap_session=$TOKEN"
NOTE_CLIENT=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/clients" -H "Authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{"given_name":"Bench","family_name":"Notes","date_of_birth":"1980-01-01"}' \
  | sed -E 's/.*"id":"([^"]+)".*/\1/')
export TOKEN
run "POST note + sign (alternating)" "/api/v1/clients/$NOTE_CLIENT/sessions" -s bench/signed-note.lua
THERAPIST=$(curl -fs "http://127.0.0.1:$PORT/api/v1/staff" -H "Authorization: Bearer $TOKEN" \
  | grep -o '"id":"[^"]*","name":"Sam Rivera"' | sed -E 's/"id":"([^"]+)".*/\1/')
run "GET /api/v1/appointments" "/api/v1/appointments?days=7" -H "Authorization: Bearer $TOKEN"
run "GET /api/v1/therapists/{id}/slots" "/api/v1/therapists/$THERAPIST/slots?days=14" -H "Authorization: Bearer $TOKEN"
run "GET /schedule (HTML, flags)" "/schedule?therapist=$THERAPIST" -H "Cookie: myomap_session=$TOKEN"
run "GET /schedule/week (HTML)" "/schedule/week?therapist=$THERAPIST" -H "Cookie: myomap_session=$TOKEN"
