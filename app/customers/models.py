from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import Model
from app.models import IdMixin, TimestampMixin, utcnow
from app.org.models import Outlet
from app.referral_codes import share_code_space

# The purpose of the separate consent invitations need ("愿意接收本网点的活动邀请", API.md): given at a
# registration (its own unticked box) or recorded on import; withdrawn by setting `withdrawn_at`.
MARKETING_PURPOSE = "marketing"
MARKETING_TEXT_VERSION = "2026-12-v1"


class Customer(IdMixin, TimestampMixin, Model):
    """A person an outlet knows: a customer, or a prospect (`is_customer` false).

    One record per mobile number per outlet; the number is stored in its
    11-digit normal form so that registrations find the same person.
    """

    __tablename__ = "customers"
    __table_args__ = (
        sa.UniqueConstraint("outlet_id", "phone", name="uq_customers_outlet_phone"),
        sa.CheckConstraint("tier IN ('standard', 'gold', 'platinum', 'diamond')", name="tier"),
        sa.Index("ix_customers_outlet_name", "outlet_id", "name"),
        sa.Index("ix_customers_phone_last4", "outlet_id", "phone_last4"),
    )

    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(11))
    # Searching by the last four digits is how staff find people at a counter.
    phone_last4: Mapped[str] = mapped_column(sa.String(4))
    tier: Mapped[str] = mapped_column(sa.String(16), default="standard")
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    is_customer: Mapped[bool] = mapped_column(default=True)
    referral_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # Set when the person's data was erased (app.personal_data): the row stays so figures stay, its data is gone.
    erased_at: Mapped[datetime | None]

    outlet: Mapped[Outlet] = relationship()
    owner: Mapped[User | None] = relationship()
    segment_rows: Mapped[list[CustomerSegment]] = relationship(
        cascade="all, delete-orphan", order_by="CustomerSegment.segment", lazy="selectin"
    )
    consents: Mapped[list[Consent]] = relationship(
        cascade="all, delete-orphan", order_by="Consent.given_at.desc()", back_populates="customer"
    )

    @property
    def segments(self) -> list[str]:
        return [row.segment for row in self.segment_rows]

    def set_segments(self, keys: list[str]) -> None:
        wanted = list(dict.fromkeys(keys))
        self.segment_rows = [row for row in self.segment_rows if row.segment in wanted]
        have = {row.segment for row in self.segment_rows}
        self.segment_rows.extend(CustomerSegment(segment=key) for key in wanted if key not in have)


share_code_space(Customer.__table__.c.referral_code)  # a customer's code is never a staff member's


class CustomerSegment(Model):
    """Membership of a customer in a customer group (one row each, so it can be filtered)."""

    __tablename__ = "customer_segments"

    customer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(sa.String(16), primary_key=True, index=True)


class Consent(IdMixin, Model):
    """A recorded consent: what for, which text version was shown, when, through what."""

    __tablename__ = "consents"

    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(200))
    text_version: Mapped[str] = mapped_column(sa.String(32))
    channel: Mapped[str] = mapped_column(sa.String(32))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship(back_populates="consents")

    @classmethod
    def marketing_given(cls, customer_id) -> sa.ColumnElement[bool]:
        """SQL: the customer (a column or a value) holds a marketing consent not withdrawn.

        Withdrawing (PIPL: the ticket's withdraw-consent, erasure) sets `withdrawn_at`, so a consent
        counts only while that is NULL: the one rule invitations ask (`customers.queries`)."""
        return sa.exists().where(cls.customer_id == customer_id, cls.purpose == MARKETING_PURPOSE,
                                 cls.withdrawn_at.is_(None))
