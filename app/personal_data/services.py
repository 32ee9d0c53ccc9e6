"""A person's rights over their data (PIPL): access, erasure, withdrawing consent, requests, retention.

The front door of personal_data: erasure (erasure.py) and retention (retention.py) have rooms of their
own, and what other features call of them is named here. A later registration with an erased phone
finds no record and makes a new prospect.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.alliance.models import Voucher
from app.audit import services as audit
from app.catalogue.queries import add_working_days
from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.customers.queries import marketing_consent_ids
from app.errors import DomainError, NotFound, ValidationFailed
from app.events.models import Event, Registration
from app.events.services import registration_by_token
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.models import utcnow
from app.personal_data.erasure import (
    ERASED,
    AlreadyErased,
    erase_customer,
    messages_of,
    phones_of,
    registrations_of,
)
from app.personal_data.models import PrivacyRequest
from app.personal_data.retention import PurgeResult, purge_expired
from app.security import acting_user, scope_to_outlets
from app.timefmt import iso, local_today

__all__ = ["ERASED", "AlreadyErased", "PurgeResult", "erase_customer", "purge_expired"]

REQUEST_WORKING_DAYS = 15


# --- Access -----------------------------------------------------------------------------------------

def _answers(event: Event, answers: dict) -> list[dict]:
    labels = {q.get("key"): q.get("label", q.get("key")) for q in event.questions or []}
    return [{"key": key, "question": labels.get(key, key), "answer": value} for key, value in (answers or {}).items()]


def export_person(customer: Customer, *, file_format: str = "json") -> dict[str, Any]:
    """Everything held about one person (one customer record), and an audit entry saying who took it."""
    registrations = registrations_of(customer)
    phones = phones_of(customer, registrations)
    followups = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.customer_id == customer.id)
                                        .order_by(FollowUp.id)))
    contacts: dict[int, list[FollowUpContact]] = {}
    if followups:
        for contact in db.session.scalars(sa.select(FollowUpContact).where(
                FollowUpContact.followup_id.in_([f.id for f in followups])).order_by(FollowUpContact.id)):
            contacts.setdefault(contact.followup_id, []).append(contact)
    vouchers = list(db.session.scalars(sa.select(Voucher).where(Voucher.customer_id == customer.id)
                                       .order_by(Voucher.id)))
    messages = messages_of([r.id for r in registrations], phones)
    data = {
        "customer": {
            "id": customer.id, "name": customer.name, "phone": customer.phone,
            "outlet_code": customer.outlet.code, "outlet_name": customer.outlet.name,
            "is_customer": customer.is_customer, "tier": customer.tier, "segments": customer.segments,
            "note": customer.note, "owner": customer.owner.display_name if customer.owner else None,
            "created_at": iso(customer.created_at), "erased_at": iso(customer.erased_at),
        },
        "registrations": [{
            "id": r.id, "event_id": r.event_id, "event_title": r.event.title, "event_starts_at": iso(r.event.starts_at),
            "name": r.name, "phone": r.phone, "party_size": r.party_size, "status": r.status, "source": r.source,
            "answers": _answers(r.event, r.answers), "consent_version": r.consent_version,
            "created_at": iso(r.created_at), "checked_in_at": iso(r.checked_in_at),
            "cancelled_at": iso(r.cancelled_at),
        } for r in registrations],
        "consents": [{
            "purpose": c.purpose, "text_version": c.text_version, "channel": c.channel,
            "given_at": iso(c.given_at), "withdrawn_at": iso(c.withdrawn_at),
        } for c in customer.consents],
        "followups": [{
            "id": f.id, "event_id": f.event_id, "list": f.list, "status": f.status, "due_date": f.due_date.isoformat(),
            "note": f.note, "closed_reason": f.closed_reason, "outcome_product": f.outcome_product,
            "outcome_amount": str(f.outcome_amount) if f.outcome_amount is not None else None,
            "contacts": [{"at": iso(c.at), "method": c.method, "status": c.status, "note": c.note}
                         for c in contacts.get(f.id, [])],
        } for f in followups],
        "vouchers": [{
            "code": v.code, "offer_title": v.offer.title, "partner_name": v.offer.partner.name,
            "event_id": v.event_id, "issued_at": iso(v.issued_at), "redeemed_at": iso(v.redeemed_at),
            "amount_spent": str(v.amount_spent) if v.amount_spent is not None else None,
        } for v in vouchers],
        "messages": [{
            "id": m.id, "kind": m.kind, "channel": m.channel, "to": m.recipient, "text": m.body, "status": m.status,
            "created_at": iso(m.created_at), "sent_at": iso(m.sent_at),
        } for m in messages],
    }
    audit.record("export", obj=customer, details={"what": "personal_data", "format": file_format})
    return data


# --- Erasure ----------------------------------------------------------------------------------------

def on_phone_opted_out(_sender, phone: str, **_extra) -> None:
    """notify's `phone_opted_out` (an SMS reply T/TD/R/退订): withdraw that phone's marketing consent."""
    withdraw_consent(phone, channel="sms")


# --- Withdrawing consent ----------------------------------------------------------------------------

def withdraw_consent(phone: str, *, channel: str) -> dict[str, int]:
    """Withdraw marketing consent for a phone in every outlet, and close its open follow-ups.

    Messages about the person's own registrations (reminders, changes) still go: they are not marketing.
    A record that never gave marketing consent gets a withdrawn row, so finishing an event later knows.
    """
    now = utcnow()
    customers = list(db.session.scalars(sa.select(Customer).where(Customer.phone == phone,
                                                                  Customer.erased_at.is_(None))))
    withdrawn = closed = 0
    for customer in customers:
        marketing = [c for c in customer.consents if c.purpose == MARKETING_PURPOSE]
        standing = [c for c in marketing if c.withdrawn_at is None]
        for consent in standing:
            consent.withdrawn_at = now
        if not marketing:
            db.session.add(Consent(customer=customer, purpose=MARKETING_PURPOSE, text_version="withdrawal",
                                   channel=channel, given_at=now, withdrawn_at=now))
        withdrawn += len(standing)
        items = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.customer_id == customer.id,
                                                                  FollowUp.status == "open")))
        for f in items:
            f.status, f.closed_reason, f.done_at = "closed", "consent_withdrawn", now
        closed += len(items)
        audit.record("consent_withdrawn", obj=customer, actor=acting_user(),
                     details={"channel": channel, "purpose": MARKETING_PURPOSE, "followups_closed": len(items)})
    db.session.flush()
    return {"customers": len(customers), "consents_withdrawn": withdrawn, "followups_closed": closed}


def withdraw_by_ticket(token: str) -> Registration:
    registration = registration_by_token(token)
    if registration is None or registration.customer.erased_at is not None:
        raise NotFound()
    withdraw_consent(registration.phone, channel="ticket")
    return registration


def has_marketing_consent(customer: Customer) -> bool:
    return customer.id in marketing_consent_ids([customer.id])


# --- Requests from the person -----------------------------------------------------------------------

def create_request(kind: str | None, token: str | None) -> PrivacyRequest:
    """A person asks for their data or its deletion; their ticket token proves who they are."""
    if kind not in ("access", "erase"):
        raise ValidationFailed(fields={"kind": _("请选择查询（access）或删除（erase）")})
    registration = registration_by_token(token)
    if registration is None or registration.customer.erased_at is not None:
        raise NotFound(_("找不到该入场凭证"))
    customer = registration.customer
    request = PrivacyRequest(kind=kind, customer=customer, outlet_id=customer.outlet_id,
                             due_date=add_working_days(local_today(), REQUEST_WORKING_DAYS))
    db.session.add(request)
    db.session.flush()
    audit.record("privacy_request_filed", obj=request, outlet_id=customer.outlet_id, actor=None,
                 details={"kind": kind, "customer": customer.id, "due_date": request.due_date.isoformat()})
    return request


def complete_request(request: PrivacyRequest) -> PrivacyRequest:
    """Handle a request: an erase request erases the person; an access request records that it was answered."""
    if request.status != "open":
        raise DomainError(_("该申请已处理"), code="already_completed")
    if request.kind == "erase" and request.customer.erased_at is None:
        erase_customer(request.customer, _("本人申请删除（申请编号 %(id)d）", id=request.id),
                       details={"privacy_request": request.id})
    user = acting_user()
    request.status, request.completed_at = "completed", utcnow()
    request.completed_by_id = getattr(user, "id", None)
    db.session.flush()
    audit.record("privacy_request_completed", obj=request, details={"kind": request.kind,
                                                                     "customer": request.customer_id})
    return request


def requests_query(status: str | None = None) -> sa.Select:
    stmt = scope_to_outlets(sa.select(PrivacyRequest), PrivacyRequest.outlet_id)
    if status:
        stmt = stmt.where(PrivacyRequest.status == status)
    return stmt.order_by(PrivacyRequest.status.desc(), PrivacyRequest.due_date, PrivacyRequest.id)


def list_requests(status: str | None = None, limit: int = 200) -> list[PrivacyRequest]:
    return list(db.session.scalars(requests_query(status).limit(limit)))


def overdue_requests(user=None) -> list[PrivacyRequest]:
    stmt = scope_to_outlets(sa.select(PrivacyRequest), PrivacyRequest.outlet_id, user).where(
        PrivacyRequest.status == "open", PrivacyRequest.due_date < local_today())
    return list(db.session.scalars(stmt.order_by(PrivacyRequest.due_date)))


