"""Choosing the day to hold an event: on or shortly before its occasion, never on a day off.

Each template says which days suit it (free weekends for people who work or
go to school, working days for visits to a workplace, or any). Publishing
needs at least a week, so days that leave time to publish are preferred, but
an occasion is never missed for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.catalogue.holidays import break_start, is_day_off, is_free_weekend, is_working_day
from app.catalogue.occasions import OccasionDate

ONE_DAY = timedelta(days=1)
MIN_PUBLISH_DAYS = 7  # a link and poster need about a week in WeChat groups to fill seats
EVERGREEN_LEAD_DAYS = 14  # planning time for an event that no occasion dictates
SHORTLY_BEFORE_DAYS = 6  # "shortly before" an occasion: within the week ending on it
WEEKEND_REACH_DAYS = 13  # ...or the fortnight, when that week has no free weekend (国庆 2026)
WEEKDAYS = (_l("周一"), _l("周二"), _l("周三"), _l("周四"), _l("周五"), _l("周六"), _l("周日"))
_SUITS = {"weekend": is_free_weekend, "workday": is_working_day}


def weekday_name(day: date) -> str:
    return str(WEEKDAYS[day.weekday()])


def month_day(day: date) -> str:
    return _("%(month)d 月 %(day)d 日", month=day.month, day=day.day)


def suits(prefer: str, day: date) -> bool:
    """Whether `day` is the kind of day a template prefers ("weekend", "workday" or "any")."""
    check = _SUITS.get(prefer)
    return check(day) if check is not None else not is_day_off(day)


def pick_day(first: date, last: date, *, ready: Sequence[date], prefer: str, latest: bool) -> date | None:
    """The best day in [first, last] that is not a day off, or None.

    Preference, strongest first: the kind of day the template wants (`prefer`:
    weekend, workday or any), then being on or after each `ready` threshold in
    turn; among equals the latest day (occasions) or the earliest (seasons,
    evergreen events).
    """
    days = [first + n * ONE_DAY for n in range((last - first).days + 1)]
    days = [day for day in days if not is_day_off(day)]
    if latest:
        days.reverse()
    for need_suit in (True, False) if prefer in _SUITS else (False,):
        for threshold in (*ready, None):
            for day in days:
                if need_suit and not suits(prefer, day):
                    continue
                if threshold is not None and day < threshold:
                    continue
                return day
    return None


def occasion_day_slot(item: OccasionDate, *, floor: date, ref: date, prefer: str) -> date | None:
    """A day on or within a week before a single-day occasion, before its holiday break if any."""
    latest = item.date
    if is_day_off(latest):
        latest = break_start(latest) - ONE_DAY
    ready = (ref + MIN_PUBLISH_DAYS * ONE_DAY,)
    first = max(floor, latest - SHORTLY_BEFORE_DAYS * ONE_DAY)
    if first > latest:
        return None  # every suitable day has already passed
    day = pick_day(first, latest, ready=ready, prefer=prefer, latest=True)
    if day is not None and prefer == "weekend" and not suits(prefer, day):
        # A weekday right before a long break suits families less than the weekend a week earlier.
        wider = pick_day(max(floor, latest - WEEKEND_REACH_DAYS * ONE_DAY), latest, ready=ready,
                         prefer=prefer, latest=True)
        if wider is not None and suits(prefer, wider):
            return wider
    return day


def season_slot(item: OccasionDate, lead_days: int, *, floor: date, last: date, ref: date,
                prefer: str) -> date | None:
    """The earliest good day inside the season and the window, ideally a full lead time away."""
    first = max(floor, item.date)
    last = min(last, item.end)
    if first > last:
        return None
    ready = (ref + lead_days * ONE_DAY, ref + MIN_PUBLISH_DAYS * ONE_DAY)
    return pick_day(first, last, ready=ready, prefer=prefer, latest=False)


def evergreen_slot(*, floor: date, last: date, ref: date, prefer: str) -> date | None:
    """The earliest good day in the window that leaves the usual planning time."""
    ready = (ref + EVERGREEN_LEAD_DAYS * ONE_DAY, ref + MIN_PUBLISH_DAYS * ONE_DAY)
    return pick_day(floor, last, ready=ready, prefer=prefer, latest=False)


# --- a template's day and hours, for the form that starts an event from it --------------------------

DEFAULT_HOURS = (time(14, 0), time(16, 0))  # a template without an agenda: an afternoon
CLOSING_WORDS = ("结束", "全部结束")  # an agenda's last item that marks the end rather than a last step
LAST_ITEM_MINUTES = 30  # how long a last step that is not the end takes
FIRST_DAY_LEAD = 14  # a new event needs about two weeks to fill its seats
SEARCH_DAYS = 60


def _clock(text: str) -> time | None:
    try:
        return datetime.strptime(text, "%H:%M").time()
    except (TypeError, ValueError):
        return None


def template_hours(template: dict) -> tuple[time, time]:
    """When an event from this template starts and ends: its agenda's first item, and its close.

    The last agenda item is the end when it says so (结束…); otherwise it is a last step that takes
    half an hour.
    """
    agenda = [item for item in template.get("agenda") or [] if _clock(item.get("time"))]
    if not agenda:
        return DEFAULT_HOURS
    start, last = _clock(agenda[0]["time"]), _clock(agenda[-1]["time"])
    assert start is not None and last is not None  # the agenda kept only items with a clock time
    end = datetime.combine(date.min, last)
    if not str(agenda[-1].get("item", "")).startswith(CLOSING_WORDS) or last <= start:
        end += timedelta(minutes=LAST_ITEM_MINUTES)
    return start, end.time() if end.date() == date.min else time(23, 59)


def template_schedule(template: dict, chosen: date | None, today: date) -> tuple[datetime, datetime]:
    """The naive local start and end the form proposes for a new event from `template`.

    A day picked on the calendar (`chosen`) is kept as it is; otherwise the first day at least two
    weeks ahead that suits the template (a free weekend, a working day, or any day not off).
    """
    day = chosen
    if day is None:
        first = today + FIRST_DAY_LEAD * ONE_DAY
        prefer = template.get("preferred_days") or "any"
        day = next((first + n * ONE_DAY for n in range(SEARCH_DAYS) if suits(prefer, first + n * ONE_DAY)), first)
    start, end = template_hours(template)
    return datetime.combine(day, start), datetime.combine(day, end)
