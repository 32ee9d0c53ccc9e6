"""A partner merchant's counter on a phone: sign in, redeem a good code, a bad one, a used one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.alliance.models import Voucher
from tests.alliance.conftest import attach, make_offer, vouchers_of
from tests.e2e.conftest import release_db
from tests.e2e.steps import login, login_refused, look

pytestmark = pytest.mark.browser


@pytest.fixture
def counter(make):
    outlet = make.outlet()
    partner = make.partner(code="P-JRN", name="麦香坊烘焙（测试）", category="bakery")
    make.user("partner", partner=partner, username="jrn.bakery")
    offer = make_offer(partner, title="凭券享 8 折（测试）")
    event = make.event(outlet, capacity=20)
    attach(event, offer)
    first = vouchers_of(make.registration(event, name="张三丰", phone="13812341234"))[0]
    second = vouchers_of(make.registration(event, name="李四", phone="13812345678"))[0]
    codes = first.code, second.code
    release_db()
    return codes


def redeem(j, code: str, amount: str = "") -> None:
    j.goto("/partner/redeem")
    j.page.fill("#code", code)
    j.page.fill("#amount_spent", amount)
    j.submit("核销")


def test_partner_redeems_good_bad_and_used_codes(journey, make, counter):
    good, other = counter
    j = journey("partner")
    assert "用户名或密码不正确" in login_refused(j, "jrn.bakery", "wrong-password")
    j.shot("login-refused")
    login(j, "jrn.bakery")
    assert j.path() == "/partner"
    j.shot("home")

    spaced = f"{good[:4]} {good[4:].lower()}"  # typed as printed, in lower case
    redeem(j, spaced, "128.50")
    result = j.text(".redeem-result--ok")
    assert "核销成功" in result and "凭券享 8 折（测试）" in result
    assert "张**" in result and "138****1234" in result and "消费 ¥128.50" in result
    j.shot("redeemed")

    redeem(j, "ZZZZZZZZZ")
    assert "券码无效" in j.text(".redeem-result--bad")
    assert j.page.input_value("#code") == "ZZZZZZZZZ"  # the code stays to be corrected
    j.shot("bad-code")

    redeem(j, good)
    assert "已使用" in j.text(".redeem-result--used")
    j.shot("already-redeemed")

    redeem(j, other, "-5")
    assert j.field_error("amount_spent")
    j.shot("bad-amount")
    assert look(sa.select(Voucher.redeemed_at).where(Voucher.code == other)) is None

    assert look(sa.select(Voucher.redeemed_at).where(Voucher.code == good)) is not None
    j.goto("/partner/stats")
    assert "张**" in j.text()
    j.shot("stats")
    assert j.console_errors() == []
