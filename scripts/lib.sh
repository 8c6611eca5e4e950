# Shared by the project's scripts. Local defaults; every one can be overridden by the environment.
log() { printf '[setup] %s\n' "$*" >&2; }

export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
DB_USER=${DB_USER:-lap}
DB_PASSWORD=${DB_PASSWORD:-lap}
DB_NAMES=${DB_NAMES:-"lap lap_test"}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env -u PGHOST "$@"; else sudo -n -u postgres env -u PGHOST "$@"; fi
}

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    local cluster
    cluster=$(pg_lsclusters --no-header | awk -v p="$PGPORT" '$3==p {print $1" "$2; exit}')
    if [ -z "$cluster" ]; then
      local version; version=$(ls /usr/lib/postgresql | sort -n | tail -1)
      log "creating PostgreSQL $version cluster on port $PGPORT"
      pg_createcluster "$version" main --port "$PGPORT" >/dev/null
      cluster="$version main"
    fi
    log "starting PostgreSQL cluster $cluster"
    pg_ctlcluster $cluster start
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
  fi
  as_postgres psql -q -p "$PGPORT" -v ON_ERROR_STOP=1 <<SQL >/dev/null
SET client_min_messages = warning; -- the grants below say "already a member" on every run after the first
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
  -- Tests create and drop scratch databases of their own.
  ALTER ROLE $DB_USER CREATEDB;
END \$\$;
-- The projector tells other databases' transactions from its own by pg_stat_activity (db/projections.ts).
GRANT pg_read_all_stats TO $DB_USER;
-- The benchmarks start each timed phase from a checkpoint (bench/event-store.ts); PostgreSQL 15 and later.
DO \$\$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_checkpoint') THEN
    GRANT pg_checkpoint TO $DB_USER;
  END IF;
END \$\$;
SQL
  local db
  for db in $DB_NAMES; do
    if ! as_postgres psql -p "$PGPORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      log "creating database $db"
      as_postgres createdb -p "$PGPORT" -O "$DB_USER" "$db"
    fi
  done
}
