"""Times: stored in UTC, shown and exchanged in the deployment's time zone, written in the reader's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import current_app, has_request_context
from flask_babel import get_locale

WEEKDAYS = "一二三四五六日"


def local_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


@overload
def to_local(value: datetime) -> datetime: ...
@overload
def to_local(value: None) -> None: ...
@overload
def to_local(value: datetime | None) -> datetime | None: ...
def to_local(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(local_tz())


def reads_chinese() -> bool:
    """Whether this request's reader reads Chinese (the default, and outside a request)."""
    return str(get_locale() or "zh").startswith("zh")


def date_text(value: date, skeleton: str) -> str:
    """A date as the reader's language writes it, from a CLDR skeleton: `yMMMM` gives 2026年12月
    or December 2026, `MMMd` 12月1日 or Dec 1, `y` 2026年 or 2026."""
    return format_skeleton(skeleton, value, locale=get_locale() or "zh_Hans_CN")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the local offset: 2026-09-25T14:00:00+08:00 (API.md)."""
    local = to_local(value)
    return local.isoformat(timespec="seconds") if local else None


def local_now() -> datetime:
    return datetime.now(local_tz())


def local_today() -> date:
    return local_now().date()


def aware(value: datetime) -> datetime:
    """Treat a naive datetime (from a form) as local time."""
    if value.tzinfo is None:
        return value.replace(tzinfo=local_tz())
    return value


def date_cn(value: date | datetime | None) -> str:
    """`9月25日 周五`: how dates read on a phone in China (`Fri 25 Sep` for a reader of English).

    The one date style of pages (the `date_cn` filter) and of messages (composed outside templates).
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    if has_request_context() and not reads_chinese():
        return value.strftime("%a %d %b").replace(" 0", " ")
    return f"{value.month}月{value.day}日 周{WEEKDAYS[value.weekday()]}"


def clock(value: datetime | None, seconds: bool = False) -> str:
    """The local time of day, `14:00` (`14:00:05` with seconds)."""
    local = to_local(value)
    return local.strftime("%H:%M:%S" if seconds else "%H:%M") if local else ""


def datetime_cn(value: datetime | None, seconds: bool = False) -> str:
    """`9月25日 周五 14:00`: a moment, in the same style as `date_cn`."""
    if value is None:
        return ""
    return f"{date_cn(value)} {clock(value, seconds)}"
