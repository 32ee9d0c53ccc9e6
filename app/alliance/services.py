"""Vouchers: issued inside the registration or check-in transaction, never beyond an offer's limit."""

from __future__ import annotations

import sqlalchemy as sa

from app.alliance.models import EventOffer, Offer, Voucher
from app.database import lock_for_update
from app.extensions import db
from app.timefmt import local_today
from app.tokens import READABLE_ALPHABET, readable_code

VOUCHER_BODY_LENGTH = 8  # 25^8 ≈ 1.5·10^11 codes, plus a check character


def check_character(body: str) -> str:
    """A mod-25 weighted checksum, so a mistyped character is caught before a lookup."""
    total = sum((i + 1) * READABLE_ALPHABET.index(c) for i, c in enumerate(body))
    return READABLE_ALPHABET[total % len(READABLE_ALPHABET)]


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


def issue_vouchers(registration, trigger: str) -> list[Voucher]:
    """Give a confirmed attendee one voucher per offer of the event that issues on `trigger`.

    Each offer row is locked while its vouchers are counted, so `total_limit`
    holds under concurrency; expired or inactive offers issue nothing; the
    unique (offer, registration) makes issuing twice impossible.
    """
    today = local_today()
    offer_ids = db.session.scalars(
        sa.select(Offer.id).join(EventOffer, EventOffer.offer_id == Offer.id)
        .where(EventOffer.event_id == registration.event_id, Offer.issue_on == trigger, Offer.active,
               Offer.valid_from <= today, Offer.valid_until >= today)
        .order_by(Offer.id)).all()
    issued = []
    for offer_id in offer_ids:
        offer = lock_for_update(db.session, Offer, offer_id)
        already = db.session.scalar(sa.select(Voucher.id).where(Voucher.offer_id == offer.id,
                                                                Voucher.registration_id == registration.id))
        if already is not None:
            continue
        if offer.total_limit is not None:
            count = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(Voucher.offer_id == offer.id))
            if count >= offer.total_limit:
                continue
        if offer.per_customer_limit is not None:
            mine = db.session.scalar(sa.select(sa.func.count(Voucher.id)).where(
                Voucher.offer_id == offer.id, Voucher.customer_id == registration.customer_id))
            if mine >= offer.per_customer_limit:
                continue
        voucher = Voucher(code=new_voucher_code(), offer_id=offer.id, event_id=registration.event_id,
                          registration_id=registration.id, customer_id=registration.customer_id)
        db.session.add(voucher)
        issued.append(voucher)
    if issued:
        db.session.flush()
    return issued


def voucher_state(voucher: Voucher) -> str:
    """unused, redeemed, void (its registration was cancelled) or expired."""
    if voucher.redeemed_at is not None:
        return "redeemed"
    if voucher.registration.status == "cancelled":
        return "void"
    return "expired" if voucher.offer.valid_until < local_today() else "unused"
