"""What registrants and invited customers are told, and when: every message goes through the notifier's outbox.

Every SMS is composed here, and each one keeps the rules of app/sms_text.py: the outbox puts the
【SMS_SIGNATURE】 in front, the whole text stays within two SMS segments (MAX_SMS_CHARS) with the
title shortened first (then the venue, the outlet's name) and never the link, and the date is the
event's real date and weekday (`9月25日 周五 14:00`, app.timefmt). Internal notes (`staff_notes`)
never go into a message.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from app.notify.services import notify
from app.sms_text import fit
from app.timefmt import clock, datetime_cn, to_local
from app.urls import external_url

# The words every invitation ends with (API.md): a reply R opts the phone out (app.notify).
OPT_OUT_FOOTER = "拒收请回复R"
# The two reminders a confirmed registrant gets (payload "mark"): the day before at 10:00, 2 hours before.
DAY_BEFORE, TWO_HOURS = "day_before", "2h"


def ticket_url(registration) -> str:
    return external_url("public.ticket", token=registration.ticket_token)


def _when(event) -> str:
    return datetime_cn(event.starts_at)


def _venue(event) -> str:
    return event.venue or _("详见活动页")


def _texts(event, **more: str) -> dict[str, str]:
    """The parts a message may shorten, in the order they give way: the title first."""
    return {"title": event.title, **more, "venue": _venue(event), "outlet": event.outlet.name}


def _send(kind: str, registration, compose: Callable[..., str], *, payload: dict | None = None,
          **parts: str) -> None:
    event = registration.event
    notify(kind, registration.phone, fit(compose, _texts(event, **parts)), event=event,
           registration=registration, payload=payload)


def new_registration(registration) -> None:
    """Tell a new registrant where they stand (the message is written with the registration).

    Confirmed public registrants get their ticket link, anyone waitlisted is told so; a
    walk-in confirmed at the door gets nothing (the staff member is standing with them).
    """
    event = registration.event
    url, when = ticket_url(registration), _when(event)
    if registration.status == "waitlisted":
        _send("registration_waitlisted", registration, lambda title, venue, outlet: _(
            "%(outlet)s「%(title)s」名额已满，您已进入候补名单，有名额空出时将按先后顺序自动确认并通知您。"
            "查看：%(url)s", outlet=outlet, title=title, url=url))
        return
    if registration.source != "public":
        return
    _send("registration_confirmed", registration, lambda title, name, venue, outlet: _(
        "%(name)s您好，您已成功报名%(outlet)s「%(title)s」，时间 %(when)s，地点 %(venue)s。入场凭证：%(url)s",
        outlet=outlet, name=name, title=title, when=when, venue=venue, url=url), name=registration.name)


def waitlist_promoted(registration) -> None:
    url, when = ticket_url(registration), _when(registration.event)
    _send("waitlist_promoted", registration, lambda title, venue, outlet: _(
        "好消息：您候补的%(outlet)s「%(title)s」已有名额，报名已确认，时间 %(when)s。入场凭证：%(url)s",
        outlet=outlet, title=title, when=when, url=url))


def registration_cancelled(registration) -> None:
    _send("registration_cancelled", registration, lambda title, venue, outlet: _(
        "您已取消%(outlet)s「%(title)s」的报名，期待下次相见。", outlet=outlet, title=title))


def event_cancelled_message(registration, reason: str | None) -> None:
    when = _when(registration.event)
    reason_text = (reason.strip().rstrip("。") + "。") if reason and reason.strip() else ""
    _send("event_cancelled", registration, lambda title, reason, venue, outlet: _(
        "很抱歉，%(outlet)s「%(title)s」（%(when)s）已取消。%(reason)s给您带来不便，敬请谅解。",
        outlet=outlet, title=title, when=when, reason=reason), reason=reason_text)


def ticket_resent(registration) -> None:
    """The ticket link again, to the registration's own phone (someone registered that phone once more)."""
    url, when = ticket_url(registration), _when(registration.event)
    if registration.status == "cancelled":
        compose = lambda title, venue, outlet: _(  # noqa: E731
            "您对%(outlet)s「%(title)s」（%(when)s）的报名此前已取消，查看：%(url)s 如需再次报名，请联系主办网点。",
            outlet=outlet, title=title, when=when, url=url)
    else:
        compose = lambda title, venue, outlet: _(  # noqa: E731
            "您已报名%(outlet)s「%(title)s」（%(when)s），入场凭证：%(url)s 如非本人操作，请忽略本短信。",
            outlet=outlet, title=title, when=when, url=url)
    _send("ticket_resent", registration, compose)


def party_size_changed(registration, old: int) -> None:
    url, new = ticket_url(registration), registration.party_size
    _send("party_size_changed", registration, lambda title, venue, outlet: _(
        "您报名的%(outlet)s「%(title)s」参加人数已由 %(old)d 位改为 %(new)d 位。入场凭证：%(url)s",
        outlet=outlet, title=title, old=old, new=new, url=url), payload={"from": old})


def event_reminder(registration, mark: str, key: str) -> None:
    """A confirmed registrant's reminder: `mark` DAY_BEFORE (at 10:00 the day before) or TWO_HOURS."""
    url, when = ticket_url(registration), _when(registration.event)
    if mark == DAY_BEFORE:
        compose = lambda title, venue, outlet: _(  # noqa: E731
            "温馨提醒：您报名的%(outlet)s「%(title)s」将于明天 %(when)s 开始，地点 %(venue)s。入场凭证：%(url)s",
            outlet=outlet, title=title, when=when, venue=venue, url=url)
    else:
        compose = lambda title, venue, outlet: _(  # noqa: E731
            "温馨提醒：您报名的%(outlet)s「%(title)s」将于今天 %(when)s 开始，地点 %(venue)s。"
            "入场凭证：%(url)s", outlet=outlet, title=title, when=when, venue=venue, url=url)
    _send("event_reminder", registration, compose, payload={"mark": mark, "key": key})


def _span(event) -> str:
    """`12月5日 周六 14:00–16:00` (the end's date too when it is another day)."""
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    return f"{datetime_cn(start)}–{clock(end) if end.date() == start.date() else datetime_cn(end)}"


def event_changed(registration, fields: list[str], key: str) -> None:
    """The time or venue of a published event changed: its new time and place, to a confirmed or waitlisted person."""
    url, when = ticket_url(registration), _span(registration.event)
    compose = lambda title, venue, outlet: _(  # noqa: E731
        "变更：您报名的%(outlet)s「%(title)s」改为 %(when)s，地点 %(venue)s。详情：%(url)s",
        outlet=outlet, title=title, when=when, venue=venue, url=url)
    _send("event_changed", registration, compose, payload={"fields": fields, "key": key})


def invitation_text(event, url: str) -> str:
    """An invitation to a published event for one of the outlet's customers; it ends with the opt-out words."""
    when = _when(event)
    return fit(lambda title, venue, outlet: _(
        "%(outlet)s诚邀您参加「%(title)s」，时间 %(when)s，地点 %(venue)s。报名：%(url)s %(footer)s",
        outlet=outlet, title=title, when=when, venue=venue, url=url, footer=OPT_OUT_FOOTER), _texts(event))
