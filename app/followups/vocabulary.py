"""The words of follow-up work: lists, statuses, contact methods and products, as keys with Chinese names.

The API takes keys (`wealth`) and also the Chinese names staff type (`理财`);
the database stores keys, so figures group cleanly whatever was typed.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.followups.models import LISTS, STATUSES

LIST_NAMES = {
    "maintain": _l("维护"),
    "prospect": _l("开拓"),
    "winback": _l("挽回"),
}
assert set(LIST_NAMES) == set(LISTS)

STATUS_NAMES = {
    "open": _l("待跟进"),
    "contacted": _l("已联系"),
    "converted": _l("已转化"),
    "unreachable": _l("联系不上"),
    "closed": _l("已关闭"),
}
assert set(STATUS_NAMES) == set(STATUSES)
# Why an item was closed without outreach (followups.closed_reason; set by app.personal_data and finishing).
CLOSED_REASONS = {
    "erased": _l("本人信息已删除"),
    "consent_withdrawn": _l("本人已撤回营销授权，不再跟进"),
}
# What a person records; "open" is only the state before anything was recorded.
RECORD_STATUSES = ("contacted", "converted", "unreachable", "closed")
DONE_STATUSES = frozenset(RECORD_STATUSES)

CONTACT_METHODS = {
    "phone": _l("电话"),
    "wechat": _l("微信"),
    "visit": _l("面谈"),
    "sms": _l("短信"),
    "other": _l("其他"),
}

# Products a follow-up can convert into (the bank's retail shelf, coarse on purpose).
PRODUCTS = {
    "deposit": _l("存款"),
    "wealth": _l("理财"),
    "fund": _l("基金"),
    "insurance": _l("保险"),
    "credit_card": _l("信用卡"),
    "loan": _l("贷款"),
    "mobile_banking": _l("手机银行"),
    "payroll": _l("代发"),
    "pension": _l("养老金"),
    "precious_metal": _l("贵金属"),
    "other": _l("其他"),
}

# Chinese names in the source language, so lookups do not depend on the request's locale.
_PRODUCT_ALIASES = {
    "存款": "deposit", "定期": "deposit", "大额存单": "deposit",
    "理财": "wealth", "基金": "fund", "保险": "insurance", "信用卡": "credit_card", "贷款": "loan",
    "手机银行": "mobile_banking", "代发": "payroll", "代发工资": "payroll", "养老金": "pension",
    "个人养老金": "pension", "贵金属": "precious_metal", "其他": "other",
}


def product_key(raw: str | None) -> str | None:
    """`wealth`, `Wealth` or `理财` → `wealth`; None for anything not on the list."""
    text = (raw or "").strip()
    if not text:
        return None
    if text.lower() in PRODUCTS:
        return text.lower()
    return _PRODUCT_ALIASES.get(text)


def product_name(key: str | None) -> str:
    if key is None:
        return ""
    return str(PRODUCTS.get(key, key))
