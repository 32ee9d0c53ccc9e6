"""The occasion calendar against known dates and, year by year, against lunar-python itself."""

from __future__ import annotations

import contextvars
from datetime import date

import pytest
from flask import has_app_context
from lunar_python import Lunar

from app.catalogue import occasions
from app.catalogue.occasions import ALL, date_of, get, occasion_dates, occurrences
from app.catalogue.vocabulary import LENSES
from app.org.reference import SEGMENTS

YEARS = range(2025, 2036)
LUNAR = {"spring_festival": (1, 1), "lantern": (1, 15), "dragon_boat": (5, 5), "qixi": (7, 7),
         "mid_autumn": (8, 15), "double_ninth": (9, 9), "laba": (12, 8)}
FIXED = {"new_year": (1, 1), "womens_day": (3, 8), "consumer_rights_day": (3, 15), "labour_day": (5, 1),
         "childrens_day": (6, 1), "teachers_day": (9, 10), "national_day": (10, 1), "double_eleven": (11, 11)}
SEASONS = {"opening_campaign": ((1, 1), (3, 31)), "tax_settlement": ((3, 1), (6, 30)),
           "illegal_fundraising_month": ((6, 1), (6, 30)), "summer_holiday": ((7, 1), (8, 31)),
           "back_to_school": ((8, 20), (9, 15)), "financial_literacy_month": ((9, 1), (9, 30)),
           "year_end": ((12, 1), (12, 31))}
PUBLIC_HOLIDAYS = {"spring_festival", "mid_autumn", "dragon_boat", "national_day", "labour_day", "qingming",
                   "new_year"}


def _solar(solar) -> date:
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _days(key: str, year: int) -> list[date]:
    return [item.date for item in occasion_dates(year) if item.key == key]


@pytest.mark.parametrize(("key", "year", "expected"), [
    ("mid_autumn", 2026, date(2026, 9, 25)),
    ("spring_festival", 2027, date(2027, 2, 6)),
    ("double_ninth", 2027, date(2027, 10, 8)),
    ("winter_solstice", 2026, date(2026, 12, 22)),
    ("mothers_day", 2026, date(2026, 5, 10)),
    ("fathers_day", 2026, date(2026, 6, 21)),
    ("spring_festival", 2026, date(2026, 2, 17)),
    ("mid_autumn", 2025, date(2025, 10, 6)),
    ("dragon_boat", 2026, date(2026, 6, 19)),
    ("lantern", 2026, date(2026, 3, 3)),
    ("qixi", 2026, date(2026, 8, 19)),
    ("double_ninth", 2026, date(2026, 10, 18)),
    ("laba", 2027, date(2027, 1, 15)),
    ("qingming", 2025, date(2025, 4, 4)),
    ("qingming", 2026, date(2026, 4, 5)),
    ("winter_solstice", 2025, date(2025, 12, 21)),
    ("mothers_day", 2027, date(2027, 5, 9)),
    ("fathers_day", 2027, date(2027, 6, 20)),
    ("consumer_rights_day", 2026, date(2026, 3, 15)),
    ("opening_campaign", 2026, date(2026, 1, 1)),
])
def test_known_dates(key, year, expected):
    assert date_of(key, year) == expected


@pytest.mark.parametrize("year", YEARS)
def test_lunar_festivals_match_lunar_python(year):
    for key, (month, day) in LUNAR.items():
        candidates = [_solar(Lunar.fromYmd(ly, month, day).getSolar()) for ly in (year - 1, year)]
        expected = sorted(d for d in candidates if d.year == year)
        assert _days(key, year) == expected, key
    # New Year, the Lantern Festival and the others of the lunar year's first eleven months: exactly one.
    for key in ("spring_festival", "lantern", "dragon_boat", "qixi", "mid_autumn", "double_ninth"):
        assert len(_days(key, year)) == 1, key


@pytest.mark.parametrize("year", YEARS)
def test_solar_terms_match_the_jieqi_table(year):
    table = Lunar.fromYmd(year, 1, 1).getJieQiTable()
    assert _days("qingming", year) == [_solar(table["清明"])]
    # The table names this December's winter solstice DONG_ZHI (its 冬至 is last December's).
    assert _days("winter_solstice", year) == [_solar(table["DONG_ZHI"])]
    assert date(year, 4, 3) <= _days("qingming", year)[0] <= date(year, 4, 6)
    assert date(year, 12, 20) <= _days("winter_solstice", year)[0] <= date(year, 12, 23)


@pytest.mark.parametrize("year", YEARS)
def test_weekday_rules_land_on_the_right_sunday(year):
    mothers, fathers = date_of("mothers_day", year), date_of("fathers_day", year)
    assert mothers.weekday() == 6 and mothers.month == 5 and 8 <= mothers.day <= 14
    assert fathers.weekday() == 6 and fathers.month == 6 and 15 <= fathers.day <= 21


@pytest.mark.parametrize("year", YEARS)
def test_fixed_days_and_seasons(year):
    for key, (month, day) in FIXED.items():
        assert _days(key, year) == [date(year, month, day)], key
    by_key = {item.key: item for item in occasion_dates(year)}
    for key, (first, last) in SEASONS.items():
        item = by_key[key]
        assert (item.date, item.end) == (date(year, *first), date(year, *last)), key
        assert item.occasion.kind == "season"
    for item in occasion_dates(year):
        if item.occasion.kind != "season":
            assert item.end == item.date


def test_laba_can_fall_twice_or_not_at_all_in_a_gregorian_year():
    assert _days("laba", 2022) == [date(2022, 1, 10), date(2022, 12, 30)]
    assert _days("laba", 2023) == []
    assert date_of("laba", 2022) == date(2022, 1, 10)
    with pytest.raises(LookupError):
        date_of("laba", 2023)


def test_every_occasion_of_the_domain_is_there_with_valid_data():
    keys = [o.key for o in ALL]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(LUNAR) | set(FIXED) | set(SEASONS) | {
        "qingming", "winter_solstice", "mothers_day", "fathers_day"}
    for occasion in ALL:
        assert occasion.key.isascii() and occasion.name and not occasion.name.isascii()
        assert occasion.kind in ("lunar", "solar_term", "fixed", "weekday", "season")
        assert occasion.lead_days >= 7
        assert occasion.segments and set(occasion.segments) <= set(SEGMENTS), occasion.key
        assert occasion.lenses and set(occasion.lenses) <= set(LENSES), occasion.key
        assert occasion.themes and occasion.description.endswith("。")
        assert occasion.public_holiday == (occasion.key in PUBLIC_HOLIDAYS), occasion.key
    assert get("mid_autumn").name == "中秋节" and get("mid_autumn").lead_days == 21
    assert get("spring_festival").lead_days == 30
    assert {o.kind for o in ALL if o.key in LUNAR} == {"lunar"}
    with pytest.raises(KeyError):
        get("halloween")


def test_occasion_dates_are_sorted_and_cover_every_occasion_once_in_a_plain_year():
    items = occasion_dates(2026)
    assert items == sorted(items, key=lambda i: (i.date, i.end, i.key))
    assert sorted(i.key for i in items) == sorted(o.key for o in ALL)
    assert all(i.date.year == 2026 for i in items)


def test_occurrences_cross_new_year_and_include_running_seasons():
    found = occurrences(date(2026, 12, 20), date(2027, 2, 10))
    assert [(i.key, i.date) for i in found] == [
        ("year_end", date(2026, 12, 1)),
        ("winter_solstice", date(2026, 12, 22)),
        ("new_year", date(2027, 1, 1)),
        ("opening_campaign", date(2027, 1, 1)),
        ("laba", date(2027, 1, 15)),
        ("spring_festival", date(2027, 2, 6)),
    ]
    assert [i.key for i in occurrences(date(2026, 2, 20), date(2026, 2, 28))] == ["opening_campaign"]
    # Both ends are inclusive.
    assert [i.key for i in occurrences(date(2026, 9, 25), date(2026, 9, 25))] == [
        "financial_literacy_month", "mid_autumn"]
    assert occurrences(date(2026, 10, 19), date(2026, 11, 10)) == []


def test_to_dict_is_plain_data():
    item = occurrences(date(2026, 9, 25), date(2026, 9, 25))[-1]
    assert item.to_dict() == {"key": "mid_autumn", "name": "中秋节", "kind": "lunar",
                              "date": "2026-09-25", "end": "2026-09-25"}


def test_works_without_a_flask_app_context():
    def outside():
        assert not has_app_context()
        occasions._year.cache_clear()
        return [(i.key, i.name) for i in occasion_dates(2031)]

    found = contextvars.Context().run(outside)
    assert ("mid_autumn", "中秋节") in found
