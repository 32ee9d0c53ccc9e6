"""Scheduled work that runs once per period across processes. `init_app` adds `flask jobs …`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Imported here: app.all_models imports app.jobs.models, which runs this file first.
    from app.jobs.cli import jobs_cli
    from app.jobs.tasks import staff_email_addresses
    from app.notify.signals import register_staff_addresses

    app.cli.add_command(jobs_cli)
    register_staff_addresses(staff_email_addresses)  # notify mails the digest; the accounts are auth's
