"""What registrants are told, and when: every message goes through the notifier's outbox."""

from __future__ import annotations

from flask_babel import gettext as _

from app.notify.services import notify
from app.templating import format_dt
from app.urls import external_url


def _ticket_url(registration) -> str:
    return external_url("public.ticket", token=registration.ticket_token)


def _when(event) -> str:
    return format_dt(event.starts_at, "%m月%d日 %H:%M")


def new_registration(registration) -> None:
    """Tell a new registrant where they stand (the message is written with the registration).

    Confirmed public registrants get their ticket link, anyone waitlisted is told so; a
    walk-in confirmed at the door gets nothing (the staff member is standing with them).
    """
    event = registration.event
    if registration.status == "waitlisted":
        body = _("【%(outlet)s】「%(title)s」名额已满，您已进入候补名单。有名额空出时会按先后顺序自动为您确认并通知您。"
                 "查看：%(url)s", outlet=event.outlet.name, title=event.title, url=_ticket_url(registration))
        notify("registration_waitlisted", registration.phone, body, event=event, registration=registration)
        return
    if registration.source != "public":
        return
    body = _("【%(outlet)s】%(name)s您好，您已成功报名「%(title)s」，时间 %(when)s，地点 %(venue)s。"
             "入场凭证：%(url)s", outlet=event.outlet.name, name=registration.name, title=event.title,
             when=_when(event), venue=event.venue or _("详见活动页"), url=_ticket_url(registration))
    notify("registration_confirmed", registration.phone, body, event=event, registration=registration)


def waitlist_promoted(registration) -> None:
    event = registration.event
    notify("waitlist_promoted", registration.phone, _(
        "【%(outlet)s】好消息：您候补的「%(title)s」已有名额，报名已确认。时间 %(when)s。入场凭证：%(url)s",
        outlet=event.outlet.name, title=event.title, when=_when(event), url=_ticket_url(registration)),
        event=event, registration=registration)


def registration_cancelled(registration) -> None:
    event = registration.event
    notify("registration_cancelled", registration.phone, _(
        "【%(outlet)s】您已取消「%(title)s」的报名。期待下次相见。", outlet=event.outlet.name, title=event.title),
        event=event, registration=registration)


def event_cancelled_message(registration, reason: str | None) -> None:
    event = registration.event
    notify("event_cancelled", registration.phone, _(
        "【%(outlet)s】很抱歉，「%(title)s」（%(when)s）已取消。%(reason)s给您带来不便，敬请谅解。",
        outlet=event.outlet.name, title=event.title, when=_when(event),
        reason=(reason.strip() + "。") if reason else ""), event=event, registration=registration)


def ticket_resent(registration) -> None:
    """The ticket link again, to the registration's own phone (someone registered that phone once more)."""
    event = registration.event
    if registration.status == "cancelled":
        body = _("【%(outlet)s】您对「%(title)s」（%(when)s）的报名此前已取消，"
                 "查看：%(url)s 如需再次报名，请联系主办网点。",
                 outlet=event.outlet.name, title=event.title, when=_when(event), url=_ticket_url(registration))
    else:
        body = _("【%(outlet)s】您已报名「%(title)s」（%(when)s），入场凭证：%(url)s 如非本人操作，请忽略本短信。",
                 outlet=event.outlet.name, title=event.title, when=_when(event), url=_ticket_url(registration))
    notify("ticket_resent", registration.phone, body, event=event, registration=registration)


def party_size_changed(registration, old: int) -> None:
    event = registration.event
    notify("party_size_changed", registration.phone, _(
        "【%(outlet)s】您报名的「%(title)s」参加人数已由 %(old)d 位改为 %(new)d 位。入场凭证：%(url)s",
        outlet=event.outlet.name, title=event.title, old=old, new=registration.party_size,
        url=_ticket_url(registration)), event=event, registration=registration, payload={"from": old})
