"""The 今日 panels of campaigns: an outlet's unpublished campaign drafts (the nudge), a branch's campaigns."""

from __future__ import annotations

from app.campaigns.services import list_campaigns, outlet_states, unpublished_drafts_for
from app.panels import register_panel
from app.security import can


def drafts_panel(user) -> dict | None:
    if not can(user, "events.publish") or getattr(user, "outlet_id", None) is None:
        return None
    drafts = unpublished_drafts_for(user)
    return {"drafts": drafts} if drafts else None


def branch_panel(user) -> dict | None:
    if not can(user, "campaigns.view"):
        return None
    return {"campaigns": [(c, outlet_states(c)) for c in list_campaigns(limit=5)],
            "may_create": can(user, "campaigns.create")}


register_panel(3, "campaigns/_home_panel.html", drafts_panel)
register_panel(4, "campaigns/_home_branch.html", branch_panel)
