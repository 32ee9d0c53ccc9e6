"""Retention (PIPL): a prospect's record is erased RETENTION_DAYS after the last event they registered for.

Never a customer's, never while a follow-up is open. The daily job `retention_purge` and `flask privacy
purge` run it (both through services); each erasure is the ordinary one (erasure.erase_customer), and
one audit entry names the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.audit import services as audit
from app.customers.models import Customer
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp
from app.models import utcnow
from app.personal_data.erasure import erase_customer
from app.timefmt import to_local


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
