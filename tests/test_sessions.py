"""Signing out really signs out: remember cookies, copied cookies, session versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def _login(client, username, password, remember=False):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def _reopen_browser(client):
    """A browser restart: the session cookie (no expiry) is gone, lasting cookies stay."""
    client.delete_cookie("session")


def test_keep_me_signed_in_lasts_remember_cookie_days_not_a_year(client, make):
    make.user("staff", username="remember.me")
    response = _login(client, "remember.me", make.PASSWORD, remember=True)
    assert response.status_code == 303
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    lifetime = cookie.expires.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)
    _reopen_browser(client)
    assert client.get("/today").status_code == 200  # the cookie does keep the person signed in


def test_logging_out_signs_out_a_kept_signed_in_browser(client, make):
    make.user("staff", username="leaving")
    _login(client, "leaving", make.PASSWORD, remember=True)
    assert client.get("/today").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get_cookie("remember_token") is None  # deleted by the logout answer
    _reopen_browser(client)
    again = client.get("/today")
    assert again.status_code == 302 and "/login" in again.headers["Location"]
