"""The demo tells one consistent story for whatever day it is seeded on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.alliance.models import Voucher
from app.catalogue import occasions
from app.checkin.models import CheckIn
from app.demo import seed_demo
from app.events.models import Event, Registration
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.security import run_as_system
from app.timefmt import local_now, local_tz


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# Today, months back, and around 中秋/重阳 of the coming year.
@pytest.mark.parametrize("ahead", [0, -200, 45, 290])
def test_demo_festivals_weekends_and_past_are_coherent(app_ctx, ahead):
    run_as_system()
    started = local_now()
    now = started + timedelta(days=ahead)
    seed_demo(now)
    db.session.commit()
    events = {e.title: e for e in db.session.scalars(sa.select(Event))}
    tz = local_tz()

    def day(title):
        return _aware(events[title].starts_at).astimezone(tz).date()

    today = now.date()
    mid_autumn = day("中秋亲子DIY冰皮月饼（演示）")
    assert mid_autumn < today
    assert mid_autumn in {occasions.date_of("mid_autumn", y) for y in (today.year - 1, today.year)}
    double_ninth = day("重阳敬老健康讲座（演示）")
    assert double_ninth > today
    assert double_ninth in {occasions.date_of("double_ninth", y) for y in (today.year, today.year + 1)}
    assert day("周末亲子烘焙课（演示）").weekday() in (5, 6)
    for title in events:
        if "周末" in title:
            assert day(title).weekday() in (5, 6), title

    stamps = [
        *(("redeemed", v.redeemed_at) for v in db.session.scalars(sa.select(Voucher)) if v.redeemed_at),
        *(("issued", v.issued_at) for v in db.session.scalars(sa.select(Voucher))),
        *(("check-in", c.at) for c in db.session.scalars(sa.select(CheckIn))),
        *(("done", f.done_at) for f in db.session.scalars(sa.select(FollowUp)) if f.done_at),
        *(("contact", c.at) for c in db.session.scalars(sa.select(FollowUpContact))),
        *(("finished", e.finished_at) for e in events.values() if e.finished_at),
        *(("published", e.published_at) for e in events.values() if e.published_at),
        *(("registered", r.created_at) for r in db.session.scalars(sa.select(Registration))),
    ]
    assert stamps
    latest = now + (local_now() - started)  # seeding takes a few seconds of the real clock
    future = [(what, value) for what, value in stamps if _aware(value) > latest]
    assert not future, future[:5]
    # A past event's registrations, check-ins and redemptions follow each other in time.
    for event in events.values():
        if event.status != "finished":
            continue
        starts, ends = _aware(event.starts_at), _aware(event.ends_at)
        assert ends < now
        for r in db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id)):
            if r.source != "walk_in":
                assert _aware(r.created_at) < starts, event.title
        for v in db.session.scalars(sa.select(Voucher).where(Voucher.event_id == event.id)):
            if v.redeemed_at:
                assert _aware(v.issued_at) <= _aware(v.redeemed_at)
