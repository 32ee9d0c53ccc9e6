"""Registration questions: their definitions (from templates) and the answers to them."""

from __future__ import annotations

from flask_babel import gettext as _

TYPES = ("text", "number", "choice", "multi")
MAX_TEXT = 200


def check_definitions(questions) -> str | None:
    """None if the list of question definitions is well formed, else a message naming the problem."""
    if not isinstance(questions, list):
        return _("应为列表")
    keys = set()
    for index, q in enumerate(questions, start=1):
        if not isinstance(q, dict) or not q.get("key") or not q.get("label"):
            return _("第 %(n)d 个问题缺少 key 或 label", n=index)
        if q["key"] in keys or q["key"] in ("name", "phone", "party_size", "consent"):
            return _("第 %(n)d 个问题的 key 重复或与固定字段冲突", n=index)
        keys.add(q["key"])
        if q.get("type", "text") not in TYPES:
            return _("第 %(n)d 个问题的类型应为 text、number、choice 或 multi", n=index)
        if q.get("type") in ("choice", "multi") and not q.get("options"):
            return _("第 %(n)d 个问题是选择题,需要选项", n=index)
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


# Staff edit questions as lines: "label | type | required | options or range".
TYPE_WORDS = {"文本": "text", "text": "text", "数字": "number", "number": "number", "单选": "choice",
              "choice": "choice", "多选": "multi", "multi": "multi"}
TYPE_NAMES = {"text": "文本", "number": "数字", "choice": "单选", "multi": "多选"}


def to_lines(questions: list[dict]) -> str:
    lines = []
    for q in questions or []:
        kind = q.get("type", "text")
        extra = ""
        if kind in ("choice", "multi"):
            extra = ",".join(q.get("options") or [])
        elif kind == "number" and (q.get("min") is not None or q.get("max") is not None):
            extra = f"{q.get('min', '')}-{q.get('max', '')}"
        required = "必填" if q.get("required") else "选填"
        lines.append(" | ".join([q["label"], TYPE_NAMES[kind], required, extra]).rstrip(" |"))
    return "\n".join(lines)


def from_lines(text: str, previous: list[dict] | None = None) -> list[dict]:
    """Parse the line format; keeps the keys of questions whose label is unchanged. Raises ValueError."""
    keys_by_label = {q["label"]: q["key"] for q in previous or []}
    questions, used = [], set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("|", "|").split("|")]
        label = parts[0]
        kind = TYPE_WORDS.get(parts[1] if len(parts) > 1 and parts[1] else "文本")
        if not label or kind is None:
            raise ValueError(_("第 %(n)d 行:格式应为「问题 | 文本/数字/单选/多选 | 必填/选填 | 选项或范围」",
                               n=number))
        question = {"key": keys_by_label.get(label) or f"q{number}", "label": label, "type": kind,
                    "required": len(parts) > 2 and parts[2] in ("必填", "required", "是")}
        extra = parts[3] if len(parts) > 3 else ""
        if kind in ("choice", "multi"):
            options = [o.strip() for o in extra.replace(",", ",").replace("、", ",").split(",") if o.strip()]
            if not options:
                raise ValueError(_("第 %(n)d 行:选择题需要选项,用逗号分隔", n=number))
            question["options"] = options
        elif kind == "number" and extra:
            low, _sep, high = extra.partition("-")
            try:
                question["min"] = int(low) if low.strip() else None
                question["max"] = int(high) if high.strip() else None
            except ValueError as exc:
                raise ValueError(_("第 %(n)d 行:数字范围应写成 3-12", n=number)) from exc
        while question["key"] in used:
            question["key"] += "_"
        used.add(question["key"])
        questions.append(question)
    return questions
