"""Domain errors of check-in, with fixed codes; each carries the scanner's `result` word too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import DomainError


class NotConfirmed(DomainError):
    """A waitlisted or cancelled registration cannot be checked in."""

    code = "not_confirmed"
    default_message = _l("该报名未确认，不能签到")


class WrongEvent(DomainError):
    """The scanner page of one event was shown a ticket of another."""

    code = "wrong_event"
    default_message = _l("这不是本场活动的票")


class EventNotOpen(DomainError):
    """Check-in happens while the event is published: not for drafts, finished or cancelled events."""

    code = "event_not_open"
    default_message = _l("活动已结束或已取消，不能签到")


class NotCheckedIn(DomainError):
    code = "not_checked_in"
    default_message = _l("该报名尚未签到，无需撤销")


class CheckInClosed(DomainError):
    """Self check-in outside the event's check-in window."""

    code = "checkin_closed"
    default_message = _l("现在不在签到时间内")


class CodeExpired(DomainError):
    """A venue QR of another day (or a made-up one)."""

    status = 410
    code = "code_expired"
    default_message = _l("签到码已过期，请扫描现场当天的二维码")


class NotRegistered(DomainError):
    status = 404
    code = "not_registered"
    default_message = _l("没有找到这个手机号的报名，请联系现场工作人员")


class NotEventDay(DomainError):
    """A check-in on another day than the event's: refused until staff confirm it (`confirm_outside_day`)."""

    code = "not_event_day"
    default_message = _l("今天不是活动日，请确认后再签到")


class UndoNotAllowed(DomainError):
    """Staff undo only their own check-in, within UNDO_WINDOW; managers and admins any time."""

    status = 403
    code = "undo_not_allowed"
    default_message = _l("只能撤销自己刚刚完成的签到，如需更正请联系网点负责人")
