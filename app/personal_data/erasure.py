"""Erasure (PIPL): one person's data replaced everywhere it is held, the rows kept.

Counts, attendance and conversions are computed from rows and their statuses, so they stay exactly as
they were; what names or reaches the person goes: the name becomes 已删除, a phone a placeholder no
normalised mobile number can equal (`E` + ten digits, unique per row so the unique constraints hold),
answers and free-text notes go, messages lose their recipient and text. The audit log keeps who erased
which record and why, without the data. Access (services.export_person) reads the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.customers.models import MARKETING_PURPOSE, Customer
from app.database import lock_for_update
from app.errors import DomainError, ValidationFailed
from app.events.models import Registration
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.models import utcnow
from app.notify.models import Notification, OptOut
from app.privacy import mask_phone
from app.tokens import url_token

ERASED = "已删除"
ERASED_LAST4 = "----"
MAX_REASON = 200


class AlreadyErased(DomainError):
    code = "already_erased"
    default_message = _l("该客户的个人信息已删除")


def erased_phone(row_id: int) -> str:
    """A placeholder for a phone column (11 characters): never a mainland mobile number, unique per row."""
    return f"E{row_id:010d}"


# --- The rows that hold a person ---------------------------------------------------------------------

def registrations_of(customer: Customer) -> list[Registration]:
    return list(db.session.scalars(sa.select(Registration).where(Registration.customer_id == customer.id)
                                   .order_by(Registration.created_at, Registration.id)))


def phones_of(customer: Customer, registrations: Iterable[Registration]) -> set[str]:
    return {p for p in {customer.phone, *(r.phone for r in registrations)} if p}


def messages_of(registration_ids: list[int], phones: set[str]) -> list[Notification]:
    where: list[sa.ColumnElement[bool]] = []
    if registration_ids:
        where.append(Notification.registration_id.in_(registration_ids))
    if phones:
        where.append(sa.and_(Notification.channel == "sms", Notification.recipient.in_(sorted(phones))))
    if not where:
        return []
    return list(db.session.scalars(sa.select(Notification).where(sa.or_(*where)).order_by(Notification.id)))


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
    registrations = registrations_of(customer)
    phones = phones_of(customer, registrations)
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
    messages = messages_of(registration_ids, phones)
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
