"""A person's rights over their data (PIPL): access, erasure, withdrawing consent, requests, retention.

Erasure keeps every row (counts, attendance and conversions are computed from rows and their
statuses, so they stay exactly as they were) and replaces what names or reaches the person: the
name becomes 已删除, a phone becomes a placeholder no normalised mobile number can equal
(`E` + ten digits, unique per row so the unique constraints hold), answers and free-text notes go,
messages lose their recipient and text. A later registration with the same phone finds no record
and makes a new prospect. The audit log keeps who erased which record and why, without the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.alliance.models import Voucher
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.catalogue.queries import add_working_days
from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.customers.queries import marketing_consent_ids
from app.database import lock_for_update
from app.errors import DomainError, NotFound, ValidationFailed
from app.events.models import Event, Registration
from app.events.services import registration_by_token
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.models import utcnow
from app.notify.models import Notification, OptOut
from app.personal_data.models import PrivacyRequest
from app.privacy import mask_phone
from app.security import acting_user, scope_to_outlets
from app.timefmt import iso, local_today, to_local
from app.tokens import url_token

ERASED = "已删除"
ERASED_LAST4 = "----"
REQUEST_WORKING_DAYS = 15
MAX_REASON = 200


class AlreadyErased(DomainError):
    code = "already_erased"
    default_message = _l("该客户的个人信息已删除")


def erased_phone(row_id: int) -> str:
    """A placeholder for a phone column (11 characters): never a mainland mobile number, unique per row."""
    return f"E{row_id:010d}"


# --- Access -----------------------------------------------------------------------------------------

def _registrations(customer: Customer) -> list[Registration]:
    return list(db.session.scalars(sa.select(Registration).where(Registration.customer_id == customer.id)
                                   .order_by(Registration.created_at, Registration.id)))


def _phones(customer: Customer, registrations: Iterable[Registration]) -> set[str]:
    return {p for p in {customer.phone, *(r.phone for r in registrations)} if p}


def _messages(registration_ids: list[int], phones: set[str]) -> list[Notification]:
    where: list[sa.ColumnElement[bool]] = []
    if registration_ids:
        where.append(Notification.registration_id.in_(registration_ids))
    if phones:
        where.append(sa.and_(Notification.channel == "sms", Notification.recipient.in_(sorted(phones))))
    if not where:
        return []
    return list(db.session.scalars(sa.select(Notification).where(sa.or_(*where)).order_by(Notification.id)))


def _answers(event: Event, answers: dict) -> list[dict]:
    labels = {q.get("key"): q.get("label", q.get("key")) for q in event.questions or []}
    return [{"key": key, "question": labels.get(key, key), "answer": value} for key, value in (answers or {}).items()]


def export_person(customer: Customer, *, file_format: str = "json") -> dict[str, Any]:
    """Everything held about one person (one customer record), and an audit entry saying who took it."""
    registrations = _registrations(customer)
    phones = _phones(customer, registrations)
    followups = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.customer_id == customer.id)
                                        .order_by(FollowUp.id)))
    contacts: dict[int, list[FollowUpContact]] = {}
    if followups:
        for contact in db.session.scalars(sa.select(FollowUpContact).where(
                FollowUpContact.followup_id.in_([f.id for f in followups])).order_by(FollowUpContact.id)):
            contacts.setdefault(contact.followup_id, []).append(contact)
    vouchers = list(db.session.scalars(sa.select(Voucher).where(Voucher.customer_id == customer.id)
                                       .order_by(Voucher.id)))
    messages = _messages([r.id for r in registrations], phones)
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

def _scrub(value, secrets: list[str]):
    """`value` with every string that holds one of `secrets` replaced (recursively through dicts and lists)."""
    if isinstance(value, str):
        return ERASED if any(s in value for s in secrets) else value
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    return value


def _scrub_text(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, ERASED)
    return text


def _secrets(names: set[str], phones: set[str]) -> list[str]:
    """What must not survive anywhere: the full names (two characters or more: a lone character would
    match unrelated text), the numbers and their masked forms. A masked name (张*) is too common to
    search for; the entries that hold one name their registration and are cleared by that (_scrub_audit)."""
    found = {n for n in names if n and len(n) >= 2 and n != ERASED}
    found |= phones | {mask_phone(p) for p in phones}
    return sorted(found)


def erase_customer(customer: Customer, reason: str | None, *, details: dict | None = None) -> dict[str, int]:
    """Erase one person's data everywhere it is held; returns how many rows of each kind were changed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": _("请填写删除原因")})
    if len(reason) > MAX_REASON:
        raise ValidationFailed(fields={"reason": _("原因不超过 %(n)d 字", n=MAX_REASON)})
    customer = lock_for_update(db.session, Customer, customer.id)
    if customer.erased_at is not None:
        raise AlreadyErased(_("该客户的个人信息已删除"))
    now = utcnow()
    registrations = _registrations(customer)
    phones = _phones(customer, registrations)
    names = {customer.name, *(r.name for r in registrations)}
    secrets = _secrets(names, phones)
    registration_ids = [r.id for r in registrations]

    for r in registrations:
        r.name, r.phone, r.phone_last4, r.answers = ERASED, erased_phone(r.id), ERASED_LAST4, {}
        r.ticket_token = url_token(16)  # the old ticket link (in messages, on the phone) opens nothing
    followups = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.customer_id == customer.id)))
    closed = 0
    for f in followups:
        f.note = None
        if f.status == "open":
            f.status, f.closed_reason, f.done_at = "closed", "erased", f.done_at or now
            closed += 1
    if followups:
        db.session.execute(sa.update(FollowUpContact).where(
            FollowUpContact.followup_id.in_([f.id for f in followups])).values(note=None))
    messages = _messages(registration_ids, phones)
    cancelled = 0
    for m in messages:
        if m.status == "pending":
            m.status = "cancelled"
            cancelled += 1
        m.recipient, m.subject, m.body, m.payload, m.error = ERASED, "", ERASED, {}, None
    # Staff messages (the morning digest) name the person in their text.
    staff_texts = 0
    for name in (n for n in names if n and len(n) >= 2 and n != ERASED):
        for m in db.session.scalars(sa.select(Notification).where(
                Notification.channel != "sms", Notification.body.contains(name, autoescape=True))):
            m.body = _scrub_text(m.body, secrets)
            staff_texts += 1
    consents = 0
    for c in customer.consents:
        if c.purpose == MARKETING_PURPOSE and c.withdrawn_at is None:
            c.withdrawn_at = now
            consents += 1
    audit_entries = _scrub_audit(customer, registrations, followups, secrets)
    opt_outs = _forget_opt_outs(phones)

    customer.name, customer.phone, customer.phone_last4 = ERASED, erased_phone(customer.id), ERASED_LAST4
    customer.note, customer.erased_at = None, now
    db.session.flush()
    counts = {"registrations": len(registrations), "followups": len(followups), "followups_closed": closed,
              "messages": len(messages), "messages_cancelled": cancelled, "staff_messages": staff_texts,
              "consents_withdrawn": consents, "audit_entries": audit_entries, "opt_outs": opt_outs}
    audit.record("customer_erased", obj=customer, details={
        "reason": _scrub_text(reason, secrets), **counts, **(details or {})})
    return counts


def _scrub_audit(customer: Customer, registrations: list[Registration], followups: list[FollowUp],
                 secrets: list[str]) -> int:
    """Audit entries about this person keep who did what, but no longer their name or number."""
    registration_ids = {r.id for r in registrations}
    objects = [sa.and_(AuditEntry.object_type == "customers", AuditEntry.object_id == str(customer.id))]
    if registration_ids:
        objects.append(sa.and_(AuditEntry.object_type == "registrations",
                               AuditEntry.object_id.in_([str(i) for i in registration_ids])))
        objects.append(sa.and_(AuditEntry.object_type == "events", AuditEntry.object_id.in_(
            [str(i) for i in {r.event_id for r in registrations}])))
    if followups:
        objects.append(sa.and_(AuditEntry.object_type == "followups",
                               AuditEntry.object_id.in_([str(f.id) for f in followups])))
    changed = 0
    for entry in db.session.scalars(sa.select(AuditEntry).where(sa.or_(*objects))):
        details = dict(entry.details or {})
        if details.get("registration") in registration_ids and "name" in details:
            details["name"] = ERASED
        details = _scrub(details, secrets)
        touched = details != (entry.details or {})
        if entry.object_type == "customers" and entry.actor_id is None and entry.ip is not None:
            entry.ip, entry.user_agent = None, None  # the person's own request (registration, consent)
            touched = True
        if touched:
            entry.details = details
            changed += 1
    return changed


def _forget_opt_outs(phones: set[str]) -> int:
    """notify's opt-out rows of these numbers go too: an erased person has no consent left, so nobody
    invites them, and a number kept to honour the opt-out would be their data kept."""
    if not phones:
        return 0
    result = db.session.execute(sa.delete(OptOut).where(OptOut.phone.in_(sorted(phones))))
    return int(getattr(result, "rowcount", 0) or 0)


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


# --- Retention --------------------------------------------------------------------------------------

@dataclass
class PurgeResult:
    cutoff: datetime
    customer_ids: list[int]
    dry_run: bool


def purge_candidates(now: datetime) -> tuple[datetime, list[int]]:
    """Prospects (never customers) whose last event ended RETENTION_DAYS ago and who have no open follow-up."""
    cutoff = now - timedelta(days=current_app.config["RETENTION_DAYS"])
    last_end = (sa.select(Registration.customer_id, sa.func.max(Event.ends_at).label("last_end"))
                .join(Event, Event.id == Registration.event_id).group_by(Registration.customer_id).subquery())
    open_followup = sa.exists().where(FollowUp.customer_id == Customer.id, FollowUp.status == "open")
    ids = db.session.scalars(
        sa.select(Customer.id).join(last_end, last_end.c.customer_id == Customer.id)
        .where(Customer.is_customer.is_(False), Customer.erased_at.is_(None), last_end.c.last_end < cutoff,
               ~open_followup).order_by(Customer.id))
    return cutoff, list(ids)


def purge_expired(now: datetime | None = None, *, dry_run: bool = False) -> PurgeResult:
    now = now or utcnow()
    cutoff, ids = purge_candidates(now)
    if not dry_run:
        days = current_app.config["RETENTION_DAYS"]
        for customer_id in ids:
            erase_customer(db.session.get_one(Customer, customer_id),
                           _("保存期满（%(days)d 天）自动删除", days=days), details={"retention_days": days})
        audit.record("retention_purge", object_type="customers", details={
            "erased": len(ids), "customer_ids": ids, "cutoff": to_local(cutoff).date().isoformat(),
            "retention_days": days})
    return PurgeResult(cutoff, ids, dry_run)
