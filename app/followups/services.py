"""Follow-up work: finishing an event into lists, recording contacts and outcomes, reassigning.

Finishing turns every confirmed registration into one follow-up: attended
existing customers → maintain, attended newcomers (walk-ins too) → prospect,
confirmed no-shows → winback; waitlisted and cancelled ones → nothing. The
unique (registration, list, sequence) constraint makes a repeated or
concurrent finish harmless: rows are inserted with ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.audit import services as audit
from app.auth.models import User
from app.customers.models import Customer
from app.customers.services import marketing_withdrawn
from app.database import lock_for_update
from app.errors import ValidationFailed
from app.events.errors import InvalidTransition
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.followups.vocabulary import CONTACT_METHODS, RECORD_STATUSES, product_key
from app.models import utcnow
from app.security import OUTLET_ROLES, acting_user
from app.timefmt import local_today

MAX_AMOUNT = Decimal("9999999999.99")


def list_for(registration: Registration) -> str | None:
    """Which list a registration lands on when its event finishes, or None."""
    return _list_of(registration.status, registration.checked_in_at, registration.was_customer)


def _list_of(status: str, checked_in_at, was_customer: bool) -> str | None:
    if status != "confirmed":
        return None
    if checked_in_at is None:
        return "winback"
    return "maintain" if was_customer else "prospect"


def _playbook_entry(event: Event, list_name: str) -> tuple[int, list[str]]:
    entry = (event.playbook or {}).get(list_name) or {}
    try:
        days = max(0, int(entry.get("due_days", 3)))
    except (TypeError, ValueError):
        days = 3
    points = [str(p) for p in entry.get("talking_points") or [] if str(p).strip()]
    return days, points


def _outlet_staff_ids(outlet_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(User.id).where(
        User.outlet_id == outlet_id, User.active, User.role.in_(OUTLET_ROLES))))


def _insert_ignoring_duplicates(rows: list[dict]) -> int:
    """Insert follow-up rows; rows the unique constraint already holds are skipped. Returns rows inserted."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = FollowUp.__table__
    # One statement with the rows as parameters (SQLAlchemy's insertmanyvalues batches them): compiled once
    # and cached, where a VALUES list built per chunk compiled 14 bind parameters per row every time (most
    # of a 2,000-attendee finish's time).
    stmt = (insert(table).on_conflict_do_nothing(index_elements=["registration_id", "list", "sequence"])
            .returning(table.c.id))
    return len(db.session.execute(stmt, rows).all())


def finish_event(event: Event) -> int:
    """Mark a published event finished and create its follow-ups; returns how many were created.

    Drafts, cancelled events and events that have not started are refused
    (409). Finishing again creates nothing new; a registration that already
    has a follow-up of any list gets no second one.
    """
    event = lock_for_update(db.session, Event, event.id)
    if not event.is_public:
        raise InvalidTransition(_("只有已发布的活动可以结束") if event.status == "draft"
                                else _("已取消的活动不能结束"))
    now = utcnow()
    if event.status == "published" and event.starts_at > now:
        raise InvalidTransition(_("活动尚未开始，不能结束"))
    has_followup = sa.exists().where(FollowUp.registration_id == Registration.id)
    # Only the columns the lists need: loading whole rows (answers, names …) of 2,000 attendees cost more
    # than deciding their lists.
    registrations = db.session.execute(
        sa.select(Registration.id, Registration.status, Registration.checked_in_at, Registration.was_customer,
                  Customer.id.label("customer_id"), Customer.owner_id, Customer.erased_at)
        .join(Customer, Customer.id == Registration.customer_id)
        .where(Registration.event_id == event.id, Registration.status == "confirmed", ~has_followup)
        .order_by(Registration.id)).all()
    staff = _outlet_staff_ids(event.outlet_id)
    today = local_today()
    # No outreach to someone who withdrew marketing consent or whose data was erased: their item is
    # made (the event's lists and figures stay whole) but closed at once, with the reason staff see.
    withdrawn = marketing_withdrawn([r.customer_id for r in registrations])
    rows = []
    for r in registrations:
        list_name = _list_of(r.status, r.checked_in_at, r.was_customer)
        if list_name is None:
            continue
        days, points = _playbook_entry(event, list_name)
        assignee = r.owner_id if r.owner_id in staff else event.owner_id
        reason = "erased" if r.erased_at is not None else (
            "consent_withdrawn" if r.customer_id in withdrawn else None)
        rows.append({
            "event_id": event.id, "registration_id": r.id, "customer_id": r.customer_id,
            "outlet_id": event.outlet_id, "list": list_name, "sequence": 1, "assignee_id": assignee,
            "due_date": today + timedelta(days=days), "status": "closed" if reason else "open",
            "closed_reason": reason, "done_at": now if reason else None,
            # As written ({customer}, {staff} …): filled when shown, for whoever sends it (scripts.py).
            "talking_points": points,
            "created_at": now, "updated_at": now,
        })
    created = _insert_ignoring_duplicates(rows)
    first_finish = event.status != "finished"
    if first_finish:
        event.status = "finished"
        event.finished_at = now
    db.session.flush()
    if first_finish or created:
        audit.record("event_finished", obj=event, details={"followups_created": created})
    return created


@dataclass
class ContactInput:
    """What a staff member records about one follow-up (a form or PATCH body, before validation)."""

    status: str | None = None
    note: str | None = None
    product: str | None = None
    amount: Decimal | float | str | None = None
    contact_method: str | None = None
    next_due_date: date | None = None


def _validate_contact(data: ContactInput) -> dict:
    errors: dict[str, str] = {}
    if data.status not in RECORD_STATUSES:
        errors["status"] = _("状态应为 contacted / converted / unreachable / closed 之一")
    method = data.contact_method or "other"
    if method not in CONTACT_METHODS:
        errors["contact_method"] = _("联系方式应为 %(keys)s 之一", keys=" / ".join(CONTACT_METHODS))
    product = None
    if data.product not in (None, ""):
        product = product_key(data.product)
        if product is None:
            errors["outcome.product"] = _("产品不在列表中（如 理财、存款、基金、保险）")
    if data.status == "converted" and product is None and "outcome.product" not in errors:
        errors["outcome.product"] = _("已转化需要选择产品")
    amount = None
    if data.amount not in (None, ""):
        try:
            amount = Decimal(str(data.amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["outcome.amount"] = _("应为金额，如 50000 或 2999.50")
        else:
            if amount < 0 or amount > MAX_AMOUNT:
                errors["outcome.amount"] = _("金额应在 0 到 99 亿之间")
            elif product is None and "outcome.product" not in errors:
                errors["outcome.product"] = _("填写金额时请选择产品")
    if data.next_due_date is not None and data.next_due_date < local_today():
        errors["next_due_date"] = _("下次跟进日期不能早于今天")
    note = (data.note or "").strip()
    if len(note) > 2000:
        errors["note"] = _("备注不超过 2000 字")
    if errors:
        raise ValidationFailed(fields=errors)
    return {"status": data.status, "method": method, "product": product, "amount": amount, "note": note or None}


def record_contact(followup: FollowUp, data: ContactInput) -> FollowUp:
    """Record a contact on a follow-up: its status, outcome and note, appended to its history.

    A next follow-up date creates the next item (sequence + 1, same list and
    assignee) in the same transaction. The registration row is locked so two
    people recording at once cannot both create the same next item.
    """
    clean = _validate_contact(data)
    lock_for_update(db.session, Registration, followup.registration_id)
    db.session.refresh(followup)
    now = utcnow()
    followup.status = clean["status"]
    if clean["note"]:
        followup.note = clean["note"]
    if clean["product"] is not None:
        followup.outcome_product = clean["product"]
        followup.outcome_amount = clean["amount"]
    if followup.done_at is None:
        followup.done_at = now
    user = acting_user()
    details = {k: v for k, v in {
        "product": clean["product"], "amount": str(clean["amount"]) if clean["amount"] is not None else None,
        "next_due_date": data.next_due_date.isoformat() if data.next_due_date else None}.items() if v is not None}
    db.session.add(FollowUpContact(followup_id=followup.id, at=now, user_id=getattr(user, "id", None),
                                   method=clean["method"], status=clean["status"], note=clean["note"],
                                   details=details))
    next_item = None
    if data.next_due_date is not None:
        last = db.session.scalar(sa.select(sa.func.max(FollowUp.sequence)).where(
            FollowUp.registration_id == followup.registration_id, FollowUp.list == followup.list))
        next_item = FollowUp(event_id=followup.event_id, registration_id=followup.registration_id,
                             customer_id=followup.customer_id, outlet_id=followup.outlet_id, list=followup.list,
                             sequence=(last or 0) + 1, assignee_id=followup.assignee_id,
                             due_date=data.next_due_date, status="open",
                             talking_points=list(followup.talking_points or []))
        db.session.add(next_item)
    db.session.flush()
    audit.record("followup_recorded", obj=followup, details={
        "status": clean["status"], "method": clean["method"], **details,
        **({"next_followup_id": next_item.id} if next_item else {})})
    return followup


def reassign(followups: list[FollowUp], assignee: User | None) -> int:
    """Give follow-ups to another staff member of their outlet (managers, in bulk); returns how many changed."""
    if assignee is None or not assignee.active or assignee.role not in OUTLET_ROLES:
        raise ValidationFailed(fields={"assignee": _("请选择本网点的在职员工")})
    foreign = sorted(f.id for f in followups if f.outlet_id != assignee.outlet_id)
    if foreign:
        raise ValidationFailed(fields={"assignee": _("%(name)s 不属于这些跟进所在的网点",
                                                      name=assignee.display_name)})
    changed = [f for f in followups if f.assignee_id != assignee.id]
    for followup in changed:
        followup.assignee_id = assignee.id
    db.session.flush()
    if changed:
        audit.record("followups_reassigned", object_type="followups", outlet_id=assignee.outlet_id,
                     details={"to": assignee.username, "ids": [f.id for f in changed]})
    return len(changed)
