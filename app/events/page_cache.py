"""The public registration page, rendered once per (event version, locale, seat state) and filled per visitor.

Rendering `/e/<slug>` through Jinja, WTForms, Babel and url_for cost 3.7–4.4 ms CPU (issue 18), yet for
the visitors that matter (anonymous people from a poster or a WeChat group) the page differs between
them only in three places: the CSRF token, the `ref` of the invitation link they followed and the
number of seats left. So the page is rendered once with markers in those places, kept per worker, and
each visitor gets a copy with the markers replaced.

What the key holds, and why the page never says anything wrong:
- the event's and its outlet's `updated_at` (TimestampMixin's onupdate: every ORM edit and every Core
  UPDATE of either row moves it): title, times, venue, description, questions, party size, capacity,
  waitlist, the outlet's name in the heading and the consent text;
- its status and whether registration is still open (the deadline passes without an edit);
- the seat state: seats left / full with a waitlist / full without (the form, its button and the
  notice differ between them). The seat *count* is not in the key: it is read per request, in the same
  statement as the version, and written into the page, so it is never stale and a registration does
  not throw the page away;
- the locale (session["lang"], the locale switch), the request's host (og:image and og:url name it
  when BASE_URL is unset), BASE_URL and whether CSRF is on.
Templates, translations and asset fingerprints are fixed for a worker's life (a deploy restarts it).
Anything else on the page comes from the request and takes the full render instead: a signed-in user
(the staff tab bar), flashed messages, a POST (typed values, field errors), debug mode (templates
reload from disk).
"""

from __future__ import annotations

import secrets
from typing import cast

import sqlalchemy as sa
from flask import current_app, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from app.events.models import PUBLIC_STATUSES, Event
from app.events.registration import registration_is_open
from app.extensions import db
from app.org.models import Outlet

# Markers the template is rendered with: private-use characters and a per-worker nonce, so nothing an
# event's organiser types can collide with them (and markupsafe leaves them alone).
_NONCE = secrets.token_hex(6)
CSRF_MARK = f"\ue000csrf{_NONCE}\ue000"
SEATS_MARK = f"\ue000seats{_NONCE}\ue000"
REF_MARK = f"\ue000ref{_NONCE}\ue000"
_REF_INPUT = '<input type="hidden" name="ref" value="{}">'  # as register.html writes it
MAX_PAGES = 512  # events × locales × seat states a worker keeps; ~10 KB each

# One statement per cached page: the version of what the page shows, and the seats taken. Built once
# with a bind parameter (SQLAlchemy's compiled cache), read as plain rows (no ORM identity map).
_STATE = (sa.select(Event.id, Event.updated_at, Event.status, Event.capacity, Event.waitlist, Event.ends_at,
                    Event.registration_closes_at, Outlet.updated_at.label("outlet_updated_at"),
                    Event.seats_taken)
          .join(Outlet, Outlet.id == Event.outlet_id).where(Event.slug == sa.bindparam("slug")))


def seats_text(seats_left: int, waitlist: bool) -> str:
    """What the page says under 名额."""
    if seats_left > 0:
        return _("剩余 %(n)d 个", n=seats_left)
    return _("已满，可报名候补") if waitlist else _("已满")


def _seat_state(seats_left: int, waitlist: bool) -> str:
    return "open" if seats_left > 0 else ("waitlist" if waitlist else "full")


def cacheable() -> bool:
    """Whether this request may be answered from the cache (see the module's docstring)."""
    return (request.method == "GET" and not current_app.debug and "_flashes" not in session
            and not current_user.is_authenticated)


def _key(event_id, updated_at, outlet_updated_at, status, closed: bool, seat_state: str) -> tuple:
    config = current_app.config  # settings the page is rendered from (tests change them at run time)
    return (event_id, updated_at, outlet_updated_at, status, closed, seat_state, str(get_locale()),
            request.host_url, config.get("BASE_URL"), config.get("WTF_CSRF_ENABLED", True))


def _pages() -> dict:
    return current_app.extensions.setdefault("registration_pages", {})


def lookup(slug: str) -> tuple[str | None, object]:
    """(the page for this visitor, or None) and the state read; None state: no such public event."""
    state = db.session.connection().execute(_STATE, {"slug": slug}).one_or_none()  # Core: no ORM context
    if state is None or state.status not in PUBLIC_STATUSES:
        return None, None
    seats_left = max(0, state.capacity - int(state.seats_taken))
    key = _key(state.id, state.updated_at, state.outlet_updated_at, state.status,
               # the row has the three columns registration_is_open reads (status, ends_at, registration_closes_at)
               not registration_is_open(cast(Event, state)), _seat_state(seats_left, state.waitlist))
    skeleton = _pages().get(key)
    if skeleton is None:
        return None, state
    return fill(skeleton, seats_left, state.waitlist), state


def store(event: Event, seats_left: int, closed: bool, skeleton: str) -> str | None:
    """Keep a page rendered with the markers; None if a marker is missing where the template puts it."""
    form_shown = '<form method="post"' in skeleton
    if skeleton.count(SEATS_MARK) != 1 or (form_shown and skeleton.count(_REF_INPUT.format(REF_MARK)) != 1):
        return None  # the template changed shape: serve it uncached rather than a page with a marker in it
    skeleton = skeleton.replace(_REF_INPUT.format(REF_MARK), REF_MARK)
    pages = _pages()
    if len(pages) >= MAX_PAGES:
        pages.clear()  # old versions of edited events would otherwise stay forever
    pages[_key(event.id, event.updated_at, event.outlet.updated_at, event.status, closed,
               _seat_state(seats_left, event.waitlist))] = skeleton
    return skeleton


def fill(skeleton: str, seats_left: int, waitlist: bool) -> str:
    """This visitor's copy: a CSRF token of their session, the ref they came with, the seats left now."""
    page = skeleton.replace(SEATS_MARK, str(escape(seats_text(seats_left, waitlist))))
    if CSRF_MARK in page:
        page = page.replace(CSRF_MARK, generate_csrf())
    if REF_MARK in page:
        ref = visitor_ref()
        page = page.replace(REF_MARK, _REF_INPUT.format(escape(ref)) if ref else "")
    return page


def visitor_ref() -> str:
    """The referral code of the invitation link followed (`?ref=`, or the form's hidden field)."""
    return (request.values.get("ref") or "").strip()[:16]
