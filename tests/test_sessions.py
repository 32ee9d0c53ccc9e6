"""Signing out really signs out: remember cookies, copied cookies, session versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.auth.signals import partner_of


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


def _copy_cookies(client) -> dict[str, str]:
    """What someone copying this browser's cookies would take away."""
    copied = {name: client.get_cookie(name) for name in ("session", "remember_token")}
    assert all(copied.values()), copied
    return {name: cookie.value for name, cookie in copied.items()}


def _replay(app, name: str, value: str):
    other = app.test_client()
    other.set_cookie(name, value)
    return other


def _assert_signed_out(app, copied: dict[str, str]) -> None:
    for name, value in copied.items():
        page = _replay(app, name, value).get("/today")
        assert page.status_code == 302 and "/login" in page.headers["Location"], name
        api = _replay(app, name, value).get("/api/v1/me")
        assert api.status_code == 401, name


def _assert_signed_in(app, copied: dict[str, str]) -> None:
    for name, value in copied.items():
        assert _replay(app, name, value).get("/today").status_code == 200, name


def test_cookies_copied_before_logout_do_not_work_after_it(app, client, make):
    make.user("staff", username="copied.logout")
    _login(client, "copied.logout", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    _assert_signed_in(app, copied)  # the copies do work while the session lasts
    client.post("/logout")
    _assert_signed_out(app, copied)


def test_changing_the_password_ends_every_other_session(app, client, make):
    make.user("staff", username="new.password")
    _login(client, "new.password", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    page = client.post("/me/password", data={"current_password": make.PASSWORD, "new_password": "fresh-pass-2026",
                                             "confirm_password": "fresh-pass-2026"})
    assert page.status_code == 303
    assert "其他设备上的登录已全部退出" in client.get("/me").get_data(as_text=True)  # this phone carries on
    _assert_signed_out(app, copied)
    assert _login(app.test_client(), "new.password", "fresh-pass-2026").status_code == 303


def test_a_wrong_current_password_changes_nothing(app, client, make):
    make.user("staff", username="keeps.password")
    _login(client, "keeps.password", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    page = client.post("/me/password", data={"current_password": "not-my-password", "new_password": "x" * 10,
                                             "confirm_password": "x" * 10})
    assert page.status_code == 200 and "当前密码不正确" in page.get_data(as_text=True)
    _assert_signed_in(app, copied)


def _admin_client(app, make):
    make.user("admin", username="the.admin")
    admin = app.test_client()
    assert _login(admin, "the.admin", make.PASSWORD).status_code == 303
    return admin


def _edit(user, **changes):
    partner = partner_of(user)
    data = {"display_name": user.display_name, "role": user.role,
            "outlet_code": user.outlet.code if user.outlet else "",
            "partner_code": partner.code if partner else "", "active": "y" if user.active else ""}
    data.update(changes)
    return {key: value for key, value in data.items() if not (key == "active" and not value)}


@pytest.mark.parametrize("change", ["role", "outlet", "active"])
def test_an_admin_changing_role_outlet_or_active_ends_the_persons_sessions(app, client, make, change):
    from app.extensions import db

    user = make.user("staff", username=f"changed.{change}")
    other_outlet = make.outlet()
    _login(client, user.username, make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    admin = _admin_client(app, make)
    edits = {"role": {"role": "manager"}, "outlet": {"outlet_code": other_outlet.code}, "active": {"active": ""}}
    answer = admin.post(f"/admin/users/{user.id}", data=_edit(user, **edits[change]))
    assert answer.status_code == 303
    assert "所有设备上的登录已退出" in admin.get(answer.headers["Location"]).get_data(as_text=True)
    _assert_signed_out(app, copied)
    assert client.get("/today").status_code == 302  # the person's own browser too
    db.session.expire_all()
    if change == "role":
        assert _login(client, user.username, make.PASSWORD).status_code == 303
        assert client.get("/api/v1/me").get_json()["role"] == "manager"


def test_renaming_a_person_does_not_sign_them_out(app, client, make):
    user = make.user("staff", username="renamed")
    _login(client, "renamed", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    admin = _admin_client(app, make)
    assert admin.post(f"/admin/users/{user.id}", data=_edit(user, display_name="林晓（新名）")).status_code == 303
    _assert_signed_in(app, copied)


def test_an_admin_cannot_demote_or_disable_themselves(app, make):
    from app.auth.services import find_user

    admin = _admin_client(app, make)
    me = find_user("the.admin")
    page = admin.post(f"/admin/users/{me.id}", data=_edit(me, role="staff", outlet_code=make.outlet().code))
    assert page.status_code == 422 and "不能修改自己的角色" in page.get_data(as_text=True)
    page = admin.post(f"/admin/users/{me.id}", data=_edit(me, active=""))
    assert page.status_code == 422 and "不能停用自己的账号" in page.get_data(as_text=True)


def test_a_manager_needs_an_outlet(app, make):
    user = make.user("partner", username="no.outlet")
    admin = _admin_client(app, make)
    page = admin.post(f"/admin/users/{user.id}", data=_edit(user, role="manager", partner_code=""))
    assert page.status_code == 422 and "必须指定网点" in page.get_data(as_text=True)


def test_an_admin_resetting_a_password_ends_the_persons_sessions(app, client, make):
    user = make.user("staff", username="reset.me")
    _login(client, "reset.me", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    admin = _admin_client(app, make)
    short = admin.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert short.status_code == 422 and "密码至少 8 位" in short.get_data(as_text=True)
    _assert_signed_in(app, copied)
    assert admin.post(f"/admin/users/{user.id}/password", data={"password": "given-by-admin-1"}).status_code == 303
    _assert_signed_out(app, copied)
    assert _login(app.test_client(), "reset.me", "given-by-admin-1").status_code == 303


def test_sign_out_everywhere_ends_every_session_and_is_audited(app, client, make):
    import sqlalchemy as sa

    from app.audit.models import AuditEntry
    from app.extensions import db

    user = make.user("staff", username="lost.phone")
    _login(client, "lost.phone", make.PASSWORD, remember=True)
    second_phone = app.test_client()
    _login(second_phone, "lost.phone", make.PASSWORD)
    copied = _copy_cookies(client)
    admin = _admin_client(app, make)
    page = admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "退出所有设备" in page and 'name="csrf_token"' in page
    answer = admin.post(f"/admin/users/{user.id}/sign-out")
    assert answer.status_code == 303
    assert "lost.phone 已在所有设备上退出登录" in admin.get(answer.headers["Location"]).get_data(as_text=True)
    _assert_signed_out(app, copied)
    assert second_phone.get("/today").status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "sessions_ended"))
    assert entry.actor_username == "the.admin" and entry.object_id == str(user.id)
    assert admin.get("/today").status_code == 200  # the admin's own session is untouched


def test_only_admins_reach_the_user_pages(app, client, make):
    user = make.user("manager", username="not.admin")
    _login(client, "not.admin", make.PASSWORD)
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{user.id}/sign-out").status_code == 403


def test_flask_users_sign_out_ends_every_session(app, client, make):
    make.user("staff", username="cli.signout")
    _login(client, "cli.signout", make.PASSWORD, remember=True)
    copied = _copy_cookies(client)
    result = app.test_cli_runner().invoke(args=["users", "sign-out", "cli.signout"])
    assert result.exit_code == 0 and "signed out cli.signout" in result.output
    _assert_signed_out(app, copied)
    missing = app.test_cli_runner().invoke(args=["users", "sign-out", "nobody"])
    assert missing.exit_code == 2


def test_a_kept_signed_in_browser_stays_kept_after_its_own_password_change(app, client, make):
    make.user("staff", username="keeps.remember")
    _login(client, "keeps.remember", make.PASSWORD, remember=True)
    client.post("/me/password", data={"current_password": make.PASSWORD, "new_password": "fresh-pass-2027",
                                      "confirm_password": "fresh-pass-2027"})
    _reopen_browser(client)
    assert client.get("/today").status_code == 200


def test_the_login_page_names_the_configured_remember_days(database_url, make):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    make.user("staff", username="three.days")
    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url,
                              "REMEMBER_COOKIE_DURATION": timedelta(days=3)})
    client = application.test_client()
    assert "在此设备上保持登录 3 天" in client.get("/login").get_data(as_text=True)
    _login(client, "three.days", make.PASSWORD, remember=True)
    lifetime = client.get_cookie("remember_token").expires.replace(tzinfo=UTC) - datetime.now(UTC)
    assert timedelta(days=2, hours=23) < lifetime <= timedelta(days=3)
