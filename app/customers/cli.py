from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.customers.importer import ImportFileError, import_customers
from app.security import run_as_system
from app.unit_of_work import transaction

customers_cli = AppGroup("customers", help="Customer records.")


@customers_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--outlet", "outlet_code", help="Outlet code for rows without an outlet column.")
def import_command(path: Path, outlet_code: str | None):
    """Import customers from CSV or XLSX; bad rows are reported by number, good rows land."""
    run_as_system()
    try:
        # The good rows are committed before the bad ones make the command exit non-zero.
        with transaction(), path.open("rb") as stream:
            report = import_customers(stream, path.name, default_outlet=outlet_code)
    except ImportFileError as exc:
        click.echo(f"error: {exc.message}", err=True)
        raise SystemExit(2) from exc
    for row in report.errors:
        click.echo(f"row {row.number}: {row.message}", err=True)
    click.echo(f"created {report.count('created')}, updated {report.count('updated')}, "
               f"errors {report.count('error')}")
    if report.errors:
        raise SystemExit(1)
