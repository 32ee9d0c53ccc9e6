#!/usr/bin/env bash
# `make run`: the development server plus the scheduler loop that cron runs in production
# (auto-finish, the daily digest, the notification outbox). Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=wsgi
( while sleep 60; do .venv/bin/flask jobs run-due >/dev/null 2>&1 || true; done ) &
jobs_loop=$!
trap 'kill "$jobs_loop" 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://127.0.0.1:5000 (Ctrl+C stops; scheduled jobs run every minute)"
.venv/bin/flask run --host 127.0.0.1 --port 5000
