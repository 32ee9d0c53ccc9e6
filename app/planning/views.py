"""Planning pages: the occasion calendar (month and year), an occasion's plans, the template library."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.catalogue import services as catalogue
from app.catalogue.queries import (
    OCCASIONS,
    WEEKDAYS,
    Occasion,
    OccasionDate,
    builtin_templates,
    get_occasion,
    occasion_dates,
    occurrences,
    script_preview,
    weekday_name,
)
from app.catalogue.vocabulary import CATEGORIES, LENSES
from app.followups.queries import template_track_record
from app.org.reference import PARTNER_CATEGORIES, SEGMENTS
from app.org.services import visible_outlets
from app.planning import services
from app.planning.calendar_grid import month_grid, short_name, year_overview
from app.security import permission_required
from app.timefmt import local_today, reads_chinese

bp = Blueprint("planning", __name__, url_prefix="/planning", template_folder="templates")

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")
FIRST_YEAR, LAST_YEAR = 1950, 2100  # the span the lunar calendar and the holiday rules are trusted for
KIND_NAMES = {"lunar": _l("农历节日"), "solar_term": _l("节气"), "fixed": _l("节日"), "weekday": _l("节日"),
              "season": _l("营销季")}
DAY_PREFERENCES = {"weekend": _l("周末"), "workday": _l("工作日"), "any": _l("不限")}
# The follow-up lists (DOMAIN.md) and who lands on each after the event.
PLAYBOOK_LISTS = (("maintain", _l("维护名单"), _l("到场的老客户")), ("prospect", _l("开拓名单"), _l("到场的新客户")),
                  ("winback", _l("挽回名单"), _l("报名却没来的客户")))


def _year_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR else None


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def _month_arg(today: date) -> tuple[int, int]:
    match = MONTH_PATTERN.match(request.args.get("month", ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return year, month
    return today.year, today.month


def _shift(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@bp.route("", methods=["GET"], endpoint="calendar")
@permission_required("templates.view")
def calendar_page():
    """The month (phones) or, with ?view=year, the year at a glance: occasions and the outlet's events."""
    today = local_today()
    if request.args.get("view") == "year":
        year = _year_arg("year") or today.year
        months = year_overview(year, today, services.events_between(date(year, 1, 1), date(year, 12, 31)))
        return render_template("planning/year.html", year=year, months=months, today=today,
                               kind_names=KIND_NAMES)
    year, month = _month_arg(today)
    # A branch (or an admin) sees every outlet's events; ?outlet=CODE shows one of them.
    outlets = visible_outlets() if current_user.outlet_id is None else []
    outlet = next((o for o in outlets if o.code == request.args.get("outlet")), None)
    grid = month_grid(year, month, today, lambda first, last: services.events_between(
        first, last, outlet.id if outlet else None))
    clashes = services.clashes(grid.events, {o.key: str(o.name) for o in OCCASIONS}) \
        if len(outlets) > 1 and outlet is None else []
    return render_template("planning/calendar.html", grid=grid, year=year, month=month, today=today,
                           outlets=outlets, outlet=outlet, clashes=clashes,
                           prev_month=_shift(year, month, -1), next_month=_shift(year, month, 1),
                           this_month=f"{today.year:04d}-{today.month:02d}", kind_names=KIND_NAMES,
                           short_name=short_name, weekday_name=weekday_name,
                           # Column heads: 一 … 日 as a Chinese wall calendar prints them, Mon … Sun in English.
                           weekday_heads=[str(w)[-1] if reads_chinese() else str(w) for w in WEEKDAYS])


def _occurrence(occasion: Occasion, year: int | None, today: date) -> OccasionDate | None:
    """The occurrence in `year` (the first not yet over, if two), else the next one from today."""
    years = [year] if year is not None else [today.year, today.year + 1]
    found = [item for y in years for item in occasion_dates(y) if item.key == occasion.key]
    if not found:
        return None
    upcoming = [item for item in found if item.end >= today]
    return upcoming[0] if upcoming else found[0]


@bp.route("/occasions/<key>", methods=["GET"])
@permission_required("templates.view")
def occasion(key: str):
    """One occasion: its date, lead time and groups, and the templates that fit it, each ready to use."""
    try:
        occ = get_occasion(key)
    except KeyError:
        abort(404)
    today = local_today()
    requested = _year_arg("year")
    item = _occurrence(occ, requested, today)
    year = item.date.year if item is not None else (requested or today.year)
    segment = _choice("segment", occ.segments)
    plans = []
    if item is not None and item.end >= today:
        plans = services.occasion_recommendations(item, segment=segment, outlet_id=current_user.outlet_id)
    planned = {rec.template.key for rec in plans}
    related = [t for t in builtin_templates().values() if key in t.occasions and t.key not in planned
               and (segment is None or segment in t.segments)]
    kickoff = item.date - timedelta(days=occ.lead_days) if item is not None else None
    return render_template("planning/occasion.html", occasion=occ, item=item, year=year, today=today,
                           kickoff=kickoff, plans=plans, related=related, segment=segment, kind_names=KIND_NAMES,
                           lens_names=LENSES, track_record=template_track_record(current_user.outlet_id))


def _library_order(today: date):
    """The outlet's own templates first, then by how soon their next occasion comes; evergreen ones last."""
    upcoming: dict[str, date] = {}
    for item in occurrences(today, today + timedelta(days=366)):
        upcoming.setdefault(item.key, max(item.date, today))  # a season under way counts from today

    def order(template: dict) -> tuple:
        dates = [upcoming[key] for key in template.get("occasions") or [] if key in upcoming]
        return template["source"] != catalogue.SOURCE_OUTLET, min(dates, default=date.max), template["name"]

    return order


def _filter_url(current: dict, **change) -> str:
    merged = {**current, **change}
    return url_for("planning.templates", **{k: v for k, v in merged.items() if v})


@bp.route("/templates", methods=["GET"], endpoint="templates")
@permission_required("templates.view")
def template_library():
    """Built-in templates and the outlet's own, filtered by group, kind, partner and occasion (GET chips)."""
    occasion_keys = {o.key: o.label for o in OCCASIONS}
    filters = {"segment": _choice("segment", SEGMENTS), "category": _choice("category", CATEGORIES),
               "partner_category": _choice("partner_category", PARTNER_CATEGORIES),
               "occasion": _choice("occasion", occasion_keys)}
    items = catalogue.template_catalogue(**filters)
    items.sort(key=_library_order(local_today()))
    return render_template("planning/templates.html", items=items, filters=filters,
                           filter_url=lambda **change: _filter_url(filters, **change),
                           segments=SEGMENTS, categories=CATEGORIES, partner_categories=PARTNER_CATEGORIES,
                           occasion_names=occasion_keys,
                           track_record=template_track_record(current_user.outlet_id))


@bp.route("/templates/<key>", methods=["GET"])
@permission_required("templates.view")
def template_detail(key: str):
    """Everything a template plans: groups, occasions, agenda, materials, budget, goals, follow-up scripts."""
    template = catalogue.template_detail(key)
    if template is None:
        abort(404)
    record = template_track_record(current_user.outlet_id)
    occasion_list = [get_occasion(k) for k in template.get("occasions", []) if k in {o.key for o in OCCASIONS}]
    return render_template("planning/template.html", template=template, occasion_list=occasion_list,
                           track_record=record, lens_names=LENSES, day_names=DAY_PREFERENCES,
                           playbook_lists=PLAYBOOK_LISTS, script_preview=script_preview)
