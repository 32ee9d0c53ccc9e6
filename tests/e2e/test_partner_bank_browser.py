"""The branch admin on a phone: partners, an offer, partner performance (screenshots for review)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import utcnow
from app.timefmt import local_today
from tests.alliance.conftest import attach, make_offer, vouchers_of
from tests.e2e.conftest import PHONE, screenshot

pytestmark = pytest.mark.browser


def test_admin_adds_an_offer_and_reads_partner_performance(live_server, phone, make):
    outlet = make.outlet()
    partner = make.partner(code="P-BANK", name="小书童美育中心（测试）", category="education")
    make.partner(code="P-CAFE2", name="街角咖啡（测试）", category="cafe")
    offer = make_offer(partner, title="美术体验课一节（测试）", total_limit=100)
    event = make.event(outlet, capacity=30, title="暑期少儿理财营（测试）")
    attach(event, offer)
    for i in range(6):
        registration = make.registration(event, name=f"家长{i}", phone=f"1380000{i:04d}")
        if i < 4:
            registration.checked_in_at = utcnow()
        if i < 3:
            vouchers_of(registration)[0].redeemed_at = utcnow()
    make.user("admin", username="branch.admin")
    db.session.commit()
    page = phone
    page.goto(f"{live_server}/login")
    page.fill("#username", "branch.admin")
    page.fill("#password", make.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/today")
    page.goto(f"{live_server}/partners")
    screenshot(page, "bank-partners")
    page.click("text=小书童美育中心（测试）")
    page.click("text=添加优惠")
    page.fill("#title", "绘本馆周末免费体验（测试）")
    page.fill("#valid_from", local_today().isoformat())
    page.fill("#valid_until", (local_today() + timedelta(days=60)).isoformat())
    page.select_option("#cost_share", "shared")
    page.fill("#bank_share_percent", "40")
    screenshot(page, "bank-offer-form")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/partners/P-BANK")
    assert "绘本馆周末免费体验（测试）" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "bank-partner-detail")
    page.goto(f"{live_server}/partners/performance")
    row = page.locator(".perf", has_text="小书童美育中心（测试）").inner_text()
    assert "50%" in row  # 3 of 6 vouchers redeemed
    screenshot(page, "bank-partner-performance")
    page.click("text=小书童美育中心（测试）")
    assert "暑期少儿理财营（测试）" in page.content()
    screenshot(page, "bank-partner-performance-detail")
    assert page.console_errors == []
