"""A customer's phone: register, register the same number again, fix a bad submit, change the party, cancel.

Also what a signed-in staff member sees on the same ticket, and a dead public link.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify.models import Notification
from tests.e2e.conftest import release_db, screenshot

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def _register(page, base: str, slug: str, name: str, number: str, party: str = "1") -> None:
    page.goto(f"{base}/e/{slug}")
    page.fill("#name", name)
    page.fill("#phone", number)
    page.select_option("#party_size", party)
    page.check("input[name=consent]")
    page.click("button[type=submit]")


def test_register_then_the_same_number_again_gets_a_neutral_page(live_server, phone, browser, make):
    slug = make.event(title="亲子烘焙体验（测试）", max_party_size=3, capacity=20).slug
    release_db()
    _register(phone, live_server, slug, "韩梅梅", "138 0013 8001", party="2")
    phone.wait_for_url(f"{live_server}/t/**")
    assert "报名成功" in phone.locator(".result").inner_text()
    assert _fits(phone)
    screenshot(phone, "ticket-new")

    stranger = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="zh-CN")
    other = stranger.new_page()
    _register(other, live_server, slug, "陌生人", "13800138001")
    other.wait_for_load_state("load")
    text = other.locator("main").inner_text()
    assert "该手机号已报名，我们已把电子票链接重新发送到该手机" in text
    assert "/t/" not in other.url and "韩" not in other.content() and "8001" not in other.content()
    assert other.locator("img.ticket__qr").count() == 0 and other.locator(".ticket-cancel").count() == 0
    assert other.locator("form").count() == 0 and _fits(other)
    screenshot(other, "register-already-registered")
    stranger.close()
    kinds = list(db.session.scalars(sa.select(Notification.kind).order_by(Notification.id)))
    db.session.commit()
    assert kinds == ["registration_confirmed", "ticket_resent"]
    assert phone.console_errors == []


def test_a_bad_number_and_a_tampered_party_size_are_both_named(live_server, phone, make):
    slug = make.event(title="理财沙龙（测试）", max_party_size=3).slug
    release_db()
    phone.goto(f"{live_server}/e/{slug}")
    phone.fill("#name", "李雷")
    phone.fill("#phone", "1380013")
    # What a tampered request sends: an option the page never offered.
    phone.evaluate("document.querySelector('#party_size option:last-child').value = '99'")
    phone.select_option("#party_size", "99")
    phone.check("input[name=consent]")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("load")
    errors = phone.locator(".field__error").all_inner_texts()
    assert "请填写正确的 11 位手机号" in errors and "人数应为 1 到 3 位" in errors
    assert "页面已过期" not in phone.content()
    assert phone.input_value("#phone") == "1380013" and phone.input_value("#name") == "李雷"
    assert _fits(phone)
    screenshot(phone, "register-tampered-party-size")
    assert [e for e in phone.console_errors if "422" not in e] == []


def test_change_the_party_size_on_the_ticket_and_cancel_through_the_confirmation(live_server, phone, make):
    event = make.event(title="重阳健康讲座（测试）", max_party_size=4, capacity=5)
    token = make.registration(event, name="王小明", phone="13800138002", party_size=1).ticket_token
    make.registration(event, name="赵四", phone="13800138003", party_size=2)
    release_db()
    phone.goto(f"{live_server}/t/{token}")
    # The cancel link sits at the bottom, away from the invite button, and is not a button itself.
    invite = phone.locator("button[data-copy]").bounding_box()
    cancel = phone.locator(".ticket-cancel a").bounding_box()
    assert cancel["y"] - (invite["y"] + invite["height"]) > 40
    screenshot(phone, "ticket-controls")
    phone.select_option("#party_size", "4")  # 5 seats, 3 taken: only 2 more fit
    phone.click("#party-size button[type=submit]")
    phone.wait_for_load_state("load")
    assert "名额不足：最多还能增加 2 位" in phone.locator("#party_size-error").inner_text()
    screenshot(phone, "ticket-party-size-refused")
    phone.select_option("#party_size", "3")
    phone.click("#party-size button[type=submit]")
    phone.wait_for_url(f"{live_server}/t/{token}?changed=party#party-size")
    assert "参加人数已改为 3 位" in phone.locator("#party-size .field__ok").inner_text()
    assert phone.locator("#party-size").is_visible() and phone.evaluate("window.scrollY") > 0  # where they acted
    phone.evaluate("window.scrollTo(0, 0)")  # a full-page shot of a scrolled page paints the sticky bar mid-page
    assert phone.input_value("#party_size") == "3"
    screenshot(phone, "ticket-party-size-changed")

    phone.click(".ticket-cancel a")
    phone.wait_for_url(f"{live_server}/t/{token}/cancel")
    assert "确定取消报名吗？" in phone.locator("main").inner_text() and _fits(phone)
    screenshot(phone, "ticket-cancel-confirm")
    phone.click("text=返回入场凭证")
    phone.wait_for_url(f"{live_server}/t/{token}")
    assert "已确认" in phone.locator(".ticket__status").inner_text()  # going back cancelled nothing
    phone.click(".ticket-cancel a")
    phone.click("button.weui-btn_warn")
    phone.wait_for_url(f"{live_server}/t/{token}")
    assert "已取消" in phone.locator(".ticket__status").inner_text()
    assert phone.locator(".ticket-cancel").count() == 0 and phone.locator("#party-size").count() == 0
    screenshot(phone, "ticket-cancelled")
    assert [e for e in phone.console_errors if "409" not in e] == []


def test_staff_see_the_check_in_only_and_a_dead_link_gets_the_public_404(live_server, phone, make):
    outlet = make.outlet("TK1", name="城西支行（测试）")
    make.user("staff", outlet=outlet, username="ticket.staff")
    event = make.event(outlet, title="亲子烘焙（测试）", max_party_size=3)
    token = make.registration(event, name="韩梅梅", phone="13800138004", party_size=2).ticket_token
    release_db()
    phone.goto(f"{live_server}/t/AAAAAAAAAAAAAAAAAAAAAA")
    text = phone.locator("main").inner_text()
    assert "找不到该入场凭证" in text and "404" not in text and "返回首页" not in text
    assert phone.locator("main a").count() == 0 and _fits(phone)
    screenshot(phone, "public-404")
    phone.goto(f"{live_server}/login?next=/t/{token}")
    phone.fill("#username", "ticket.staff")
    phone.fill("#password", make.PASSWORD)
    phone.click("button[type=submit]")
    phone.goto(f"{live_server}/t/{token}")
    main = phone.locator("main").inner_text()
    assert "签到" in main and "韩梅梅" in main
    assert "取消报名" not in main and "邀请" not in main and "修改人数" not in main
    assert _fits(phone)
    screenshot(phone, "ticket-staff-view")
    assert [e for e in phone.console_errors if "404" not in e] == []
