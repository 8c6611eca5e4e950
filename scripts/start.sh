#!/usr/bin/env bash
# Starts the whole system on embedded defaults: PostgreSQL (via setup), the Temporal dev server
# (SQLite file under .data/, Web UI), a local SMTP server with a web inbox (maildev) for the notices,
# the local OpenID provider the web UI signs in with (idp/), the worker and the API, all in
# development mode (APP_ENV=development). Ctrl-C stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p .data

# Development mode: the development sign-in (loopback only) and published local secrets. Every other start is production.
export APP_ENV=${APP_ENV:-development}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
export TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}
export DATABASE_URL=${DATABASE_URL:-postgres://lap:lap@127.0.0.1:5432/lap}
MAILDEV_SMTP_PORT=${MAILDEV_SMTP_PORT:-1025}
MAILDEV_WEB_PORT=${MAILDEV_WEB_PORT:-1080}
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:$MAILDEV_SMTP_PORT}
# Development mode: only this start command turns it on; any other start is production.
export APP_ENV=${APP_ENV:-development}
export API_PORT=${API_PORT:-8080}
# Sign-in: the local OpenID provider, unless OIDC_ISSUER names another one.
export IDP_PORT=${IDP_PORT:-8091}
local_idp=http://127.0.0.1:$IDP_PORT
export OIDC_ISSUER=${OIDC_ISSUER:-$local_idp}
export OIDC_AUDIENCE=${OIDC_AUDIENCE:-urn:lap:api}
export OIDC_CLIENT_ID=${OIDC_CLIENT_ID:-lap-web-ui}
export OIDC_SCOPE=${OIDC_SCOPE:-openid profile lap}
export OIDC_ROLE_MAP=${OIDC_ROLE_MAP:-$(cat idp/role-map.dev.json)}
export OIDC_PROVIDER_NAME=${OIDC_PROVIDER_NAME:-the development identity provider}

temporal_bin=.tools/bin/temporal
command -v temporal >/dev/null 2>&1 && [ ! -x "$temporal_bin" ] && temporal_bin=$(command -v temporal)

pids=()
# npx and tsx start node as a child of their own: stop each process with everything below it, so
# that `kill <this script>` leaves no worker or API running behind it.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  trap - EXIT INT TERM
  # The supervisors first (each stops its child and does not start it again), then what is left.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do kill_tree "$pid"; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null; then
  echo "[start] a Temporal server already answers on port $TEMPORAL_PORT; using it"
else
  # shellcheck disable=SC2046 # the flags are words on purpose
  "$temporal_bin" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename .data/temporal.sqlite --ui-disable-news-fetch --log-level warn \
    --ui-codec-endpoint "http://127.0.0.1:${API_PORT}/codec" \
    $(npx tsx worker/search-attribute-flags.ts) \
    >.data/temporal.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$TEMPORAL_PORT") 2>/dev/null && break
    sleep 1
  done
fi

# Notices go to maildev's inbox (kept in .data/mail across restarts); nothing leaves the machine.
if (exec 3<>"/dev/tcp/127.0.0.1/$MAILDEV_SMTP_PORT") 2>/dev/null; then
  echo "[start] an SMTP server already answers on port $MAILDEV_SMTP_PORT; using it"
else
  mkdir -p .data/mail
  node_modules/.bin/maildev --smtp "$MAILDEV_SMTP_PORT" --web "$MAILDEV_WEB_PORT" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --mail-directory .data/mail >.data/maildev.log 2>&1 &
  pids+=($!)
fi
if [ "$OIDC_ISSUER" = "$local_idp" ]; then
  if (exec 3<>"/dev/tcp/127.0.0.1/$IDP_PORT") 2>/dev/null; then
    echo "[start] something already answers on port $IDP_PORT; using it as the OpenID provider"
  else
    npx tsx idp/main.ts >.data/idp.log 2>&1 &
    pids+=($!)
  fi
fi
# Where notices to staff go: the development staff directory (supervisors, program managers, agency HR, DAS).
npx tsx worker/admin.ts migrate >/dev/null
npx tsx worker/admin.ts load-staff db/seeds/staff-directory.dev.json

cat <<INFO

  Leadership Associate development programs: running
  HTTP API          http://127.0.0.1:${API_PORT}/v1/health   (OpenAPI at /v1/openapi.json)
  Temporal Web UI   http://127.0.0.1:$TEMPORAL_UI_PORT   (workflows "development-program-…"; payloads decoded by the API's /codec)
  Temporal gRPC     $TEMPORAL_ADDRESS   (state in .data/temporal.sqlite, log in .data/temporal.log)
  PostgreSQL        $DATABASE_URL   (tables program_events, notices, notice_deliveries)
  Notices (e-mail)  http://127.0.0.1:$MAILDEV_WEB_PORT   (maildev's inbox; SMTP on ${SMTP_URL#smtp://})
  Web UI            http://127.0.0.1:${API_PORT}/   (sign in with $OIDC_PROVIDER_NAME, or the development sign-in)
  OpenID provider   $OIDC_ISSUER   (accounts in db/seeds/sign-in-accounts.dev.json, password "${IDP_PASSWORD:-development}"; log in .data/idp.log)
  Try, in another terminal:
    npm run cli -- sign-in            (opens the OpenID provider's page; sign in as hr-0001)
    npm run cli -- enroll client/examples/enrollment.json
    npm run cli -- show <programId>
    curl -s http://127.0.0.1:${API_PORT}/v1/programs -H "Authorization: Bearer \$(npm run admin -s -- token --sub hr-0001 --role hr)"

INFO

# The worker and the API are kept running: one that exits is started again after a pause that grows
# with each quick exit (1 s, 2 s, 4 s … 30 s), and the console says so. Ctrl-C stops everything.
supervise() {
  local name=$1; shift
  local delay=1 started status
  child=
  trap '[ -n "${child:-}" ] && kill_tree "$child"; wait 2>/dev/null; exit 0' TERM INT
  while true; do
    started=$SECONDS
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    # Running a minute or more was a real run: the next start waits only a second.
    if [ $((SECONDS - started)) -ge 60 ]; then delay=1; fi
    echo "[start] the $name exited (status $status); starting it again in ${delay} s" >&2
    sleep "$delay"
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}
supervise worker npx tsx worker/main.ts &
pids+=($!)
supervise API npx tsx api/main.ts &
pids+=($!)
wait "${pids[@]}"
