"""The built-in catalogue: it loads, covers what marketers need and reads like real branch practice."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from app.catalogue.builtin import (
    CATALOGUE_DIR,
    CATEGORIES,
    LENSES,
    PLAYBOOK_LISTS,
    Template,
    builtin_templates,
    load_catalogue,
)
from app.catalogue.occasions import ALL as OCCASIONS
from app.org.reference import PARTNER_CATEGORIES, SEGMENTS

API_SEGMENTS = ("family", "elderly", "payroll", "merchant", "young", "vip")
# What a wealth product talk must say (监管: 理财非存款、产品有风险、投资须谨慎).
WEALTH_WORDS = ("理财", "基金", "资产配置")
PROMISES = ("稳赚", "保证收益", "收益有保障", "肯定赚", "零风险", "无风险", "保本保息", "刚性兑付")


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return load_catalogue()


def _all_text(template: Template) -> str:
    return json.dumps(template.to_dict(), ensure_ascii=False)


def test_the_builtin_catalogue_loads_with_one_file_per_template(templates):
    files = sorted(path.stem for path in CATALOGUE_DIR.glob("*.toml"))
    assert len(templates) >= 32
    assert sorted(templates) == files
    assert all(key == template.key for key, template in templates.items())


def test_builtin_templates_is_loaded_once_and_read_only(templates):
    first = builtin_templates()
    assert first is builtin_templates()
    assert dict(first) == templates
    with pytest.raises(TypeError):
        first["x"] = next(iter(templates.values()))  # type: ignore[index]


def test_all_five_lenses_are_covered(templates):
    assert set(LENSES) == {"timely", "current", "segment", "alliance", "welfare"}
    assert {lens for t in templates.values() for lens in t.lenses} == set(LENSES)


@pytest.mark.parametrize("segment", API_SEGMENTS)
def test_every_segment_has_at_least_three_templates(templates, segment):
    assert segment in SEGMENTS
    assert sum(segment in t.segments for t in templates.values()) >= 3


def test_categories_partners_and_occasions_are_covered(templates):
    used = Counter(t.category for t in templates.values())
    assert len(used) >= 6 and set(used) <= set(CATEGORIES)
    required = {"family", "salon", "festival", "literacy", "silver", "appreciation", "alliance"}
    assert required <= set(CATEGORIES)
    with_partners = [t for t in templates.values() if t.partner_categories]
    assert len(with_partners) >= 10
    assert {p for t in with_partners for p in t.partner_categories} <= set(PARTNER_CATEGORIES)
    # The calendar never shows an occasion with nothing to suggest for it.
    fitted = {o for t in templates.values() for o in t.occasions}
    assert fitted == {o.key for o in OCCASIONS}
    # Some plans work any time of year, for when no occasion is near.
    assert sum(t.evergreen for t in templates.values()) >= 5


def test_names_are_chinese_and_unique(templates):
    names = [t.name for t in templates.values()]
    assert len(names) == len(set(names))
    assert all(not name.isascii() for name in names + list(CATEGORIES.values()) + list(LENSES.values()))


def test_each_template_is_a_complete_plan(templates):
    for t in templates.values():
        assert len(t.agenda) >= 4, t.key
        assert len(t.materials) >= 3, t.key
        assert t.budget.per_head > 0 and "元" in t.budget.notes, t.key
        assert 0 < t.goals.attendance_rate <= 1, t.key
        assert t.max_party_size <= t.default_capacity, t.key
        for name in PLAYBOOK_LISTS:
            entry = t.playbook.entry(name)
            assert entry.talking_points and entry.due_days >= 1, (t.key, name)
        assert t.preferred_days in ("weekend", "workday", "any"), t.key


def test_family_events_admit_parents_with_children_and_ask_about_them(templates):
    family = [t for t in templates.values() if t.category == "family"]
    assert len(family) >= 5
    for t in family:
        assert t.max_party_size >= 2, t.key
        assert any("child" in q.key for q in t.questions), t.key


def test_wealth_talk_carries_the_risk_disclosure_and_promises_nothing(templates):
    for t in templates.values():
        text = _all_text(t)
        if any(word in text for word in WEALTH_WORDS):
            assert "理财非存款" in text and "投资须谨慎" in text, t.key
        talk = " ".join(p for name in PLAYBOOK_LISTS for p in t.playbook.entry(name).talking_points)
        assert not [word for word in PROMISES if word in talk], t.key


def test_registration_questions_collect_the_minimum(templates):
    for t in templates.values():
        for q in t.questions:
            assert "身份证" not in q.label and "银行卡号" not in q.label and "收入" not in q.label, t.key
            if q.type in ("choice", "multi"):
                assert len(q.options) >= 2
        assert len(t.questions) <= 3, t.key  # registration takes a minute at most


def test_to_dict_is_json_and_has_the_api_fields(templates):
    data = templates["mid_autumn_family_mooncake"].to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    for field in ("key", "name", "category", "segments", "partner_categories", "occasions",
                  "default_capacity", "max_party_size", "questions"):
        assert field in data
    assert data["category_name"] == "亲子"
    assert data["segments"] == ["family"] and data["partner_categories"] == ["bakery"]
    assert data["questions"][0] == {"key": "children_count", "label": "参加的孩子人数", "type": "number",
                                    "required": True, "options": [], "min": 1, "max": 2}
    assert set(data["playbook"]) == set(PLAYBOOK_LISTS)
    assert data["agenda"][0]["time"] == "14:00"
    assert set(data["budget"]) == {"per_head", "notes"}
