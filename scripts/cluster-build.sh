#!/usr/bin/env bash
# Builds the Temporal server and its SQL schema tool from the Go module proxy, once per machine.
# The binaries are cached per user outside the clone, so every clone (and CI run) reuses them:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/lap-temporal/<version>/{temporal-server,temporal-sql-tool,schema/}
# Idempotent: exits at once when the cache is complete. Takes minutes the first time.
# Never part of the default quick start (npm start uses the dev server).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-lib.sh

built() {
  [ -x "$CLUSTER_BIN/temporal-server" ] && [ -x "$CLUSTER_BIN/temporal-sql-tool" ] \
    && [ -d "$CLUSTER_BIN/schema/postgresql/v12/temporal/versioned" ]
}
built && exit 0
# One build per machine at a time: a second caller waits for the first and then finds it done.
mkdir -p "$(dirname "$CLUSTER_BIN")"
exec 9>"$CLUSTER_BIN.lock"
flock 9
built && exit 0
command -v go >/dev/null || { echo "cluster-build: the go command is required (https://go.dev/dl/)" >&2; exit 1; }

mkdir -p "$CLUSTER_BIN"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "[cluster] building Temporal server $TEMPORAL_SERVER_VERSION into $CLUSTER_BIN (several minutes, once per machine)" >&2
cd "$work"
export GOTOOLCHAIN=${GOTOOLCHAIN:-$TEMPORAL_GO_TOOLCHAIN}
export GOFLAGS=${GOFLAGS:--p=1}
go mod init lap-temporal-build >/dev/null 2>&1
# Getting the two packages (not just the module) records every dependency they import in go.sum.
go get "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
nice -n 19 go build -o "$work/temporal-server" go.temporal.io/server/cmd/server
nice -n 19 go build -o "$work/temporal-sql-tool" go.temporal.io/server/cmd/tools/sql
src=$(go list -m -f '{{.Dir}}' go.temporal.io/server)
rm -rf "$CLUSTER_BIN/schema"
mkdir -p "$CLUSTER_BIN/schema/postgresql"
cp -r "$src/schema/postgresql/v12" "$CLUSTER_BIN/schema/postgresql/"
chmod -R u+w "$CLUSTER_BIN/schema"
# The binaries last, so an interrupted build is never mistaken for a complete one.
mv "$work/temporal-sql-tool" "$CLUSTER_BIN/temporal-sql-tool"
mv "$work/temporal-server" "$CLUSTER_BIN/temporal-server"
echo "[cluster] built $CLUSTER_BIN/temporal-server" >&2
