"""wsgi:app for the gunicorn servers of tests/server.py, logging the routes it serves.

Test-only: when ROUTE_LOG names a file, each handled request appends one line
"endpoint method status" to it (every worker appends; lines are short, so appends do not
interleave). tests/route_coverage.py reads the file when the server stops.
"""

from __future__ import annotations

import os

from flask import request, request_finished

from wsgi import app

ROUTE_LOG = os.environ.get("ROUTE_LOG")


def _log_route(sender, response, **_extra) -> None:
    rule = request.url_rule
    if rule is None or not ROUTE_LOG:
        return
    with open(ROUTE_LOG, "a", encoding="utf-8") as log:
        log.write(f"{rule.endpoint} {request.method} {response.status_code}\n")


if ROUTE_LOG:
    request_finished.connect(_log_route, app)

__all__ = ["app"]
