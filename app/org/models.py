from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models import IdMixin, TimestampMixin


class Outlet(IdMixin, TimestampMixin, Model):
    """A bank outlet (网点): the unit that owns customers, events and staff."""

    __tablename__ = "outlets"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str | None] = mapped_column(sa.String(200))

    def __repr__(self) -> str:
        return f"<Outlet {self.code}>"
