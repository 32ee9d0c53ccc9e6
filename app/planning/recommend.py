"""Ranking templates for a planning window: which event to run, for which occasion, on which day.

A pure function over templates and dates; the caller supplies the outlet's
recent events. Every point of the score comes with a reason (in the reader's language), so
a marketer sees why a suggestion is first, including "you did this recently".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.catalogue.queries import (
    EVERGREEN_LEAD_DAYS,
    MIN_PUBLISH_DAYS,
    OccasionDate,
    Template,
    evergreen_slot,
    is_day_off,
    is_free_weekend,
    month_day,
    occasion_day_slot,
    occurrences,
    season_slot,
    weekday_name,
)
from app.org.reference import PARTNER_CATEGORIES, SEGMENTS

# Score parts (0-100 after clamping). Occasion-bound plans beat evergreen ones; a template made for
# this very occasion beats one that merely lists it; the filters and freshness outweigh timing.
BASE_DAY = 40
BASE_SEASON = 32
BASE_EVERGREEN = 22
PRIMARY_OCCASION = 8
TIMING_IDEAL = 15  # full lead time left, tapering off for occasions far ahead
TIMING_TIGHT = 5  # at least a publishing week, less than the lead time
TIMING_RUSHED = -15  # not even a publishing week
SEGMENT_MATCH = 20
PARTNER_MATCH = 15
PARTNER_MISS = -15
RECENT_WINDOW_DAYS = 90  # the same template again within a quarter looks like "the same old event"
RECENT_MAX_PENALTY = 40
RECENT_MIN_PENALTY = 15
CATEGORY_WINDOW_DAYS = 30
CATEGORY_PENALTY = 8


@dataclass(frozen=True)
class Recommendation:
    template: Template
    occasion: OccasionDate | None
    suggested_date: date
    score: int
    reasons: list[str]

    def to_dict(self) -> dict:
        occasion = self.occasion.to_dict() if self.occasion is not None else None
        return {"template": self.template.to_dict(), "occasion": occasion,
                "suggested_date": self.suggested_date.isoformat(), "score": self.score,
                "reasons": list(self.reasons)}


@dataclass(frozen=True)
class _Context:
    last: date  # the window's last day
    ref: date  # "now" for distances and lead times: today, or the window start
    floor: date  # no suggestion before this day
    segment: str | None
    partner_category: str | None
    recent_uses: Mapping[str, date]
    categories: Mapping[str, str]  # template key -> category, to spot recent events of the same kind


def recommend(templates: Iterable[Template], start: date, days: int, *, segment: str | None = None,
              partner_category: str | None = None, recent_uses: Mapping[str, date] | None = None,
              today: date | None = None) -> list[Recommendation]:
    """Templates fitting the window [start, start+days), best first, each with a day and reasons.

    A template tied to occasions yields one item per occurrence of them in the
    window; an evergreen template yields one item. `recent_uses` maps template
    keys to this outlet's last (or next scheduled) event with that template. A `segment` filter keeps
    only templates aimed at that group (a marketer who picked 银发 wants no
    亲子 plans); a `partner_category` only boosts or demotes, since any event
    can take a partner on. Ties break by date, then template key.
    """
    if days <= 0:
        return []
    everything = list(templates)
    pool = [t for t in everything if segment is None or segment in t.segments]
    ctx = _context(everything, start, days, segment, partner_category, recent_uses or {}, today)
    window = occurrences(start, ctx.last)
    items = []
    for template in pool:
        if template.evergreen:
            items.extend(_evergreen_item(template, ctx))
        else:
            fitting = [item for item in window if item.key in template.occasions]
            for item in fitting:
                items.extend(_occasion_item(template, item, ctx))
    return sorted(items, key=_rank)


def _context(everything: list[Template], start: date, days: int, segment: str | None,
             partner_category: str | None, recent_uses: Mapping[str, date], today: date | None) -> _Context:
    ref = today or start
    # Callers may pass event start times; only the day matters here.
    uses = {key: when.date() if isinstance(when, datetime) else when for key, when in recent_uses.items()}
    return _Context(last=start + timedelta(days=days - 1), ref=ref, floor=max(start, ref), segment=segment,
                    partner_category=partner_category, recent_uses=uses,
                    categories={t.key: t.category for t in everything})


def _rank(item: Recommendation) -> tuple:
    occasion_day = item.occasion.date if item.occasion is not None else date.max
    return (-item.score, item.suggested_date, occasion_day, item.template.key)


def _occasion_item(template: Template, item: OccasionDate, ctx: _Context) -> list[Recommendation]:
    prefer = template.preferred_days
    occasion = item.occasion
    if occasion.is_season:
        lead = _season_lead(item, ctx)
        day = season_slot(item, lead, floor=ctx.floor, last=ctx.last, ref=ctx.ref, prefer=prefer)
        score, reasons = BASE_SEASON, [_season_distance(item, ctx)]
    else:
        lead = occasion.lead_days
        day = occasion_day_slot(item, floor=ctx.floor, ref=ctx.ref, prefer=prefer)
        score, reasons = BASE_DAY, [_day_distance(item, ctx)]
    if day is None:
        return []  # the occasion's suitable days have all passed
    reasons.extend(_date_notes(item, day))
    if template.occasions[0] == occasion.key:
        score += PRIMARY_OCCASION
        reasons.append(_("专为%(occasion)s设计的方案", occasion=occasion.label))
    return [_finish(template, item, day, lead, score, reasons, ctx)]


def _evergreen_item(template: Template, ctx: _Context) -> list[Recommendation]:
    day = evergreen_slot(floor=ctx.floor, last=ctx.last, ref=ctx.ref, prefer=template.preferred_days)
    if day is None:
        return []
    reasons = [_("常规活动，不受节日限制，可随时安排")]
    return [_finish(template, None, day, EVERGREEN_LEAD_DAYS, BASE_EVERGREEN, reasons, ctx)]


def _finish(template: Template, item: OccasionDate | None, day: date, lead: int, score: int,
            reasons: list[str], ctx: _Context) -> Recommendation:
    """Add the parts every item shares (fit, partner, lead time, freshness) and clamp the score."""
    for points, reason in (_segment_part(template, ctx), _partner_part(template, ctx),
                           _timing_part(day, lead, ctx), *_freshness_parts(template, ctx)):
        score += points
        if reason:
            reasons.append(reason)
    return Recommendation(template=template, occasion=item, suggested_date=day,
                          score=max(0, min(100, score)), reasons=reasons)


def _season_lead(item: OccasionDate, ctx: _Context) -> int:
    # Once a campaign season is under way, an event in it needs only ordinary planning time.
    return item.occasion.lead_days if item.date > ctx.ref else EVERGREEN_LEAD_DAYS


def _day_distance(item: OccasionDate, ctx: _Context) -> str:
    days = (item.date - ctx.ref).days
    if days == 0:
        return _("今天就是%(occasion)s", occasion=item.name)
    return _("距%(occasion)s还有 %(days)d 天", occasion=item.name, days=days)


def _season_distance(item: OccasionDate, ctx: _Context) -> str:
    if item.date > ctx.ref:
        return _("距%(occasion)s开始还有 %(days)d 天", occasion=item.name, days=(item.date - ctx.ref).days)
    return _("%(occasion)s进行中（至 %(end)s）", occasion=item.name, end=month_day(item.end))


def _date_notes(item: OccasionDate, day: date) -> list[str]:
    when = _("%(date)s（%(weekday)s）", date=month_day(day), weekday=weekday_name(day))
    if not item.occasion.is_season and is_day_off(item.date):
        return [_("%(occasion)s当天放假，建议节前 %(when)s举办", occasion=item.name, when=when)]
    if day != item.date and is_free_weekend(day):
        return [_("建议 %(when)s举办，方便客户周末参加", when=when)]
    return []


def _segment_part(template: Template, ctx: _Context) -> tuple[int, str | None]:
    if ctx.segment is None:
        return 0, None
    return SEGMENT_MATCH, _("适合%(segment)s", segment=SEGMENTS.get(ctx.segment, ctx.segment))


def _partner_part(template: Template, ctx: _Context) -> tuple[int, str | None]:
    wanted = ctx.partner_category
    if wanted is None:
        return 0, None
    if wanted in template.partner_categories:
        return PARTNER_MATCH, _("可联合%(category)s类商户", category=PARTNER_CATEGORIES.get(wanted, wanted))
    return PARTNER_MISS, _("方案中没有%(category)s类商户的合作环节", category=PARTNER_CATEGORIES.get(wanted, wanted))


def _timing_part(day: date, lead: int, ctx: _Context) -> tuple[int, str]:
    """Reward plans that leave the occasion's full lead time; warn when there is not even a week."""
    prep = (day - ctx.ref).days
    if prep < MIN_PUBLISH_DAYS:
        return TIMING_RUSHED, _("距活动仅剩 %(days)d 天，不足筹备期，建议尽快发布", days=prep)
    if prep < lead:
        return TIMING_TIGHT, _("筹备时间偏紧（建议提前 %(lead)d 天），请尽快确定场地和物料", lead=lead)
    # Far-off plans are fine but not urgent: lose a point per 10 days beyond a month of slack.
    taper = min(TIMING_IDEAL, max(0, prep - lead - 30) // 10)
    return TIMING_IDEAL - taper, _("建议提前 %(lead)d 天策划，现在还有 %(days)d 天，时间充裕", lead=lead, days=prep)


def _freshness_parts(template: Template, ctx: _Context) -> list[tuple[int, str | None]]:
    """Demote what this outlet did recently: sameness is why customers stop coming."""
    last = ctx.recent_uses.get(template.key)
    if last is not None:
        ago = (ctx.ref - last).days
        if ago < 0:
            return [(-RECENT_MAX_PENALTY, _("本网点已安排 %(days)d 天后举办同类活动，建议换个形式", days=-ago))]
        if ago < RECENT_WINDOW_DAYS:
            spread = RECENT_MAX_PENALTY - RECENT_MIN_PENALTY
            penalty = RECENT_MIN_PENALTY + spread * (RECENT_WINDOW_DAYS - ago) // RECENT_WINDOW_DAYS
            if ago == 0:
                return [(-penalty, _("本网点今天刚办过同类活动，建议换个形式"))]
            return [(-penalty, _("本网点 %(days)d 天前刚办过同类活动，建议换个形式", days=ago))]
        return []
    return _category_part(template, ctx)


def _category_part(template: Template, ctx: _Context) -> list[tuple[int, str | None]]:
    recent = [(ctx.ref - used).days for key, used in ctx.recent_uses.items()
              if ctx.categories.get(key) == template.category and key != template.key]
    recent = [ago for ago in recent if 0 <= ago < CATEGORY_WINDOW_DAYS]
    if not recent:
        return []
    ago = min(recent)
    return [(-CATEGORY_PENALTY, _("本网点 %(days)d 天前办过%(category)s类活动，可在形式上错开",
                                  days=ago, category=template.category_name))]
