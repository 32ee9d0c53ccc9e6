"""Venue self check-in: a QR at the door; a registered customer confirms with their mobile number.

The QR carries a code derived from the event's secret and today's date, so a
photo of yesterday's sign is useless; it works only inside the check-in
window (from an hour before the start to the end). The pages are rate limited.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.checkin.errors import CheckInClosed, CodeExpired, NotRegistered
from app.checkin.services import Outcome, check_in
from app.customers.phones import InvalidPhone, normalize_mobile
from app.errors import NotFound, ValidationFailed
from app.events.models import Event, Registration
from app.extensions import db
from app.models import utcnow
from app.timefmt import date_text, local_today, to_local
from app.tokens import READABLE_ALPHABET

OPENS_BEFORE = timedelta(hours=1)
CODE_LENGTH = 8  # 25^8 ≈ 1.5·10^11 per event and day; the pages allow a few tries per minute


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    """When self check-in works: from an hour before the start until the end."""
    return event.starts_at - OPENS_BEFORE, event.ends_at


def window_is_open(event: Event, now: datetime | None = None) -> bool:
    opens, closes = checkin_window(event)
    now = now or utcnow()
    return event.status == "published" and opens <= now < closes


def daily_code(event: Event, day: date | None = None) -> str:
    """The venue code of `day` (today, local time): an HMAC of the event's secret, in readable letters."""
    if not event.self_checkin_secret:
        raise NotFound()
    day = day or local_today()
    digest = hmac.new(event.self_checkin_secret.encode(), f"{event.id}:{day.isoformat()}".encode(),
                      hashlib.sha256).digest()
    return "".join(READABLE_ALPHABET[b % len(READABLE_ALPHABET)] for b in digest[:CODE_LENGTH])


def code_day(event: Event, today: date | None = None) -> date:
    """The day whose venue code staff show or print: today during the event, else the event's (next) day.

    A copy printed a week ahead then works on the day; a sign printed after the event is of its last day.
    """
    today = today or local_today()
    first, last = to_local(event.starts_at).date(), to_local(event.ends_at).date()
    return min(max(today, first), last)


def code_is_valid(event: Event, code: str | None) -> bool:
    if not event.self_checkin_secret or not code:
        return False
    return hmac.compare_digest(daily_code(event).encode(), code.strip().upper().encode())


def event_for_code(slug: str, code: str | None) -> Event:
    """The published event a venue QR names; CodeExpired for another day's code or a made-up one."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None or not event.is_public:
        raise NotFound()
    if not code_is_valid(event, code):
        raise CodeExpired()
    return event


def self_check_in(event: Event, code: str | None, phone: str | None) -> Outcome:
    """Check in the registration of `phone` at `event` after the venue code and window are verified."""
    if not code_is_valid(event, code):
        raise CodeExpired()
    if not window_is_open(event):
        opens, closes = checkin_window(event)
        raise CheckInClosed(_closed_message(opens, closes))
    try:
        normalized = normalize_mobile(phone)
    except InvalidPhone:
        raise ValidationFailed(fields={"phone": _phone_message()}) from None
    registration = db.session.scalar(sa.select(Registration).where(Registration.of_phone(event.id, normalized)))
    if registration is None or registration.status == "cancelled":
        raise NotRegistered()
    # The window (an hour before the start to the end) already keeps this to the event itself.
    return check_in(registration, method="self", device="self", confirm_outside_day=True)


def _closed_message(opens: datetime, closes: datetime) -> str:
    start, end = to_local(opens), to_local(closes)
    return _("签到时间为 %(d)s %(a)s 至 %(b)s", d=date_text(start, "MMMd"), a=f"{start:%H:%M}",
             b=f"{end:%H:%M}")


def _phone_message() -> str:
    return _("请填写报名时使用的 11 位手机号")
