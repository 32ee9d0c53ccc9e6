"""At phone size: a person withdraws marketing consent and files a request from the ticket page; a manager
erases a person from the customer's page (a bad submit first, then with a reason and the confirmation)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.extensions import db
from app.models import utcnow
from app.personal_data.models import PrivacyRequest
from tests.e2e.conftest import release_db, screenshot, sign_in
from tests.factories import Factories

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_withdrawing_consent_and_asking_for_ones_data_from_the_ticket(live_server, phone, make):
    event = make.event(title="亲子烘焙体验（测试）")
    registration = make.registration(event, name="韩梅梅", phone="19912380001")
    db.session.add(Consent(customer_id=registration.customer_id, purpose=MARKETING_PURPOSE,
                           text_version="2026-11-v1", channel="registration", given_at=utcnow()))
    token, customer_id = registration.ticket_token, registration.customer_id
    release_db()
    phone.goto(f"{live_server}/t/{token}")
    phone.get_by_role("link", name="个人信息与授权：撤回营销授权、查询或删除我的信息").click()
    phone.wait_for_url(f"{live_server}/t/{token}/privacy")
    assert "仍会发送" in phone.locator("#withdraw").inner_text() and _fits(phone)
    screenshot(phone, "pipl-ticket-privacy")
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认撤回营销授权").click()
    assert "已撤回营销授权" in phone.locator(".notice--success").inner_text()
    assert "您目前没有营销授权" in phone.locator("#withdraw").inner_text()
    screenshot(phone, "pipl-ticket-withdrawn")
    with phone.expect_navigation():
        phone.get_by_role("button", name="申请删除我的信息").click()
    assert "已收到您的申请" in phone.locator(".notice--success").inner_text() and _fits(phone)
    screenshot(phone, "pipl-ticket-request-filed")
    standing = db.session.scalar(sa.select(sa.func.count(Consent.id)).where(
        Consent.customer_id == customer_id, Consent.purpose == MARKETING_PURPOSE, Consent.withdrawn_at.is_(None)))
    kinds = list(db.session.scalars(sa.select(PrivacyRequest.kind).where(PrivacyRequest.customer_id == customer_id)))
    db.session.commit()
    assert standing == 0 and kinds == ["erase"]
    phone.goto(f"{live_server}/t/nosuchtoken0000000000/privacy")
    assert phone.locator("main").count() == 1 and "韩" not in phone.content()
    assert [e for e in phone.console_errors if "status of 404" not in e] == []


def test_a_manager_erases_a_person_after_a_refused_first_try(live_server, phone, make):
    outlet = make.outlet()
    make.user("manager", outlet=outlet, username="e2e.manager")
    registration = make.registration(make.event(outlet), name="李雷", phone="19912380002")
    customer_id = registration.customer_id
    release_db()
    sign_in(phone, live_server, "e2e.manager", Factories.PASSWORD)
    phone.goto(f"{live_server}/customers/{customer_id}")
    assert "李雷" in phone.locator("main").inner_text()
    with phone.expect_navigation():
        phone.locator("#erase-link").click()
    assert "将永久删除 李雷（19912380002）" in phone.locator("main").inner_text()
    screenshot(phone, "pipl-erase-confirm")
    with phone.expect_navigation():
        phone.locator("#erase-submit").click()  # no reason, not ticked
    errors = phone.locator(".field__error").all_inner_texts()
    assert "请填写删除原因" in errors and "请勾选确认" in errors and _fits(phone)
    screenshot(phone, "pipl-erase-refused")
    assert db.session.get_one(Customer, customer_id).erased_at is None
    db.session.commit()
    phone.fill("#reason", "本人到网点要求删除")
    phone.check("#confirm")
    with phone.expect_navigation():
        phone.locator("#erase-submit").click()
    phone.wait_for_url(f"{live_server}/customers/{customer_id}")
    main = phone.locator("main").inner_text()
    assert "已删除该客户的个人信息" in phone.locator(".notice--success").inner_text()
    assert "李雷" not in main and "19912380002" not in main and "已删除" in main and _fits(phone)
    screenshot(phone, "pipl-erased")
    db.session.expire_all()
    assert db.session.get_one(Customer, customer_id).erased_at is not None
    db.session.commit()
    assert [e for e in phone.console_errors if "status of 4" not in e] == []
