"""Helpers for follow-up tests: events that already happened, check-ins, walk-ins."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.checkin.models import CheckIn
from app.events.models import Event, Registration
from app.events.registration import RegistrationInput, register
from app.extensions import db
from app.models import utcnow


class Happenings:
    """Bring events into the past and people through the door, the way the check-in records them."""

    def move_to_past(self, event: Event, *, ended_hours_ago: float = 1, hours: float = 2) -> Event:
        # publish() refuses events that are over, so tests publish first and then move the clock back.
        ends = utcnow().replace(microsecond=0) - timedelta(hours=ended_hours_ago)
        event.starts_at, event.ends_at = ends - timedelta(hours=hours), ends
        db.session.commit()
        return event

    def check_in(self, registration: Registration, method: str = "scan") -> Registration:
        at = utcnow()
        db.session.add(CheckIn(registration_id=registration.id, event_id=registration.event_id, kind="checkin",
                               method=method, at=at))
        registration.checked_in_at, registration.checkin_method = at, method
        db.session.commit()
        return registration

    def walk_in(self, event: Event, name: str, phone: str, party_size: int = 1) -> Registration:
        registration, _created = register(event, RegistrationInput(name=name, phone=phone, party_size=party_size),
                                          source="walk_in", allow_over_capacity=True)
        db.session.flush()
        return self.check_in(registration, method="walk_in")

    def cancel(self, registration: Registration) -> Registration:
        registration.status, registration.cancelled_at = "cancelled", utcnow()
        db.session.commit()
        return registration


@pytest.fixture
def happen() -> Happenings:
    return Happenings()
