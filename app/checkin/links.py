"""The "any camera" path: a ticket URL opened by a signed-in staff member of the event's outlet.

`ticket_block` is the block check-in adds on top of the public ticket page
(registered in app.checkin's init_app through app.events.signals): what to
offer the outlet's staff; with the user's `checkin_on_open` setting the GET
itself checks the person in.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user

from app.checkin import services
from app.errors import DomainError
from app.events.signals import TicketBlock
from app.security import can, may_see_outlet
from app.unit_of_work import discard


def request_device(page: str) -> str:
    """What the history records as the device: the page used and a short browser string."""
    agent = (request.user_agent.string or "").strip()
    return f"{page} · {agent}"[: services.MAX_DEVICE] if agent else page


def ticket_checkin(registration) -> dict | None:
    """None for anyone but staff of the event's outlet; else what the template shows.

    Keys: `outcome` (a check-in done by this request), `error`, `auto` (the
    user's setting) and `just_done` (the one-tap button was pressed a moment ago).

    Checks in at once (method "link") when the staff member turned on
    "打开票码链接即签到" and the registration can still be checked in.
    """
    if not (current_user.is_authenticated and can(current_user, "checkin.scan")
            and may_see_outlet(registration.event.outlet_id)):
        return None
    state: dict[str, Any] = {"outcome": None, "error": None, "auto": bool(current_user.checkin_on_open),
             "just_done": request.args.get("checkedin") == "1" and registration.checked_in_at is not None}
    can_check_in = (registration.checked_in_at is None and registration.status == "confirmed"
                    and registration.event.status == "published")
    # On another day than the event's, opening the link never checks in by itself: the button asks first.
    state["other_day"] = not services.is_event_day(registration.event)
    if state["other_day"]:
        first, _last = services.event_days(registration.event)
        state["event_date"] = first.isoformat()
    if state["auto"] and can_check_in and not state["other_day"]:
        try:
            state["outcome"] = services.check_in(registration, method="link", device=request_device("link"))
        except DomainError as exc:
            discard()
            state["error"] = exc.message
    return state


def ticket_block(registration, *, staff_view: bool) -> TicketBlock | None:
    """The check-in block of the ticket page, for the outlet's staff (`staff_view`) only."""
    state = ticket_checkin(registration) if staff_view else None
    return TicketBlock("checkin/_ticket_action.html", {"checkin": state}) if state else None
