"""Statutory days off and the choice of an event day around them."""

from __future__ import annotations

from datetime import date

import pytest

from app.catalogue import holidays
from app.catalogue.holidays import break_start, is_day_off, is_free_weekend, is_makeup_workday, is_working_day
from app.catalogue.occasions import occurrences
from app.catalogue.scheduling import evergreen_slot, occasion_day_slot, pick_day, season_slot


def _occurrence(key: str, start: date, end: date):
    return next(item for item in occurrences(start, end) if item.key == key)


def test_official_arrangements_are_used_where_lunar_python_has_them():
    assert is_day_off(date(2026, 9, 25)) and is_day_off(date(2026, 9, 27))  # 中秋 Fri-Sun
    assert is_makeup_workday(date(2026, 9, 20))  # Sunday worked for 国庆
    assert not is_free_weekend(date(2026, 9, 20)) and is_working_day(date(2026, 9, 20))
    assert is_free_weekend(date(2026, 9, 19))
    assert break_start(date(2026, 10, 5)) == date(2026, 10, 1)
    assert break_start(date(2026, 2, 17)) == date(2026, 2, 15)  # 春节 2026 from the Sunday before 除夕
    assert break_start(date(2026, 9, 24)) == date(2026, 9, 24)  # not a day off: itself


def test_a_year_without_official_data_assumes_the_usual_breaks():
    assert not holidays._has_official_data(2030)
    assert all(is_day_off(date(2030, 10, day)) for day in range(1, 8))
    assert not is_day_off(date(2030, 9, 30))
    assert break_start(date(2030, 10, 4)) == date(2030, 10, 1)
    # 春节 2031 is 23 January: the break starts on 除夕.
    assert break_start(date(2031, 1, 23)) == date(2031, 1, 22)
    # A one-day holiday swallows the weekend next to it: 元旦 2027 is a Friday, 2029 a Monday,
    # and 2034's is a Sunday, so the break starts on Saturday 31 December 2033.
    assert is_day_off(date(2027, 1, 3)) and not is_day_off(date(2027, 1, 4))
    assert is_day_off(date(2028, 12, 30)) and is_day_off(date(2028, 12, 31))
    assert break_start(date(2034, 1, 1)) == date(2033, 12, 31)


def test_pick_day_prefers_the_kind_of_day_then_readiness():
    first, last = date(2026, 9, 14), date(2026, 9, 24)
    ready = (date(2026, 9, 21),)
    assert pick_day(first, last, ready=ready, prefer="weekend", latest=True) == date(2026, 9, 19)
    assert pick_day(first, last, ready=ready, prefer="workday", latest=True) == date(2026, 9, 24)
    assert pick_day(first, last, ready=ready, prefer="any", latest=False) == date(2026, 9, 21)
    # Only days off in range: nothing to pick.
    assert pick_day(date(2026, 10, 1), date(2026, 10, 7), ready=(), prefer="any", latest=True) is None


@pytest.mark.parametrize(("prefer", "expected"), [
    ("weekend", date(2026, 9, 19)),  # the Saturday before 中秋; Sunday the 20th is a make-up working day
    ("workday", date(2026, 9, 24)),  # the last working day before the break
    ("any", date(2026, 9, 24)),
])
def test_public_holiday_occasions_move_before_the_break(prefer, expected):
    item = _occurrence("mid_autumn", date(2026, 9, 1), date(2026, 9, 30))
    ref = date(2026, 8, 20)
    assert occasion_day_slot(item, floor=ref, ref=ref, prefer=prefer) == expected


def test_weekend_plans_reach_back_a_fortnight_when_the_week_before_has_no_free_weekend():
    # 国庆 2026: the week before is the 中秋 break (25-27 September) and working days.
    item = _occurrence("national_day", date(2026, 10, 1), date(2026, 10, 1))
    ref = date(2026, 9, 1)
    assert occasion_day_slot(item, floor=ref, ref=ref, prefer="weekend") == date(2026, 9, 19)
    assert occasion_day_slot(item, floor=ref, ref=ref, prefer="any") == date(2026, 9, 30)
    # Too late for that weekend: the last day before the break will do.
    late = date(2026, 9, 21)
    assert occasion_day_slot(item, floor=late, ref=late, prefer="weekend") == date(2026, 9, 30)


def test_ordinary_occasions_keep_their_day_or_the_weekend_just_before():
    qixi = _occurrence("qixi", date(2026, 8, 1), date(2026, 8, 31))  # Wednesday 19 August
    ref = date(2026, 7, 20)
    assert occasion_day_slot(qixi, floor=ref, ref=ref, prefer="any") == date(2026, 8, 19)
    assert occasion_day_slot(qixi, floor=ref, ref=ref, prefer="weekend") == date(2026, 8, 16)


def test_an_occasion_whose_days_have_passed_has_no_slot():
    item = _occurrence("mid_autumn", date(2026, 9, 1), date(2026, 9, 30))
    assert occasion_day_slot(item, floor=date(2026, 9, 25), ref=date(2026, 9, 25), prefer="any") is None


def test_late_planning_still_lands_before_the_occasion_and_never_before_the_floor():
    item = _occurrence("mid_autumn", date(2026, 9, 1), date(2026, 9, 30))
    day = occasion_day_slot(item, floor=date(2026, 9, 21), ref=date(2026, 9, 21), prefer="weekend")
    assert date(2026, 9, 21) <= day <= date(2026, 9, 24)


def test_seasons_pick_an_early_day_inside_season_and_window():
    season = _occurrence("year_end", date(2026, 12, 1), date(2026, 12, 31))
    ref = date(2026, 11, 1)
    day = season_slot(season, 30, floor=ref, last=date(2026, 12, 31), ref=ref, prefer="weekend")
    assert day == date(2026, 12, 5)  # the first Saturday of December, 34 days ahead
    late = season_slot(season, 30, floor=date(2026, 12, 20), last=date(2026, 12, 31), ref=date(2026, 12, 20),
                       prefer="any")
    assert late == date(2026, 12, 27)  # a week to publish
    assert season_slot(season, 30, floor=date(2027, 1, 2), last=date(2027, 1, 9), ref=date(2027, 1, 2),
                       prefer="any") is None


def test_evergreen_events_leave_two_weeks_when_the_window_allows():
    ref = date(2026, 10, 19)
    assert evergreen_slot(floor=ref, last=date(2026, 11, 30), ref=ref, prefer="any") == date(2026, 11, 2)
    assert evergreen_slot(floor=ref, last=date(2026, 10, 25), ref=ref, prefer="any") == date(2026, 10, 19)
