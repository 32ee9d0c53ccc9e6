"""The door's pages as staff use them: scanner, look-up, walk-in form, the ticket link, the setting."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app import create_app
from app.checkin.models import CheckIn
from app.checkin.selfcheckin import daily_code
from app.events.models import Registration
from app.extensions import db
from tests.checkin.conftest import add_offer
from tests.conftest import TEST_CONFIG
from tests.static_urls import undigested


def _follow(client, response) -> str:
    """The page a 303 leads to (the isolated test client cannot follow redirects itself)."""
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html


def test_the_scanner_page_loads_the_scanner_and_shows_the_counts(client, auth, door):
    auth.login("ck.staff")
    response = client.get(f"/events/{door.event.id}/checkin")
    html = undigested(response.get_data(as_text=True))
    assert response.status_code == 200
    _no_inline_code(html)
    assert '<meta name="csrf-token"' in html
    assert "vendor/qr-scanner/qr-scanner.umd.min.js" in html and "js/checkin-scanner.js" in html
    assert f'data-feed="/api/v1/events/{door.event.id}/checkins"' in html
    assert 'data-count="checked_in">0</b>/<b data-count="confirmed">3</b>' in html
    assert f"/events/{door.event.id}/checkin/lookup" in html and f"/events/{door.event.id}/walk-in" in html


def test_staff_of_another_outlet_get_404_and_partners_403(client, auth, make, door):
    make.user("staff", outlet=make.outlet("CK6"), username="other.staff")
    auth.login("other.staff")
    for path in ("checkin", "checkin/lookup?q=王", "walk-in", "signin-sheet.pdf", "registrations.xlsx"):
        assert client.get(f"/events/{door.event.id}/{path}").status_code == 404, path
    auth.logout()
    make.user("partner", username="ck.partner")
    auth.login("ck.partner")
    assert client.get(f"/events/{door.event.id}/checkin").status_code == 403


def test_look_up_by_name_or_last_four_and_check_in_with_one_tap(client, auth, door):
    auth.login("ck.staff")
    by_name = client.get(f"/events/{door.event.id}/checkin/lookup?q=国藩").get_data(as_text=True)
    assert "曾国藩" in by_name and "王小明" not in by_name
    target = door.registrations[2]
    by_digits = client.get(f"/events/{door.event.id}/checkin/lookup?q={target.phone[-4:]}").get_data(as_text=True)
    assert "单雄信" in by_digits and "曾国藩" not in by_digits
    response = client.post(f"/events/{door.event.id}/checkin/registrations/{target.id}", data={"q": "单"})
    assert response.status_code == 303 and response.headers["Location"].endswith("lookup?q=%E5%8D%95")
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "签到成功：单雄信 · 共 3 人" in after and "已签到" in after
    db.session.expire_all()
    assert target.checkin_method == "search"
    again = client.post(f"/events/{door.event.id}/checkin/registrations/{target.id}")
    assert "已签到（" in _follow(client, again)
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_a_search_without_result_offers_the_walk_in_form(client, auth, door):
    auth.login("ck.staff")
    html = client.get(f"/events/{door.event.id}/checkin/lookup?q=诸葛").get_data(as_text=True)
    assert "没有找到「诸葛」的报名" in html and f"/events/{door.event.id}/walk-in" in html


def test_staff_undo_their_own_check_in_for_ten_minutes_and_managers_any(client, auth, make, door):
    target = door.registrations[0]
    lookup = f"/events/{door.event.id}/checkin/lookup?q=王小明"
    undo = f"/events/{door.event.id}/checkin/registrations/{target.id}/undo"
    auth.login("ck.staff")
    client.post(f"/events/{door.event.id}/checkin/registrations/{target.id}")
    assert "撤销签到" in client.get(lookup).get_data(as_text=True)  # their own, a moment ago
    auth.logout()
    make.user("staff", outlet=door.outlet, username="ck.colleague")
    auth.login("ck.colleague")
    assert "撤销签到" not in client.get(lookup).get_data(as_text=True)  # a colleague's check-in
    refused = _follow(client, client.post(undo))
    assert "只能撤销自己刚刚完成的签到" in refused
    auth.logout()
    auth.login("ck.staff")
    first = db.session.scalars(sa.select(CheckIn)).one()
    first.at -= timedelta(minutes=11)  # the few minutes are over
    db.session.commit()
    assert "撤销签到" not in client.get(lookup).get_data(as_text=True)
    assert "只能撤销自己刚刚完成的签到" in _follow(client, client.post(undo))
    auth.logout()
    auth.login("ck.manager")
    assert "撤销签到" in client.get(lookup).get_data(as_text=True)
    done = client.post(undo)
    assert "已撤销 王小明 的签到" in _follow(client, done)
    assert db.session.scalars(sa.select(CheckIn.kind).order_by(CheckIn.id)).all() == ["checkin", "undo"]
    assert "checkin_undone" in _audit_actions()


def _audit_actions() -> list[str]:
    from app.audit.models import AuditEntry

    return list(db.session.scalars(sa.select(AuditEntry.action)))


def test_the_walk_in_form_refuses_past_capacity_until_the_box_is_ticked(client, auth, make, door):
    event = make.event(door.outlet, starts_in_days=0, capacity=1, max_party_size=2)
    make.registration(event, name="先到")
    auth.login("ck.staff")
    page = client.get(f"/events/{event.id}/walk-in").get_data(as_text=True)
    _no_inline_code(page)
    assert "名额已满也允许入场" in page and 'name="party_size"' in page
    refused = client.post(f"/events/{event.id}/walk-in", data={"name": "路人", "phone": "13900004444"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "名额已满。确需入场请勾选" in html and 'value="路人"' in html
    admitted = client.post(f"/events/{event.id}/walk-in", data={"name": "路人", "phone": "13900004444",
                                                                 "party_size": "2", "over_capacity": "y"})
    assert admitted.status_code == 303
    page = client.get(admitted.headers["Location"]).get_data(as_text=True)
    assert "签到成功：路人 · 共 2 人（超额入场，已记录）" in page
    stored = db.session.scalar(sa.select(Registration).where(Registration.phone == "13900004444"))
    assert stored.over_capacity and stored.party_size == 2 and stored.checkin_method == "walk_in"


def test_walk_in_field_errors_appear_next_to_the_fields(client, auth, door):
    auth.login("ck.staff")
    response = client.post(f"/events/{door.event.id}/walk-in", data={"name": "", "phone": "123"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写姓名" in html and "请填写正确的 11 位手机号" in html


def test_a_staff_member_opening_a_ticket_link_gets_a_one_tap_button(client, auth, door):
    target = door.registrations[1]
    anonymous = client.get(f"/t/{target.ticket_token}").get_data(as_text=True)
    assert "曾国藩" not in anonymous and "ticket-action" not in anonymous
    auth.login("ck.staff")
    html = client.get(f"/t/{target.ticket_token}").get_data(as_text=True)
    assert "曾国藩" in html and f'action="/t/{target.ticket_token}/checkin"' in html
    response = client.post(f"/t/{target.ticket_token}/checkin")
    assert response.status_code == 303 and response.headers["Location"] == f"/t/{target.ticket_token}?checkedin=1"
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "scan-result--ok" in after and "签到成功" in after and "共 2 人" in after
    assert f'action="/t/{target.ticket_token}/checkin"' not in after
    second_phone = client.post(f"/t/{target.ticket_token}/checkin")
    assert second_phone.headers["Location"] == f"/t/{target.ticket_token}"
    assert "scan-result--warn" in _follow(client, second_phone)
    db.session.expire_all()
    assert target.checkin_method == "link"


def test_staff_of_another_outlet_see_only_the_public_ticket(client, auth, make, door):
    make.user("staff", outlet=make.outlet("CK5"), username="far.staff")
    auth.login("far.staff")
    target = door.registrations[0]
    html = client.get(f"/t/{target.ticket_token}").get_data(as_text=True)
    assert "王小明" not in html and "/checkin" not in html
    assert client.post(f"/t/{target.ticket_token}/checkin").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_with_the_setting_on_opening_the_link_checks_in_at_once(client, auth, door):
    auth.login("ck.staff")
    account = client.get("/me").get_data(as_text=True)
    assert "打开票码链接即签到" in account and "已关闭" in account
    toggled = client.post("/me/checkin-on-open", data={"on": "1"})
    assert "已开启：打开票码链接即签到" in _follow(client, toggled)
    target = door.registrations[0]
    first = client.get(f"/t/{target.ticket_token}").get_data(as_text=True)
    assert "签到成功" in first and "王小明" in first
    second = client.get(f"/t/{target.ticket_token}").get_data(as_text=True)
    assert "签到成功" not in second and "已签到" in second
    rows = db.session.scalars(sa.select(CheckIn)).all()
    assert [(r.method, r.user_id) for r in rows] == [("link", door.staff.id)]
    client.post("/me/checkin-on-open", data={"on": "0"})
    db.session.expire_all()
    assert door.staff.checkin_on_open is False


def test_the_event_page_links_to_the_door_and_the_files(client, auth, door):
    auth.login("ck.staff")
    html = client.get(f"/events/{door.event.id}").get_data(as_text=True)
    for path in ("checkin", "checkin/lookup", "walk-in", "self-checkin", "signin-sheet.pdf", "registrations.xlsx"):
        assert f'href="/events/{door.event.id}/{path}"' in html, path


def test_the_venue_qr_page_shows_todays_code(client, auth, door):
    auth.login("ck.staff")
    html = client.get(f"/events/{door.event.id}/self-checkin").get_data(as_text=True)
    assert f"/c/{door.event.slug}/{daily_code(door.event)}" in html and 'src="data:image/png;base64,' in html


def test_the_venue_qr_of_a_future_event_is_the_code_of_its_day(client, auth, make, door, monkeypatch):
    from app.checkin import selfcheckin
    from app.timefmt import local_today, to_local

    event = make.event(door.outlet, starts_in_days=7)
    day = to_local(event.starts_at).date()
    auth.login("ck.staff")
    html = client.get(f"/events/{event.id}/self-checkin").get_data(as_text=True)
    printed = daily_code(event, day)
    assert f"/c/{event.slug}/{printed}" in html and f"/c/{event.slug}/{daily_code(event)}" not in html
    today = local_today()
    assert f"仅 {day.month}月{day.day}日" in html and f"仅 {today.month}月{today.day}日" not in html
    assert "可以提前打印" in html
    # On the day, the copy printed a week ahead is the valid code.
    assert not selfcheckin.code_is_valid(event, printed)
    monkeypatch.setattr(selfcheckin, "local_today", lambda: day)
    assert selfcheckin.code_is_valid(event, printed)


def test_the_scanner_pages_session_calls_need_the_csrf_token_from_its_meta_tag(database_url, door, make):
    event_id, body = door.event.id, {"ticket": door.registrations[0].ticket_token}
    db.session.commit()  # this client does not release SQLite's lock for us
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    browser = app.test_client()
    login = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    browser.post("/login", data={"username": "ck.staff", "password": make.PASSWORD, "csrf_token": token})
    page = browser.get(f"/events/{event_id}/checkin").get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    forged = browser.post("/api/v1/checkins", json=body)
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "csrf_failed"
    allowed = browser.post("/api/v1/checkins", json=body, headers={"X-CSRFToken": meta})
    assert allowed.status_code == 201


def test_a_check_in_by_opening_the_link_shows_the_vouchers_it_issued(client, auth, make, door):
    offer = add_offer(door.event, make.partner(name="麦香坊烘焙（测试）"))
    door.staff.checkin_on_open = True
    db.session.commit()
    auth.login("ck.staff")
    html = client.get(f"/t/{door.registrations[0].ticket_token}").get_data(as_text=True)
    assert "签到成功" in html and html.index("签到成功") < html.index("我的优惠券")
    assert offer.title in html and "麦香坊烘焙（测试）" in html
