#!/usr/bin/env bash
# pretix 2026.8 for bench/compare_pretix.py, outside the repository (never one of our dependencies):
# a virtualenv with pretix and gunicorn, a pretix.cfg on the local PostgreSQL, its database, its migrations.
# Idempotent: a second run only checks (the first run's migrations take ~8 minutes on 2 cores;
# PRETIX_MIGRATE=1 runs them again, e.g. after the database was dropped).
#
#   bench/pretix/setup.sh [VENV]       VENV defaults to $PRETIX_VENV or /work/pretix-venv
#
# Environment: PRETIX_DB (pretix_bench), PG_HOST (127.0.0.1), PG_PORT (5432), PG_USER (postgres),
# PRETIX_REDIS (redis://127.0.0.1:6379/9; empty: no Redis, pretix then caches nothing), PYTHON (python3).
set -euo pipefail
VENV=${1:-${PRETIX_VENV:-/work/pretix-venv}}
PRETIX_DB=${PRETIX_DB:-pretix_bench}
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}
PRETIX_REDIS=${PRETIX_REDIS-redis://127.0.0.1:6379/9}
PYTHON=${PYTHON:-python3}

# Debian packages pretix's wheels need at run time (psycopg2-binary brings its own libpq).
missing=()
for pkg in gettext libjpeg62-turbo zlib1g; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi

if ! "$VENV/bin/python" -c 'import pretix, sys; sys.exit(not pretix.__version__.startswith("2026.8"))' 2>/dev/null; then
  echo "setup: installing pretix 2026.8 into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip wheel
  "$VENV/bin/pip" install --quiet "pretix==2026.8.*" gunicorn
fi

mkdir -p "$VENV/data"
{
  cat <<CFG
# Written by bench/pretix/setup.sh: pretix for the side-by-side benchmark only.
[pretix]
instance_name=pretix bench
url=http://127.0.0.1:8345
currency=EUR
datadir=$VENV/data
ecb_rates=off

[django]
debug=off
secret=bench-only-not-secret

[database]
backend=postgresql
name=$PRETIX_DB
user=$PG_USER
host=$PG_HOST
port=$PG_PORT

[mail]
host=127.0.0.1
port=1
CFG
  if [ -n "$PRETIX_REDIS" ]; then
    printf '\n[redis]\nlocation=%s\nsessions=true\n' "$PRETIX_REDIS"
  fi
} > "$VENV/pretix.cfg"

if ! psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PRETIX_DB'" | grep -q 1; then
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "CREATE DATABASE \"$PRETIX_DB\"" >/dev/null
fi

# Migrations: the first time several minutes; skipped while the stamp names this version and database.
version=$("$VENV/bin/python" -c 'import pretix; print(pretix.__version__)')
stamp="$VENV/data/migrated-$PRETIX_DB"
if [ "$(cat "$stamp" 2>/dev/null)" != "$version" ] || [ "${PRETIX_MIGRATE:-0}" = "1" ]; then
  echo "setup: pretix migrations on $PRETIX_DB"
  PRETIX_CONFIG_FILE="$VENV/pretix.cfg" "$VENV/bin/python" -m pretix migrate --noinput >/dev/null
  echo "$version" > "$stamp"
fi
echo "setup: pretix $version ready in $VENV"
