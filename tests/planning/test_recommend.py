"""Recommendations: ranked by occasion, customer group, partner, lead time and freshness, with reasons."""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from app.catalogue.builtin import Template, builtin_templates
from app.catalogue.holidays import break_start, is_day_off, is_free_weekend, is_working_day
from app.planning.recommend import Recommendation, recommend

MID_AUTUMN = date(2026, 9, 25)
# 20 August - 28 September 2026: 中秋 and 教师节, the back-to-school and literacy seasons, not 国庆.
WINDOW = (date(2026, 8, 20), 40)


@pytest.fixture(scope="module")
def templates() -> list[Template]:
    return list(builtin_templates().values())


def _first(items: list[Recommendation], key: str) -> Recommendation:
    return next(item for item in items if item.template.key == key)


def _rank(items: list[Recommendation], key: str) -> int:
    return [item.template.key for item in items].index(key)


def test_mid_autumn_for_families_ranks_the_mid_autumn_family_template_first(templates):
    items = recommend(templates, *WINDOW, segment="family")
    best = items[0]
    assert best.template.key == "mid_autumn_family_mooncake"
    assert best.occasion.key == "mid_autumn" and best.occasion.date == MID_AUTUMN
    assert "距中秋节还有 36 天" in best.reasons
    assert "适合亲子家庭" in best.reasons
    assert best.suggested_date == date(2026, 9, 19)  # the Saturday before; 9/20 is a make-up working day
    assert "专为中秋节设计的方案" in best.reasons
    assert all("family" in item.template.segments for item in items)


def test_distance_counts_from_today_when_given(templates):
    items = recommend(templates, *WINDOW, segment="family", today=date(2026, 8, 1))
    assert "距中秋节还有 55 天" in _first(items, "mid_autumn_family_mooncake").reasons


def test_partner_category_surfaces_templates_with_that_partner(templates):
    items = recommend(templates, *WINDOW, partner_category="bakery")
    assert "bakery" in items[0].template.partner_categories
    assert "可联合烘焙类商户" in items[0].reasons
    plain = recommend(templates, *WINDOW)
    # A bakery plan climbs; one without a bakery falls below every bakery plan with the same timing.
    assert _rank(items, "family_weekend_baking") < _rank(plain, "family_weekend_baking")
    assert _first(items, "teachers_day_campus_visit").score < _first(plain, "teachers_day_campus_visit").score
    assert "方案中没有烘焙类商户的合作环节" in _first(items, "teachers_day_campus_visit").reasons


def test_a_recent_event_of_the_same_template_is_demoted_and_said_so(templates):
    fresh = recommend(templates, *WINDOW, segment="family")
    used = {"mid_autumn_family_mooncake": WINDOW[0] - timedelta(days=45)}
    stale = recommend(templates, *WINDOW, segment="family", recent_uses=used)
    before, after = _first(fresh, "mid_autumn_family_mooncake"), _first(stale, "mid_autumn_family_mooncake")
    assert after.score <= before.score - 15
    assert "本网点 45 天前刚办过同类活动，建议换个形式" in after.reasons
    assert stale[0].template.key != "mid_autumn_family_mooncake"


def test_the_recency_penalty_fades_over_a_quarter(templates):
    def score(days_ago: int) -> int:
        used = {"mid_autumn_family_mooncake": WINDOW[0] - timedelta(days=days_ago)}
        return _first(recommend(templates, *WINDOW, recent_uses=used), "mid_autumn_family_mooncake").score

    base = _first(recommend(templates, *WINDOW), "mid_autumn_family_mooncake").score
    assert score(0) < score(30) < score(89) < base
    assert score(90) == base


def test_an_event_already_scheduled_counts_as_recent(templates):
    used = {"mid_autumn_family_mooncake": WINDOW[0] + timedelta(days=10)}
    item = _first(recommend(templates, *WINDOW, recent_uses=used), "mid_autumn_family_mooncake")
    assert "本网点已安排 10 天后举办同类活动，建议换个形式" in item.reasons


def test_a_recent_event_of_the_same_kind_nudges_other_templates_of_that_kind(templates):
    used = {"family_weekend_baking": WINDOW[0] - timedelta(days=12)}
    base = _first(recommend(templates, *WINDOW), "mid_autumn_family_mooncake")
    item = _first(recommend(templates, *WINDOW, recent_uses=used), "mid_autumn_family_mooncake")
    assert "本网点 12 天前办过亲子类活动，可在形式上错开" in item.reasons
    assert base.score - 10 <= item.score < base.score


def test_public_holidays_move_the_event_before_the_break(templates):
    items = recommend(templates, *WINDOW)
    mid_autumn = [item for item in items if item.occasion and item.occasion.key == "mid_autumn"]
    assert mid_autumn
    for item in mid_autumn:
        assert item.suggested_date < date(2026, 9, 25)
        assert "中秋节当天放假，建议节前 9 月 19 日（周六）举办" in item.reasons
    # A plan for the elderly needs no weekend: the last working day before the break.
    elderly = dataclasses.replace(builtin_templates()["double_ninth_health_talk"], key="elderly_mid_autumn",
                                  occasions=("mid_autumn",), preferred_days="any")
    assert recommend([elderly], *WINDOW)[0].suggested_date == date(2026, 9, 24)


def test_workplace_visits_go_on_working_days(templates):
    item = _first(recommend(templates, *WINDOW), "teachers_day_campus_visit")
    assert item.occasion.key == "teachers_day" and item.suggested_date == date(2026, 9, 10)


def test_lead_time_is_judged(templates):
    early = _first(recommend(templates, date(2026, 8, 25), 35), "mid_autumn_family_mooncake")
    assert "建议提前 21 天策划，现在还有 25 天，时间充裕" in early.reasons
    tight = _first(recommend(templates, date(2026, 9, 5), 21), "mid_autumn_family_mooncake")
    assert "筹备时间偏紧（建议提前 21 天），请尽快确定场地和物料" in tight.reasons
    late = _first(recommend(templates, date(2026, 9, 16), 10), "mid_autumn_family_mooncake")
    assert late.suggested_date == date(2026, 9, 19)
    assert "距活动仅剩 3 天，不足筹备期，建议尽快发布" in late.reasons
    assert late.score < tight.score < early.score


def test_no_suggestion_before_today_or_the_window(templates):
    today = date(2026, 9, 21)
    items = recommend(templates, date(2026, 9, 1), 40, today=today)
    assert items and all(item.suggested_date >= today for item in items)
    mooncake = _first(items, "mid_autumn_family_mooncake")
    assert today <= mooncake.suggested_date <= date(2026, 9, 24)  # still before the break
    # Once the occasion's suitable days are gone there is nothing to suggest for it.
    after = recommend(templates, MID_AUTUMN, 3)
    assert not any(item.occasion and item.occasion.key == "mid_autumn" for item in after)


def test_a_window_without_occasions_still_returns_evergreen_templates(templates):
    items = recommend(templates, date(2026, 10, 19), 20)
    assert items
    assert all(item.occasion is None and item.template.evergreen for item in items)
    assert all("常规活动，不受节日限制，可随时安排" in item.reasons for item in items)
    assert len({item.template.key for item in items}) == sum(t.evergreen for t in templates)


def test_evergreen_templates_rank_below_fitting_occasions(templates):
    items = recommend(templates, *WINDOW, segment="family")
    best_evergreen = max(item.score for item in items if item.occasion is None)
    assert _first(items, "mid_autumn_family_mooncake").score > best_evergreen


@pytest.mark.parametrize(("start", "days"), [
    (date(2026, 1, 1), 365), (date(2025, 12, 15), 60), (date(2030, 9, 1), 45), (date(2031, 1, 1), 60),
    (date(2026, 4, 20), 20), (date(2027, 9, 20), 30),
])
def test_every_item_is_inside_the_window_on_a_sensible_day(templates, start, days):
    last = start + timedelta(days=days - 1)
    items = recommend(templates, start, days)
    assert items
    for item in items:
        assert start <= item.suggested_date <= last
        assert not is_day_off(item.suggested_date), item
        assert 0 <= item.score <= 100 and isinstance(item.score, int)
        assert item.reasons and all(isinstance(r, str) and r for r in item.reasons)
        if item.occasion is None:
            assert item.template.evergreen
            continue
        assert item.occasion.key in item.template.occasions
        assert item.occasion.date <= last and item.occasion.end >= start
        if item.occasion.occasion.is_season:
            assert item.occasion.date <= item.suggested_date <= item.occasion.end
        else:
            assert start <= item.occasion.date
            assert item.suggested_date <= item.occasion.date
            # On the day or shortly before it (before its holiday break, if it has one).
            assert (break_start(item.occasion.date) - item.suggested_date).days <= 14


@pytest.mark.parametrize("year", [2026, 2030])
def test_over_a_whole_year_every_plan_gets_the_kind_of_day_it_wants(templates, year):
    items = recommend(templates, date(year, 1, 1), 365)
    assert len(items) > 40
    for item in items:
        if item.template.preferred_days == "weekend":
            assert is_free_weekend(item.suggested_date), item
        elif item.template.preferred_days == "workday":
            assert is_working_day(item.suggested_date), item


def test_an_occasion_twice_in_the_window_gives_two_items(templates):
    laba = [t for t in templates if "laba" in t.occasions]
    items = recommend(laba, date(2022, 1, 1), 365)
    assert sorted(item.occasion.date for item in items if item.template.key == "laba_porridge_charity") == [
        date(2022, 1, 10), date(2022, 12, 30)]


def test_ranking_is_sorted_and_deterministic(templates):
    items = recommend(templates, date(2026, 1, 1), 365, segment="elderly")
    shuffled = templates[:]
    random.Random(7).shuffle(shuffled)
    again = recommend(iter(shuffled), date(2026, 1, 1), 365, segment="elderly")
    assert items == again
    keys = [(-i.score, i.suggested_date, i.occasion.date if i.occasion else date.max, i.template.key)
            for i in items]
    assert keys == sorted(keys)


def test_empty_window_and_unknown_filters(templates):
    assert recommend(templates, MID_AUTUMN, 0) == []
    assert recommend(templates, *WINDOW, segment="nobody") == []
    items = recommend(templates, *WINDOW, partner_category="nothing")
    assert items and not any("可联合" in r for item in items for r in item.reasons)
    assert len(items) == len(recommend(templates, *WINDOW))


def test_to_dict_matches_the_api_contract(templates):
    item = recommend(templates, *WINDOW, segment="family")[0]
    data = item.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["template"]["key"] == "mid_autumn_family_mooncake"
    assert data["occasion"] == {"key": "mid_autumn", "name": "中秋节", "kind": "lunar", "date": "2026-09-25",
                                "end": "2026-09-25"}
    assert data["suggested_date"] == "2026-09-19" and data["score"] == item.score
    assert data["reasons"] == item.reasons
    evergreen = recommend(templates, date(2026, 10, 19), 20)[0].to_dict()
    assert evergreen["occasion"] is None


def test_recent_uses_may_be_datetimes(templates):
    used = {"mid_autumn_family_mooncake": datetime(2026, 7, 6, 6, 0, tzinfo=UTC)}
    item = _first(recommend(templates, *WINDOW, recent_uses=used), "mid_autumn_family_mooncake")
    assert "本网点 45 天前刚办过同类活动，建议换个形式" in item.reasons


def test_reasons_are_written_in_the_readers_language(templates):
    from flask_babel import force_locale

    with force_locale("en"):
        best = recommend(templates, *WINDOW, segment="family", partner_category="bakery")[0]
    assert best.template.key == "mid_autumn_family_mooncake"
    # The frames are translated; the occasion's name is the catalogue's own content.
    assert best.reasons[:3] == ["中秋节 is in 36 days", "中秋节 is a public holiday: hold it before, on Sat 9/19",
                                "A plan made for 中秋节"]
    assert "Suits Young families" in best.reasons and "Can bring in Baking merchants" in best.reasons
    assert not any(ch in reason for reason in best.reasons[3:] for ch in "天周适合可联合")
