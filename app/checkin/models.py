from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.events.models import Registration
from app.extensions import Model
from app.models import IdMixin, utcnow

CHECKIN_METHODS = ("scan", "link", "search", "walk_in", "self")
CHECKIN_KINDS = ("checkin", "undo")


class CheckIn(IdMixin, Model):
    """The append-only check-in history: every check-in and every undo is a row.

    The registration's current state (`checked_in_at`) is derived from it in
    the same transaction. A client nonce makes a retried scan recognisable.
    """

    __tablename__ = "checkins"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('checkin', 'undo')", name="kind"),
        sa.CheckConstraint("method IN ('scan', 'link', 'search', 'walk_in', 'self')", name="method"),
        sa.Index("ix_checkins_event_at", "event_id", "at"),
    )

    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(8), default="checkin")
    method: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    device: Mapped[str | None] = mapped_column(sa.String(120))
    nonce: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    registration: Mapped[Registration] = relationship()
    user: Mapped[User | None] = relationship()
