"""Erasure proven after the fact: every table, page, export, PDF and API answer is searched for the person."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.alliance.models import Offer, Voucher
from app.audit.models import AuditEntry
from app.checkin.services import undo_check_in
from app.customers.models import Customer
from app.events.models import Registration
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import ContactInput, finish_event, record_contact
from app.jobs.tasks import followup_digest
from app.models import utcnow
from app.notify.models import Notification
from app.timefmt import local_today
from tests.pdf.helpers import pdf_text

NAME, PHONE = "欧阳娜娜", "19912345678"
ANSWER = "小宝七岁半"
NOTE = "欧阳娜娜说下周来网点办理"


def _secrets() -> list[str]:
    return [NAME, PHONE, "199****5678", "欧阳**", ANSWER, NOTE]


def _every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text or JSON value in every table."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, ensure_ascii=False)
                if isinstance(value, str):
                    found.append((table.name, column, value))
    return found


def _leaks(text: str) -> list[str]:
    return [s for s in _secrets() if s in text]


@pytest.fixture
def story(make, happen):
    """A prospect who registered twice, came once, was followed up (with notes) and got a voucher."""
    outlet = make.outlet("PD")
    manager = make.user("manager", outlet=outlet, username="pd.manager")
    staff = make.user("staff", outlet=outlet, username="pd.staff", name="林晓")
    past = make.event(outlet, title="亲子理财课（测试）", owner=staff,
                      questions=[{"key": "kid", "label": "孩子情况", "type": "text", "required": False}])
    person = make.registration(past, name=NAME, phone=PHONE, answers={"kid": ANSWER})
    other = make.registration(past, name="王小明", phone="19900000001")
    offer = Offer(partner_id=make.partner().id, title="满50减10", valid_from=local_today() - timedelta(days=3),
                  valid_until=local_today() + timedelta(days=30), issue_on="checkin")
    db.session.add(offer)
    db.session.flush()
    happen.move_to_past(past)
    happen.check_in(person)
    undo_check_in(person, reason="扫错了")  # its audit entry holds the masked name (欧阳**)
    db.session.commit()
    happen.check_in(person)
    happen.check_in(other)
    db.session.add(Voucher(code="PDV001", offer_id=offer.id, event_id=past.id, registration_id=person.id,
                           customer_id=person.customer_id))
    db.session.commit()
    finish_event(past)
    item = db.session.scalars(sa.select(FollowUp).where(FollowUp.registration_id == person.id)).one()
    record_contact(item, ContactInput(status="contacted", contact_method="phone", note=NOTE,
                                      next_due_date=local_today() + timedelta(days=3)))
    db.session.commit()
    upcoming = make.event(outlet, title="重阳健康讲座（测试）", owner=staff)
    make.registration(upcoming, name=NAME, phone=PHONE)
    make.registration(upcoming, name="李四", phone="19900000002")
    # The morning digest names the person in a staff message.
    for f in db.session.scalars(sa.select(FollowUp).where(FollowUp.status == "open")):
        f.due_date = local_today()
    followup_digest(utcnow())
    db.session.commit()
    customer = db.session.get_one(Customer, person.customer_id)
    return {"outlet": outlet, "manager": manager, "staff": staff, "past": past, "upcoming": upcoming,
            "customer": customer, "customer_id": customer.id}


def _figures(client, headers, story) -> dict:
    past = client.get(f"/api/v1/events/{story['past'].id}/stats", headers=headers).get_json()
    upcoming = client.get(f"/api/v1/events/{story['upcoming'].id}", headers=headers).get_json()["counts"]
    return {"past": past, "upcoming": upcoming}


def test_erasure_removes_the_person_from_every_table_page_export_and_pdf(client, auth, make, story):
    headers = make.token_headers(story["manager"])
    before_values = _every_text_value()
    for secret in (NAME, PHONE, "欧阳**", ANSWER, NOTE):  # the search finds each piece of the data before
        assert any(secret in v for _t, _c, v in before_values), secret
    before = _figures(client, headers, story)
    dashboard_before = client.get("/api/v1/events?outlet_code=PD", headers=headers).get_json()
    pending = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.recipient == PHONE, Notification.status == "pending"))
    assert pending >= 1

    response = client.post(f"/api/v1/customers/{story['customer_id']}/erase", headers=headers,
                           json={"reason": f"{NAME}本人来电要求删除（{PHONE}）"})
    assert response.status_code == 200 and response.get_json() == {"erased": True}

    leaks = [(t, c, v[:80]) for t, c, v in _every_text_value() if _leaks(v)]
    assert leaks == []
    # Figures: every count stays; the person's open follow-up is now done (closed as erased).
    after = _figures(client, headers, story)
    assert after["upcoming"] == before["upcoming"]
    closed = db.session.scalars(sa.select(FollowUp).where(FollowUp.closed_reason == "erased")).all()
    assert len(closed) == 1 and closed[0].status == "closed"
    assert after["past"]["followups"]["done"] == before["past"]["followups"]["done"] + 1
    after["past"]["followups"]["done"] = before["past"]["followups"]["done"]
    assert after["past"] == before["past"]
    assert client.get("/api/v1/events?outlet_code=PD", headers=headers).get_json() == dashboard_before
    # Pending messages to the person are cancelled and hold no text.
    messages = db.session.scalars(sa.select(Notification).where(Notification.recipient == "已删除")).all()
    assert messages and {m.status for m in messages} <= {"cancelled", "sent"}
    assert any(m.status == "cancelled" for m in messages)
    # The audit log says who erased which record and why, without the data.
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "customer_erased")).one()
    assert entry.actor_username == "pd.manager" and entry.object_id == str(story["customer_id"])
    assert "本人来电要求删除" in entry.details["reason"] and not _leaks(json.dumps(entry.details, ensure_ascii=False))

    # Pages, exports, PDFs and API answers of the outlet's staff.
    auth.login("pd.manager")
    past, upcoming = story["past"].id, story["upcoming"].id
    for url in (f"/customers/{story['customer_id']}", "/customers", "/customers?q=欧阳", f"/events/{past}",
                f"/events/{upcoming}", "/followups", "/followups?status=closed", "/today", f"/events/{past}/checkin",
                "/followups/prospects", f"/followups/{closed[0].id}", "/admin/audit", "/dashboard"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.get_data(as_text=True)) == [], url
    for url in (f"/events/{past}/registrations.xlsx", f"/events/{upcoming}/registrations.xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(client.get(url).data))
        cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
        assert _leaks(cells) == [] and "已删除" in cells, url
    for url in (f"/events/{past}/signin-sheet.pdf", f"/events/{past}/report.pdf",
                f"/events/{upcoming}/signin-sheet.pdf"):
        response = client.get(url)
        assert response.status_code == 200 and _leaks(pdf_text(response.data)) == [], url
    assert _leaks(client.get(f"/customers/{story['customer_id']}/personal-data.json").get_data(as_text=True)) == []
    for url in (f"/api/v1/events/{past}/registrations", f"/api/v1/events/{upcoming}/registrations",
                "/api/v1/followups", f"/api/v1/customers?q={NAME}", f"/api/v1/customers?phone={PHONE}",
                f"/api/v1/customers/{story['customer_id']}/personal-data", f"/api/v1/events/{upcoming}/messages"):
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 404), url
        assert _leaks(response.get_data(as_text=True)) == [], url

    # The same phone registering again is a new prospect.
    again = make.registration(story["upcoming"], name=NAME, phone=PHONE)
    assert again.customer_id != story["customer_id"] and not again.customer.is_customer


def test_erasure_needs_a_reason_and_happens_once(client, make, story):
    headers = make.token_headers(story["manager"])
    url = f"/api/v1/customers/{story['customer_id']}/erase"
    response = client.post(url, headers=headers, json={"reason": "  "})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    assert db.session.get_one(Customer, story["customer_id"]).name == NAME
    assert client.post(url, headers=headers, json={"reason": "本人要求"}).status_code == 200
    again = client.post(url, headers=headers, json={"reason": "本人要求"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_erased"


def test_staff_cannot_erase_or_export_and_other_outlets_get_404(client, make, story):
    staff = make.token_headers(story["staff"])
    url = f"/api/v1/customers/{story['customer_id']}"
    assert client.post(url + "/erase", headers=staff, json={"reason": "x"}).status_code == 403
    assert client.get(url + "/personal-data", headers=staff).status_code == 403
    foreign = make.token_headers(make.user("manager"))
    assert client.post(url + "/erase", headers=foreign, json={"reason": "x"}).status_code == 404
    assert client.get(url + "/personal-data", headers=foreign).status_code == 404
    assert db.session.get_one(Customer, story["customer_id"]).erased_at is None


def test_the_erase_page_asks_for_a_reason_and_a_confirmation(client, auth, story):
    auth.login("pd.manager")
    page = client.get(f"/customers/{story['customer_id']}")
    assert f"/customers/{story['customer_id']}/erase" in page.get_data(as_text=True)
    url = f"/customers/{story['customer_id']}/erase"
    form = client.get(url).get_data(as_text=True)
    assert "永久删除" in form and NAME in form
    refused = client.post(url, data={"reason": "", "confirm": "y"})
    assert refused.status_code == 422 and "请填写删除原因" in refused.get_data(as_text=True)
    unconfirmed = client.post(url, data={"reason": "本人要求"})
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.get_data(as_text=True)
    assert db.session.get_one(Customer, story["customer_id"]).erased_at is None
    done = client.post(url, data={"reason": "本人要求", "confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get_one(Customer, story["customer_id"]).erased_at is not None
    shown = client.get(f"/customers/{story['customer_id']}").get_data(as_text=True)
    assert "已删除" in shown and NAME not in shown
    assert client.get(url).status_code == 200  # says it was erased, offers nothing more
    auth.logout()
    auth.login("pd.staff")
    assert client.get(url).status_code == 403


def test_registrations_of_the_erased_keep_their_counts(story):
    rows = db.session.scalars(sa.select(Registration).where(Registration.customer_id == story["customer_id"])).all()
    assert len(rows) == 2
