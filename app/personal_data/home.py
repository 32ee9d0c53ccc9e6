"""The 今日 panel: privacy requests past their due date, for those who handle them."""

from __future__ import annotations

from app.panels import register_panel
from app.personal_data.services import overdue_requests
from app.security import can


def overdue_panel(user) -> dict | None:
    if not can(user, "privacy_requests.manage"):
        return None
    overdue = overdue_requests(user)
    return {"overdue": overdue} if overdue else None


register_panel(3, "personal_data/_home_panel.html", overdue_panel)
