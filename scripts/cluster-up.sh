#!/usr/bin/env bash
# The cluster profile on one machine (docs/cluster.md): a real Temporal server on PostgreSQL with its
# four services as separate processes and 4 history shards, then two program workers and two API
# processes on their own ports. Idempotent: a second run starts only what is not running.
#
#   bash scripts/cluster-up.sh              # everything (builds the server first if not cached)
#   bash scripts/cluster-up.sh --only NAME  # (re)start one process: frontend history matching
#                                           #   worker-service worker-1 worker-2 api-1 api-2 maildev
#   bash scripts/cluster-down.sh [NAME…]    # stop everything, or the named processes
#
# Environment (all optional): CLUSTER_DIR (.data/cluster: config, logs, pids, secrets),
# CLUSTER_PORT_BASE (17200; every port is base+offset, below base+100), CLUSTER_DB_PREFIX
# (lap_temporal: its databases lap_temporal and lap_temporal_visibility), CLUSTER_APP_DB (lap_cluster),
# TEMPORAL_NAMESPACE (lap), WORKER_BUILD_ID (the git commit), CLUSTER_WORKERS / CLUSTER_APIS (2 each).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib.sh
source scripts/cluster-lib.sh

only=()
build=
while [ $# -gt 0 ]; do
  case $1 in
    --only) only+=("$2"); shift 2 ;;
    # With --only worker-N: the build id that worker runs (a release rolled out beside the current one).
    --build) build=$2; shift 2 ;;
    *) echo "cluster-up: unknown argument $1 (use --only NAME [--build ID])" >&2; exit 2 ;;
  esac
done

cluster_layout
mkdir -p "$CLUSTER_DIR"/{config,logs,pids}
chmod 700 "$CLUSTER_DIR"

# --- Processes: each in a session of its own, its pid in pids/NAME.pid -----------------------------
running() { [ -f "$CLUSTER_DIR/pids/$1.pid" ] && kill -0 "$(cat "$CLUSTER_DIR/pids/$1.pid")" 2>/dev/null; }
start() { # name command...
  local name=$1; shift
  if running "$name"; then return 0; fi
  # setsid: the process leads a group of its own, so cluster-down stops it with its children (tsx).
  setsid "$@" >>"$CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_DIR/pids/$name.pid"
  cluster_log "started $name (pid $!, log $CLUSTER_DIR/logs/$name.log)"
}
wait_for_port() { # port what
  for _ in $(seq 1 240); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  echo "cluster-up: $2 does not listen on port $1; see $CLUSTER_DIR/logs" >&2
  return 1
}
wait_for_http() { # url what
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.5
  done
  echo "cluster-up: $2 does not answer at $1; see $CLUSTER_DIR/logs" >&2
  return 1
}

start_temporal_service() { # service
  local svc=$1 config=$CLUSTER_DIR/config/$1.yaml
  start "$(cluster_process_name "$svc")" "$CLUSTER_BIN/temporal-server" --config-file "$config" --allow-no-auth start --service "$svc"
}
start_program_worker() { # n
  local n=$1 id=${build:-$WORKER_BUILD_ID}
  running "worker-$n" && return 0
  local bundle=$CLUSTER_DIR/workflow-bundle-$id.js
  [ -f "$bundle" ] || "$root/node_modules/.bin/tsx" worker/build-bundle.ts "$bundle" >/dev/null
  start "worker-$n" env -u TEMPORAL_ADDRESS WORKER_BUILD_ID="$id" WORKFLOW_BUNDLE_PATH="$bundle" WORKER_METRICS_ADDRESS="127.0.0.1:$(cluster_port "worker-metrics-$n")" \
    "$root/node_modules/.bin/tsx" worker/main.ts
}
start_api() { # n
  local n=$1
  start "api-$n" env -u TEMPORAL_ADDRESS API_PORT="$(cluster_port "api-$n")" "$root/node_modules/.bin/tsx" api/main.ts
}
start_maildev() {
  mkdir -p "$CLUSTER_DIR/mail"
  start maildev "$root/node_modules/.bin/maildev" --smtp "$CLUSTER_SMTP_PORT" --web "$CLUSTER_MAIL_WEB_PORT" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --mail-directory "$CLUSTER_DIR/mail"
}

# The program processes read this (and the CLI, after `set -a; . $CLUSTER_DIR/cluster.env`). They
# find Temporal through the profile in temporal.toml; a TEMPORAL_ADDRESS left in the caller's
# environment (the dev server's) is removed for them, as it would override the profile.
write_env() {
  local secrets=$CLUSTER_DIR/secrets.env
  if [ ! -f "$secrets" ]; then
    # Generated once per cluster directory: the API's token key and the payload key (docs/deployment.md).
    umask 077
    {
      echo "AUTH_JWT_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')"
      echo "PAYLOAD_ENCRYPTION_KEYS=k1:$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')"
    } >"$secrets"
    umask 022
  fi
  # Production refuses to start without a key of its own for import ids (SECURITY.md); directories
  # made before that rule get one added.
  if ! grep -q '^IMPORT_ID_SECRET=' "$secrets"; then
    echo "IMPORT_ID_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))')" >>"$secrets"
  fi
  cat >"$CLUSTER_DIR/temporal.toml" <<TOML
# Temporal client profile of the local cluster (@temporalio/envconfig). Select it with
# TEMPORAL_CONFIG_FILE=$CLUSTER_DIR/temporal.toml TEMPORAL_PROFILE=cluster
[profile.cluster]
address = "127.0.0.1:$CLUSTER_FRONTEND_PORT"
namespace = "$CLUSTER_NAMESPACE"
TOML
  cat >"$CLUSTER_DIR/cluster.env" <<ENV
NODE_ENV=production
TEMPORAL_CONFIG_FILE=$CLUSTER_DIR/temporal.toml
TEMPORAL_PROFILE=cluster
DATABASE_URL=$CLUSTER_APP_DATABASE_URL
SMTP_URL=smtp://127.0.0.1:$CLUSTER_SMTP_PORT
WORKER_DEPLOYMENT_NAME=$CLUSTER_DEPLOYMENT_NAME
WORKER_BUILD_ID=$CLUSTER_BUILD_ID
API_HOST=127.0.0.1
API_URL=http://127.0.0.1:$CLUSTER_API_PORT_1
# Load tests and the cluster tier send every write from this one address: the per-address write
# limit (api/hardening.ts) is set past what they send. A deployment keeps the default.
RATE_LIMIT_WRITES_PER_MINUTE=${CLUSTER_RATE_LIMIT_WRITES_PER_MINUTE:-100000}
$(cat "$secrets")
ENV
  chmod 600 "$CLUSTER_DIR/cluster.env"
}

start_named() { # name
  case $1 in
    frontend | history | matching) start_temporal_service "$1" ;;
    worker-service) start_temporal_service worker ;;
    worker-*) start_program_worker "${1#worker-}" ;;
    api-*) start_api "${1#api-}" ;;
    maildev) start_maildev ;;
    *) echo "cluster-up: no process named $1" >&2; exit 2 ;;
  esac
}

set -a
# shellcheck disable=SC1091
[ -f "$CLUSTER_DIR/cluster.env" ] && . "$CLUSTER_DIR/cluster.env"
set +a

if [ ${#only[@]} -gt 0 ]; then
  for name in "${only[@]}"; do start_named "$name"; done
  exit 0
fi

# --- 1. The server binaries (cached per user; minutes the first time) ------------------------------
bash scripts/cluster-build.sh

# --- 2. PostgreSQL: Temporal's own two databases, their schemas set up and upgraded ---------------
ensure_postgres
pg_as_app() { PGPASSWORD=$DB_PASSWORD psql -q -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -v ON_ERROR_STOP=1 "$@"; }
for db in "$CLUSTER_DB_PREFIX" "${CLUSTER_DB_PREFIX}_visibility" "$CLUSTER_APP_DB"; do
  if [ -z "$(pg_as_app -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    cluster_log "creating database $db"
    pg_as_app -d postgres -c "CREATE DATABASE $db"
  fi
done
schema_tool() { # database args...
  local db=$1; shift
  SQL_PLUGIN=postgres12 SQL_HOST=$PGHOST SQL_PORT=$PGPORT SQL_USER=$DB_USER SQL_PASSWORD=$DB_PASSWORD SQL_DATABASE=$db \
    "$CLUSTER_BIN/temporal-sql-tool" "$@"
}
for pair in "$CLUSTER_DB_PREFIX:temporal" "${CLUSTER_DB_PREFIX}_visibility:visibility"; do
  db=${pair%%:*} kind=${pair##*:}
  if [ -z "$(pg_as_app -d "$db" -tAc "SELECT to_regclass('public.schema_version')")" ]; then
    cluster_log "setting up the $kind schema in $db"
    schema_tool "$db" setup-schema -v 0.0 >>"$CLUSTER_DIR/logs/schema.log" 2>&1
  fi
  # Applies every versioned step newer than the database's; nothing when it is current.
  schema_tool "$db" update-schema -d "$CLUSTER_BIN/schema/postgresql/v12/$kind/versioned" >>"$CLUSTER_DIR/logs/schema.log" 2>&1
done
DATABASE_URL=$CLUSTER_APP_DATABASE_URL "$root/node_modules/.bin/tsx" worker/admin.ts migrate >/dev/null
# Where notices to staff go (a real deployment loads its own directory instead: docs/deployment.md).
DATABASE_URL=$CLUSTER_APP_DATABASE_URL "$root/node_modules/.bin/tsx" worker/admin.ts load-staff "${CLUSTER_STAFF_DIRECTORY:-db/seeds/staff-directory.dev.json}" >/dev/null

# --- 3. Server configuration: one file per service (each its own metrics port) -------------------
cat >"$CLUSTER_DIR/config/dynamicconfig.yaml" <<YAML
limit.maxIDLength:
  - value: 255
# Worker Versioning (worker deployments and build ids): on by default in 1.32, stated for clarity.
system.enableDeploymentVersions:
  - value: true
frontend.workerVersioningWorkflowAPIs:
  - value: true
YAML
for svc in frontend history matching worker; do
  metrics_port=$(cluster_port "metrics-$svc")
  config=$CLUSTER_DIR/config/$svc.yaml
  umask 077
  cat >"$config" <<YAML
# Generated by scripts/cluster-up.sh for the $svc service; edit the script, not this file.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: $CLUSTER_HISTORY_SHARDS
  datastores:
    postgres-default:
      sql:
        pluginName: postgres12
        databaseName: $CLUSTER_DB_PREFIX
        connectAddr: "$PGHOST:$PGPORT"
        connectProtocol: tcp
        user: "$DB_USER"
        password: "$DB_PASSWORD"
        maxConns: 10
        maxIdleConns: 10
        maxConnLifetime: 1h
    postgres-visibility:
      sql:
        pluginName: postgres12
        databaseName: ${CLUSTER_DB_PREFIX}_visibility
        connectAddr: "$PGHOST:$PGPORT"
        connectProtocol: tcp
        user: "$DB_USER"
        password: "$DB_PASSWORD"
        maxConns: 4
        maxIdleConns: 4
        maxConnLifetime: 1h
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "127.0.0.1:$metrics_port"
services:
  frontend:
    rpc:
      grpcPort: $CLUSTER_FRONTEND_PORT
      membershipPort: $(cluster_port membership-frontend)
      bindOnLocalHost: true
      httpPort: $(cluster_port frontend-http)
  history:
    rpc:
      grpcPort: $(cluster_port history)
      membershipPort: $(cluster_port membership-history)
      bindOnLocalHost: true
  matching:
    rpc:
      grpcPort: $(cluster_port matching)
      membershipPort: $(cluster_port membership-matching)
      bindOnLocalHost: true
  worker:
    rpc:
      grpcPort: $(cluster_port worker)
      membershipPort: $(cluster_port membership-worker)
      bindOnLocalHost: true
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:$CLUSTER_FRONTEND_PORT"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: "$CLUSTER_DIR/config/dynamicconfig.yaml"
  pollInterval: 10s
YAML
  umask 022
done

# --- 4. The four Temporal services, each a process of its own --------------------------------------
# History first: the first service up writes the cluster's metadata record, and two at once race.
start_named history
wait_for_port "$(cluster_port history)" "the Temporal history service"
for svc in matching frontend worker-service; do start_named "$svc"; done
wait_for_port "$CLUSTER_FRONTEND_PORT" "the Temporal frontend"

# --- 5. Namespace and search attributes (idempotent) ------------------------------------------------
write_env
set -a
# shellcheck disable=SC1091
. "$CLUSTER_DIR/cluster.env"
set +a
env -u TEMPORAL_ADDRESS "$root/node_modules/.bin/tsx" worker/temporal-setup.ts

# --- 6. Two program workers of one build, made current; two API processes ---------------------------
start_named maildev
for n in $(seq 1 "$CLUSTER_WORKERS"); do start_named "worker-$n"; done
env -u TEMPORAL_ADDRESS "$root/node_modules/.bin/tsx" worker/temporal-setup.ts --current-build "$CLUSTER_BUILD_ID"
for n in $(seq 1 "$CLUSTER_APIS"); do start_named "api-$n"; done
for n in $(seq 1 "$CLUSTER_APIS"); do wait_for_http "http://127.0.0.1:$(cluster_port "api-$n")/v1/health" "api-$n"; done

cat <<INFO

  Cluster profile: running (stop with: bash scripts/cluster-down.sh)
  Temporal frontend  127.0.0.1:$CLUSTER_FRONTEND_PORT   namespace $CLUSTER_NAMESPACE, $CLUSTER_HISTORY_SHARDS history shards
  Temporal services  frontend, history, matching, worker: separate processes (logs in $CLUSTER_DIR/logs)
  Persistence        postgres://$PGHOST:$PGPORT/$CLUSTER_DB_PREFIX and ${CLUSTER_DB_PREFIX}_visibility
  Program workers    $CLUSTER_WORKERS, build $CLUSTER_DEPLOYMENT_NAME:$CLUSTER_BUILD_ID (current)
  HTTP APIs          $(for n in $(seq 1 "$CLUSTER_APIS"); do printf 'http://127.0.0.1:%s  ' "$(cluster_port "api-$n")"; done)
  Event log          $CLUSTER_APP_DATABASE_URL
  Notices (e-mail)   http://127.0.0.1:$CLUSTER_MAIL_WEB_PORT
  CLI                set -a; . $CLUSTER_DIR/cluster.env; set +a; API_URL=http://127.0.0.1:$(cluster_port api-1) LAP_TOKEN=\$(npm run -s admin -- token --sub hr-0001 --role hr) npm run cli -- list

INFO
