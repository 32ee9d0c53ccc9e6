"""The 今日待办 panel: the signed-in person's follow-ups, overdue and due today first, then the coming week."""

from __future__ import annotations

from app.followups.queries import today_list
from app.home.panels import register_panel
from app.security import OUTLET_ROLES, can


def todo_panel(user) -> dict | None:
    if user.role not in OUTLET_ROLES:
        return None  # admins have no follow-ups of their own; the dashboard is their view
    return {"todo": today_list(user), "manager": can(user, "followups.assign")}


def message_text(followup) -> str:
    """The WeChat message a person copies: the item's talking points, one per line."""
    return "\n".join(followup.talking_points or [])


register_panel(5, "followups/_home_panel.html", todo_panel)
