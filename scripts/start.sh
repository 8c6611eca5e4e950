#!/usr/bin/env bash
# Starts the whole system on embedded defaults: PostgreSQL (via setup), the Temporal dev server
# (SQLite file under .data/, Web UI) and the worker. Ctrl-C stops the dev server and the worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p .data

TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}
export DATABASE_URL=${DATABASE_URL:-postgres://lap:lap@127.0.0.1:5432/lap}

temporal_bin=.tools/bin/temporal
command -v temporal >/dev/null 2>&1 && [ ! -x "$temporal_bin" ] && temporal_bin=$(command -v temporal)

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null; then
  echo "[start] a Temporal server already answers on port $TEMPORAL_PORT; using it"
else
  # shellcheck disable=SC2046 # the flags are words on purpose
  "$temporal_bin" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename .data/temporal.sqlite --ui-disable-news-fetch --log-level warn \
    $(npx tsx worker/search-attribute-flags.ts) \
    >.data/temporal.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null && break
    sleep 1
  done
fi

cat <<INFO

  Leadership Associate development programs: running
  HTTP API          http://127.0.0.1:${API_PORT:-8080}/v1/health   (OpenAPI at /v1/openapi.json)
  Temporal Web UI   http://127.0.0.1:$TEMPORAL_UI_PORT   (workflows "development-program-…")
  Temporal gRPC     $TEMPORAL_ADDRESS   (state in .data/temporal.sqlite, log in .data/temporal.log)
  PostgreSQL        $DATABASE_URL   (tables program_events, notices)
  Try, in another terminal:
    npm run cli -- enroll client/examples/enrollment.json --as hr-0001
    npm run cli -- show <programId>
    curl -s http://127.0.0.1:${API_PORT:-8080}/v1/programs -H "Authorization: Bearer \$(npm run cli -s -- token --sub hr-0001 --role hr)"

INFO

npx tsx worker/main.ts &
pids+=($!)
npx tsx api/main.ts &
pids+=($!)
wait -n "${pids[@]}"
