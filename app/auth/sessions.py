"""Session lifetime for signed-in people: idle and absolute timeouts."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

AUTH_AT = "auth_at"
SEEN_AT = "seen_at"


def start_session() -> None:
    """Call right after a successful login: the session starts fresh."""
    now = int(time.time())
    session[AUTH_AT] = now
    session[SEEN_AT] = now
    session.permanent = False


def _enforce_timeouts():
    if request.endpoint == "static" or request.headers.get("Authorization", "").startswith("Bearer "):
        return None
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    auth_at = session.get(AUTH_AT)
    seen_at = session.get(SEEN_AT)
    if auth_at is None or seen_at is None:
        # Restored from a remember-me cookie: a new session starts now.
        start_session()
        return None
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_MAX_HOURS"] * 3600
    if now - seen_at > idle or now - auth_at > absolute:
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return None  # the view answers 401 for the now anonymous caller
        flash(_("登录已超时,请重新登录"), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session[SEEN_AT] = now
    return None


def init_sessions(app: Flask) -> None:
    app.before_request(_enforce_timeouts)
