#!/usr/bin/env bash
# ruff and mypy, then the whole suite on SQLite, then again on PostgreSQL when one is reachable.
# TEST_DATABASE_URL names the PostgreSQL database (default: the local server);
# REQUIRE_POSTGRES=1 (CI) turns an unreachable PostgreSQL into a failure.
# Extra arguments go to pytest (e.g. ./scripts/run-tests.sh -k customers).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
status=0
ran=()

echo "== ruff =="
.venv/bin/ruff check . || status=1

echo "== mypy =="
.venv/bin/mypy || status=1  # files and settings: [tool.mypy] in pyproject.toml

echo "== tests on SQLite =="
if env -u TEST_DATABASE_URL TEST_DB=sqlite "$PY" -m pytest "$@"; then ran+=("SQLite: passed"); else ran+=("SQLite: FAILED"); status=1; fi

if "$PY" scripts/db_reachable.py "$PG_URL"; then
  echo "== tests on PostgreSQL ($PG_URL) =="
  if TEST_DB=postgresql TEST_DATABASE_URL="$PG_URL" "$PY" -m pytest "$@"; then
    ran+=("PostgreSQL: passed")
  else
    ran+=("PostgreSQL: FAILED"); status=1
  fi
elif [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
  ran+=("PostgreSQL: REQUIRED but not reachable at $PG_URL"); status=1
else
  ran+=("PostgreSQL: skipped (not reachable at $PG_URL)")
fi

echo
echo "== databases =="
printf '  %s\n' "${ran[@]}"
exit $status
