"""The planning panel of the 今日 page: occasions whose planning time has come.

An occasion shows up once today is inside its lead time (a season: until it
ends), so nobody learns about 中秋 a week before it.
"""

from __future__ import annotations

from datetime import timedelta

from app.catalogue.queries import occurrences
from app.panels import register_panel
from app.security import can
from app.timefmt import local_today

LOOKAHEAD_DAYS = 60  # the longest lead time (开门红, 45 days) plus slack
MAX_SHOWN = 4


def planning_panel(user) -> dict | None:
    if not can(user, "templates.view"):
        return None
    today = local_today()
    due = [item for item in occurrences(today, today + timedelta(days=LOOKAHEAD_DAYS))
           if item.date - timedelta(days=item.occasion.lead_days) <= today <= item.end]
    return {"today": today, "occasions": due[:MAX_SHOWN]}


register_panel(20, "planning/_home_panel.html", planning_panel)
