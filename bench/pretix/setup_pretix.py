"""pretix's side of bench/compare_pretix.py: fresh events, a free product, a check-in list, paid orders.

Runs inside pretix's own virtualenv (never ours: pretix is not one of the project's dependencies):

    PRETIX_CONFIG_FILE=/work/pretix-venv/pretix.cfg /work/pretix-venv/bin/python bench/pretix/setup_pretix.py \
        --rounds 2 --orders 3000 --out /tmp/pretix-bench

Creates (once) the organizer `bench` with a team that may do everything and its API token, and
(every run) one event per registration round (`b<stamp>r<n>`, a free admission product
with a quota of 10,000,000) plus one check-in event with `--orders` paid orders of one position
each and a check-in list for all products. Writes `pretix.json` (slugs, ids, token) and
`pretix_secrets.txt` (one ticket secret a line) to `--out`, then runs ANALYZE (this
machine's PostgreSQL runs with autovacuum off).

The orders for the check-in are inserted in bulk through the ORM (see paid_orders()): the REST
API would take minutes for a few thousand orders at pretix's rate.
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
from django.utils.crypto import get_random_string  # noqa: E402
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
    """`count` paid orders of one free position each, inserted in bulk; returns the positions' ticket secrets.

    Codes, secrets and pseudonymization ids are drawn from pretix's alphabets (codes 8 characters long,
    checked against the organizer's existing ones); orders made one by one through save() took 7 minutes
    for 4,200 on a busy machine. No accounting transactions are written: check-in never reads them.
    """
    web = event.organizer.sales_channels.get(identifier="web")
    taken = set(px.Order.objects.filter(event__organizer=event.organizer).values_list("code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = get_random_string(8, "ABCDEFGHJKLMNPQRSTUVWXYZ379")
        if code not in taken:
            taken.add(code)
            codes.append(code)
    created = now()
    with transaction.atomic():
        orders = px.Order.objects.bulk_create([px.Order(
            event=event, organizer=event.organizer, code=code, email=f"checkin{i}@bench.example",
            status=px.Order.STATUS_PAID, datetime=created, expires=created + timedelta(days=10),
            total=Decimal("0.00"), locale="en", sales_channel=web) for i, code in enumerate(codes)])
        positions = px.OrderPosition.objects.bulk_create([px.OrderPosition(
            order=order, organizer=event.organizer, item=item, variation=None, price=Decimal("0.00"),
            tax_rate=Decimal("0.00"), tax_value=Decimal("0.00"), positionid=1,
            attendee_name_parts={"_legacy": f"Guest {i}"}, attendee_name_cached=f"Guest {i}",
            secret=get_random_string(32, "abcdefghjkmnpqrstuvwxyz23456789"),
            pseudonymization_id=get_random_string(10, "ABCDEFGHJKLMNPQRSTUVWXYZ3789"),
        ) for i, order in enumerate(orders)])
    return [position.secret for position in positions]


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
