#!/usr/bin/env bash
# Stop the throwaway cluster started by scripts/pg-up.sh and delete its files.
#   scripts/pg-down.sh [DIR|URL]     default: $FRONTLINE_PG_DIR, else $FRONTLINE_DATABASE_URL
set -euo pipefail
target=${1:-${FRONTLINE_PG_DIR:-${FRONTLINE_DATABASE_URL:-}}}
[ -n "$target" ] || { echo "pg-down: nothing to stop (give DIR or URL, or set FRONTLINE_PG_DIR)" >&2; exit 1; }
exec "$(dirname "$0")/pg-up.sh" --stop "$target"
