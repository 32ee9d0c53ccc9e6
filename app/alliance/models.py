from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import IdMixin, TimestampMixin

PARTNER_STATUSES = ("active", "paused", "ended")


class Partner(IdMixin, TimestampMixin, db.Model):
    """A partner merchant of the cross-industry alliance (异业联盟商户)."""

    __tablename__ = "partners"
    __table_args__ = (
        sa.CheckConstraint("status IN ('active', 'paused', 'ended')", name="status"),
    )

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    category: Mapped[str] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    contact_name: Mapped[str | None] = mapped_column(sa.String(50))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20))
    agreement_start: Mapped[date | None]
    agreement_end: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(16), default="active")

    def __repr__(self) -> str:
        return f"<Partner {self.code}>"
