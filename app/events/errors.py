"""Domain errors of events and registration, with the codes of API.md."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.errors import DomainError


class EventFull(DomainError):
    code = "event_full"
    default_message = _l("名额已满，感谢关注")


class RegistrationClosed(DomainError):
    code = "registration_closed"
    default_message = _l("报名已截止")


class InvalidTransition(DomainError):
    code = "invalid_state"
    default_message = _l("活动当前状态不允许此操作")


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"
    default_message = _l("已签到的报名不能取消")
