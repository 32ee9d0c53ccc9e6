"""One code space for referral codes: a ?ref= in a share link names exactly one person.

Staff (users) and customers both carry a referral code, and a code must never be both. Each
feature whose rows carry one registers that column here, next to its model (auth: users,
customers: customers), so that neither has to read the other's table; every column's own
unique index keeps its rows apart, this module keeps the columns apart from each other.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.tokens import readable_code

CODE_LENGTH = 8

# table name -> its referral-code column, in registration order (one column per table).
_columns: dict[str, sa.Column] = {}


def share_code_space(column: sa.Column) -> None:
    """Register a table's referral-code column (`User.__table__.c.referral_code`) in the one code space."""
    _columns[column.table.name] = column


def taken_anywhere(code) -> sa.ColumnElement[bool]:
    """SQL: does any registered column hold `code` (a value or a bind parameter)?"""
    return sa.or_(sa.false(), *(sa.exists().where(c == code) for c in _columns.values()))


def free_elsewhere(column: sa.Column, code) -> sa.ColumnElement[bool]:
    """SQL: `code` is in no other registered column than `column`, whose unique index covers it.

    For an INSERT … SELECT that writes a code in one statement (a new prospect at registration).
    """
    return sa.and_(sa.true(), *(~sa.exists().where(c == code) for c in _columns.values() if c is not column))


def new_referral_code() -> str:
    """A short readable code for share links, held by nobody yet, staff or customer."""
    while True:
        code = readable_code(CODE_LENGTH)
        if not db.session.scalar(sa.select(taken_anywhere(code))):
            return code
