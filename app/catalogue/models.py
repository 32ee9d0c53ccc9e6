from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, JSONType, TimestampMixin
from app.org.models import Outlet


class OutletTemplate(IdMixin, TimestampMixin, Model):
    """A template an outlet saved from one of its events; shown beside the built-in ones.

    `data` has the same shape as a built-in template (app/catalogue/builtin.py).
    """

    __tablename__ = "outlet_templates"

    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    source_event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    outlet: Mapped[Outlet] = relationship()
