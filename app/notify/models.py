from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, JSONType, utcnow

# Every state a message can be in: written 'pending'; a sender hands it to the gateway ('sent', or after
# MAX_ATTEMPTS refusals 'failed'); the gateway's receipt says 'delivered' or 'failed'; erasing a person or
# cancelling a message before it went makes it 'cancelled'.
STATUSES = ("pending", "sent", "delivered", "failed", "cancelled")


def new_external_id() -> str:
    """The id the SMS platform knows a message by: unguessable, the same on every retry."""
    return secrets.token_hex(12)


class Notification(IdMixin, Model):
    """The outbox: a message to send, written in the business transaction.

    A sender (log, the bank's SMS platform over HTTP, SMTP for staff) delivers pending rows outside the
    request, so a slow gateway never blocks a registration.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'delivered', 'failed', 'cancelled')", name="status"),
        sa.Index("ix_notifications_status_created", "status", "created_at"),
        # "was the ticket re-sent in the last 10 minutes?" (app/events/tickets.py) and a ticket's messages
        sa.Index("ix_notifications_registration_kind", "registration_id", "kind"),
        # the sender's question: pending rows that are due (next_attempt_at null or past)
        sa.Index("ix_notifications_status_next_attempt", "status", "next_attempt_at"),
        # invitations: "was this phone invited in the last 7 days?" (app/events/invitations.py), asked per customer
        sa.Index("ix_notifications_recipient_kind_created", "recipient", "kind", "created_at"),
    )

    kind: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(16), default="sms")
    recipient: Mapped[str] = mapped_column(sa.String(120))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registrations.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # The message's id at the SMS platform ("id" in the gateway's JSON and its receipts); every retry
    # sends the same one, so the platform can drop a repeat.
    external_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_external_id)
    # Not before this moment: a retry's backoff, quiet hours, or a sender's claim (the row is then
    # being sent). Null means now.
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    # The mapper finds events' Registration by name: notify, below every feature, imports none of them
    # (so its type is not spelled here either).
    registration: Mapped[Any] = relationship("Registration")


class OptOut(IdMixin, Model):
    """A phone that replied T, TD, R or 退订: no invitations to it any more (messages about what the person
    did themselves still go)."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(sa.String(11), unique=True)
    keyword: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
