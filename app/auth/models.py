from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models import IdMixin, TimestampMixin
from app.org.models import Branch, Outlet
from app.referral_codes import share_code_space


class User(UserMixin, IdMixin, TimestampMixin, Model):
    """A login. Staff and managers belong to an outlet, branch logins to a branch, partner users to a partner."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'manager', 'staff', 'partner', 'branch')", name="role"),
        sa.CheckConstraint("role NOT IN ('manager', 'staff') OR outlet_id IS NOT NULL", name="outlet_role"),
        sa.CheckConstraint("role <> 'partner' OR partner_id IS NOT NULL", name="partner_role"),
        sa.CheckConstraint("role <> 'branch' OR branch_id IS NOT NULL", name="branch_role"),
    )

    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    # Where staff messages (the daily digest of follow-ups) go when MAIL_* is set; none: the log only.
    email: Mapped[str | None] = mapped_column(sa.String(254))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16))
    outlet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outlets.id"), index=True)
    # A branch (支行) login's branch: it sees the outlets of that branch (app.security).
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("branches.id"), index=True)
    # The partner merchant a partner login acts for. Partners are the alliance's: auth keeps only
    # the id (no relationship), and asks alliance for codes and names through app.auth.signals.
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    # The code in this person's share links (?ref=); unguessable, not the username.
    referral_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Opening a ticket link checks the person in at once instead of offering a button.
    checkin_on_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    last_login_at: Mapped[datetime | None]
    # Part of the id that sessions and remember cookies carry (get_id): raising it ends every
    # session of this person at once (logout, password or role change, "sign out everywhere").
    session_version: Mapped[int] = mapped_column(default=1, server_default=sa.text("1"))

    outlet: Mapped[Outlet | None] = relationship()
    branch: Mapped[Branch | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What the session and the remember cookie store: "<id>:<session_version>"."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


share_code_space(User.__table__.c.referral_code)  # staff codes and customers' never collide


class ApiToken(IdMixin, Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    label: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
