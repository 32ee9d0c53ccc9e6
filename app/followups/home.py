"""The 今日待办 panel: the signed-in person's follow-ups, overdue and due today first, then the coming week."""

from __future__ import annotations

from flask_login import current_user

from app.followups.queries import today_list
from app.followups.scripts import Script, script_for
from app.panels import register_panel
from app.security import OUTLET_ROLES, can


def todo_panel(user) -> dict | None:
    if user.role not in OUTLET_ROLES:
        return None  # admins have no follow-ups of their own; the dashboard is their view
    return {"todo": today_list(user), "manager": can(user, "followups.assign")}


def script(followup) -> Script:
    """The WeChat/phone text the signed-in person copies: filled with their own display name."""
    return script_for(followup, getattr(current_user, "display_name", None))


register_panel(5, "followups/_home_panel.html", todo_panel)
