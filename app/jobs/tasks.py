"""The scheduled jobs: finish events after they end, the morning digest of follow-ups, sending the outbox."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.auth.models import User
from app.errors import DomainError
from app.events.models import Event
from app.events.services import send_due_reminders
from app.extensions import db
from app.followups.models import FollowUp
from app.followups.services import finish_event
from app.followups.vocabulary import LIST_NAMES
from app.jobs.runner import Job, register
from app.notify.services import deliver_pending, notify
from app.personal_data.services import purge_expired
from app.security import OUTLET_ROLES, run_as_system
from app.timefmt import to_local
from app.unit_of_work import transaction

DIGEST_TOP_ITEMS = 3


def auto_finish(now: datetime) -> dict:
    """Finish published events whose end lies AUTO_FINISH_HOURS in the past; one transaction per event."""
    run_as_system()
    cutoff = now - timedelta(hours=current_app.config["AUTO_FINISH_HOURS"])
    ids = list(db.session.scalars(sa.select(Event.id).where(Event.status == "published", Event.ends_at <= cutoff)
                                  .order_by(Event.ends_at)))
    finished, created, refused = [], 0, []
    for event_id in ids:
        try:
            # A boundary per event: one refused event is rolled back alone, and each finished one is
            # kept (with its event row unlocked) before the next, however the run ends.
            with transaction():
                created += finish_event(db.session.get_one(Event, event_id))
        except DomainError:
            refused.append(event_id)
            continue
        finished.append(event_id)
    return {"finished": finished, "followups_created": created, "refused": refused}


def digest_text(user: User, items: list[FollowUp], today) -> str:
    overdue = sum(1 for f in items if f.due_date < today)
    head = _("%(name)s，您今天有 %(n)d 条跟进待办", name=user.display_name, n=len(items))
    if overdue:
        head += _("（其中逾期 %(n)d 条）", n=overdue)
    tops = []
    for f in items[:DIGEST_TOP_ITEMS]:
        when = _("逾期 %(n)d 天", n=(today - f.due_date).days) if f.due_date < today else _("今天到期")
        tops.append(_("%(name)s（%(list)s，%(event)s，%(when)s）", name=f.customer.name,
                      list=LIST_NAMES[f.list], event=f.event.title, when=when))
    more = _(" 等") if len(items) > DIGEST_TOP_ITEMS else ""
    return _("%(head)s：%(items)s%(more)s。请打开「今日待办」处理。", head=head, items="、".join(tops), more=more)


def followup_digest(now: datetime) -> dict:
    """One message per staff member with due or overdue follow-ups: counts and the most urgent items."""
    today = to_local(now).date()
    items = db.session.scalars(
        sa.select(FollowUp).options(joinedload(FollowUp.customer), joinedload(FollowUp.event))
        .join(User, User.id == FollowUp.assignee_id)
        .where(FollowUp.status == "open", FollowUp.due_date <= today, User.active, User.role.in_(OUTLET_ROLES))
        .order_by(FollowUp.due_date, FollowUp.id)).unique()
    by_user: dict[int, list[FollowUp]] = defaultdict(list)
    for item in items:
        assert item.assignee_id is not None  # joined to its assignee
        by_user[item.assignee_id].append(item)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(by_user))))}
    for user_id, mine in by_user.items():
        user = users[user_id]
        notify("followup_digest", user.username, digest_text(user, mine, today), channel="staff", user=user,
               subject=_("今日跟进待办"), payload={
                   "date": today.isoformat(), "due": len(mine),
                   "overdue": sum(1 for f in mine if f.due_date < today), "ids": [f.id for f in mine[:20]]})
    return {"notified": len(by_user), "items": sum(len(v) for v in by_user.values())}


def staff_email_addresses(user_ids: list[int]) -> dict[int, str]:
    """user id → e-mail address for staff messages (app.notify.signals asks it when sending)."""
    rows = db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids), User.email.is_not(None),
                                                                   User.email != ""))
    return {user_id: email for user_id, email in rows if email}


def event_reminders(now: datetime) -> dict:
    """The day-before (10:00) and 2-hours-before reminders now due, each once per registration."""
    return send_due_reminders(now)


def deliver_notifications(now: datetime) -> dict:
    """Send what is due as of `now` (quiet hours are judged at that moment too)."""
    return deliver_pending(now)


def retention_purge(now: datetime) -> dict:
    """Erase prospects past RETENTION_DAYS (app.personal_data); each erasure and the run are audited."""
    run_as_system()
    result = purge_expired(now)
    return {"erased": len(result.customer_ids), "customer_ids": result.customer_ids[:50]}


def _daily(local: datetime) -> str:
    return local.date().isoformat()


def _digest_period(local: datetime) -> str | None:
    return local.date().isoformat() if local.hour >= current_app.config["DIGEST_HOUR"] else None


def _hourly(local: datetime) -> str:
    return local.strftime("%Y-%m-%dT%H")


def _minutely(local: datetime) -> str:
    return local.strftime("%Y-%m-%dT%H:%M")


register(Job("auto_finish", "finish published events AUTO_FINISH_HOURS after they end (hourly)", _hourly, auto_finish))
register(Job("followup_digest", "each staff member's due follow-ups, once a day from DIGEST_HOUR", _digest_period,
             followup_digest))
register(Job("event_reminders", "reminders: the day before at 10:00 and 2 hours before (every minute)",
             _minutely, event_reminders))
register(Job("deliver_notifications", "send pending notifications (every minute)", _minutely, deliver_notifications))
register(Job("retention_purge", "erase prospects past RETENTION_DAYS (daily)", _daily, retention_purge))
