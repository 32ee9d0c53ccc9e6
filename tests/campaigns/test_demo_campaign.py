"""`flask seed-demo` gives a branch login over the demo outlets and one campaign in progress."""

from __future__ import annotations

import sqlalchemy as sa

from app.campaigns.models import Campaign
from app.demo.org import DEMO_PASSWORD
from app.extensions import db


def test_seed_demo_prints_the_branch_login_and_makes_one_campaign_in_progress(app, client, auth):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "oh.branch" in first.output and "branch OH" in first.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # idempotent
    campaigns = list(db.session.scalars(sa.select(Campaign)))
    assert len(campaigns) == 1
    states = sorted((item.outlet.code, item.event.status) for item in campaigns[0].items)
    assert states == [("OH01", "published"), ("OH02", "published"), ("OH03", "draft")]
    auth.login("oh.branch", DEMO_PASSWORD)
    html = client.get(f"/campaigns/{campaigns[0].id}").get_data(as_text=True)
    assert "还有 1 个网点未发布：梧田网点（演示）" in html
    auth.logout()
    auth.login("oh03.manager", DEMO_PASSWORD)
    assert "支行活动待发布" in client.get("/today").get_data(as_text=True)
