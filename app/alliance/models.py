from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, TimestampMixin, utcnow

if TYPE_CHECKING:
    from app.events.models import Registration

PARTNER_STATUSES = ("active", "paused", "ended")


class Partner(IdMixin, TimestampMixin, Model):
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


ISSUE_TRIGGERS = ("registration", "checkin")
COST_SHARES = ("bank", "partner", "shared")


class Offer(IdMixin, TimestampMixin, Model):
    """A partner's benefit for event attendees; vouchers are issued from it."""

    __tablename__ = "offers"
    __table_args__ = (
        sa.CheckConstraint("issue_on IN ('registration', 'checkin')", name="issue_on"),
        sa.CheckConstraint("cost_share IN ('bank', 'partner', 'shared')", name="cost_share"),
        sa.CheckConstraint("valid_until >= valid_from", name="valid_range"),
        sa.CheckConstraint("total_limit IS NULL OR total_limit >= 1", name="total_limit"),
        sa.CheckConstraint("per_customer_limit IS NULL OR per_customer_limit >= 1", name="per_customer_limit"),
    )

    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    terms: Mapped[str] = mapped_column(sa.Text, default="")
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    issue_on: Mapped[str] = mapped_column(sa.String(16), default="checkin")
    total_limit: Mapped[int | None]
    per_customer_limit: Mapped[int | None]
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    cost_share: Mapped[str] = mapped_column(sa.String(16), default="partner")
    bank_share_percent: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    partner: Mapped[Partner] = relationship()

    if TYPE_CHECKING:  # not a column: attached for the partner page (alliance.partners.with_issued)
        issued: int

    # --- the rule of a usable offer (written here only). In SQL both need `Partner` joined. ---

    @hybrid_method
    def running_on(self, day: date) -> bool:
        """Still offered on `day` or later: switched on, not expired, its partner active (what staff may attach)."""
        return self.active and day <= self.valid_until and self.partner.status == "active"

    @running_on.expression  # hybrid_method.expression changes it in place (`.inplace` is the same object)
    @classmethod
    def _running_on_expression(cls, day) -> sa.ColumnElement[bool]:
        return sa.and_(cls.active, cls.valid_until >= day, Partner.status == "active")

    @hybrid_method
    def usable_on(self, day: date) -> bool:
        """Usable on `day`: running and already valid; only such an offer issues vouchers."""
        return self.running_on(day) and self.valid_from <= day

    @usable_on.expression
    @classmethod
    def _usable_on_expression(cls, day) -> sa.ColumnElement[bool]:
        return sa.and_(cls.running_on(day), cls.valid_from <= day)


class EventOffer(Model):
    """Which offers an event carries (`offer_ids` in the API)."""

    __tablename__ = "event_offers"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class Voucher(IdMixin, Model):
    """One attendee's voucher for one offer; redeemed at most once.

    One per offer per registration (a constraint); redemption is a conditional
    UPDATE on `redeemed_at IS NULL`, so concurrent redemptions have one winner.
    """

    __tablename__ = "vouchers"
    __table_args__ = (
        sa.UniqueConstraint("offer_id", "registration_id", name="uq_vouchers_offer_registration"),
        sa.Index("ix_vouchers_offer_issued", "offer_id", "issued_at"),
    )

    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    offer_id: Mapped[int] = mapped_column(sa.ForeignKey("offers.id"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    redeemed_at: Mapped[datetime | None]
    redeemed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    amount_spent: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))

    offer: Mapped[Offer] = relationship()
    # By name: events.models imports auth.models, which imports this module.
    registration: Mapped[Registration] = relationship("Registration")
