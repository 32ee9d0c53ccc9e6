"""The follow-up script (话术) for one person: the event's talking points with every blank filled.

A follow-up keeps the playbook's text as written (`{customer}您好,我是{outlet}的{staff}…`);
it is filled when shown, because who sends it (the signed-in staff member on a page, the
assignee in the API) is known only then, and an erased name must not linger in a copy.
A script with a blank left (no name on record, no assignee, an old `××`) is not ready:
the page refuses to copy it and the API gives no `script`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from app.catalogue.services import SCRIPT_PLACEHOLDERS, fill_script
from app.followups.models import FollowUp
from app.timefmt import to_local

WEEKDAYS = "一二三四五六日"
HAND_BLANK = "××"


@dataclass(frozen=True)
class Script:
    lines: tuple[str, ...]  # filled; a blank that could not be filled reads 【客户姓名】
    missing: tuple[str, ...]  # placeholder keys without a value, "××" for a hand-written blank

    @property
    def ready(self) -> bool:
        """Whether the text may be copied and sent: it has lines and no blank is left."""
        return bool(self.lines) and not self.missing

    @property
    def text(self) -> str | None:
        """The message to copy, one talking point per line; None while a blank is left."""
        return "\n".join(self.lines) if self.ready else None

    @property
    def missing_names(self) -> list[str]:
        """What is missing, in the reader's language: 客户姓名, or “××” for an old hand-written blank."""
        # The names' translations are in the catalogues (客户姓名 → Customer name).
        return [f"“{HAND_BLANK}”" if key == HAND_BLANK else gettext(SCRIPT_PLACEHOLDERS[key]) for key in self.missing]


def event_day(day: date) -> str:
    """12月20日（周日）: the date and weekday a Chinese message names an event by."""
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def script_for(followup: FollowUp, staff_name: str | None) -> Script:
    """`followup`'s talking points for its customer, signed by `staff_name`, with the event's outlet,
    title and real date; blanks without a value are reported in `missing`."""
    event = followup.event
    values = {
        "customer": followup.customer.name if followup.customer else None,
        "staff": staff_name,
        "outlet": event.outlet.name,
        "event": event.title,
        "date": event_day(to_local(event.starts_at).date()),
    }
    lines: list[str] = []
    missing: list[str] = []
    for point in followup.talking_points or []:
        line, gaps = fill_script(str(point), values, mark_missing=lambda key: f"【{SCRIPT_PLACEHOLDERS[key]}】")
        if line.strip():
            lines.append(line)
        missing.extend(gap for gap in gaps if gap not in missing)
    return Script(lines=tuple(lines), missing=tuple(missing))


def for_assignee(followup: FollowUp) -> Script:
    """The script as the API gives it: signed with the assignee's display name."""
    return script_for(followup, followup.assignee.display_name if followup.assignee else None)
