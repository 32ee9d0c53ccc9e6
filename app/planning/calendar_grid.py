"""The planning calendar laid out for a page: weeks of days with occasions, seasons, days off and events.

Pure arrangement of what the catalogue's calendar (occasions, holidays) and the outlet's events say;
no rule is decided here. Weeks start on Monday, as Chinese calendars do.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from lunar_python import Solar

from app.catalogue.queries import OccasionDate, is_day_off, is_makeup_workday, occasion_dates, occurrences
from app.timefmt import to_local

# Cells are about 48 px wide on a phone: long names get the short form people use.
SHORT_NAMES = {"consumer_rights_day": "3·15"}
MAX_BANDS = 3  # season bands drawn under a day; a month rarely has more than two campaign seasons
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


def short_name(item: OccasionDate) -> str:
    return SHORT_NAMES.get(item.key, item.name)


def lunar_label(day: date) -> str:
    """What a Chinese wall calendar prints under the day: the solar term, the lunar month on its 1st, else 初八."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    if lunar.getJieQi():
        return lunar.getJieQi()
    if lunar.getDay() == 1:
        return f"{lunar.getMonthInChinese()}月"
    return lunar.getDayInChinese()


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    day_off: bool  # statutory holiday (休)
    makeup: bool  # weekend made a working day (班)
    lunar: str = ""
    occasions: list[OccasionDate] = field(default_factory=list)
    bands: list[int] = field(default_factory=list)  # indexes into the month's seasons
    events: list = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.day.isoformat()


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    seasons: list[OccasionDate]  # campaign seasons overlapping the month, in band order
    days: list[CalendarDay]  # the month's days that have an occasion or an event (the agenda)
    events: list

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)


def _local_day(event) -> date:
    return to_local(event.starts_at).date()


def _day(day: date, month: int, today: date, *, with_lunar: bool) -> CalendarDay:
    return CalendarDay(day=day, in_month=day.month == month, is_today=day == today, day_off=is_day_off(day),
                       makeup=is_makeup_workday(day), lunar=lunar_label(day) if with_lunar else "")


def month_grid(year: int, month: int, today: date, events_between: Callable[[date, date], list],
               *, with_lunar: bool = True) -> MonthGrid:
    """The month as full weeks (neighbouring months' days included, marked), with the agenda of its days."""
    weeks = _WEEKS.monthdatescalendar(year, month)
    first_shown, last_shown = weeks[0][0], weeks[-1][-1]
    found = occurrences(first_shown, last_shown)
    month_first = date(year, month, 1)
    month_last = date(year, month, calendar.monthrange(year, month)[1])
    seasons = [item for item in found if item.occasion.is_season and item.overlaps(month_first, month_last)]
    events = events_between(first_shown, last_shown)
    by_day: dict[date, list] = {}
    for event in events:
        by_day.setdefault(_local_day(event), []).append(event)
    grid = []
    for week in weeks:
        row = []
        for day in week:
            cell = _day(day, month, today, with_lunar=with_lunar)
            cell.occasions = [item for item in found if not item.occasion.is_season and item.date == day]
            cell.bands = [i for i, season in enumerate(seasons[:MAX_BANDS]) if season.date <= day <= season.end]
            cell.events = by_day.get(day, [])
            row.append(cell)
        grid.append(row)
    agenda = [cell for week in grid for cell in week if cell.in_month and (cell.occasions or cell.events)]
    month_events = [e for e in events if month_first <= _local_day(e) <= month_last]
    return MonthGrid(year=year, month=month, weeks=grid, seasons=seasons, days=agenda, events=month_events)


@dataclass
class MonthSummary:
    """One month of the year overview: a small grid of day marks and the list of what starts in it."""

    year: int
    month: int
    weeks: list[list[CalendarDay | None]]
    occasions: list[OccasionDate]  # occasions (and seasons) starting this month
    events: list

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def year_overview(year: int, today: date, events: Iterable) -> list[MonthSummary]:
    """Twelve months: each with its occasions, the outlet's events and a mini grid marking both."""
    starting = occasion_dates(year)
    by_day: dict[date, list] = {}
    for event in events:
        by_day.setdefault(_local_day(event), []).append(event)
    months = []
    for month in range(1, 13):
        occasion_days = {item.date for item in starting if not item.occasion.is_season and item.date.month == month}
        weeks = []
        for week in _WEEKS.monthdatescalendar(year, month):
            row: list[CalendarDay | None] = []
            for day in week:
                if day.month != month:
                    row.append(None)
                    continue
                cell = _day(day, month, today, with_lunar=False)
                cell.events = by_day.get(day, [])
                if day in occasion_days:
                    cell.occasions = [item for item in starting if item.date == day and not item.occasion.is_season]
                row.append(cell)
            weeks.append(row)
        month_events = [e for day, items in sorted(by_day.items()) if day.month == month for e in items]
        months.append(MonthSummary(year=year, month=month, weeks=weeks, events=month_events,
                                   occasions=[item for item in starting if item.date.month == month]))
    return months
