"""Partner merchants and their offers, as the bank manages them (admin: partners; admin or manager: offers).

Each function validates every field (errors named per field, in Chinese),
flushes and writes the audit entry; it never commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.alliance.errors import PartnerExists
from app.alliance.models import COST_SHARES, ISSUE_TRIGGERS, PARTNER_STATUSES, Offer, Partner, Voucher
from app.audit import services as audit
from app.errors import ValidationFailed
from app.extensions import db
from app.org.reference import PARTNER_CATEGORIES, parse_key
from app.security import acting_user

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")
# Path words of /partners/… pages and API routes; a partner code must not shadow them.
RESERVED_CODES = {"new", "users", "performance"}
PHONE_PATTERN = re.compile(r"^[0-9+\- ()]{5,20}$")
PARTNER_FIELDS = ("name", "category", "address", "contact_name", "contact_phone", "agreement_start",
                  "agreement_end", "status")
OFFER_FIELDS = ("title", "terms", "valid_from", "valid_until", "issue_on", "total_limit", "per_customer_limit",
                "value", "cost_share", "bank_share_percent", "active")


def partner_by_code(code: str | None) -> Partner | None:
    if not code:
        return None
    return db.session.scalar(sa.select(Partner).where(Partner.code == code.strip()))


def list_partners(*, status: str | None = None, category: str | None = None) -> list[Partner]:
    stmt = sa.select(Partner)
    if status:
        stmt = stmt.where(Partner.status == status)
    if category:
        stmt = stmt.where(Partner.category == category)
    return list(db.session.scalars(stmt.order_by(Partner.status, Partner.code)))


def partner_of(user) -> Partner | None:
    """The partner a partner login acts for (users.partner_id), None for bank staff."""
    return db.session.get(Partner, user.partner_id) if user.partner_id else None


class AccountPartners:
    """Partners as auth's user pages, API and `flask users` see them (app.auth.signals).

    Registered in alliance's init_app: auth stores only users.partner_id and never imports alliance.
    """

    def partners(self) -> list[Partner]:
        return list_partners()

    def by_code(self, code: str) -> Partner | None:
        return db.session.scalar(sa.select(Partner).where(Partner.code == code))

    def by_ids(self, ids: Iterable[int]) -> dict[int, Partner]:
        return {p.id: p for p in db.session.scalars(sa.select(Partner).where(Partner.id.in_(list(ids))))}


def _text(values: dict, key: str, limit: int, errors: dict, label: str, required: bool = False) -> str | None:
    raw = values.get(key)
    value = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw)
    if required and not value:
        errors[key] = _("请填写%(what)s", what=label)
    elif len(value) > limit:
        errors[key] = _("%(what)s不超过 %(n)d 字", what=label, n=limit)
    return value or None


def _clean_partner(values: dict, partner: Partner | None) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    merged = {k: getattr(partner, k) for k in PARTNER_FIELDS} if partner else {}
    merged.update({k: v for k, v in values.items() if k in PARTNER_FIELDS})
    clean["name"] = _text(merged, "name", 100, errors, _("商户名称"), required=True)
    raw_category = merged.get("category")
    category = parse_key(PARTNER_CATEGORIES, raw_category or "")
    if category is None:
        category = raw_category
        errors["category"] = _("请选择商户类别") if not raw_category else _("未知类别：%(c)s", c=raw_category)
    clean["category"] = category
    clean["address"] = _text(merged, "address", 200, errors, _("地址"))
    clean["contact_name"] = _text(merged, "contact_name", 50, errors, _("联系人"))
    phone = _text(merged, "contact_phone", 20, errors, _("联系电话"))
    if phone and not PHONE_PATTERN.match(phone):
        errors["contact_phone"] = _("联系电话只能包含数字、空格、+ 和 -")
    clean["contact_phone"] = phone
    start, end = merged.get("agreement_start"), merged.get("agreement_end")
    if start and end and end < start:
        errors["agreement_end"] = _("协议结束日期不能早于开始日期")
    clean["agreement_start"], clean["agreement_end"] = start, end
    status = merged.get("status") or "active"
    if status not in PARTNER_STATUSES:
        errors["status"] = _("状态应为 active、paused 或 ended")
    clean["status"] = status
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def create_partner(code: str | None, values: dict) -> Partner:
    """Add a partner merchant; its code is the stable key of the API and of `--partner`."""
    code = (code or "").strip()
    errors = {}
    if not CODE_PATTERN.match(code) or code.lower() in RESERVED_CODES:
        errors["code"] = _("商户代码为 2-32 位字母、数字、下划线或短横线")
    try:
        clean = _clean_partner(values, None)
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    if errors:
        raise ValidationFailed(fields=errors)
    if partner_by_code(code) is not None:
        message = _("商户代码 %(code)s 已存在", code=code)
        raise PartnerExists(message, fields={"code": message})
    partner = Partner(code=code, **clean)
    db.session.add(partner)
    db.session.flush()
    audit.record("partner_created", obj=partner, details={"code": code, "name": partner.name})
    return partner


def update_partner(partner: Partner, values: dict) -> Partner:
    """Change a partner's details, agreement period or status (paused and ended partners issue nothing)."""
    clean = _clean_partner(values, partner)
    changed = [k for k, v in clean.items() if getattr(partner, k) != v]
    for key in changed:
        setattr(partner, key, clean[key])
    db.session.flush()
    if changed:
        audit.record("partner_updated", obj=partner, details={"fields": changed})
    return partner


def _int(value, key: str, errors: dict, low: int, high: int | None = None) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = _("应为整数")
        return None
    if number < low or (high is not None and number > high):
        errors[key] = (_("应为 %(a)d 到 %(b)d 之间的整数", a=low, b=high) if high is not None
                       else _("不能小于 %(n)d", n=low))
    return number


def _clean_offer(values: dict, offer: Offer | None) -> dict:
    errors: dict[str, str] = {}
    merged: dict[str, Any] = {k: getattr(offer, k) for k in OFFER_FIELDS} if offer else {"active": True}
    merged.update({k: v for k, v in values.items() if k in OFFER_FIELDS})
    clean: dict = {"title": _text(merged, "title", 120, errors, _("优惠名称"), required=True)}
    clean["terms"] = _text(merged, "terms", 2000, errors, _("使用规则")) or ""
    start, end = merged.get("valid_from"), merged.get("valid_until")
    for key, value in (("valid_from", start), ("valid_until", end)):
        if not isinstance(value, date):
            errors[key] = _("请填写日期")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        errors["valid_until"] = _("有效期结束不能早于开始")
    clean["valid_from"], clean["valid_until"] = start, end
    issue_on = merged.get("issue_on") or "checkin"
    if issue_on not in ISSUE_TRIGGERS:
        errors["issue_on"] = _("发券时机应为 registration(报名成功)或 checkin(到场签到)")
    clean["issue_on"] = issue_on
    clean["total_limit"] = _int(merged.get("total_limit"), "total_limit", errors, 1)
    clean["per_customer_limit"] = _int(merged.get("per_customer_limit"), "per_customer_limit", errors, 1)
    value = merged.get("value")
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        errors["value"], value = _("应为金额，如 30 或 19.90"), None
    if value is not None and value < 0:
        errors["value"] = _("金额不能为负")
    clean["value"] = value
    share = merged.get("cost_share") or "partner"
    if share not in COST_SHARES:
        errors["cost_share"] = _("承担方应为 bank、partner 或 shared")
    clean["cost_share"] = share
    percent = _int(merged.get("bank_share_percent"), "bank_share_percent", errors, 0, 100)
    if share == "shared" and percent is None and "bank_share_percent" not in errors:
        errors["bank_share_percent"] = _("双方分担时请填写银行承担比例（0-100）")
    # The share is implied by "bank" (100 %) and "partner" (0 %); only "shared" keeps a number.
    clean["bank_share_percent"] = percent if share == "shared" else {"bank": 100, "partner": 0}.get(share)
    clean["active"] = bool(merged.get("active", True))
    if offer is not None and clean["total_limit"] is not None:
        issued = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(Voucher.offer_id == offer.id))
        if clean["total_limit"] < issued:
            errors["total_limit"] = _("已发出 %(n)d 张，总量不能少于此数", n=issued)
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def create_offer(partner: Partner, values: dict) -> Offer:
    """Add an offer to a partner; events carrying it issue vouchers on registration or check-in."""
    clean = _clean_offer(values, None)
    offer = Offer(partner=partner, created_by_id=getattr(acting_user(), "id", None), **clean)
    db.session.add(offer)
    db.session.flush()
    audit.record("offer_created", obj=offer, details={"partner": partner.code, "title": offer.title})
    return offer


def update_offer(offer: Offer, values: dict) -> Offer:
    """Edit an offer (only the fields given); the total may not drop below the vouchers already issued.

    Deactivating stops new vouchers; those already issued stay usable until they expire.
    """
    clean = _clean_offer(values, offer)
    changed = [k for k, v in clean.items() if getattr(offer, k) != v]
    for key in changed:
        setattr(offer, key, clean[key])
    db.session.flush()
    if changed:
        audit.record("offer_updated", obj=offer, details={"fields": changed})
    return offer


def set_offer_active(offer: Offer, active: bool) -> Offer:
    return update_offer(offer, {"active": active})


def offers_of(partner: Partner, *, active_only: bool = False) -> list[Offer]:
    stmt = sa.select(Offer).where(Offer.partner_id == partner.id)
    if active_only:
        stmt = stmt.where(Offer.active)
    return list(db.session.scalars(stmt.order_by(Offer.active.desc(), Offer.valid_until.desc(), Offer.id)))


def offer_of_partner_or_none(partner: Partner, offer_id: int) -> Offer | None:
    offer = db.session.get(Offer, offer_id)
    return offer if offer is not None and offer.partner_id == partner.id else None


def with_issued(offers: list[Offer]) -> list[Offer]:
    """Attach how many vouchers each offer has issued (shown beside its limit)."""
    counts = dict(db.session.execute(sa.select(Voucher.offer_id, sa.func.count(Voucher.id)).where(
        Voucher.offer_id.in_([o.id for o in offers])).group_by(Voucher.offer_id)).all()) if offers else {}
    for offer in offers:
        offer.issued = counts.get(offer.id, 0)
    return offers
