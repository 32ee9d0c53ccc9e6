from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.events.models import Event
from app.extensions import Model
from app.models import IdMixin, TimestampMixin
from app.org.models import Branch, Outlet


class Campaign(IdMixin, TimestampMixin, Model):
    """A campaign (e.g. 中秋) a branch pushes to its outlets: one event per outlet, made from one template.

    The campaign's title, dates and capacity are the defaults of each outlet's draft; each outlet then
    adjusts its own event (venue, time) and publishes it. The campaign keeps no figures of its own: its
    results are its events' results.
    """

    __tablename__ = "campaigns"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
    )

    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    template_key: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(120))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int]
    waitlist: Mapped[bool] = mapped_column(default=True)
    # Makes a form posted twice (or a retried API call) one campaign: the form's hidden key or the
    # API's Idempotency-Key header; unique, so two racing requests cannot both insert.
    request_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    branch: Mapped[Branch | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[CampaignEvent]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                      order_by="CampaignEvent.id")

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.title}>"


class CampaignEvent(IdMixin, Model):
    """One outlet's event of a campaign: at most one per outlet (a double submit cannot make two)."""

    __tablename__ = "campaign_events"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "outlet_id"),)

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    # An outlet may delete its draft; the campaign then shows that outlet as having no event.
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True)

    campaign: Mapped[Campaign] = relationship(back_populates="items")
    outlet: Mapped[Outlet] = relationship()
    event: Mapped[Event] = relationship()
