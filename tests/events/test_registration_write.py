"""The registration's one hand-written statement (PostgreSQL) writes exactly the rows the unit of work's flush writes.

`write_registration` sends the registration, its audit entries, consents and message in one statement on
PostgreSQL and flushes elsewhere. Here the same registrations go both ways (the flush forced by leaving the
statement nothing it may write) and every column of every row is compared, ids, tokens and instants aside:
a column added to one of the four tables with a default the statement does not know would show here.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.customers.models import Consent
from app.events import registration as registration_service
from app.events.models import Registration
from app.extensions import db
from app.notify.models import Notification

# Per registration: differ by nature (ids, the token and what names it, the moment, the person typed).
VARYING = {"id", "ticket_token", "external_id", "body", "created_at", "confirmed_at", "at", "given_at",
           "customer_id", "registration_id", "object_id", "phone", "phone_last4", "recipient", "name"}


def _post(client, event, phone: str, **body):
    payload = {"name": "李雷", "phone": phone, "consent": True, **body}
    response = client.post(f"/api/v1/public/events/{event.slug}/registrations", json=payload,
                           headers={"User-Agent": "test-agent"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _rows_of(token: str) -> dict[str, list[dict]]:
    """Every row the registration with this ticket wrote, as column → value, minus what varies by nature."""
    registration = db.session.scalars(sa.select(Registration).where(Registration.ticket_token == token)).one()
    customer_id = registration.customer_id

    def plain(obj) -> dict:
        return {c.key: getattr(obj, c.key) for c in obj.__table__.c if c.key not in VARYING}

    audit = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "customers", AuditEntry.object_id == str(customer_id)).order_by(AuditEntry.action))
    consents = db.session.scalars(sa.select(Consent).where(Consent.customer_id == customer_id)
                                  .order_by(Consent.purpose))
    messages = db.session.scalars(sa.select(Notification).where(Notification.registration_id == registration.id))
    return {"registration": [plain(registration)], "audit": [plain(a) for a in audit],
            "consents": [plain(c) for c in consents], "messages": [plain(m) for m in messages]}


def test_the_statement_writes_what_the_flush_writes(client, make, monkeypatch):
    event = make.event(capacity=2, max_party_size=2)
    cases = [({}, "confirmed"), ({"marketing_consent": True, "party_size": 2}, "waitlisted")]
    for number, (extra, _status) in enumerate(cases):
        one_statement = _post(client, event, f"1380013{number}001", **extra)
        with monkeypatch.context() as forced_flush:
            forced_flush.setattr(registration_service, "_WRITTEN_WITH", ())  # anything pending: flush
            flushed = _post(client, event, f"1380013{number}002", **extra)
        db.session.expire_all()
        by_statement, by_flush = _rows_of(one_statement["ticket_token"]), _rows_of(flushed["ticket_token"])
        assert by_statement == by_flush
        # What the comparison stands on: the rows are there, with what the person sees.
        assert len(by_statement["audit"]) == 2 and len(by_statement["consents"]) == (2 if extra else 1)
        assert len(by_statement["messages"]) == 1
    statuses = db.session.scalars(sa.select(Registration.status).order_by(Registration.id)).all()
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]


def test_the_written_message_names_the_ticket_and_is_sent_once(client, make):
    event = make.event()
    ticket = _post(client, event, "13800139001")
    message = db.session.scalars(sa.select(Notification)).one()
    assert ticket["ticket_token"] in message.body and message.status == "pending"
    assert len(message.external_id) == 24 and message.registration_id is not None
    # The registration answered is the row written: its ticket page opens.
    assert client.get(f"/t/{ticket['ticket_token']}").status_code == 200
