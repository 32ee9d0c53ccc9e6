"""Follow-up scripts (话术): the named blanks a template's talking points may use, and filling them.

A talking point says `{customer}您好,我是{outlet}的{staff}…`; the follow-up page and
API fill the blanks for one person (app/followups/scripts.py). The catalogue refuses
any other `{…}` at start-up, and the hand-written blanks of old (`××`), so a script
never reaches a customer with a hole in it. Plain strings, usable without an app.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# Key -> what a reader is told is missing when it cannot be filled.
PLACEHOLDERS: dict[str, str] = {
    "customer": "客户姓名",  # the name as stored: "张三您好"
    "staff": "员工姓名",  # the signed-in staff member's display name (the API: the assignee's)
    "outlet": "网点名称",
    "event": "活动名称",
    "date": "活动日期",  # the event's day with its weekday: 12月20日（周日）
}
# Older event playbooks (copied into events before this vocabulary) said {name} for the customer.
ALIASES = {"name": "customer"}
# Blanks typed by hand, meant to be replaced by whoever copies the text.
HAND_BLANKS = ("××", "XX", "ＸＸ")
BLANK_NAME = "××"

_FIELD = re.compile(r"\{([^{}]*)\}")


def problems(text: str) -> list[str]:
    """Why `text` is not a valid script (for the catalogue's check at start), or an empty list."""
    found = []
    for name in _FIELD.findall(text):
        if name not in PLACEHOLDERS:
            found.append(f"unknown placeholder {{{name}}}; known: "
                         + ", ".join("{" + key + "}" for key in PLACEHOLDERS))
    if "{" in _FIELD.sub("", text) or "}" in _FIELD.sub("", text):
        found.append("unbalanced { or }")
    for blank in HAND_BLANKS:
        if blank in text:
            found.append(f"{blank!r} is a hand-written blank; use a placeholder such as {{customer}}")
    return found


def fill(text: str, values: Mapping[str, str | None],
         mark_missing: Callable[[str], str] | None = None) -> tuple[str, list[str]]:
    """`text` with each known `{key}` replaced by `values[key]`, and the keys that had no value.

    A blank without a value stays as written, or becomes `mark_missing(key)` (so the reader
    sees what is missing); unknown braces are left alone. Hand-written blanks (××) count as
    missing under the key "××".
    """
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        key = ALIASES.get(match.group(1), match.group(1))
        if key not in PLACEHOLDERS:
            return match.group(0)
        value = (values.get(key) or "").strip()
        if not value:
            if key not in missing:
                missing.append(key)
            return mark_missing(key) if mark_missing else match.group(0)
        return value

    filled = _FIELD.sub(replace, text)
    if any(blank in filled for blank in HAND_BLANKS) and BLANK_NAME not in missing:
        missing.append(BLANK_NAME)
    return filled, missing


def preview(text: str) -> str:
    """`text` as a template page shows it: each blank named for the reader, {customer} → 【客户姓名】."""
    return fill(text, {}, mark_missing=lambda key: f"【{PLACEHOLDERS[key]}】")[0]
