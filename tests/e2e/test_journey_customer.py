"""A customer inside WeChat: registers (wrong, then right), keeps the ticket, cancels; a guest checks
themselves in at the venue. Thin on purpose: the registration and check-in pages are being reworked,
the steps live in tests/e2e/steps.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.checkin.selfcheckin import daily_code
from app.events.models import Registration
from tests.e2e.conftest import release_db
from tests.e2e.steps import cancel_ticket, look, register, self_checkin

pytestmark = pytest.mark.browser


@pytest.fixture
def events(make):
    outlet = make.outlet("JC01", name="瓯海支行营业部（测试）")
    later = make.event(outlet, title="少儿财商小课堂（测试）", capacity=10)
    now = make.event(outlet, title="开门红客户答谢会（测试）", capacity=10, starts_in_days=0, hours=3)
    guest = make.registration(now, name="郑先生", phone="19900008401")
    ids = later.slug, f"/c/{now.slug}/{daily_code(now)}", guest.id
    release_db()
    return ids


def test_customer_registers_cancels_and_checks_in_at_the_venue(journey, events):
    slug, venue_path, guest_id = events
    j = journey("customer")

    register(j, slug, "", "12345", consent=False)
    assert j.errors(), "an empty name, a wrong number and no consent are each refused"
    assert "手机号" in j.field_error("phone")
    j.shot("register-refused")
    register(j, slug, "冯丽", "199 0000 8402")
    assert j.path().startswith("/t/")
    ticket_path = j.path()
    assert "冯丽" in j.text() or "冯*" in j.text()
    assert j.page.locator("img[src*='qr.png']").count() == 1
    j.shot("ticket")
    cancel_ticket(j, ticket_path)
    assert "您的报名已取消" in j.notice()
    assert look(sa.select(Registration.status).where(Registration.phone == "19900008402")) == "cancelled"
    j.shot("ticket-cancelled")

    self_checkin(j, venue_path, "19900009999")
    assert "未能签到" in j.text()
    j.shot("self-checkin-refused")
    self_checkin(j, venue_path, "19900008401")
    assert "签到成功" in j.text()
    assert look(sa.select(Registration.checked_in_at).where(Registration.id == guest_id)) is not None
    j.shot("self-checkin-done")
    assert j.console_errors() == []
