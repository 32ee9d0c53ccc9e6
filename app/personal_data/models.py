from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.customers.models import Customer
from app.extensions import Model
from app.models import IdMixin, utcnow

REQUEST_KINDS = ("access", "erase")
REQUEST_STATUSES = ("open", "completed")


class PrivacyRequest(IdMixin, Model):
    """A person's request to see (access) or delete (erase) their data, filed with their ticket as proof.

    Due 15 working days after it was filed (PIPL art. 50 asks for a timely answer; the privacy page
    promises 15 working days). It names the customer record only: no copy of the person's data.
    """

    __tablename__ = "privacy_requests"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('access', 'erase')", name="kind"),
        sa.CheckConstraint("status IN ('open', 'completed')", name="status"),
        sa.Index("ix_privacy_requests_outlet_status_due", "outlet_id", "status", "due_date"),
    )

    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"))
    due_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    customer: Mapped[Customer] = relationship()
