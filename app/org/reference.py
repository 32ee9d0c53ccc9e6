"""Reference data: keys are the API contract, names are what people read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Customer groups (客群). API.md fixes the keys.
SEGMENTS = {
    "family": _l("亲子家庭"),
    "elderly": _l("银发客群"),
    "payroll": _l("代发工资客户"),
    "merchant": _l("商户/小微企业主"),
    "young": _l("年轻客群/新市民"),
    "vip": _l("贵宾客户"),
}

TIERS = {
    "standard": _l("普通"),
    "gold": _l("金卡"),
    "platinum": _l("白金"),
    "diamond": _l("钻石"),
}

PARTNER_CATEGORIES = {
    "bakery": _l("烘焙"),
    "cafe": _l("咖啡茶饮"),
    "education": _l("教育培训"),
    "health": _l("医疗健康"),
    "restaurant": _l("餐饮"),
    "supermarket": _l("商超"),
    "fitness": _l("运动健身"),
    "bookstore": _l("书店文创"),
    "florist": _l("花艺"),
    "photography": _l("摄影"),
}


def _by_name(table: dict) -> dict[str, str]:
    return {str(name): key for key, name in table.items()}


def parse_key(table: dict, raw: str) -> str | None:
    """Accept a key (`family`) or its Chinese name (`亲子家庭`); None if neither."""
    value = (raw or "").strip()
    if value in table:
        return value
    lowered = value.lower()
    if lowered in table:
        return lowered
    return _by_name(table).get(value)


def items(table: dict) -> list[dict[str, str]]:
    return [{"key": key, "name": str(name)} for key, name in table.items()]
