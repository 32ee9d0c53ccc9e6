"""The public registration page and the ticket, as a customer's phone sees them (no JavaScript)."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
import zxingcpp
from PIL import Image

from app.events.models import Registration
from app.extensions import db


def test_registration_page_has_share_metadata_and_the_consent_text(client, make):
    event = make.event(title="理财沙龙（测试）")
    html = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert '<meta property="og:title" content="理财沙龙（测试）">' in html
    assert "个人信息保护说明" in html and "收集和使用我填写的姓名、手机号" in html
    assert 'inputmode="tel"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_errors_show_next_to_fields_and_nothing_typed_is_lost(client, make):
    questions = [{"key": "kids", "label": "孩子年龄", "type": "number", "required": True, "min": 1, "max": 12}]
    event = make.event(max_party_size=3, questions=questions)
    response = client.post(f"/e/{event.slug}", data={"name": "韩梅梅", "phone": "1234", "party_size": "2",
                                                     "q_kids": "20"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写正确的 11 位手机号" in html
    assert "孩子年龄应在 1 到 12 之间" in html
    # each error once, next to its field: none repeated in the list of errors of fields not shown
    for message in ("请填写正确的 11 位手机号", "孩子年龄应在 1 到 12 之间", "请阅读并同意个人信息使用说明"):
        assert html.count(message) == 1, message
    assert 'value="韩梅梅"' in html and 'value="1234"' in html and 'value="20"' in html
    assert '<option selected value="2">' in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_successful_registration_lands_on_the_ticket(client, make):
    event = make.event(title="亲子烘焙（测试）")
    response = client.post(f"/e/{event.slug}?ref=", data={"name": "韩梅梅", "phone": "138 0013 8000",
                                                          "consent": "y"})
    assert response.status_code == 303
    ticket_path = response.headers["Location"]
    html = client.get(ticket_path).get_data(as_text=True)
    assert "报名成功" in html and "亲子烘焙（测试）" in html
    assert "韩**" in html and "138****8000" in html and "韩梅梅" not in html
    assert "加入手机日历" in html and "取消报名" in html


def test_the_ticket_qr_decodes_to_the_ticket_url(client, make):
    event = make.event()
    registration = make.registration(event)
    png = client.get(f"/t/{registration.ticket_token}/qr.png")
    assert png.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert len(decoded) == 1
    assert decoded[0].text.endswith(f"/t/{registration.ticket_token}")


def test_the_calendar_file_has_the_event_in_utc(client, make):
    event = make.event(title="重阳健康讲座（测试）")
    registration = make.registration(event)
    response = client.get(f"/t/{registration.ticket_token}/event.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in body and "SUMMARY:重阳健康讲座（测试）" in body
    assert f"DTSTART:{event.starts_at:%Y%m%dT%H%M%S}Z" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_cancel_button_cancels_and_the_ticket_says_so(client, make):
    event = make.event()
    registration = make.registration(event)
    response = client.post(f"/t/{registration.ticket_token}/cancel")
    assert response.status_code == 303
    html = client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)
    assert "已取消" in html and "取消报名" not in html


def test_full_event_without_waitlist_says_so_instead_of_showing_the_form(client, make):
    event = make.event(capacity=1, waitlist=False)
    make.registration(event)
    html = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "名额已满" in html and "提交报名" not in html


def test_staff_of_the_outlet_are_recognised_on_the_ticket(client, auth, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="door.staff")
    make.user("staff", username="other.staff")
    registration = make.registration(make.event(outlet))
    auth.login("other.staff")
    assert 'data-staff-view' not in client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)


def test_a_tampered_party_size_is_named_with_every_other_error_of_the_submit(client, make):
    event = make.event(max_party_size=3)
    for tampered in ("99", "abc"):
        response = client.post(f"/e/{event.slug}", data={"name": "韩梅梅", "phone": "1380013", "party_size": tampered,
                                                         "consent": "y"})
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "页面已过期" not in html
        assert "请填写正确的 11 位手机号" in html and "人数应为 1 到 3 位" in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_staff_of_the_outlet_see_the_check_in_and_none_of_the_customers_controls(client, auth, make):
    outlet = make.outlet()
    make.user("staff", outlet=outlet, username="door.keeper")
    registration = make.registration(make.event(outlet, max_party_size=3))
    customer_view = client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)
    assert "取消报名" in customer_view and "复制邀请链接" in customer_view and "修改人数" in customer_view
    auth.login("door.keeper")
    html = client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)
    assert "签到" in html and "打开扫码签到" in html
    assert "取消报名" not in html and "邀请" not in html and "修改人数" not in html
    assert "?ref=" not in html and "加入手机日历" not in html


def test_the_ticket_only_links_to_a_confirmation_page_that_cancels(client, make):
    event = make.event()
    registration = make.registration(event)
    token = registration.ticket_token
    ticket = client.get(f"/t/{token}").get_data(as_text=True)
    assert f'action="/t/{token}/cancel"' not in ticket  # no cancel button beside the invite button
    assert f'href="/t/{token}/cancel"' in ticket
    confirm = client.get(f"/t/{token}/cancel")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "确定取消报名吗？" in html
    assert f'action="/t/{token}/cancel"' in html and "返回入场凭证" in html
    db.session.refresh(registration)
    assert registration.status == "confirmed"  # looking at the question cancels nothing
    assert client.post(f"/t/{token}/cancel").status_code == 303
    db.session.refresh(registration)
    assert registration.status == "cancelled"


def test_a_customers_404_is_in_chinese_without_a_code_or_a_way_to_the_staff_side(client, make):
    for path, text in (("/e/nosuchevent", "找不到该活动"), ("/t/short", "找不到该入场凭证"),
                       ("/t/AAAAAAAAAAAAAAAAAAAAAA/cancel", "找不到该入场凭证"), ("/e/", "找不到该活动")):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, path
        assert text in html, path
        assert "错误代码" not in html and "404" not in html.split("<main")[1], path
        assert "返回首页" not in html and 'href="/"' not in html and "/login" not in html, path
    staff_side = client.get("/events/999999").get_data(as_text=True)
    assert "找不到该活动" not in staff_side


def test_a_registration_post_without_its_csrf_token_gets_the_public_error_page(database_url, make):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    csrf_client = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True}).test_client()
    event = make.event()
    response = csrf_client.post(f"/e/{event.slug}", data={"name": "韩梅梅", "phone": "13800138000", "consent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "页面已过期" in html
    assert "错误代码" not in html and "返回首页" not in html
