from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models import IdMixin, JSONType, utcnow


class AuditEntry(IdMixin, Model):
    """Who did what to which object, when and from where. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_at", "at"),)

    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Kept as text too: failed logins name a user who may not exist.
    actor_username: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    outlet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outlets.id", ondelete="SET NULL"), index=True)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
