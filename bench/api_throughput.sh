#!/usr/bin/env bash
# Requests per second of POST /api/v1/assess and GET /healthz, in the same run, under
# gunicorn (2 workers) with wrk on 127.0.0.1 for 10 s at 16 connections each.
# Usage: bench/api_throughput.sh        (needs wrk: apt-get install -y wrk)
#        DURATION=10s CONNECTIONS=16 PORT=5055 DATABASE_URL=... bench/api_throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-5055}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
WORK=$(mktemp -d)
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/bench.sqlite}
export SCREENER_SECRET_KEY=${SCREENER_SECRET_KEY:-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export RATELIMIT_ENABLED=false  # the one documented switch: measure the app, not the limiter
export SCREENER_TRUSTED_PROXIES=0  # wrk connects directly

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
"$BIN/flask" --app screener init-db >/dev/null
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$PORT" --log-level warning \
  "screener:create_app()" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

run() {  # name, extra wrk arguments...
  local name=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$WORK/$name.txt"
  awk '/Requests\/sec/ {print $2}' "$WORK/$name.txt"
}
assess_rps=$(run assess -s bench/assess.lua "http://127.0.0.1:$PORT/api/v1/assess")
health_rps=$(run health "http://127.0.0.1:$PORT/healthz")

echo "gunicorn 2 workers, wrk -t2 -c$CONNECTIONS -d$DURATION, database ${DATABASE_URL%%:*}"
for name in assess health; do
  errors=$(awk '/Non-2xx/ {print $NF}' "$WORK/$name.txt"); errors=${errors:-0}
  p50=$(awk '$1=="50%" {print $2}' "$WORK/$name.txt"); p99=$(awk '$1=="99%" {print $2}' "$WORK/$name.txt")
  rps=$([ "$name" = assess ] && echo "$assess_rps" || echo "$health_rps")
  label=$([ "$name" = assess ] && echo "POST /api/v1/assess" || echo "GET /healthz")
  printf "  %-22s %9s req/s   p50 %8s   p99 %8s   non-2xx %s\n" "$label" "$rps" "$p50" "$p99" "$errors"
done
awk -v a="$assess_rps" -v h="$health_rps" \
  'BEGIN {printf "  ratio assess / healthz: %.2f (target >= 0.80)\n", a / h}'
