from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.auth.models import User
from app.customers.models import Customer
from app.extensions import Model
from app.models import IdMixin, JSONType, TimestampMixin, utcnow
from app.org.models import Outlet

EVENT_STATUSES = ("draft", "published", "finished", "cancelled")
# Public: customers may see it (its page, its tickets, the venue QR) and it counts as scheduled or held.
# A draft may never be held and a cancelled event was not.
PUBLIC_STATUSES = ("published", "finished")
REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
REGISTRATION_SOURCES = ("public", "walk_in", "staff")
Money = sa.Numeric(12, 2)


class Event(IdMixin, TimestampMixin, Model):
    """A customer event of one outlet: draft → published → finished, or cancelled.

    Questions, agenda and the follow-up playbook are copied from the template
    when the event is created, so later template edits never change an event.
    """

    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("status IN ('draft', 'published', 'finished', 'cancelled')", name="status"),
        sa.CheckConstraint("capacity >= 1", name="capacity"),
        sa.CheckConstraint("max_party_size >= 1", name="max_party_size"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.Index("ix_events_outlet_starts", "outlet_id", "starts_at"),
    )

    outlet_id: Mapped[int] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    template_key: Mapped[str] = mapped_column(sa.String(80), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # public: registration page, posters
    # Internal (from the template's staff_notes): the staff event page only, never a public page,
    # poster, message or public API answer.
    staff_notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    registration_closes_at: Mapped[datetime | None]
    capacity: Mapped[int]
    waitlist: Mapped[bool] = mapped_column(default=True)
    max_party_size: Mapped[int] = mapped_column(default=1)
    segments: Mapped[list] = mapped_column(JSONType, default=list)
    questions: Mapped[list] = mapped_column(JSONType, default=list)
    agenda: Mapped[list] = mapped_column(JSONType, default=list)
    materials: Mapped[list] = mapped_column(JSONType, default=list)
    gifts: Mapped[list] = mapped_column(JSONType, default=list)
    playbook: Mapped[dict] = mapped_column(JSONType, default=dict)
    goals: Mapped[dict] = mapped_column(JSONType, default=dict)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    actual_cost: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(sa.String(16), default="draft", index=True)
    # The public address /e/<slug>: short, random, assigned when published.
    slug: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    # Seeds the daily rotating code of the venue's self check-in QR.
    self_checkin_secret: Mapped[str | None] = mapped_column(sa.String(64))
    published_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # People (party sizes) of the confirmed registrations, kept by the database: triggers on registrations
    # add and subtract as rows are written (migration 4b7e2a9c6d15), so capacity decisions read one column
    # under the event's lock instead of summing every registration. The ORM never writes it (the validator
    # below refuses); read it with `events.registration.seats_taken(event_id)` (a fresh read), or right after
    # the lock refreshed it; a loaded Event's attribute goes stale as soon as a registration is written.
    seats_taken: Mapped[int] = mapped_column(server_default="0")

    outlet: Mapped[Outlet] = relationship()
    owner: Mapped[User | None] = relationship()

    if TYPE_CHECKING:  # not columns: attached for the API's answer (events.api.event_payload)
        counts: dict[str, int]
        offer_ids: list[int]
        registration_url: str | None

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.status} {self.title!r}>"

    @validates("seats_taken")
    def _seats_taken_is_the_databases(self, _key, _value):
        # A value written by the ORM would overwrite the triggers' count with a stale one.
        raise AttributeError("events.seats_taken is kept by the database (triggers on registrations)")

    @hybrid_property
    def is_public(self) -> bool:
        """Published or finished (PUBLIC_STATUSES): the public may see it; planning, the dashboard and partner
        statistics count it. Registering needs more (`registration_is_open`)."""
        return self.status in PUBLIC_STATUSES

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(PUBLIC_STATUSES)


class Registration(IdMixin, Model):
    """One person's registration (with their party) for one event.

    One per phone per event (a database constraint). `checked_in_at` is the
    current check-in state, derived from the append-only check-in history in
    the same transaction that appends to it.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "phone", name="uq_registrations_event_phone"),
        sa.CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status"),
        sa.CheckConstraint("source IN ('public', 'walk_in', 'staff')", name="source"),
        sa.CheckConstraint("party_size >= 1", name="party_size"),
        sa.Index("ix_registrations_event_status", "event_id", "status"),
        sa.Index("ix_registrations_event_last4", "event_id", "phone_last4"),
    )

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    phone: Mapped[str] = mapped_column(sa.String(11))
    phone_last4: Mapped[str] = mapped_column(sa.String(4))
    party_size: Mapped[int] = mapped_column(default=1)
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16))
    source: Mapped[str] = mapped_column(sa.String(16), default="public")
    # Whether this person was already a customer when registering (newcomer otherwise).
    was_customer: Mapped[bool] = mapped_column(default=False)
    # Unguessable (128 bits), not derived from ids: the ticket URL /t/<token>.
    ticket_token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    ref_code: Mapped[str | None] = mapped_column(sa.String(16))
    referrer_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    referrer_customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id", ondelete="SET NULL"))
    consent_version: Mapped[str | None] = mapped_column(sa.String(32))
    over_capacity: Mapped[bool] = mapped_column(default=False)  # a walk-in staff let in past capacity
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checkin_method: Mapped[str | None] = mapped_column(sa.String(16))

    event: Mapped[Event] = relationship()
    customer: Mapped[Customer] = relationship(foreign_keys=[customer_id])
    referrer_user: Mapped[User | None] = relationship(foreign_keys=[referrer_user_id])
    referrer_customer: Mapped[Customer | None] = relationship(foreign_keys=[referrer_customer_id])

    if TYPE_CHECKING:  # not a column: attached for the API's registration list (events.api)
        ticket_url: str

    @property
    def outlet_id(self) -> int:
        return self.event.outlet_id

    # --- the rules every page, API answer, report and dashboard counts by (written here only) ---

    @hybrid_property
    def attended(self) -> bool:
        """Came: a confirmed registration that is checked in (undoing the check-in makes it not attended).

        In SQL: `sa.func.count(Registration.id).filter(Registration.attended)` and the like.
        """
        return self.status == "confirmed" and self.checked_in_at is not None

    @attended.inplace.expression
    @classmethod
    def _attended_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.status == "confirmed", cls.checked_in_at.is_not(None))

    @classmethod
    def of_phone(cls, event_id, phone) -> sa.ColumnElement[bool]:
        """SQL: this phone's registration for the event (at most one: uq_registrations_event_phone), whatever
        its status. `phone` is normalised (11 digits) or a bind parameter."""
        return sa.and_(cls.event_id == event_id, cls.phone == phone)

    @classmethod
    def seats_by_event(cls) -> sa.Subquery:
        """SQL: (event_id, seats) of every event with a confirmed registration, the seats summed from its
        registrations: people (party sizes) of the confirmed ones; waitlisted and cancelled ones hold none.
        The rule `Event.seats_taken` keeps as a counter (the triggers of migration 4b7e2a9c6d15), in the one
        grouped pass `recount_seats_taken` sets it from and tests hold it to."""
        return (sa.select(cls.event_id, sa.func.sum(cls.party_size).label("seats"))
                .where(cls.status == "confirmed").group_by(cls.event_id).subquery("seats_by_event"))


class MessageMark(Model):
    """That a once-only message went to a registration: (registration, kind, key) is written once.

    The reminders job inserts its marks with ON CONFLICT DO NOTHING and messages only the rows it
    inserted, so a reminder goes exactly once however often and on how many hosts the job runs
    (`key`: which reminder for which start time, e.g. `day_before:2026-12-05T14:00:00+08:00`;
    an event moved to another time is reminded of again).
    """

    __tablename__ = "message_marks"

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
