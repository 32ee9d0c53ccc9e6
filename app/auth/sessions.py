"""Session lifetime for signed-in people: idle and absolute timeouts."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.api import register_bearer_check
from app.errors import error_response
from app.extensions import login_manager

AUTH_AT = "auth_at"
SEEN_AT = "seen_at"


def start_session() -> None:
    """Call right after a successful login: the session starts fresh."""
    now = int(time.time())
    session[AUTH_AT] = now
    session[SEEN_AT] = now
    session.permanent = False


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header (possibly empty), None without one."""
    scheme, _sep, secret = request.headers.get("Authorization", "").strip().partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def by_token() -> bool:
    """Whether this request was authenticated by a bearer token (not by a cookie)."""
    return bool(g.get("token_user"))


def authenticate_bearer():
    """A request that sends a bearer token is authenticated by that token alone.

    Runs before anything reads `current_user`, so a session cookie riding along is never
    consulted: a bad token cannot fall back to the cookie (and past its CSRF check).
    """
    secret = bearer_token()
    if secret is None:
        return None
    from app.auth.services import user_for_token  # services imports the models; keep this module light

    user = user_for_token(secret) if secret else None
    if user is None:
        login_manager._update_request_context_with_user()  # anonymous for the rest of the request
        if request.path.startswith("/api/"):
            return error_response(401, "unauthorized", _("API 令牌无效、已过期或已被吊销"),
                                  headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return None
    g.token_user = user
    login_manager._update_request_context_with_user(user)
    return None


def _enforce_timeouts():
    if request.endpoint == "static" or bearer_token() is not None:
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
        # Only this browser's session times out (no session-version bump), and a "keep me
        # signed in" cookie survives it on purpose: the next request starts a new session from it.
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return None  # the view answers 401 for the now anonymous caller
        flash(_("登录已超时，请重新登录"), "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session[SEEN_AT] = now
    return None


def init_sessions(app: Flask) -> None:
    app.before_request(_enforce_timeouts)
    register_bearer_check(app, by_token)  # bearer calls skip the API's CSRF check for cookie callers
