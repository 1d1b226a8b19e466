#!/usr/bin/env bash
# The load test in one command (also `make loadtest`), all within LOAD_BUDGET seconds:
#   1. a fresh PostgreSQL database with the demo article, 2,000 LIAR claims, reviewer
#      accounts and 150 published verdicts (benchmarks/load_setup.py);
#   2. `make serve` (gunicorn + whitenoise, DEBUG off) on 127.0.0.1 only;
#   3. locust headless on loopback, mixed traffic (benchmarks/locustfile.py) for what is
#      left of the budget (at most LOAD_TIME seconds);
#   4. the server stopped and the database dropped, whatever happened.
# Exit status: locust's, non-zero when any request failed.
#
#   benchmarks/load.sh
#   LOAD_USERS=30 LOAD_BUDGET=60 LOAD_KEEP_DB=1 benchmarks/load.sh
#
# Plain http on loopback: the production settings' https redirect and secure-only cookies
# are turned off for this run only (there is no TLS in front of gunicorn here).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
budget=${LOAD_BUDGET:-60}
run_time=${LOAD_TIME:-45}
users=${LOAD_USERS:-20}
spawn=${LOAD_SPAWN_RATE:-10}
port=${LOAD_PORT:-8765}
db=${LOAD_DB:-loadtest}
pg=${LOAD_PG:-postgres://postgres@127.0.0.1:5432}
out=${LOAD_OUT:-$(mktemp -d /tmp/loadtest.XXXXXX)}
py=.venv/bin/python

if [ ! -x .venv/bin/locust ]; then
  echo "locust is not installed: .venv/bin/pip install -r requirements-dev.txt" >&2
  exit 2
fi
if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
  echo "something already answers on 127.0.0.1:$port: set LOAD_PORT" >&2
  exit 2
fi

export DATABASE_URL="$pg/$db"
export SECRET_KEY="load-test-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost PORT="$port"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export SECURE_HSTS_SECONDS=0 WEB_CONCURRENCY=${WEB_CONCURRENCY:-3}

server=""
cleanup() {
  if [ -n "$server" ]; then
    # the server runs in its own process group (setsid): make, gunicorn and its workers
    kill -TERM -- "-$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    # gunicorn lets its workers finish their requests: give the group 5 s, then KILL it
    for _ in $(seq 50); do kill -0 -- "-$server" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$server" 2>/dev/null || true
  fi
  if [ "${LOAD_KEEP_DB:-0}" != 1 ]; then
    psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
    rm -f "$out/env"  # the reviewers' password, for a database that is gone
  fi
  echo "load test files (server log, locust output and CSV): $out"
}
trap cleanup EXIT

echo "== set-up: database $db"
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
psql "$pg/postgres" -qc "CREATE DATABASE \"$db\""
$py manage.py migrate --noinput -v 0
$py benchmarks/load_setup.py "$out/env"
# shellcheck disable=SC1091
source "$out/env"

echo "== serve: make serve on 127.0.0.1:$port ($WEB_CONCURRENCY workers)"
setsid make -s serve PORT="$port" >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 60); do
  curl -s -o /dev/null "http://127.0.0.1:$port/accounts/login/" && break
  kill -0 "$server" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.5
done

left=$((budget - (SECONDS - started) - 5))  # 5 s for locust to stop and for teardown
if [ "$left" -lt "$run_time" ]; then run_time=$left; fi
if [ "$run_time" -lt 10 ]; then
  echo "set-up took $((SECONDS - started)) s: less than 10 s left of the ${budget} s budget" >&2
  exit 1
fi

echo "== locust: $users users for ${run_time} s against http://127.0.0.1:$port"
status=0
timeout $((run_time + 10)) .venv/bin/locust -f benchmarks/locustfile.py --headless \
  --host "http://127.0.0.1:$port" -u "$users" -r "$spawn" -t "${run_time}s" \
  --stop-timeout 2 --csv "$out/locust" --only-summary --loglevel WARNING \
  2>&1 | tee "$out/locust.txt" || status=${PIPESTATUS[0]}

# One line for the report, from locust's final tables (its CSV is rewritten every 2 s and
# can miss the last requests): requests, requests/s, p50, p95, failures.
$py - "$out/locust.txt" <<'EOF' || true
import sys

lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
rows = [line.split() for line in lines if line.split()[:1] == ["Aggregated"]]
totals, percentiles = rows[0], rows[1]  # the requests table, then the percentiles table
print(
    f"== total: {totals[1]} requests, {totals[-2]} req/s, p50 {percentiles[1]} ms, "
    f"p95 {percentiles[6]} ms, failures {totals[2]}"
)
EOF
if grep -qE '" 5[0-9]{2} ' "$out/server.log"; then
  echo "the server answered 5xx (see $out/server.log)" >&2
  status=1
fi
echo "== done in $((SECONDS - started)) s"
exit "$status"
