"""Reads about customers shared by other features (invitations, personal-data exports)."""

from __future__ import annotations

import sqlalchemy as sa

from app.customers.models import MARKETING_PURPOSE, Consent, Customer
from app.extensions import db

__all__ = ["MARKETING_PURPOSE", "has_marketing_consent", "marketing_consent_ids"]


def has_marketing_consent(customer_id=Customer.id) -> sa.ColumnElement[bool]:
    """SQL: a marketing consent row of the customer whose `withdrawn_at` IS NULL (given and not withdrawn)."""
    return Consent.marketing_given(customer_id)


def marketing_consent_ids(customer_ids: list[int]) -> set[int]:
    """Which of these customers hold a marketing consent not withdrawn."""
    if not customer_ids:
        return set()
    return set(db.session.scalars(sa.select(Customer.id).where(Customer.id.in_(customer_ids),
                                                              has_marketing_consent(Customer.id))))
