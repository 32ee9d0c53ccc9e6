from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, JSONType, utcnow


class Notification(IdMixin, Model):
    """The outbox: a message to send, written in the business transaction.

    A sender (log/console now; SMS and e-mail adapters later) delivers pending
    rows outside the request, so a slow gateway never blocks a registration.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        sa.Index("ix_notifications_status_created", "status", "created_at"),
        # "was the ticket re-sent in the last 10 minutes?" (app/events/tickets.py) and a ticket's messages
        sa.Index("ix_notifications_registration_kind", "registration_id", "kind"),
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

    # The mapper finds events' Registration by name: notify, below every feature, imports none of them
    # (so its type is not spelled here either).
    registration: Mapped[Any] = relationship("Registration")
