"""Demo branch (支行) over the demo outlets, its login, and one campaign in progress.

The campaign was pushed to all three outlets: two have published their event, one still has its
draft (the 未发布 nudge on its 今日 page and on the campaign's page).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.campaigns import services as campaigns
from app.demo.org import DEMO_PASSWORD, OUTLETS, _ensure_user
from app.events import services as event_services
from app.extensions import db
from app.models import utcnow
from app.org.models import Branch, Outlet
from app.security import forget_branch_outlets
from app.timefmt import local_now, local_tz

BRANCH = ("OH", "瓯海支行（演示）")
BRANCH_LOGIN = ("oh.branch", "瓯海支行运营（演示）")
CAMPAIGN_KEY = "demo-campaign-antifraud"  # the campaign's request key: seeding again finds it
CAMPAIGN = ("silver_antifraud_theatre", "反诈小剧场·三网点联动（演示）")
PUBLISHED = ("OH01", "OH02")  # OH03 has not published its draft yet


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, local_tz())


def _campaign_day(today: date) -> date:
    """A Saturday two weeks or so ahead."""
    day = today + timedelta(days=12)
    return day + timedelta(days=(5 - day.weekday()) % 7)


def seed_campaigns(now: datetime | None = None) -> list[tuple[str, str, str]]:
    now = now or local_now()
    code, name = BRANCH
    branch = db.session.scalar(sa.select(Branch).where(Branch.code == code))
    if branch is None:
        branch = Branch(code=code, name=name)
        db.session.add(branch)
    outlets = list(db.session.scalars(sa.select(Outlet).where(Outlet.code.in_([c for c, _n, _a in OUTLETS]))))
    for outlet in outlets:
        outlet.branch = branch
    db.session.flush()
    forget_branch_outlets()
    username, display = BRANCH_LOGIN
    _ensure_user(username, "branch", DEMO_PASSWORD, branch=code, name=display)
    if not outlets or campaigns.find_by_request_key(CAMPAIGN_KEY) is not None:
        return [(username, DEMO_PASSWORD, f"branch {code}")]
    # As in demo/events.py: made and published while it lies in the real future, then dated to the demo day.
    day = _campaign_day(now.date())
    real_tomorrow = utcnow().astimezone(local_tz()).date() + timedelta(days=1)
    real_start = _at(max(day, real_tomorrow), time(9, 30))
    template, title = CAMPAIGN
    campaign, _created = campaigns.create_campaign(campaigns.CampaignInput(
        template_key=template, title=title, outlet_codes=sorted(o.code for o in outlets), starts_at=real_start,
        ends_at=real_start + timedelta(hours=2), capacity=30, waitlist=True), request_key=CAMPAIGN_KEY)
    starts = _at(day, time(9, 30))
    campaign.starts_at, campaign.ends_at = starts, starts + timedelta(hours=2)
    for item in campaign.items:
        event = item.event
        if item.outlet.code in PUBLISHED:
            event.venue = f"{item.outlet.name}一楼大厅"
            event_services.publish(event)
            event.published_at = now - timedelta(days=1)
        event.starts_at, event.ends_at = starts, starts + timedelta(hours=2)
    db.session.flush()
    return [(username, DEMO_PASSWORD, f"branch {code}")]
