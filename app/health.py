"""What /healthz reports about the services behind the app, and a log line when one changes state.

Redis only holds rate-limit counters (background jobs claim their periods in the database), so a
lost Redis degrades the app (each process counts its own limits) but never stops it.
"""

from __future__ import annotations

import logging

from flask import current_app

from app.extensions import limiter

log = logging.getLogger("app.health")

_last_redis_state: str | None = None  # per process: log a change once, not every probe


def redis_state() -> str | None:
    """'ok' or 'down' for the Redis holding the rate-limit counters; None when they are in memory."""
    global _last_redis_state
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis", "valkey")):
        return None
    try:
        state = "ok" if limiter.storage.check() else "down"
    except Exception:  # a storage that cannot even answer its own check is down
        state = "down"
    if state != _last_redis_state:
        if state == "down":
            log.warning("Redis is unreachable: rate limits are counted per process until it is back")
        elif _last_redis_state is not None:
            log.info("Redis is reachable again: rate limits are shared again")
        _last_redis_state = state
    return state
