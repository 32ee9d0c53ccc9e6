"""A malformed template file fails loudly, naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.catalogue.builtin import CatalogueError, load_catalogue

VALID = '''\
name = "测试亲子活动"
category = "family"
lenses = ["timely", "segment"]
description = "用于测试的模板。"
staff_notes = "内部说明。"
segments = ["family", "young"]
occasions = ["mid_autumn"]
partner_categories = ["bakery"]
default_capacity = 30
max_party_size = 3
materials = ["材料"]
gifts = ["礼品"]

[budget]
per_head = 45
notes = "按 45 元/人。"

[goals]
attendance_rate = 0.8
newcomers = 4
conversions = 2

[[questions]]
key = "children"
label = "孩子人数"
type = "number"
required = true
min = 1
max = 2

[[questions]]
key = "ages"
label = "孩子年龄段"
type = "choice"
required = true
options = ["3-5岁", "6-8岁"]

[[agenda]]
time = "14:00"
item = "签到"

[[agenda]]
time = "14:30"
item = "活动"

[playbook.maintain]
due_days = 2
talking_points = ["{customer}您好，我是{outlet}的{staff}，谢谢您{date}来参加{event}。"]

[playbook.prospect]
due_days = 3
talking_points = ["开拓话术"]

[playbook.winback]
due_days = 2
talking_points = ["挽回话术"]
'''


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str, name: str = "broken.toml") -> str:
    _write(tmp_path, name, text)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    return str(caught.value)


def _swap(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def test_the_valid_sample_loads(tmp_path):
    _write(tmp_path, "sample_event.toml", VALID)
    template = load_catalogue(tmp_path)["sample_event"]
    assert template.key == "sample_event" and template.name == "测试亲子活动"
    assert template.questions[1].options == ("3-5岁", "6-8岁")
    assert template.questions[0].min == 1 and template.questions[0].max == 2
    assert template.preferred_days == "weekend"  # a family event, by default
    assert template.playbook.winback.talking_points == ("挽回话术",)
    assert template.description == "用于测试的模板。" and template.staff_notes == "内部说明。"
    assert template.playbook.maintain.talking_points[0].startswith("{customer}您好")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(_swap('description = "用于测试的模板。"\n', ""),
                 "broken.toml: description: required", id="missing-field"),
    pytest.param(_swap('staff_notes = "内部说明。"\n', ""),
                 "broken.toml: staff_notes: required", id="missing-staff-notes"),
    pytest.param(_swap('description = "用于测试的模板。"', 'description = "亲子手作，客户经理现场摸排需求。"'),
                 "broken.toml: description: is shown to customers but says 客户经理、摸排", id="sales-talk-in-public"),
    pytest.param(_swap('talking_points = ["开拓话术"]', 'talking_points = ["{name}您好"]'),
                 "broken.toml: playbook.prospect.talking_points[0]: unknown placeholder {name}",
                 id="unknown-placeholder"),
    pytest.param(_swap('talking_points = ["开拓话术"]', 'talking_points = ["××妈妈您好"]'),
                 "broken.toml: playbook.prospect.talking_points[0]: '××' is a hand-written blank",
                 id="hand-written-blank"),
    pytest.param(_swap('talking_points = ["开拓话术"]', 'talking_points = ["{customer您好"]'),
                 "broken.toml: playbook.prospect.talking_points[0]: unbalanced { or }", id="unbalanced-brace"),
    pytest.param(_swap('segments = ["family", "young"]', 'segments = ["family", "kids"]'),
                 "broken.toml: segments[1]: unknown segment 'kids'", id="unknown-segment"),
    pytest.param(_swap('type = "number"', 'type = "date"'),
                 "broken.toml: questions[0].type: unknown type 'date'", id="bad-question-type"),
    pytest.param(_swap('options = ["3-5岁", "6-8岁"]\n', ""),
                 "broken.toml: questions[1].options: required for type 'choice'",
                 id="choice-without-options"),
    pytest.param(_swap('options = ["3-5岁", "6-8岁"]', 'options = ["3-5岁"]'),
                 "broken.toml: questions[1].options: needs at least two options", id="one-option"),
    pytest.param(_swap('options = ["3-5岁", "6-8岁"]', 'options = ["3-5岁", "3-5岁"]'),
                 "broken.toml: questions[1].options[1]: '3-5岁' is listed twice", id="repeated-option"),
    pytest.param(_swap("default_capacity = 30", "default_capacity = 0"),
                 "broken.toml: default_capacity: must be at least 1, got 0", id="zero-capacity"),
    pytest.param(_swap("default_capacity = 30", "default_capacity = -5"),
                 "broken.toml: default_capacity: must be at least 1, got -5", id="negative-capacity"),
    pytest.param(_swap("default_capacity = 30", "default_capacity = true"),
                 "broken.toml: default_capacity: must be a whole number", id="boolean-capacity"),
    pytest.param(_swap("max_party_size = 3", "max_party_size = 40"),
                 "broken.toml: max_party_size: 40 is more than default_capacity 30",
                 id="party-over-capacity"),
    pytest.param(_swap('key = "ages"', 'key = "children"'),
                 "broken.toml: questions[1].key: 'children' is used by another question", id="duplicate-key"),
    pytest.param(_swap('key = "ages"', 'key = "phone"'),
                 "broken.toml: questions[1].key: 'phone' is asked by the registration form itself",
                 id="reserved-question-key"),
    pytest.param(_swap('key = "ages"', 'key = "Ages"'),
                 "broken.toml: questions[1].key: 'Ages' must be lower-case", id="bad-question-key"),
    pytest.param(_swap("max = 2", "max = 0"),
                 "broken.toml: questions[0].max: 0 is less than min 1", id="min-over-max"),
    pytest.param(_swap('type = "number"', 'type = "text"'),
                 "broken.toml: questions[0].min: not allowed for type 'text'", id="bounds-on-text"),
    pytest.param(_swap('type = "choice"', 'type = "text"'),
                 "broken.toml: questions[1].options: not allowed for type 'text'", id="options-on-text"),
    pytest.param(_swap("required = true", 'required = "yes"'),
                 "broken.toml: questions[0].required: must be true or false", id="required-not-bool"),
    pytest.param(_swap('occasions = ["mid_autumn"]', 'occasions = ["halloween"]'),
                 "broken.toml: occasions[0]: unknown occasion 'halloween'", id="unknown-occasion"),
    pytest.param(_swap('partner_categories = ["bakery"]', 'partner_categories = ["bank"]'),
                 "broken.toml: partner_categories[0]: unknown partner category 'bank'", id="unknown-partner"),
    pytest.param(_swap('lenses = ["timely", "segment"]', 'lenses = ["timely", "fun"]'),
                 "broken.toml: lenses[1]: unknown lens 'fun'", id="unknown-lens"),
    pytest.param(_swap('lenses = ["timely", "segment"]', "lenses = []"),
                 "broken.toml: lenses: must not be empty", id="no-lens"),
    pytest.param(_swap('category = "family"', 'category = "party"'),
                 "broken.toml: category: unknown category 'party'", id="unknown-category"),
    pytest.param(_swap('time = "14:00"', 'time = "2pm"'),
                 "broken.toml: agenda[0].time: '2pm' must be HH:MM", id="bad-time"),
    pytest.param(_swap('time = "14:30"', 'time = "13:30"'),
                 "broken.toml: agenda[1].time: 13:30 comes before the previous item's 14:00",
                 id="agenda-order"),
    pytest.param(_swap('item = "签到"', 'itme = "签到"'),
                 "broken.toml: agenda[0].itme: unknown field", id="typo-field"),
    pytest.param(_swap('name = "测试亲子活动"', 'name = "测试亲子活动"\ncolour = "red"'),
                 "broken.toml: colour: unknown field", id="unknown-top-level-field"),
    pytest.param(_swap("per_head = 45", 'per_head = "45元"'),
                 "broken.toml: budget.per_head: must be a number", id="budget-text"),
    pytest.param(_swap("attendance_rate = 0.8", "attendance_rate = 1.5"),
                 "broken.toml: goals.attendance_rate: must be between 0 and 1, got 1.5", id="rate-over-one"),
    pytest.param(_swap("[playbook.winback]\ndue_days = 2\ntalking_points = [\"挽回话术\"]\n", ""),
                 "broken.toml: playbook.winback: required", id="missing-playbook-list"),
    pytest.param(_swap('talking_points = ["开拓话术"]', "talking_points = []"),
                 "broken.toml: playbook.prospect.talking_points: must not be empty",
                 id="empty-talking-points"),
    pytest.param(_swap("due_days = 3", "due_days = -1"),
                 "broken.toml: playbook.prospect.due_days: must be at least 0, got -1", id="negative-due"),
    pytest.param(_swap("[budget]\nper_head = 45\n", "[budget]\n"),
                 "broken.toml: budget.per_head: required", id="missing-nested-field"),
    pytest.param(_swap("max_party_size = 3", 'max_party_size = 3\npreferred_days = "sunday"'),
                 "broken.toml: preferred_days: must be one of weekend, workday, any",
                 id="bad-day-preference"),
    pytest.param(VALID.replace("[goals]", "[goals\n"), "broken.toml: not valid TOML", id="toml-syntax-error"),
    pytest.param("name = \"x\"\nname = \"y\"\n", "broken.toml: not valid TOML", id="toml-duplicate-key"),
])
def test_malformed_files_fail_naming_file_and_field(tmp_path, text, expected):
    assert _error(tmp_path, text).startswith(expected)


def test_two_templates_with_the_same_name_fail_naming_both_files(tmp_path):
    _write(tmp_path, "a_first.toml", VALID)
    message = _error(tmp_path, VALID, name="b_second.toml")
    assert message == "b_second.toml: name: '测试亲子活动' is already used by a_first.toml"


def test_a_file_name_that_is_not_a_key_fails(tmp_path):
    assert _error(tmp_path, VALID, name="Mid-Autumn.toml").startswith("Mid-Autumn.toml: key: file name")


def test_an_empty_directory_fails(tmp_path):
    with pytest.raises(CatalogueError, match="no template files"):
        load_catalogue(tmp_path)


def test_the_error_keeps_its_parts(tmp_path):
    _write(tmp_path, "broken.toml", _swap('type = "choice"', 'type = "multi"').replace(
        'options = ["3-5岁", "6-8岁"]\n', ""))
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    error = caught.value
    assert (error.source, error.path, error.problem) == ("broken.toml", "questions[1].options",
                                                          "required for type 'multi'")
    assert str(error) == "broken.toml: questions[1].options: required for type 'multi'"
