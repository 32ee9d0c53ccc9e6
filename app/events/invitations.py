"""Invitations (批量维护): staff invite the outlet's customers to a published event by SMS.

Who is invited: the outlet's customer records (customers and prospects) picked by segment or by
hand, who hold a marketing consent not withdrawn (`customers.queries.has_marketing_consent`), whose
phone did not opt out (`notify.services.opted_out_phones`: a reply T/TD/R/退订), who are not
registered for this event (in any state) and who were not sent an invitation in the last 7 days.
Each person skipped is counted under the first of those reasons. Each text carries the inviting
staff member's referral code (`/e/<slug>?ref=CODE`), so sign-ups from it count as that person's
referrals in the event's statistics, and ends with 拒收请回复R.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.audit import services as audit
from app.customers.models import Customer, CustomerSegment
from app.customers.phones import InvalidPhone, normalize_mobile
from app.customers.queries import has_marketing_consent
from app.database import lock_for_update
from app.errors import ValidationFailed
from app.events.errors import InvalidTransition, RegistrationClosed
from app.events.messages import invitation_text
from app.events.models import Event, Registration
from app.events.registration import registration_is_open
from app.extensions import db
from app.models import utcnow
from app.notify.models import Notification
from app.notify.services import notify, opted_out_phones
from app.org.reference import SEGMENTS
from app.security import acting_user
from app.urls import external_url

INVITATION_KIND = "invitation"
RECENTLY = timedelta(days=7)
MAX_PICKED = 5000
SKIP_REASONS = ("no_consent", "opted_out", "already_registered", "recently_invited")


@dataclass
class InvitationResult:
    queued: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))


def _clean(segments, customer_ids, *, picked_phones: bool = False) -> tuple[list[str], list[int]]:
    errors: dict[str, str] = {}
    keys = [str(s).strip() for s in (segments or []) if str(s).strip()]
    unknown = [k for k in keys if k not in SEGMENTS]
    if unknown:
        errors["segments"] = _("未知客群：%(s)s", s="、".join(unknown))
    ids: list[int] = []
    for raw in customer_ids or []:
        if isinstance(raw, bool) or not str(raw).strip().isdigit():
            errors["customer_ids"] = _("客户编号应为数字")
            break
        ids.append(int(str(raw).strip()))
    if len(ids) > MAX_PICKED:
        errors["customer_ids"] = _("一次最多邀请 %(n)d 位客户", n=MAX_PICKED)
    if not keys and not ids and not picked_phones and not errors:
        errors["segments"] = _("请选择客群或客户")
    if errors:
        raise ValidationFailed(fields=errors)
    return list(dict.fromkeys(keys)), list(dict.fromkeys(ids))


def parse_picked(text: str | None) -> tuple[list[int], list[str]]:
    """What staff pasted on the event page: mobile numbers (any usual form) and customer numbers, one or
    several a line (separated by spaces, commas or 、); (customer ids, normalised phones)."""
    ids: list[int] = []
    phones: list[str] = []
    bad: list[str] = []
    for piece in re.split(r"[\n\x2c，、;；]+", text or ""):  # \x2c: the half-width comma
        piece = piece.strip()
        if not piece:
            continue
        try:
            phones.append(normalize_mobile(piece))  # "138 0013 8000", "+86 138-0013-8000"
            continue
        except InvalidPhone:
            pass
        for token in piece.split():
            if token.isdigit() and len(token) <= 9:
                ids.append(int(token))
            else:
                bad.append(token)
    if bad:
        raise ValidationFailed(fields={"customers": _("无法识别：%(bad)s（请填写手机号或客户编号）",
                                                      bad="、".join(bad[:5]))})
    return ids, phones


def invitable(event: Event) -> bool:
    """Whether staff may invite to this event now: published, with registration open."""
    return registration_is_open(event)


def invite(event: Event, *, segments=None, customer_ids=None, phones: list[str] | None = None) -> InvitationResult:
    """Queue an invitation to each chosen customer who may be invited; count the others by reason.

    Chosen: the outlet's customers in any of `segments`, plus those picked by id or by phone.
    """
    keys, ids = _clean(segments, customer_ids, picked_phones=bool(phones))
    event = lock_for_update(db.session, Event, event.id)  # two staff inviting at once send one text each
    if event.status != "published":
        raise InvalidTransition(_("只有已发布的活动可以邀请客户"))
    if not registration_is_open(event):
        raise RegistrationClosed(_("报名已截止，不能再邀请客户"))
    if ids:
        found = set(db.session.scalars(sa.select(Customer.id).where(Customer.id.in_(ids),
                                                                   Customer.outlet_id == event.outlet_id)))
        missing = [i for i in ids if i not in found]
        if missing:  # another outlet's customers are as unknown as ids that do not exist
            raise ValidationFailed(fields={"customer_ids": _("本网点没有这些客户：%(ids)s",
                                                             ids="、".join(map(str, missing[:10])))})
    if phones:
        by_phone = dict(db.session.execute(sa.select(Customer.phone, Customer.id).where(
            Customer.outlet_id == event.outlet_id, Customer.phone.in_(phones))).all())
        unknown = [p for p in phones if p not in by_phone]
        if unknown:
            raise ValidationFailed(fields={"customers": _("本网点没有这些手机号的客户：%(p)s",
                                                          p="、".join(unknown[:5]))})
        ids = list(dict.fromkeys([*ids, *by_phone.values()]))
    chosen = []
    if keys:
        chosen.append(Customer.id.in_(sa.select(CustomerSegment.customer_id).where(CustomerSegment.segment.in_(keys))))
    if ids:
        chosen.append(Customer.id.in_(ids))
    now = utcnow()
    registered = sa.exists().where(Registration.of_phone(event.id, Customer.phone))
    invited = sa.exists().where(Notification.kind == INVITATION_KIND, Notification.recipient == Customer.phone,
                                Notification.status != "cancelled", Notification.created_at >= now - RECENTLY)
    rows = db.session.execute(
        sa.select(Customer.id, Customer.phone, has_marketing_consent(Customer.id), registered, invited)
        .where(Customer.outlet_id == event.outlet_id, sa.or_(*chosen)).order_by(Customer.id)).all()
    # An opt-out by reply also withdraws the consent (personal_data listens): it is counted as the opt-out it is.
    opted_out = opted_out_phones(phone for _id, phone, *_rest in rows)
    actor = acting_user()
    ref = getattr(actor, "referral_code", None)
    url = external_url("public.register", slug=event.slug, ref=ref)
    text = invitation_text(event, url)
    result = InvitationResult()
    for customer_id, phone, consent, is_registered, was_invited in rows:
        reason = ("opted_out" if phone in opted_out else "no_consent" if not consent
                  else "already_registered" if is_registered else "recently_invited" if was_invited else None)
        if reason:
            result.skipped[reason] += 1
            continue
        notify(INVITATION_KIND, phone, text, event=event, payload={"customer_id": customer_id, "ref": ref})
        result.queued += 1
    db.session.flush()
    audit.record("invitations_sent", obj=event, details={
        "segments": keys, "picked": len(ids), "queued": result.queued, "skipped": result.skipped})
    return result
