"""Which days are statutory days off, make-up working days (调休) or ordinary weekends.

lunar-python ships the State Council's announced holiday arrangements; for a
year it has no data for (the announcement comes each November), the usual
shape of each break is assumed instead, without make-up working days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache, lru_cache

from lunar_python.util import HolidayUtil

from app.catalogue import occasions

ONE_DAY = timedelta(days=1)

# Days before and after the occasion that the break usually covers, from recent announcements
# (春节 from 除夕 to 初六, 劳动节 1-5 May, 国庆 1-7 October); other holidays are one day,
# stretched over an adjoining weekend below.
_TYPICAL_BREAK: dict[str, tuple[int, int]] = {
    "spring_festival": (1, 6),
    "labour_day": (0, 4),
    "national_day": (0, 6),
}


@cache
def _has_official_data(year: int) -> bool:
    return bool(HolidayUtil.getHolidays(year))


@lru_cache(maxsize=4096)  # ranking a year-long window asks about the same days many times
def _official(day: date):
    return HolidayUtil.getHoliday(day.year, day.month, day.day)


@cache
def _assumed_days_off(year: int) -> frozenset[date]:
    days: set[date] = set()
    for neighbour in (year - 1, year, year + 1):  # a break can cross New Year
        for item in occasions.occasion_dates(neighbour):
            if item.occasion.public_holiday:
                days |= _assumed_break(item.key, item.date)
    return frozenset(day for day in days if day.year == year)


def _assumed_break(key: str, day: date) -> set[date]:
    before, after = _TYPICAL_BREAK.get(key, (0, 0))
    first, last = day - before * ONE_DAY, day + after * ONE_DAY
    while (first - ONE_DAY).weekday() >= 5:
        first -= ONE_DAY
    while (last + ONE_DAY).weekday() >= 5:
        last += ONE_DAY
    return {first + n * ONE_DAY for n in range((last - first).days + 1)}


@lru_cache(maxsize=4096)
def is_day_off(day: date) -> bool:
    """True on a statutory holiday (including the weekend days swallowed by its break)."""
    if _has_official_data(day.year):
        holiday = _official(day)
        return holiday is not None and not holiday.isWork()
    return day in _assumed_days_off(day.year)


def is_makeup_workday(day: date) -> bool:
    """True on a weekend day that has been declared a working day (调休)."""
    holiday = _official(day) if _has_official_data(day.year) else None
    return holiday is not None and holiday.isWork()


def is_free_weekend(day: date) -> bool:
    """A Saturday or Sunday when customers are off but not away on a holiday break."""
    return day.weekday() >= 5 and not is_day_off(day) and not is_makeup_workday(day)


def is_working_day(day: date) -> bool:
    """A day offices and schools are open: Monday to Friday or a make-up day, and not a day off."""
    return not is_day_off(day) and (day.weekday() < 5 or is_makeup_workday(day))


def add_working_days(start: date, days: int) -> date:
    """The day `days` working days after `start` (days off skipped, make-up days counted)."""
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if is_working_day(day):
            left -= 1
    return day


def break_start(day: date) -> date:
    """The first day of the holiday break containing `day` (`day` itself when it is not a day off)."""
    if not is_day_off(day):
        return day
    while is_day_off(day - ONE_DAY):
        day -= ONE_DAY
    return day
