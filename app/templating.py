"""Jinja filters and globals shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.assets import init_assets
from app.form_errors import shown, unshown_errors
from app.org import reference
from app.privacy import mask_name, mask_phone
from app.security import BANK_ROLES, can
from app.timefmt import date_cn, datetime_cn, reads_chinese, to_local

# The staff tab bar: (key, label, endpoint, blueprints that light it up).
# A tab appears only once its feature's endpoint exists: no placeholder entries.
# Follow-up work and results are the daily list's (今日待办 links to them), not the customer file's.
# Every blueprint that renders staff pages belongs to exactly one tab (tests/test_tabbar.py).
TABS = [
    ("today", _l("今日"), "home.index", {"home", "followups", "results"}),
    ("events", _l("活动"), "events.index", {"events", "planning", "checkin", "campaigns"}),
    ("customers", _l("客户"), "customers.index", {"customers", "personal_data"}),
    ("me", _l("我的"), "auth.account", {"auth", "audit", "alliance", "org"}),
]


def nav_tabs() -> list[dict]:
    if not current_user.is_authenticated or current_user.role not in BANK_ROLES:
        return []
    blueprint = request.blueprint if request else None
    return [
        {"key": key, "label": label, "url": url_for(endpoint), "active": blueprint in blueprints}
        for key, label, endpoint, blueprints in TABS
        if endpoint in current_app.view_functions
    ]


def format_dt(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    local = to_local(value)
    return local.strftime(fmt) if local else ""


def format_date_cn(value: date | datetime | None) -> str:
    """`9月25日 周五`: how dates read on a phone in China (`Fri 25 Sep` in English); app.timefmt.date_cn."""
    return date_cn(value)


def format_datetime_cn(value: datetime | None, seconds: bool = False) -> str:
    """`9月25日 周五 14:00`: a moment, in the same style as `date_cn` so a page has one date style."""
    return datetime_cn(value, seconds)


def yuan(value) -> str:
    """¥50,000.00; an empty string for no amount. Every page writes money this one way."""
    return "" if value is None else f"¥{Decimal(value):,.2f}"


def yuan_short(value) -> str:
    """¥5.2万 for big amounts (¥52k in English), so a phone's stat tile stays one line."""
    amount = Decimal(value or 0)
    if amount < 10000:
        return f"¥{amount:,.0f}"
    if reads_chinese():
        return f"¥{amount / 10000:,.1f}万"
    return f"¥{amount / 1000:,.0f}k"


def colon() -> str:
    """The colon between a label and its value: full-width in Chinese text, `: ` in English."""
    return "：" if not has_request_context() or reads_chinese() else ": "


def init_templating(app: Flask) -> None:
    init_assets(app)  # url_for('static', …) in templates gives fingerprinted, long-cached URLs
    app.jinja_env.filters.update(
        dt=format_dt,
        date_cn=format_date_cn,
        datetime_cn=format_datetime_cn,
        yuan=yuan,
        yuan_short=yuan_short,
        mask_name=mask_name,
        mask_phone=mask_phone,
        segment_name=lambda key: str(reference.SEGMENTS.get(key, key)),
        tier_name=lambda key: str(reference.TIERS.get(key, key)),
        partner_category_name=lambda key: str(reference.PARTNER_CATEGORIES.get(key, key)),
    )
    app.jinja_env.globals.update(can=can, colon=colon, csrf_token=generate_csrf, shown=shown,
                                 unshown_errors=unshown_errors)

    @app.context_processor
    def page_globals():
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "html_lang": "zh-CN" if locale.startswith("zh") else locale.replace("_", "-"),
            "locale": locale,
            "languages": current_app.config["LANGUAGES"],
            "current_path": request.full_path.rstrip("?") if request else "/",
            "user": current_user,
            "nav_tabs": nav_tabs(),
            "current_app_endpoints": current_app.view_functions,
        }
