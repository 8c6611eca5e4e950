# Shared by the cluster scripts (scripts/cluster-*.sh). Every value can be overridden by the environment.
TEMPORAL_SERVER_VERSION=${TEMPORAL_SERVER_VERSION:-v1.32.2}
TEMPORAL_GO_TOOLCHAIN=${TEMPORAL_GO_TOOLCHAIN:-go1.27.3}
CLUSTER_BIN=${CLUSTER_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/lap-temporal/$TEMPORAL_SERVER_VERSION}

cluster_log() { printf '[cluster] %s\n' "$*" >&2; }

# The cluster's layout: directories, names and ports (every port is CLUSTER_PORT_BASE + an offset below 100).
cluster_layout() {
  CLUSTER_DIR=${CLUSTER_DIR:-$PWD/.data/cluster}
  CLUSTER_PORT_BASE=${CLUSTER_PORT_BASE:-17200}
  CLUSTER_DB_PREFIX=${CLUSTER_DB_PREFIX:-lap_temporal}
  CLUSTER_APP_DB=${CLUSTER_APP_DB:-lap_cluster}
  CLUSTER_APP_DATABASE_URL="postgres://${DB_USER:-lap}:${DB_PASSWORD:-lap}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$CLUSTER_APP_DB"
  CLUSTER_NAMESPACE=${TEMPORAL_NAMESPACE:-lap}
  CLUSTER_HISTORY_SHARDS=${CLUSTER_HISTORY_SHARDS:-4}
  CLUSTER_WORKERS=${CLUSTER_WORKERS:-2}
  CLUSTER_APIS=${CLUSTER_APIS:-2}
  CLUSTER_DEPLOYMENT_NAME=${WORKER_DEPLOYMENT_NAME:-development-programs}
  CLUSTER_BUILD_ID=${WORKER_BUILD_ID:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo local)}
  CLUSTER_FRONTEND_PORT=$(cluster_port frontend)
  CLUSTER_API_PORT_1=$(cluster_port api-1)
  CLUSTER_SMTP_PORT=$(cluster_port smtp)
  CLUSTER_MAIL_WEB_PORT=$(cluster_port mail-web)
}

cluster_port() { # name
  local offset
  case $1 in
    smtp) offset=25 ;; mail-web) offset=26 ;;
    frontend) offset=33 ;; history) offset=34 ;; matching) offset=35 ;; worker) offset=39 ;; frontend-http) offset=43 ;;
    membership-frontend) offset=63 ;; membership-history) offset=64 ;; membership-matching) offset=65 ;; membership-worker) offset=69 ;;
    metrics-frontend) offset=73 ;; metrics-history) offset=74 ;; metrics-matching) offset=75 ;; metrics-worker) offset=76 ;;
    api-*) offset=$((79 + ${1#api-})) ;;
    worker-metrics-*) offset=$((89 + ${1#worker-metrics-})) ;;
    *) echo "cluster: no port named $1" >&2; return 1 ;;
  esac
  echo $((CLUSTER_PORT_BASE + offset))
}

# The process name of a Temporal service (its "worker" service is not one of the program workers).
cluster_process_name() { if [ "$1" = worker ]; then echo worker-service; else echo "$1"; fi; }
