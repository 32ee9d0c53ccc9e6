"""Events: create from a template, edit, clone, publish, cancel; live counts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.catalogue.services import find_template
from app.database import lock_for_update
from app.errors import ValidationFailed
from app.events import limits
from app.events import questions as question_rules
from app.events.consent import CONSENT_VERSION, consent_purpose  # noqa: F401  (re-exported: what a registration records)
from app.events.errors import InvalidTransition
from app.events.invitations import InvitationResult, invitable, invite, parse_picked  # noqa: F401  (re-exported)
from app.events.messages import event_cancelled_message
from app.events.messages import event_changed as event_changed_message
from app.events.models import Event, Registration
from app.events.queries import event_counts  # noqa: F401  (re-exported: pages, API and panels import it here)

# Registration's rules live in registration.py; what other features call (check-in's walk-ins and
# lookups, the demo) is offered here, at events' front door.
from app.events.registration import (  # noqa: F401  (re-exported)
    RegistrationInput,
    promote_waitlist,
    recount_seats_taken,
    register,
    registration_by_token,
    registrations_for,
    seats_taken,
)
from app.events.reminders import send_due_reminders  # noqa: F401  (re-exported: the reminders job)
from app.events.signals import OfferChoice, event_offers
from app.extensions import db
from app.models import utcnow
from app.org.models import Outlet
from app.org.reference import SEGMENTS
from app.security import acting_user, ensure_outlet_in_scope
from app.timefmt import iso, to_local

SLUG_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
SLUG_LENGTH = 10  # 32^10 ≈ 10^15: not enumerable behind the public rate limits
MAX_CAPACITY = 100_000


@dataclass
class EventInput:
    """What a form or an API call says about an event, before validation."""

    template_key: str | None = None
    outlet_code: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    waitlist: bool | None = None
    title: str | None = None
    description: str | None = None
    venue: str | None = None
    max_party_size: int | None = None
    registration_closes_at: datetime | None = None
    offer_ids: list[int] | None = None
    budget: Decimal | float | str | None = None
    actual_cost: Decimal | float | str | None = None
    goals: dict | None = None
    questions: list | None = None
    segments: list[str] | None = None
    extra: dict = field(default_factory=dict)


def _money(raw, name: str, errors: dict) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[name] = _("应为金额，如 3000 或 2999.50")
        return None
    if value < 0:
        errors[name] = _("金额不能为负")
    return value


def _validate(data: EventInput, event: Event | None) -> dict:
    """Check every field (for a new event or an edit) and return clean values."""
    errors: dict[str, str] = {}
    clean: dict = {}
    if event is None:
        outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == (data.outlet_code or "")))
        if outlet is None:
            errors["outlet_code"] = _("网点不存在") if data.outlet_code else _("请指定网点")
        else:
            ensure_outlet_in_scope(outlet.id)  # 403: creating in someone else's outlet
        clean["outlet"] = outlet
        template = find_template(data.template_key, outlet.id if outlet else None)
        if template is None:
            errors["template_key"] = _("模板不存在") if data.template_key else _("请选择模板")
        clean["template"] = template or {}
    starts = data.starts_at if data.starts_at is not None else getattr(event, "starts_at", None)
    ends = data.ends_at if data.ends_at is not None else getattr(event, "ends_at", None)
    if starts is None:
        errors["starts_at"] = _("请填写开始时间")
    if ends is None:
        errors["ends_at"] = _("请填写结束时间")
    if starts and ends and ends <= starts:
        errors["ends_at"] = _("结束时间应晚于开始时间")
    closes = data.registration_closes_at
    if closes is not None and ends is not None and closes > ends:
        errors["registration_closes_at"] = _("报名截止时间不能晚于活动结束时间")
    template = clean.get("template") or {}
    capacity = data.capacity if data.capacity is not None else (
        getattr(event, "capacity", None) or template.get("default_capacity"))
    if capacity is None or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("名额应为 1 到 %(n)d 之间的整数", n=MAX_CAPACITY)
    party = data.max_party_size if data.max_party_size is not None else (
        getattr(event, "max_party_size", None) or template.get("max_party_size") or 1)
    if not isinstance(party, int) or not 1 <= party <= 20:
        errors["max_party_size"] = _("每单人数上限应为 1 到 20 之间的整数")
    title = (data.title if data.title is not None else getattr(event, "title", None) or template.get("name") or "")
    title = title.strip()
    if not title:
        errors["title"] = _("请填写活动名称")
    elif len(title) > limits.TITLE_MAX:
        errors["title"] = _("活动名称不能超过 %(n)d 字", n=limits.TITLE_MAX)
    for name, limit, what in (("venue", limits.VENUE_MAX, _("地点")),
                              ("description", limits.DESCRIPTION_MAX, _("活动介绍"))):
        if len(getattr(data, name) or "") > limit:
            errors[name] = _("%(what)s不能超过 %(n)d 字", what=what, n=limit)
    if data.segments is not None:
        unknown = [s for s in data.segments if s not in SEGMENTS]
        if unknown:
            errors["segments"] = _("未知客群：%(s)s", s="、".join(unknown))
    if data.questions is not None:
        problem = question_rules.check_definitions(data.questions)
        if problem:
            errors["questions"] = problem
    clean["budget"] = _money(data.budget, "budget", errors)
    clean["actual_cost"] = _money(data.actual_cost, "actual_cost", errors)
    if data.goals is not None and not isinstance(data.goals, dict):
        errors["goals"] = _("应为对象")
    offers = _offer_ids(data.offer_ids, errors) if data.offer_ids is not None else None
    if errors:
        raise ValidationFailed(fields=errors)
    clean.update(starts_at=starts, ends_at=ends, capacity=capacity, max_party_size=party, title=title,
                 offers=offers)
    return clean


def validation_errors(data: EventInput, event: Event | None) -> dict[str, str]:
    """Every field error `create_event`/`update_event` would raise, without changing anything.

    A page whose form already found some errors asks this for the rest (end before start and so
    on), so a person sees all problems at once instead of one round after another.
    """
    try:
        _validate(data, event)
    except ValidationFailed as exc:
        return dict(exc.fields or {})
    return {}


def _minutes(clock) -> int | None:
    try:
        moment = datetime.strptime(str(clock), "%H:%M")
    except ValueError:
        return None
    return moment.hour * 60 + moment.minute


def agenda_at(agenda: list[dict], starts_at: datetime) -> list[dict]:
    """The agenda for an event starting at `starts_at`: each item keeps its minutes after the start.

    An item's place is `offset_minutes` (a template's items, which only have clock times, count from
    their first item), and its `time` is that many minutes after this start, in local time. So an
    agenda planned for 14:00 reads 09:30, 09:40 … when the event starts at 09:30, and moves again
    whenever the start does.
    """
    if not agenda:
        return []
    first = next((_minutes(item.get("time")) for item in agenda if _minutes(item.get("time")) is not None), None)
    start = to_local(starts_at)
    moved = []
    for item in agenda:
        offset = item.get("offset_minutes")
        if not isinstance(offset, int) or isinstance(offset, bool):
            clock = _minutes(item.get("time"))
            offset = clock - first if clock is not None and first is not None else None
        if offset is None:
            moved.append(dict(item))
            continue
        moved.append({**item, "time": f"{start + timedelta(minutes=offset):%H:%M}", "offset_minutes": offset})
    return moved


def _offer_ids(ids: list[int], errors: dict) -> list[int]:
    known = event_offers().known_offer_ids(ids)
    missing = sorted(set(ids) - set(known))
    if missing:
        errors["offer_ids"] = _("优惠不存在：%(ids)s", ids=", ".join(map(str, missing)))
    return known


def create_event(data: EventInput) -> Event:
    """Create a draft event from a template; the template's design is copied into it."""
    clean = _validate(data, None)
    template = clean["template"]
    actor = acting_user()
    event = Event(
        outlet=clean["outlet"], owner_id=getattr(actor, "id", None), template_key=template["key"],
        title=clean["title"], description=(data.description if data.description is not None
                                           else template.get("description", "")),
        staff_notes=template.get("staff_notes", ""),
        venue=(data.venue or "").strip(), starts_at=clean["starts_at"], ends_at=clean["ends_at"],
        registration_closes_at=data.registration_closes_at, capacity=clean["capacity"],
        waitlist=True if data.waitlist is None else bool(data.waitlist), max_party_size=clean["max_party_size"],
        segments=list(data.segments if data.segments is not None else template.get("segments", [])),
        questions=list(data.questions if data.questions is not None else template.get("questions", [])),
        agenda=agenda_at(template.get("agenda", []), clean["starts_at"]), materials=list(template.get("materials", [])),
        gifts=list(template.get("gifts", [])), playbook=dict(template.get("playbook", {})),
        goals=dict(data.goals if data.goals is not None else template.get("goals", {})),
        budget=clean["budget"], actual_cost=clean["actual_cost"], status="draft",
    )
    db.session.add(event)
    db.session.flush()
    if clean["offers"]:
        set_offers(event, clean["offers"])
    audit.record("event_created", obj=event, details={"template": event.template_key, "title": event.title})
    return event


def update_event(event: Event, data: EventInput) -> Event:
    """Edit an event that is not over; capacity may not drop below the seats already taken."""
    if event.status in ("finished", "cancelled"):
        raise InvalidTransition(_("已结束或已取消的活动不能修改"))
    clean = _validate(data, event)
    event = lock_for_update(db.session, Event, event.id)
    taken = seats_taken(event.id)
    if clean["capacity"] < taken:
        raise ValidationFailed(fields={"capacity": _("已有 %(n)d 人报名确认，名额不能少于此数", n=taken)})
    changed = []
    for attr in ("title", "starts_at", "ends_at", "capacity", "max_party_size"):
        if getattr(event, attr) != clean[attr]:
            setattr(event, attr, clean[attr])
            changed.append(attr)
    if "starts_at" in changed and event.agenda:
        event.agenda = agenda_at(event.agenda, event.starts_at)
    for attr in ("description", "venue", "registration_closes_at", "waitlist", "segments", "questions", "goals"):
        value = getattr(data, attr)
        if value is not None and getattr(event, attr) != value:
            setattr(event, attr, value.strip() if isinstance(value, str) else value)
            changed.append(attr)
    for attr in ("budget", "actual_cost"):
        if getattr(data, attr) is not None and getattr(event, attr) != clean[attr]:
            setattr(event, attr, clean[attr])
            changed.append(attr)
    if clean["offers"] is not None:
        set_offers(event, clean["offers"])
        changed.append("offer_ids")
    db.session.flush()
    if "capacity" in changed or "waitlist" in changed:
        from_waitlist = promote_waitlist(event)
        if from_waitlist:
            changed.append(f"promoted:{len(from_waitlist)}")
    moved = [attr for attr in CHANGE_NOTIFIED if attr in changed]
    if moved and event.status == "published":
        changed.append(f"notified:{notify_change(event, moved)}")
    if changed:
        audit.record("event_updated", obj=event, details={"fields": changed})
    return event


# What registrants are told of when it changes after publishing (`event_changed`, API.md): the time and the venue.
CHANGE_NOTIFIED = ("starts_at", "ends_at", "venue")


def notify_change(event: Event, fields: list[str]) -> int:
    """Tell every confirmed or waitlisted registrant the event's new time and venue, once for this change."""
    key = f"{iso(event.starts_at)}|{iso(event.ends_at)}|{event.venue}"[:64]
    active = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(("confirmed", "waitlisted")))
        .order_by(Registration.id))
    notified = 0
    for registration in active:
        event_changed_message(registration, fields, key)
        notified += 1
    db.session.flush()
    return notified


# Which offers an event carries is the alliance's to store (app.events.signals.event_offers).

def set_offers(event: Event, offer_ids: list[int]) -> None:
    event_offers().set_event_offers(event.id, offer_ids)


def attachable_offers() -> list[OfferChoice]:
    """Offers staff may put on an event: running today or later, by partner and title."""
    return event_offers().attachable_offers()


def offer_ids(event: Event) -> list[int]:
    return event_offers().event_offer_ids(event.id)


def offer_ids_many(events: list[Event]) -> dict[int, list[int]]:
    return event_offers().events_offer_ids([event.id for event in events])


def _copy_title(title: str) -> str:
    suffix = _("（副本）")
    return title[:limits.TITLE_MAX - len(suffix)] + suffix


def clone_event(event: Event) -> Event:
    """A new draft with the same design, for running a good event again."""
    copy = Event(
        outlet_id=event.outlet_id, owner_id=getattr(acting_user(), "id", None), template_key=event.template_key,
        title=_copy_title(event.title), description=event.description, venue=event.venue,
        starts_at=event.starts_at, ends_at=event.ends_at, registration_closes_at=event.registration_closes_at,
        capacity=event.capacity, waitlist=event.waitlist, max_party_size=event.max_party_size,
        segments=list(event.segments), questions=list(event.questions), agenda=list(event.agenda),
        materials=list(event.materials), gifts=list(event.gifts), playbook=dict(event.playbook),
        goals=dict(event.goals), budget=event.budget, status="draft", staff_notes=event.staff_notes,
    )
    db.session.add(copy)
    db.session.flush()
    carried = offer_ids(event)
    if carried:
        set_offers(copy, carried)
    audit.record("event_cloned", obj=copy, details={"from": event.id})
    return copy


def delete_draft(event: Event) -> None:
    """Only drafts can be deleted; a published event is cancelled instead, so registrants hear of it."""
    if event.status != "draft":
        raise InvalidTransition(_("只有草稿可以删除；已发布的活动请取消"))
    audit.record("event_deleted", obj=event, details={"title": event.title})
    db.session.delete(event)
    db.session.flush()


def new_slug() -> str:
    while True:
        slug = "".join(secrets.choice(SLUG_ALPHABET) for _ in range(SLUG_LENGTH))
        if db.session.scalar(sa.select(Event.id).where(Event.slug == slug)) is None:
            return slug


def publish(event: Event) -> Event:
    """Open registration: assign the public slug (once) and the self check-in secret."""
    event = lock_for_update(db.session, Event, event.id)
    if event.status == "published":
        return event
    if event.status != "draft":
        raise InvalidTransition(_("只有草稿可以发布"))
    if event.ends_at <= utcnow():
        raise InvalidTransition(_("活动结束时间已过，请先修改时间再发布"))
    event.slug = event.slug or new_slug()
    event.self_checkin_secret = event.self_checkin_secret or secrets.token_urlsafe(24)
    event.status = "published"
    event.published_at = utcnow()
    db.session.flush()
    audit.record("event_published", obj=event, details={"slug": event.slug})
    return event


def cancel_event(event: Event, reason: str | None = None) -> Event:
    """Cancel an event and tell everyone registered (confirmed or waitlisted)."""
    event = lock_for_update(db.session, Event, event.id)
    if event.status == "cancelled":
        return event
    if event.status == "finished":
        raise InvalidTransition(_("已结束的活动不能取消"))
    event.status = "cancelled"
    event.cancelled_at = utcnow()
    active = db.session.scalars(sa.select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(("confirmed", "waitlisted"))))
    notified = 0
    for registration in active:
        event_cancelled_message(registration, reason)
        notified += 1
    db.session.flush()
    audit.record("event_cancelled", obj=event, details={"notified": notified, "reason": reason or ""})
    return event
