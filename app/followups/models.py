from __future__ import annotations

import builtins
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.customers.models import Customer
from app.events.models import Event, Registration
from app.extensions import Model
from app.models import IdMixin, JSONType, TimestampMixin, utcnow

LISTS = ("maintain", "prospect", "winback")
STATUSES = ("open", "contacted", "converted", "unreachable", "closed")


class FollowUp(IdMixin, TimestampMixin, Model):
    """One piece of follow-up work: a person, a list, an owner, a due date.

    Finishing an event creates sequence 1 per registration and list; a unique
    constraint (not a check in Python) makes finishing twice harmless. Recording
    a next contact date creates sequence 2, 3 … for the same registration.
    """

    __tablename__ = "followups"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "list", "sequence", name="uq_followups_registration_list_seq"),
        sa.CheckConstraint("list IN ('maintain', 'prospect', 'winback')", name="list"),
        sa.CheckConstraint("status IN ('open', 'contacted', 'converted', 'unreachable', 'closed')", name="status"),
        sa.Index("ix_followups_assignee_due", "assignee_id", "status", "due_date"),
        sa.Index("ix_followups_outlet_due", "outlet_id", "due_date"),
        # an event's (or a period's) conversions: the converted items of each event with their amounts, read
        # from the index alone on PostgreSQL (the dashboard over a branch's year, docs/performance.md)
        sa.Index("ix_followups_event_status", "event_id", "status", postgresql_include=["outcome_amount"]),
    )

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"))
    list: Mapped[str] = mapped_column(sa.String(16))
    sequence: Mapped[int] = mapped_column(default=1)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    talking_points: Mapped[builtins.list] = mapped_column(JSONType, default=lambda: [])  # `list` is a column here
    outcome_product: Mapped[str | None] = mapped_column(sa.String(32))
    outcome_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    note: Mapped[str | None] = mapped_column(sa.Text)
    # Why it was closed without outreach: "erased" (the person's data was erased) or "consent_withdrawn".
    closed_reason: Mapped[str | None] = mapped_column(sa.String(32))
    done_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration] = relationship()
    customer: Mapped[Customer] = relationship()
    assignee: Mapped[User | None] = relationship()


class FollowUpContact(IdMixin, Model):
    """A recorded contact attempt on a follow-up (append-only)."""

    __tablename__ = "followup_contacts"

    followup_id: Mapped[int] = mapped_column(sa.ForeignKey("followups.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
