"""pretix's side of bench/compare_pretix.py: fresh events, a free product, a check-in list, paid orders.

Runs inside pretix's own virtualenv (never ours: pretix is not one of the project's dependencies):

    PRETIX_CONFIG_FILE=/work/pretix-venv/pretix.cfg /work/pretix-venv/bin/python bench/pretix/setup_pretix.py \
        --rounds 2 --orders 3000 --out /tmp/pretix-bench

Creates (once) the organizer `bench` with a team that may do everything and its API token, and
(every run) one event per registration round (`bench-<stamp>-r<n>`, a free admission product
with a quota of 10,000,000) plus one check-in event with `--orders` paid orders of one position
each and a check-in list for all products. Writes `pretix.json` (slugs, ids, token) and
`pretix_secrets.txt` (one ticket secret a line) to `--out`, then runs ANALYZE (this
machine's PostgreSQL runs with autovacuum off).

The orders for the check-in are made through the ORM in one transaction (Order/OrderPosition
.save(), which assign codes, secrets and pseudonymization ids as pretix does): the REST API
would take minutes for a few thousand orders at pretix's rate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402
from pretix.base import models as px  # noqa: E402

ORGANIZER = "bench"
QUOTA = 10_000_000


def organizer_and_token() -> tuple[px.Organizer, str]:
    organizer = px.Organizer.objects.filter(slug=ORGANIZER).first()
    if organizer is None:
        organizer = px.Organizer.objects.create(name="Bench organizer", slug=ORGANIZER)
    team = organizer.teams.filter(name="bench").first()
    if team is None:
        team = px.Team.objects.create(organizer=organizer, name="bench", all_events=True,
                                   all_event_permissions=True, all_organizer_permissions=True)
    token = team.tokens.filter(active=True).first() or px.TeamAPIToken.objects.create(team=team, name="bench")
    return organizer, token.token


def new_event(organizer: px.Organizer, slug: str, name: str) -> tuple[px.Event, px.Item, px.CheckinList]:
    """An event like one of ours: live, today, one free admission product with a large quota."""
    event = px.Event.objects.create(organizer=organizer, name=name, slug=slug, currency="EUR", live=True,
                                 date_from=now() + timedelta(hours=1), date_to=now() + timedelta(hours=4))
    event.set_defaults()
    item = px.Item.objects.create(event=event, name="Admission", default_price=Decimal("0.00"), admission=True)
    quota = px.Quota.objects.create(event=event, name="Admission", size=QUOTA)
    quota.items.add(item)
    checkin_list = px.CheckinList.objects.create(event=event, name="Entrance", all_products=True)
    return event, item, checkin_list


def paid_orders(event: px.Event, item: px.Item, count: int) -> list[str]:
    """`count` paid orders of one free position each; returns the positions' ticket secrets."""
    web = event.organizer.sales_channels.get(identifier="web")
    secrets = []
    with transaction.atomic():
        for i in range(count):
            order = px.Order.objects.create(
                event=event, email=f"checkin{i}@bench.example", status=px.Order.STATUS_PAID, datetime=now(),
                expires=now() + timedelta(days=10), total=Decimal("0.00"), locale="en", sales_channel=web)
            position = px.OrderPosition.objects.create(
                order=order, item=item, variation=None, price=Decimal("0.00"),
                attendee_name_parts={"_legacy": f"Guest {i}"}, positionid=1)
            order.create_transactions()
            secrets.append(position.secret)
    return secrets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2, help="one fresh event per order-creation round")
    parser.add_argument("--orders", type=int, default=3000, help="paid orders to check in")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    stamp = time.strftime("%Y%m%d%H%M%S")
    with scopes_disabled():
        organizer, token = organizer_and_token()
        rounds = []
        for n in range(1, args.rounds + 1):
            event, item, _list = new_event(organizer, f"b{stamp}r{n}", f"Bench {stamp} round {n}")
            rounds.append({"event": event.slug, "event_id": event.pk, "item": item.pk})
        event, item, checkin_list = new_event(organizer, f"b{stamp}c", f"Bench {stamp} check-in")
        secrets = paid_orders(event, item, args.orders)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    (args.out / "pretix_secrets.txt").write_text("".join(f"{s}\n" for s in secrets))
    info = {"organizer": organizer.slug, "token": token, "rounds": rounds,
            "checkin": {"event": event.slug, "event_id": event.pk, "item": item.pk, "list": checkin_list.pk,
                        "orders": len(secrets)}}
    (args.out / "pretix.json").write_text(json.dumps(info, indent=2))
    print(f"pretix: {len(rounds)} order events, {len(secrets)} paid orders for check-in "
          f"in {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
