#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 + PostGIS cluster for tests and print its FRONTLINE_DATABASE_URL.
#   eval "$(scripts/pg-up.sh)"      # sets FRONTLINE_DATABASE_URL and FRONTLINE_PG_DIR (data, socket, log)
#   scripts/pg-down.sh              # stops it and deletes FRONTLINE_PG_DIR (same as pg-up.sh --stop "$FRONTLINE_PG_DIR")
#   scripts/pg-up.sh --url          # print only the URL
#   scripts/pg-up.sh --stop URL|DIR # stop the cluster of that URL or temp dir
# Default output: two `export` lines, then the bare URL as the last line (wrapped in an empty here-document
# whose delimiter is the URL, so the whole output stays safe to eval while callers that read only the last
# line get the URL).
# Runs the server as the `postgres` user when called as root (initdb refuses root). Random free port on
# 127.0.0.1, unix socket inside the temp dir, fsync off (test data only). Needs postgresql-15 and
# postgresql-15-postgis-3 (apt). See ../shared/STACK.md §2.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] || { echo "pg-up: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql postgresql-15-postgis-3)" >&2; exit 1; }

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "${1:-}" = "--stop" ]; then
  target=${2:?usage: pg-up.sh --stop URL|DIR}
  if [ -d "$target" ]; then dir=$target; else
    port=$(printf '%s' "$target" | sed -nE 's#.*:([0-9]+)/.*#\1#p')
    dir=$(ls -d /tmp/frontline-pg-"$port".* 2>/dev/null | head -1 || true)
  fi
  [ -n "${dir:-}" ] && [ -d "$dir/data" ] || { echo "pg-up: no cluster found for $target" >&2; exit 1; }
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  rm -rf "$dir"
  echo "pg-up: stopped and removed $dir" >&2
  exit 0
fi

port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d "/tmp/frontline-pg-$port.XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/log" >&2; exit 1; }
PSQL="$PGBIN/psql"; command -v psql >/dev/null && PSQL=psql
"$PSQL" "postgresql://postgres@127.0.0.1:$port/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE frontline" >/dev/null
"$PSQL" "postgresql://postgres@127.0.0.1:$port/frontline" -v ON_ERROR_STOP=1 -qc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
url="postgres://postgres@127.0.0.1:$port/frontline"
echo "pg-up: PostgreSQL + PostGIS at $url, files in $dir; stop with: scripts/pg-down.sh (or scripts/pg-up.sh --stop $dir)" >&2
if [ "${1:-}" = "--url" ]; then
  echo "$url"
else
  echo "export FRONTLINE_DATABASE_URL='$url'"
  echo "export FRONTLINE_PG_DIR='$dir'"
  echo ": <<'$url'"
  echo "$url"
fi
