"""Vouchers: issued inside the registration or check-in transaction, never beyond an offer's limit,
and redeemed at most once by the partner whose offer they belong to. And which offers an event carries.

Events asks for both through app.events.signals (this module is the voucher issuer and the
event-offers provider alliance registers in its init_app)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import gettext as _

from app.alliance.errors import (
    VoucherAlreadyRedeemed,
    VoucherExpired,
    VoucherNotFound,
    VoucherNotYetValid,
    VoucherOfAnotherPartner,
    VoucherVoid,
)
from app.alliance.models import EventOffer, Offer, Partner, Voucher
from app.audit import services as audit
from app.database import lock_for_update
from app.errors import ValidationFailed
from app.events.models import Registration
from app.events.signals import OfferChoice
from app.extensions import db
from app.models import utcnow
from app.privacy import mask_name, mask_phone
from app.timefmt import iso, local_today, to_local
from app.tokens import READABLE_ALPHABET, readable_code

VOUCHER_BODY_LENGTH = 8  # 25^8 ≈ 1.5·10^11 codes, plus a check character
MAX_AMOUNT = Decimal("1000000")


def check_character(body: str) -> str:
    """A mod-25 check character with weights 1, 2, 1, 2 …: every single mistyped character and every
    swap of two neighbours (the check character included) changes it.

    Both weights are units modulo 25 (weights 5, 10 … would let some typos through: 5·5 ≡ 0), and
    neighbours differ in weight by one, so a swap of a and b changes the sum by ±(a − b) ≢ 0.
    """
    n = len(READABLE_ALPHABET)
    total = sum((2 if i % 2 else 1) * READABLE_ALPHABET.index(c) for i, c in enumerate(body))
    return READABLE_ALPHABET[-total % n]


def new_voucher_code() -> str:
    while True:
        body = readable_code(VOUCHER_BODY_LENGTH)
        code = body + check_character(body)
        if db.session.scalar(sa.select(Voucher.id).where(Voucher.code == code)) is None:
            return code


def normalize_code(raw: str | None) -> str | None:
    """Upper-case, drop spaces and dashes; None when the check character does not match."""
    code = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if len(code) != VOUCHER_BODY_LENGTH + 1 or any(c not in READABLE_ALPHABET for c in code):
        return None
    return code if check_character(code[:-1]) == code[-1] else None


_OFFERS, _EVENT_OFFERS, _PARTNERS = Offer.__table__, EventOffer.__table__, Partner.__table__
_OFFERS_ISSUING = (
    sa.select(_OFFERS.c.id)
    .join(_EVENT_OFFERS, _EVENT_OFFERS.c.offer_id == _OFFERS.c.id)
    .join(_PARTNERS, _PARTNERS.c.id == _OFFERS.c.partner_id)
    .where(_EVENT_OFFERS.c.event_id == sa.bindparam("event_id"), _OFFERS.c.issue_on == sa.bindparam("trigger"),
           Offer.usable_on(sa.bindparam("today")))  # type: ignore[arg-type]  # hybrid_method types SQL args as Python
    .order_by(_OFFERS.c.id))  # a fixed lock order: no deadlock between two registrations


def offers_may_issue(event_id, trigger: str):
    """SQL: the event has an active offer issuing on `trigger`. A cheap pre-check inside another
    statement; `offers_issuing` / `issue_vouchers` make the full check (dates, partner status, limits)."""
    return sa.exists().where(EventOffer.event_id == event_id, EventOffer.offer_id == Offer.id,
                             Offer.issue_on == trigger, Offer.active)


def offers_issuing(event_id: int, trigger: str) -> list[int]:
    """Ids of the event's usable offers that issue on `trigger`, in a fixed order (the lock order)."""
    return list(db.session.execute(_OFFERS_ISSUING, {"event_id": event_id, "trigger": trigger,
                                                     "today": local_today()}).scalars())


def issue_vouchers(registration, trigger: str, offer_ids: list[int] | None = None) -> list[Voucher]:
    """Give a confirmed attendee one voucher per offer of the event that issues on `trigger`.

    Each offer row is locked while its vouchers are counted (and re-checked after
    the lock), so `total_limit` holds under concurrency even across events that
    share an offer; expired, inactive or paused partners' offers issue nothing;
    the unique (offer, registration) makes issuing twice impossible. A caller
    that looked the offers up already (`offers_issuing`) passes their ids.
    """
    today = local_today()
    if offer_ids is None:
        offer_ids = offers_issuing(registration.event_id, trigger)
    issued = []
    for offer_id in offer_ids:
        offer = lock_for_update(db.session, Offer, offer_id)
        if not offer.usable_on(today):  # changed while we waited for the lock
            continue
        already = db.session.scalar(sa.select(Voucher.id).where(Voucher.offer_id == offer.id,
                                                                Voucher.registration_id == registration.id))
        if already is not None:
            continue
        if offer.total_limit is not None:
            count = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(Voucher.offer_id == offer.id))
            if count >= offer.total_limit:
                continue
        if offer.per_customer_limit is not None:
            # Per person, by mobile number: customer records are per outlet, people are not.
            mine = db.session.scalar(sa.select(sa.func.count(Voucher.id)).join(
                Registration, Registration.id == Voucher.registration_id).where(
                Voucher.offer_id == offer.id, Registration.phone == registration.phone))
            if mine >= offer.per_customer_limit:
                continue
        voucher = Voucher(code=new_voucher_code(), offer_id=offer.id, event_id=registration.event_id,
                          registration_id=registration.id, customer_id=registration.customer_id,
                          issued_at=utcnow())
        db.session.add(voucher)
        issued.append(voucher)
    if issued:
        db.session.flush()
    return issued


# --- which offers an event carries (EventOffer): the event form, page, poster and API ask through the hook ---

def attachable_offers() -> list[OfferChoice]:
    """Offers staff may put on an event: running today or later (`Offer.running_on`), by partner and title."""
    offers = db.session.scalars(sa.select(Offer).join(Partner).where(Offer.running_on(local_today()))
                                .order_by(Partner.name, Offer.title))
    return [OfferChoice(o.id, f"{o.partner.name} · {o.title}", o.partner.category) for o in offers]


def known_offer_ids(ids: list[int]) -> list[int]:
    """Those of `ids` that name an offer (any offer: attaching is not limited to running ones), once each."""
    return list(db.session.scalars(sa.select(Offer.id).where(Offer.id.in_(ids)))) if ids else []


def event_offer_ids(event_id: int) -> list[int]:
    return events_offer_ids([event_id])[event_id]


def events_offer_ids(event_ids: list[int]) -> dict[int, list[int]]:
    """Each event's offer ids in one query (the API's event list asks for a page of events)."""
    ids: dict[int, list[int]] = {event_id: [] for event_id in event_ids}
    if ids:
        for event_id, offer_id in db.session.execute(
                sa.select(EventOffer.event_id, EventOffer.offer_id).where(EventOffer.event_id.in_(list(ids)))
                .order_by(EventOffer.event_id, EventOffer.offer_id)):
            ids[event_id].append(offer_id)
    return ids


def set_event_offers(event_id: int, offer_ids: list[int]) -> None:
    """The event carries exactly these offers from now on."""
    db.session.execute(sa.delete(EventOffer).where(EventOffer.event_id == event_id))
    for offer_id in offer_ids:
        db.session.add(EventOffer(event_id=event_id, offer_id=offer_id))
    db.session.flush()


def event_offer_labels(event_id: int) -> list[str]:
    """"partner · offer title" of each offer the event carries (the staff's event page)."""
    offers = db.session.scalars(sa.select(Offer).join(EventOffer, EventOffer.offer_id == Offer.id)
                                .where(EventOffer.event_id == event_id).order_by(Offer.id))
    return [f"{o.partner.name} · {o.title}" for o in offers]


def event_partner_names(event_id: int) -> list[str]:
    """The partners whose offers the event carries, each once (the poster names them)."""
    return list(db.session.scalars(sa.select(Partner.name).join(Offer).join(
        EventOffer, EventOffer.offer_id == Offer.id).where(EventOffer.event_id == event_id).distinct()))


def voucher_state(voucher: Voucher) -> str:
    """unused, redeemed, void (its registration or event was cancelled) or expired."""
    if voucher.redeemed_at is not None:
        return "redeemed"
    registration = voucher.registration
    if registration.status == "cancelled" or registration.event.status == "cancelled":
        return "void"
    return "expired" if voucher.offer.valid_until < local_today() else "unused"


def parse_amount(raw) -> Decimal | None:
    """The optional amount a customer spent with the voucher: yuan, two decimals, 0 to 1,000,000."""
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "").replace("¥", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(fields={"amount_spent": _("应为金额，如 128 或 99.50")}) from None
    if not Decimal(0) <= value <= MAX_AMOUNT:
        raise ValidationFailed(fields={"amount_spent": _("金额应在 0 到 1,000,000 元之间")})
    return value


def _already(voucher: Voucher) -> VoucherAlreadyRedeemed:
    when = to_local(voucher.redeemed_at)
    return VoucherAlreadyRedeemed(_("这张券已于 %(t)s 使用过", t=f"{when:%Y-%m-%d %H:%M}"),
                                  extra={"redeemed_at": iso(voucher.redeemed_at)})


def find_voucher_for_partner(raw_code: str | None, partner_id: int) -> Voucher:
    """The voucher a typed or scanned code names, if it belongs to this partner.

    A malformed code or a wrong check character is "not found" with a hint to
    re-check the typing; another partner's voucher is refused without details.
    """
    code = normalize_code(raw_code)
    if code is None:
        if "/" in (raw_code or ""):
            raise VoucherNotFound(_("这是活动门票或网址二维码，不是优惠券；请扫描优惠券上的二维码"))
        raise VoucherNotFound(_("券码有误（共 9 位字母数字，校验不通过），请核对后重新输入"))
    voucher = db.session.scalar(sa.select(Voucher).where(Voucher.code == code))
    if voucher is None:
        raise VoucherNotFound()
    if voucher.offer.partner_id != partner_id:
        raise VoucherOfAnotherPartner()
    return voucher


def redeem(raw_code: str | None, user, amount_spent=None) -> Voucher:
    """Redeem a voucher at the partner's counter: once only, whoever scans it at the same moment.

    Refusals in order: unknown (404), another partner's (403), already redeemed
    (409, with the time), void because the registration or event was cancelled
    (410 voucher_void), expired (410). The winner is decided by a conditional
    UPDATE on `redeemed_at IS NULL`; the loser re-reads the winner's time.
    """
    amount = parse_amount(amount_spent)
    voucher = find_voucher_for_partner(raw_code, user.partner_id)
    if voucher.redeemed_at is not None:
        raise _already(voucher)
    state = voucher_state(voucher)
    if state == "void":
        raise VoucherVoid()
    if state == "expired":
        raise VoucherExpired(_("这张券已于 %(d)s 过期", d=voucher.offer.valid_until.isoformat()))
    if voucher.offer.valid_from > local_today():
        raise VoucherNotYetValid(_("这张券 %(d)s 起才能使用", d=voucher.offer.valid_from.isoformat()))
    now = utcnow()
    result = cast("sa.CursorResult[Any]", db.session.execute(  # an UPDATE's result is a CursorResult
        sa.update(Voucher).where(Voucher.id == voucher.id, Voucher.redeemed_at.is_(None))
        .values(redeemed_at=now, redeemed_by_id=user.id, amount_spent=amount)
        .execution_options(synchronize_session=False)))
    db.session.refresh(voucher)
    if result.rowcount != 1:
        raise _already(voucher)
    audit.record("voucher_redeemed", obj=voucher, actor=user, outlet_id=voucher.registration.event.outlet_id,
                 details={"code": voucher.code, "offer_id": voucher.offer_id,
                          "amount_spent": str(amount) if amount is not None else None})
    return voucher


def masked_holder(voucher: Voucher) -> dict[str, str]:
    """Who holds a voucher, as a partner may see it: 张** and 138****1234, never more."""
    registration = voucher.registration
    return {"customer": mask_name(registration.name), "phone": mask_phone(registration.phone)}


def redemption_view(voucher: Voucher) -> dict:
    """A redeemed voucher as the partner's scanner shows it (masked personal data only)."""
    return {"code": voucher.code, "offer_title": voucher.offer.title, "event_title": voucher.registration.event.title,
            **masked_holder(voucher), "redeemed_at": voucher.redeemed_at, "amount_spent": voucher.amount_spent,
            "valid_until": voucher.offer.valid_until}
