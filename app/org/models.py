from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, TimestampMixin


class Branch(IdMixin, TimestampMixin, Model):
    """A sub-branch (支行): a group of outlets that plans campaigns and compares their results."""

    __tablename__ = "branches"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))

    outlets: Mapped[list[Outlet]] = relationship(back_populates="branch", order_by="Outlet.code")

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"


class Outlet(IdMixin, TimestampMixin, Model):
    """A bank outlet (网点): the unit that owns customers, events and staff."""

    __tablename__ = "outlets"

    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    address: Mapped[str | None] = mapped_column(sa.String(200))
    # The branch (支行) the outlet belongs to; its branch logins see and manage the outlet's data.
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"), index=True)

    branch: Mapped[Branch | None] = relationship(back_populates="outlets")

    def __repr__(self) -> str:
        return f"<Outlet {self.code}>"
