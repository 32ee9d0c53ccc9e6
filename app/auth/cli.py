from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from app.auth import services, signals
from app.auth.models import User
from app.errors import ValidationFailed
from app.extensions import db
from app.security import ROLES
from app.unit_of_work import committed

users_cli = AppGroup("users", help="Logins and API tokens.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--outlet", "outlet_code", help="Outlet code (managers and staff).")
@click.option("--partner", "partner_code", help="Partner code (partner users).")
@click.option("--branch", "branch_code", help="Branch code (branch logins).")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--name", "display_name", help="Display name (defaults to the username).")
@click.option("--email", default=None, help="Where staff e-mail (the daily digest) goes when MAIL_* is set.")
@committed
def create_user(username, role, outlet_code, partner_code, branch_code, password, display_name, email):
    """Create a login."""
    try:
        user = services.create_user(username, role, password, outlet_code=outlet_code,
                                    partner_code=partner_code, display_name=display_name,
                                    branch_code=branch_code, email=email)
    except ValidationFailed as exc:
        for field, message in (exc.fields or {}).items():
            click.echo(f"error: {field}: {message}", err=True)
        raise SystemExit(2) from exc  # rolled back by @committed
    click.echo(f"created {user.username} ({user.role})")


@users_cli.command("token")
@click.argument("username")
@click.option("--days", type=int, default=None, help="Lifetime in days (default API_TOKEN_DAYS).")
@committed
def create_token(username, days):
    """Print a new API token for USERNAME (shown once, stored hashed)."""
    user = services.find_user(username)
    if user is None:
        click.echo(f"error: no user {username!r}", err=True)
        raise SystemExit(2)
    secret, _token = services.issue_token(user, label="cli", days=days)
    click.echo(secret)


@users_cli.command("list")
def list_users():
    """List logins with role and outlet or partner."""
    users = list(db.session.scalars(sa.select(User).order_by(User.username)))
    partners = signals.partners_by_id(user.partner_id for user in users)
    for user in users:
        partner = partners.get(user.partner_id) if user.partner_id is not None else None
        where = user.outlet.code if user.outlet else (
            partner.code if partner else (user.branch.code if user.branch else "-"))
        click.echo(f"{user.username}\t{user.role}\t{where}\t{'active' if user.active else 'inactive'}")


@users_cli.command("sign-out")
@click.argument("username")
@committed
def sign_out(username):
    """End every session and "keep me signed in" cookie of USERNAME (API tokens stay)."""
    user = services.find_user(username)
    if user is None:
        click.echo(f"error: no user {username!r}", err=True)
        raise SystemExit(2)
    services.sign_out_everywhere(user, actor=None)
    click.echo(f"signed out {user.username} everywhere")
