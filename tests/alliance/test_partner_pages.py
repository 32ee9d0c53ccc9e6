"""Bank-side pages: partners (admin), offers (admin or manager), partner accounts, performance, event form."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.alliance.models import EventOffer, Offer, Partner
from app.auth.models import User
from app.events.models import Event
from app.extensions import db
from app.models import utcnow
from app.timefmt import local_today
from tests.alliance.conftest import attach, make_offer, vouchers_of


def test_admin_adds_and_edits_a_partner_with_its_agreement(client, auth, make):
    make.user("admin", username="boss")
    auth.login("boss")
    form = {"code": "P-FLOW", "name": "花语花艺（测试）", "category": "florist", "address": "示例路 9 号",
            "contact_name": "周小姐", "contact_phone": "13700000000", "agreement_start": "2026-01-01",
            "agreement_end": "2026-12-31", "status": "active"}
    response = client.post("/partners/new", data=form)
    assert response.status_code == 303 and response.headers["Location"].endswith("/partners/P-FLOW")
    html = client.get("/partners/P-FLOW").get_data(as_text=True)
    assert "花语花艺（测试）" in html and "2026-01-01 ~ 2026-12-31" in html and "花艺" in html
    again = client.post("/partners/new", data=form)
    assert again.status_code == 200 and "已存在" in again.get_data(as_text=True)
    edit = client.post("/partners/P-FLOW/edit", data={**form, "status": "paused", "agreement_end": "2025-12-01"})
    assert "协议结束日期不能早于开始日期" in edit.get_data(as_text=True)
    assert client.post("/partners/P-FLOW/edit", data={**form, "status": "paused"}).status_code == 303
    partner = db.session.scalar(sa.select(Partner).where(Partner.code == "P-FLOW"))
    assert partner.status == "paused"
    listing = client.get("/partners?status=paused").get_data(as_text=True)
    assert "花语花艺（测试）" in listing and "暂停" in listing


def test_managers_manage_offers_but_not_partners(client, auth, make):
    partner = make.partner(code="P-MG", name="书香书店（测试）", category="bookstore")
    make.user("manager", username="mgr")
    auth.login("mgr")
    assert client.get("/partners/new").status_code == 403
    assert client.get("/partners/P-MG/edit").status_code == 403
    today = local_today()
    form = {"title": "购书满 100 减 20（测试）", "terms": "限店内图书", "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(), "issue_on": "checkin", "total_limit": "100",
            "value": "20", "cost_share": "shared", "active": "y"}
    missing = client.post("/partners/P-MG/offers/new", data=form)
    assert missing.status_code == 200 and "银行承担比例" in missing.get_data(as_text=True)
    assert client.post("/partners/P-MG/offers/new", data={**form, "bank_share_percent": "50"}).status_code == 303
    offer = db.session.scalar(sa.select(Offer).where(Offer.partner_id == partner.id))
    assert offer.bank_share_percent == 50 and offer.total_limit == 100 and offer.issue_on == "checkin"
    html = client.get("/partners/P-MG").get_data(as_text=True)
    assert "购书满 100 减 20（测试）" in html and "已发 0 / 100" in html and "到场签到时发券" in html
    edit = client.post(f"/partners/P-MG/offers/{offer.id}/edit",
                       data={**form, "title": "购书满 100 减 30（测试）", "cost_share": "bank"})
    assert edit.status_code == 303
    db.session.refresh(offer)
    assert offer.title == "购书满 100 减 30（测试）" and offer.bank_share_percent == 100
    assert client.post(f"/partners/P-MG/offers/{offer.id}/active", data={"active": "0"}).status_code == 303
    db.session.refresh(offer)
    assert offer.active is False
    assert "已停用" in client.get("/partners/P-MG").get_data(as_text=True)


def test_staff_see_partners_but_change_nothing(client, auth, make):
    partner = make.partner(code="P-ST")
    offer = make_offer(partner)
    make.user("staff", username="teller")
    auth.login("teller")
    html = client.get("/partners").get_data(as_text=True)
    assert "P-ST" in html and "/partners/new" not in html
    assert "/offers/new" not in client.get("/partners/P-ST").get_data(as_text=True)
    assert client.get("/partners/P-ST/offers/new").status_code == 403
    assert client.post(f"/partners/P-ST/offers/{offer.id}/active", data={"active": "0"}).status_code == 403
    assert client.get("/partners/performance").status_code == 403


def test_admin_creates_a_partner_login_that_lands_on_the_portal(client, auth, make):
    cafe = make.partner(code="P-ACC", name="街角咖啡（测试）", category="cafe")
    make.user("admin", username="boss2")
    auth.login("boss2")
    page = client.get("/partners/users?partner=P-ACC").get_data(as_text=True)
    assert re.search(r'<option selected value="P-ACC">|<option value="P-ACC" selected>', page)
    short = client.post("/partners/users", data={"username": "cafe.till", "partner_code": "P-ACC", "password": "x"})
    assert "密码至少" in short.get_data(as_text=True)
    response = client.post("/partners/users", data={"username": "cafe.till", "display_name": "收银台",
                                                    "partner_code": "P-ACC", "password": "counter-pass-1"})
    assert response.status_code == 303
    user = db.session.scalar(sa.select(User).where(User.username == "cafe.till"))
    assert user.role == "partner" and user.partner_id == cafe.id
    assert "cafe.till" in client.get("/partners/users").get_data(as_text=True)
    auth.logout()
    landed = auth.login("cafe.till", "counter-pass-1")
    assert landed.headers["Location"].endswith("/partner")


def _co_hosted(make, outlet, partner, *, attended: int, redeemed: int):
    offer = make_offer(partner, title=f"优惠 {outlet.code}")
    event = make.event(outlet, capacity=20, max_party_size=2)
    attach(event, offer)
    regs = [make.registration(event, phone=f"1370{outlet.id:03d}{i:04d}", party_size=2) for i in range(attended + 1)]
    for reg in regs[:attended]:
        reg.checked_in_at = utcnow()
    for reg in regs[:redeemed]:
        vouchers_of(reg)[0].redeemed_at = utcnow()
    db.session.commit()
    return event


def test_performance_per_partner_is_scoped_to_the_viewers_outlets(client, auth, make):
    mine, theirs = make.outlet("PF1"), make.outlet("PF2")
    partner = make.partner(code="P-PF", name="小书童美育（测试）", category="education")
    make.partner(code="P-IDLE", name="闲置商户（测试）")
    _co_hosted(make, mine, partner, attended=3, redeemed=2)
    _co_hosted(make, theirs, partner, attended=1, redeemed=1)
    draft = make.event(mine, publish=False)
    attach(draft, make_offer(partner, title="草稿不算"))
    make.user("admin", username="boss3")
    make.user("manager", outlet=mine, username="pf1.mgr")
    auth.login("boss3")
    rows = {r["code"]: r for r in client.get("/api/v1/partners/performance").get_json()["items"]}
    assert rows["P-PF"]["events"] == 2 and rows["P-PF"]["attendees"] == 8
    assert rows["P-PF"]["issued"] == 6 and rows["P-PF"]["redeemed"] == 3 and rows["P-PF"]["redemption_rate"] == 0.5
    assert rows["P-IDLE"]["events"] == 0 and rows["P-IDLE"]["redemption_rate"] == 0
    html = client.get("/partners/performance").get_data(as_text=True)
    assert "小书童美育（测试）" in html and "50%" in html and "带动消费" not in html
    auth.logout()
    auth.login("pf1.mgr")
    rows = {r["code"]: r for r in client.get("/api/v1/partners/performance").get_json()["items"]}
    assert rows["P-PF"]["events"] == 1 and rows["P-PF"]["attendees"] == 6
    assert rows["P-PF"]["issued"] == 4 and rows["P-PF"]["redeemed"] == 2
    detail = client.get("/partners/P-PF/performance").get_data(as_text=True)
    assert "测试网点" in detail and detail.count("<tr>") == 2  # header + the one event of the manager's outlet


def test_the_event_form_preselects_offers_of_the_templates_partner_categories(client, auth, make):
    outlet = make.outlet("EV1")
    bakery = make.partner(category="bakery", name="烘焙（测试）")
    cafe = make.partner(category="cafe", name="咖啡（测试）")
    baking, coffee = make_offer(bakery, title="烘焙券"), make_offer(cafe, title="咖啡券")
    make_offer(bakery, title="过期券", valid_from=local_today() - timedelta(days=9),
                         valid_until=local_today() - timedelta(days=1))
    make.user("staff", outlet=outlet, username="ev.staff")
    auth.login("ev.staff")
    html = client.get("/events/new?template=family_weekend_baking").get_data(as_text=True)  # suggests bakery

    boxes = {int(re.search(r'value="(\d+)"', tag).group(1)): "checked" in tag
             for tag in re.findall(r'<input[^>]*name="offer_ids"[^>]*>', html)}
    assert boxes == {baking.id: True, coffee.id: False}  # the expired offer is not offered at all
    response = client.post("/events/new", data={
        "template_key": "family_weekend_baking", "outlet_code": "EV1", "title": "周末烘焙（测试）",
        "starts_at": "2027-05-08T14:00", "ends_at": "2027-05-08T16:00", "capacity": "20", "max_party_size": "2",
        "offer_ids": [str(baking.id), str(coffee.id)]})
    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event).where(Event.title == "周末烘焙（测试）"))
    assert sorted(db.session.scalars(sa.select(EventOffer.offer_id).where(EventOffer.event_id == event.id))) == \
        sorted([baking.id, coffee.id])
    api = client.get(f"/api/v1/events/{event.id}").get_json()
    assert sorted(api["offer_ids"]) == sorted([baking.id, coffee.id])
