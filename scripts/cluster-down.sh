#!/usr/bin/env bash
# Stops the cluster profile's processes (scripts/cluster-up.sh), each by the pid it recorded, with
# its children: all of them, or the ones named (frontend history matching worker-service worker-N
# api-N maildev). Leaves the databases, the configuration and the logs in place, unless --purge.
#   CLUSTER_KILL=KILL bash scripts/cluster-down.sh worker-1   # a crash rather than a graceful stop
#   bash scripts/cluster-down.sh --purge   # everything, then drop its three databases and CLUSTER_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/cluster-lib.sh
cluster_layout
signal=${CLUSTER_KILL:-TERM}
pids_dir=$CLUSTER_DIR/pids
purge=
if [ "${1:-}" = --purge ]; then
  purge=1
  shift
  [ $# -eq 0 ] || { echo "cluster-down: --purge stops everything; name no process" >&2; exit 2; }
fi

# Starting from nothing: the databases (owned by the application role, which created them) and the directory.
# Not DROP ... WITH (FORCE): it refuses while autovacuum (the server's own process, which the role may not
# signal) is in the database. A plain DROP ends autovacuum itself, once the role's own sessions are gone.
purge_all() {
  local sql=(env PGPASSWORD="$DB_PASSWORD" psql -q -X -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1)
  for db in "$CLUSTER_APP_DB" "${CLUSTER_DB_PREFIX}_visibility" "$CLUSTER_DB_PREFIX"; do
    if [ "$("${sql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" = 1 ]; then
      "${sql[@]}" -c "ALTER DATABASE $db ALLOW_CONNECTIONS false" \
        -c "SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity WHERE datname = '$db' AND usename = current_user AND pid <> pg_backend_pid()" \
        -c "DROP DATABASE $db" >/dev/null
    fi
    cluster_log "dropped database $db"
  done
  rm -rf "$CLUSTER_DIR"
  cluster_log "removed $CLUSTER_DIR"
}
if [ ! -d "$pids_dir" ]; then
  [ -n "$purge" ] && purge_all
  exit 0
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  # Clients before the server: APIs and workers first, then Temporal's services.
  for f in "$pids_dir"/api-*.pid "$pids_dir"/worker-[0-9]*.pid "$pids_dir"/maildev.pid \
    "$pids_dir"/frontend.pid "$pids_dir"/worker-service.pid "$pids_dir"/matching.pid "$pids_dir"/history.pid; do
    [ -f "$f" ] && names+=("$(basename "$f" .pid)")
  done
fi

stopping=()
for name in "${names[@]}"; do
  f=$pids_dir/$name.pid
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  # The process leads its own group (setsid): the group holds it and its children.
  if kill -0 "$pid" 2>/dev/null; then kill "-$signal" -- "-$pid" 2>/dev/null || true; stopping+=("$pid"); fi
  rm -f "$f"
  cluster_log "stopping $name (pid $pid)"
done
for pid in "${stopping[@]}"; do
  for _ in $(seq 1 60); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 -- "-$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
done
[ -n "$purge" ] && purge_all
exit 0
