"""Registration questions: their definitions (from templates) and the answers to them."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from app.events import limits

TYPES = ("text", "number", "choice", "multi")
MAX_TEXT = 200


def check_definitions(questions) -> str | None:
    """None if the list of question definitions is well formed, else a message naming the problem."""
    if not isinstance(questions, list):
        return _("应为列表")
    if len(questions) > limits.QUESTIONS_MAX:
        return _("最多 %(n)d 个问题", n=limits.QUESTIONS_MAX)
    keys = set()
    for index, q in enumerate(questions, start=1):
        if not isinstance(q, dict) or not q.get("key") or not q.get("label"):
            return _("第 %(n)d 个问题缺少 key 或 label", n=index)
        if q["key"] in keys or q["key"] in RESERVED_KEYS:
            return _("第 %(n)d 个问题的 key 重复或与固定字段冲突", n=index)
        keys.add(q["key"])
        if len(str(q["label"])) > limits.QUESTION_LABEL_MAX:
            return _("第 %(n)d 个问题不能超过 %(max)d 字", n=index, max=limits.QUESTION_LABEL_MAX)
        if q.get("type", "text") not in TYPES:
            return _("第 %(n)d 个问题的类型应为 text、number、choice 或 multi", n=index)
        if not isinstance(q.get("required", False), bool):
            return _("第 %(n)d 个问题的 required 应为 true 或 false", n=index)
        if q.get("type") in ("choice", "multi"):
            options = q.get("options")
            if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
                return _("第 %(n)d 个问题是选择题，需要选项", n=index)
            problem = _options_problem(options)
            if problem:
                return _("第 %(n)d 个问题：%(problem)s", n=index, problem=problem)
    return None


def validate_answers(questions: list[dict], raw: dict) -> tuple[dict, dict[str, str]]:
    """Clean answers keyed by question key, and errors keyed by question key (Chinese)."""
    answers: dict = {}
    errors: dict[str, str] = {}
    raw = raw if isinstance(raw, dict) else {}
    for q in questions:
        key, kind = q["key"], q.get("type", "text")
        value = raw.get(key)
        empty = value is None or value == "" or value == []
        if empty:
            if q.get("required"):
                errors[key] = _("请填写%(label)s", label=q["label"]) if kind in ("text", "number") \
                    else _("请选择%(label)s", label=q["label"])
            continue
        if kind == "number":
            try:
                number = int(str(value).strip())
            except ValueError:
                errors[key] = _("%(label)s应为整数", label=q["label"])
                continue
            low, high = q.get("min"), q.get("max")
            if (low is not None and number < low) or (high is not None and number > high):
                errors[key] = _("%(label)s应在 %(low)s 到 %(high)s 之间", label=q["label"],
                                low=low if low is not None else "-∞", high=high if high is not None else "∞")
                continue
            answers[key] = number
        elif kind == "choice":
            if str(value) not in q["options"]:
                errors[key] = _("请从选项中选择%(label)s", label=q["label"])
                continue
            answers[key] = str(value)
        elif kind == "multi":
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if str(v) not in q["options"]]
            if bad:
                errors[key] = _("请从选项中选择%(label)s", label=q["label"])
                continue
            answers[key] = [str(v) for v in values]
        else:
            text = str(value).strip()
            if len(text) > MAX_TEXT:
                errors[key] = _("%(label)s不超过 %(n)d 字", label=q["label"], n=MAX_TEXT)
                continue
            answers[key] = text
    return answers, errors


# Staff edit questions in rows (label, type, required, options or range); a blank row is no question.

RESERVED_KEYS = ("name", "phone", "party_size", "consent")
OPTION_SEPARATORS = re.compile("[,\uff0c\u3001;\uff1b\n]+")  # , ， 、 ; ； or a new line


def _split_options(text: str) -> list[str]:
    return [o.strip() for o in OPTION_SEPARATORS.split(text) if o.strip()]


def from_rows(rows: list[dict], previous: list[dict] | None = None) -> tuple[list[dict], dict[tuple[int, str], str]]:
    """Questions from the editor's rows, and errors keyed by (row index, field) in Chinese.

    A row is ignored when it is marked for removal or says nothing; any other row must be a whole
    question: a label, options for a choice, a range that reads low to high. A row keeps the key it
    came with (so answers already given stay attached); a new row gets the next free q<n>.
    """
    questions: list[dict] = []
    errors: dict[tuple[int, str], str] = {}
    known = {q["key"] for q in previous or [] if q.get("key")}
    taken = {row.get("key") for row in rows if row.get("key") in known and not row.get("remove")}
    for index, row in enumerate(rows):
        kind = row.get("type") or "text"
        label = (row.get("label") or "").strip()
        options = _split_options(row.get("options") or "")
        low, high = row.get("min"), row.get("max")
        if row.get("remove") or not (label or options or low is not None or high is not None):
            continue
        if not label:
            errors[(index, "label")] = _("请填写问题，或清空这一行")
            continue
        if len(label) > limits.QUESTION_LABEL_MAX:
            errors[(index, "label")] = _("问题不能超过 %(n)d 字", n=limits.QUESTION_LABEL_MAX)
        if kind not in TYPES:
            errors[(index, "type")] = _("请选择问题类型")
            continue
        question: dict = {"key": "", "label": label, "type": kind, "required": bool(row.get("required"))}
        if kind in ("choice", "multi"):
            problem = _options_problem(options)
            if problem:
                errors[(index, "options")] = problem
            question["options"] = options
        elif kind == "number":
            if low is not None and high is not None and low > high:
                errors[(index, "high")] = _("最大值不能小于最小值")
            question["min"], question["max"] = low, high
        key = row.get("key")
        if key not in known or key in {q["key"] for q in questions}:
            key = _free_key(taken)
        taken.add(key)
        question["key"] = key
        questions.append(question)
    if len(questions) > limits.QUESTIONS_MAX:
        errors[(len(rows) - 1, "label")] = _("最多 %(n)d 个问题", n=limits.QUESTIONS_MAX)
    return questions, errors


def _options_problem(options: list[str]) -> str | None:
    if len(options) < 2:
        return _("选择题至少需要 2 个选项，用逗号分隔")
    if len(options) > limits.QUESTION_OPTIONS_MAX:
        return _("选项最多 %(n)d 个", n=limits.QUESTION_OPTIONS_MAX)
    if any(len(o) > limits.QUESTION_OPTION_MAX for o in options):
        return _("每个选项不能超过 %(n)d 字", n=limits.QUESTION_OPTION_MAX)
    if len(set(options)) != len(options):
        return _("选项不能重复")
    return None


def _free_key(taken: set) -> str:
    number = 1
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"
