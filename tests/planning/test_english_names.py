"""English mode: the planning calendar's weekdays and the occasions' names are English, not Chinese."""

from __future__ import annotations

import re

from app.catalogue import occasions
from tests.planning.conftest import next_occurrence


def _english(client):
    client.get("/lang/en?next=/planning")


def test_english_calendar_has_english_weekdays_and_festival_names(client, staff):
    _english(client)
    page = client.get("/planning?month=2026-09").get_data(as_text=True)
    heads = re.search(r'<div class="cal__row cal__head"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert re.findall(r">([^<]+)</span>", heads) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert "Mid-Autumn Festival" in page and "中秋节" not in page
    assert "Fri" in page and "周五" not in page  # the agenda's day of 2026-09-25


def test_english_occasion_page_and_recommendation_reasons_name_the_festival_in_english(client, staff):
    _english(client)
    item = next_occurrence("mid_autumn")
    page = client.get(f"/planning/occasions/mid_autumn?year={item.date.year}").get_data(as_text=True)
    assert '<h2 class="occ__name">Mid-Autumn Festival</h2>' in page
    assert "A plan made for Mid-Autumn Festival" in page  # a recommendation's reason
    assert "中秋节" not in page.split('<p class="occ__desc">')[0]  # (the description itself is Chinese text)
    for key, english in (("double_ninth", "Double Ninth Festival"), ("spring_festival", "Spring Festival")):
        assert f'<h2 class="occ__name">{english}</h2>' in client.get(f"/planning/occasions/{key}").get_data(
            as_text=True)


def test_chinese_stays_chinese_and_every_occasion_has_an_english_name(client, staff):
    page = client.get("/planning?month=2026-09").get_data(as_text=True)
    assert "中秋节" in page and "<span>一</span>" in page
    assert set(occasions.ENGLISH_NAMES) == {o.key for o in occasions.ALL}
