"""Campaigns: a branch pushes one template to several outlets as one draft event each.

The drafts are made by events' own `create_event`, so every rule of an event (its outlet in the
caller's scope, dates, capacity, title) is checked once, there. A campaign is visible to the admin
and to the logins of its branch, and to no one else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.campaigns.models import Campaign, CampaignEvent
from app.catalogue.queries import builtin_templates
from app.errors import NotFound, ValidationFailed
from app.events import services as events
from app.events.models import Event
from app.extensions import db
from app.org.models import Outlet
from app.security import ADMIN, BRANCH, acting_user, ensure_outlet_in_scope

REQUEST_KEY_MAX = 64

# What a campaign page says of each outlet's event.
STATE_NAMES = {"draft": _l("未发布"), "published": _l("已发布"), "finished": _l("已结束"),
               "cancelled": _l("已取消")}


@dataclass
class CampaignInput:
    template_key: str | None = None
    title: str | None = None
    outlet_codes: list[str] = field(default_factory=list)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = None
    waitlist: bool | None = None


def visible_campaigns(user=None):
    """The SELECT of the campaigns `user` may see: all for an admin, its branch's for a branch login."""
    user = user if user is not None else acting_user()
    stmt = sa.select(Campaign)
    if user is None or not user.is_authenticated:
        return stmt.where(sa.false())
    if user.role == ADMIN:
        return stmt
    if user.role == BRANCH and user.branch_id is not None:
        return stmt.where(Campaign.branch_id == user.branch_id)
    return stmt.where(sa.false())


def campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(visible_campaigns().where(Campaign.id == campaign_id))
    if campaign is None:
        raise NotFound()
    return campaign


def list_campaigns(limit: int = 100) -> list[Campaign]:
    return list(db.session.scalars(visible_campaigns().order_by(Campaign.starts_at.desc(), Campaign.id.desc())
                                   .limit(limit)))


def _by_key(request_key: str) -> Campaign | None:
    return db.session.scalar(sa.select(Campaign).where(Campaign.request_key == request_key))


def find_by_request_key(request_key: str) -> Campaign | None:
    return _by_key(request_key)


def _existing(request_key: str | None) -> Campaign | None:
    """The campaign an earlier submit of the same form (same key) made, if it is the caller's to see."""
    if not request_key:
        return None
    campaign = _by_key(request_key)
    if campaign is None:
        return None
    return campaign_or_404(campaign.id)  # another branch's key answers 404, never its campaign


def _event_input(data: CampaignInput, outlet: Outlet, title: str) -> events.EventInput:
    return events.EventInput(template_key=data.template_key, outlet_code=outlet.code, starts_at=data.starts_at,
                             ends_at=data.ends_at, capacity=data.capacity, waitlist=data.waitlist, title=title)


def _check(data: CampaignInput):
    """(template, title, outlets, field errors): every problem of the input at once; 403 out of scope."""
    errors: dict[str, str] = {}
    template = builtin_templates().get(data.template_key or "")
    if template is None:
        errors["template_key"] = _("模板不存在") if data.template_key else _("请选择模板")
    title = (data.title or "").strip() or (template.name if template else "")
    if not title:
        errors["title"] = _("请填写活动名称")
    codes = list(dict.fromkeys(c.strip() for c in data.outlet_codes or [] if c and c.strip()))
    outlets = list(db.session.scalars(sa.select(Outlet).where(Outlet.code.in_(codes)).order_by(Outlet.code))) \
        if codes else []
    unknown = sorted(set(codes) - {o.code for o in outlets})
    if not codes:
        errors["outlet_codes"] = _("请至少选择一个网点")
    elif unknown:
        errors["outlet_codes"] = _("网点不存在：%(codes)s", codes="、".join(unknown))
    for outlet in outlets:
        ensure_outlet_in_scope(outlet.id)  # 403: pushing into another branch's outlet, as for one event
    if outlets:
        # The event's own rules (dates, capacity, title), asked once for all the drafts alike; without a
        # valid template yet, still against one, so that every problem shows on the first submit.
        probe = replace(data, template_key=template.key if template else next(iter(sorted(builtin_templates()))))
        for key, message in events.validation_errors(_event_input(probe, outlets[0], title or "-"), None).items():
            if key not in ("template_key", "outlet_code"):
                errors.setdefault(key, message)
    return template, title, outlets, errors


def campaign_errors(data: CampaignInput) -> dict[str, str]:
    """Every field error `create_campaign` would raise, without writing (for a page showing all at once)."""
    return _check(data)[3]


def create_campaign(data: CampaignInput, request_key: str | None = None) -> tuple[Campaign, bool]:
    """Create a campaign and one draft event per chosen outlet; returns (campaign, created).

    The same `request_key` again (a form posted twice, an API call retried, even two at once)
    answers the campaign the first one made and creates nothing.
    """
    request_key = (request_key or "").strip()[:REQUEST_KEY_MAX] or None
    existing = _existing(request_key)
    if existing is not None:
        return existing, False
    _template, title, outlets, errors = _check(data)
    if errors:
        raise ValidationFailed(fields=errors)
    actor = acting_user()
    branches = {o.branch_id for o in outlets}
    branch_id = actor.branch_id if getattr(actor, "role", None) == BRANCH else (
        branches.pop() if len(branches) == 1 else None)
    campaign = Campaign(branch_id=branch_id, created_by_id=getattr(actor, "id", None),
                        template_key=data.template_key or "", title=title, starts_at=data.starts_at,
                        ends_at=data.ends_at, capacity=data.capacity or 1,
                        waitlist=True if data.waitlist is None else bool(data.waitlist), request_key=request_key)
    if request_key is not None:
        # Two submits racing: the second insert of the key waits for the first to commit (PostgreSQL)
        # and is then refused; it answers the first one's campaign.
        try:
            with db.session.begin_nested():
                db.session.add(campaign)
        except sa.exc.IntegrityError:
            winner = _existing(request_key)
            if winner is None:
                raise
            return winner, False
    else:
        db.session.add(campaign)
    for outlet in outlets:
        event = events.create_event(_event_input(data, outlet, title))
        campaign.items.append(CampaignEvent(outlet=outlet, event=event))
    db.session.flush()
    audit.record("campaign_created", obj=campaign, details={
        "title": title, "template": campaign.template_key, "outlets": [o.code for o in outlets]})
    return campaign, True


@dataclass
class OutletState:
    outlet: Outlet
    event: Event
    state: str  # the event's status: draft, published, finished or cancelled

    @property
    def state_name(self) -> str:
        return str(STATE_NAMES[self.state])


def outlet_states(campaign: Campaign) -> list[OutletState]:
    """Each outlet's event of the campaign and how far it has got."""
    return [OutletState(item.outlet, item.event, item.event.status) for item in campaign.items]


def unpublished_drafts_for(user) -> list[Event]:
    """Campaign drafts in the user's outlet not yet published (the nudge on 今日)."""
    if getattr(user, "outlet_id", None) is None:
        return []
    return list(db.session.scalars(
        sa.select(Event).join(CampaignEvent, CampaignEvent.event_id == Event.id)
        .where(CampaignEvent.outlet_id == user.outlet_id, Event.status == "draft")
        .order_by(Event.starts_at)))
