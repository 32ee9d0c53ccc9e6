"""Events of `flask seed-scale` and what happened at them: registrations, check-ins, follow-ups.

Each event is written as the services would have left it: registrations in the order they came,
confirmed while seats remained (seats are people: a party of two takes two), waitlisted after,
some cancelled; a public registration records its consent; check-ins append their history row and
set the registration's state; a finished event has one follow-up per confirmed registration on the
list `followups.services.list_for` names, assigned as `finish_event` assigns, and the worked ones
carry their contact row.
"""

from __future__ import annotations

import base64
import os
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from app.customers.models import MARKETING_PURPOSE, MARKETING_TEXT_VERSION
from app.demo.scale_rows import MARK, Codes, Outlet, People, weighted, write_person
from app.demo.scale_writer import Writer
from app.events.services import CONSENT_VERSION, SLUG_ALPHABET, SLUG_LENGTH, agenda_at

METHODS = (("scan", 70), ("search", 15), ("link", 10), ("self", 5))
DONE = (("contacted", 40), ("converted", 20), ("unreachable", 15), ("closed", 25))
PRODUCTS = (("deposit", "100000"), ("wealth", "50000"), ("fund", "20000"), ("insurance", "12000"),
            ("mobile_banking", None), ("credit_card", None))
METHOD_DRAW, DONE_DRAW = weighted(METHODS), weighted(DONE)
NO_DETAILS: dict = {}
NOTES = {"contacted": "合成数据：已沟通，再约时间", "converted": "合成数据：客户已办理",
         "unreachable": "合成数据：电话未接通", "closed": "合成数据：客户暂无需求"}


class Tokens:
    """Unguessable URL tokens (as `app.tokens.url_token`) cut from one large read of the system's random source:
    an `os.urandom` call per ticket cost more than the rest of the registration row here."""

    def __init__(self) -> None:
        self._pool, self._at = b"", 0

    def url(self, nbytes: int = 16) -> str:
        if self._at + nbytes > len(self._pool):
            self._pool, self._at = os.urandom(1 << 16), 0
        chunk = self._pool[self._at:self._at + nbytes]
        self._at += nbytes
        return base64.urlsafe_b64encode(chunk).rstrip(b"=").decode()


@dataclass
class Run:
    """What every event of one seeding shares: the writer, the random source, the clock, the templates."""

    w: Writer
    rng: random.Random
    people: People
    codes: Codes
    now: datetime
    tz: ZoneInfo
    templates: list[dict]
    purpose: str
    answers: dict[str, list[dict]]
    slugs: set[str] = field(default_factory=set)
    tokens: Tokens = field(default_factory=Tokens)
    _playbooks: dict[tuple[str, str], tuple[int, list[str]]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def playbook(self, template: dict, list_name: str) -> tuple[int, list[str]]:
        """The list's due days and talking points, one shared list per template (written as JSON once)."""
        key = (template["key"], list_name)
        if key not in self._playbooks:
            entry = (template.get("playbook") or {}).get(list_name) or {}
            points = self.w.shared([str(p) for p in entry.get("talking_points") or []])
            self._playbooks[key] = (max(0, int(entry.get("due_days", 3))), points)
        return self._playbooks[key]

    def slug(self) -> str:
        while True:
            slug = "".join(self.rng.choice(SLUG_ALPHABET) for _ in range(SLUG_LENGTH))
            if slug not in self.slugs:
                self.slugs.add(slug)
                return slug


@dataclass
class Event:
    """One event as written, and how its day went."""

    outlet: Outlet
    template: dict
    title: str
    starts: datetime
    ends: datetime
    capacity: int
    status: str  # draft | published | finished | cancelled
    owner_id: int
    published_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: int = 0


@dataclass(frozen=True)
class Turnout:
    registrants: int
    newcomers: float  # share of registrants new to the outlet: their registration makes their prospect record
    cancel: float = 0.08
    attend: float = 0.7  # share of confirmed registrants who came (finished events)
    walk_ins: int = 0
    singles: bool = False  # everyone alone (a party of one): the fixtures count people as registrations
    followups: str = "worked"  # worked (some done, by age) | open (all open, due by today) | none


def write_event(run: Run, ev: Event) -> int:
    t = ev.template
    ev.id = run.w.new_id("events")
    public = ev.status != "draft"
    created = (ev.published_at or ev.starts) - timedelta(days=3)
    run.w.add("events", (
        ev.id, ev.outlet.id, ev.owner_id, t["key"], ev.title, t.get("description", ""), t.get("staff_notes", ""),
        f"网点二楼活动室{MARK}", ev.starts, ev.ends, ev.capacity, True, int(t.get("max_party_size") or 1),
        list(t.get("segments", [])), list(t.get("questions", [])), agenda_at(t.get("agenda", []), ev.starts),
        list(t.get("materials", [])), list(t.get("gifts", [])), dict(t.get("playbook", {})),
        dict(t.get("goals", {})), None, ev.status, run.slug() if public else None,
        run.tokens.url(24) if public else None, ev.published_at, ev.finished_at, ev.cancelled_at,
        created, ev.finished_at or ev.cancelled_at or ev.published_at or created))
    return ev.id


def _times(rng: random.Random, n: int, opens: datetime, closes: datetime) -> list[datetime]:
    span = max(60.0, (closes - opens).total_seconds())
    return [opens + timedelta(seconds=s) for s in sorted(rng.random() * span for _ in range(n))]


def _party(rng: random.Random, most: int) -> int:
    r = rng.random()
    return 3 if most >= 3 and r < 0.05 else 2 if most >= 2 and r < 0.2 else 1


def hold(run: Run, ev: Event, turnout: Turnout, opens: datetime, closes: datetime) -> list[tuple]:
    """Write the event's registrations (and check-ins, consents); returns (id, person, was customer, came) of the
    confirmed ones, in the order they registered."""
    rng, w, outlet = run.rng, run.w, ev.outlet
    n = turnout.registrants
    new = round(n * turnout.newcomers)
    order: list[int | None] = [*rng.sample(outlet.ids, min(n - new, len(outlet.ids))), *([None] * new)]
    rng.shuffle(order)
    most = 1 if turnout.singles else int(ev.template.get("max_party_size") or 1)
    variants = run.answers[ev.template["key"]]
    # People come to an event that has begun (a published one that is under way or not finished yet too).
    came_by = ev.status in ("published", "finished") and ev.starts < run.now
    taken, confirmed, registered = 0, [], set()
    for person, at in zip(order, _times(rng, len(order), opens, closes), strict=True):
        if person is None:
            person = write_person(w, outlet, run.people, run.codes, is_customer=False, owner_id=None, at=at,
                                  marketing=False, rng=rng)
        registered.add(person)
        _name, _phone, was_customer, _owner, marketing = outlet.people[person]
        party = _party(rng, most)
        if ev.status == "cancelled" or rng.random() < turnout.cancel:
            status = "cancelled"
        elif taken + party <= ev.capacity:
            status, taken = "confirmed", taken + party
        else:
            status = "waitlisted"
        came = came_by and status == "confirmed" and rng.random() < turnout.attend
        reg_id = _registration(run, ev, person, at, party, status, came, variants)
        w.add("consents", (w.new_id("consents"), person, run.purpose, CONSENT_VERSION, "registration", at))
        if not marketing and rng.random() < 0.2:  # the separate invitations box, ticked
            w.add("consents", (w.new_id("consents"), person, MARKETING_PURPOSE, MARKETING_TEXT_VERSION,
                               "registration", at))
            outlet.people[person][4] = True
        if status == "confirmed":
            confirmed.append((reg_id, person, was_customer, came))
    if ev.status == "finished" and turnout.walk_ins:
        confirmed += _walk_ins(run, ev, turnout.walk_ins, ev.capacity - taken, registered)
    return confirmed


def _registration(run: Run, ev: Event, person: int, at: datetime, party: int, status: str, came: bool,
                  variants: list[dict], source: str = "public") -> int:
    rng, w = run.rng, run.w
    name, phone, was_customer, _owner, _marketing = ev.outlet.people[person]
    reg_id = w.new_id("registrations")
    ref_user = rng.choice(list(ev.outlet.staff_codes)) if source == "public" and rng.random() < 0.2 else None
    checked = method = None
    if came:
        checked = ev.starts + timedelta(minutes=rng.randint(-20, 40)) if source == "public" else at
        method = rng.choice(METHOD_DRAW) if source == "public" else "walk_in"
    w.add("registrations", (
        reg_id, ev.id, person, name, phone, phone[-4:], party, rng.choice(variants) if variants else NO_DETAILS, status,
        source, was_customer, run.tokens.url(16), ev.outlet.staff_codes[ref_user] if ref_user else None,
        ref_user, CONSENT_VERSION if source == "public" else None, False, at,
        at if status != "waitlisted" else None,
        (ev.cancelled_at or at + timedelta(hours=rng.randint(1, 72))) if status == "cancelled" else None,
        checked, method))
    if checked is not None:
        user = rng.choice(ev.outlet.staff_ids) if method in ("scan", "search", "walk_in") else None
        w.add("checkins", (w.new_id("checkins"), reg_id, ev.id, "checkin", method, checked, user))
    return reg_id


def _walk_ins(run: Run, ev: Event, wanted: int, free: int, registered: set) -> list[tuple]:
    """People let in at the door while seats remained (no consent row: staff registered them)."""
    rng, rows = run.rng, list[tuple]()
    for person in rng.sample(ev.outlet.ids, min(len(ev.outlet.ids), wanted * 3)):
        if len(rows) >= min(wanted, free):
            break
        if person in registered:
            continue
        at = ev.starts + timedelta(minutes=rng.randint(10, 40))
        reg_id = _registration(run, ev, person, at, 1, "confirmed", True, [], source="walk_in")
        rows.append((reg_id, person, ev.outlet.people[person][2], True))
    return rows


def follow_up(run: Run, ev: Event, confirmed: list[tuple], mode: str) -> None:
    """The finished event's follow-ups, as `finish_event` makes them; the worked ones with their contact."""
    if mode == "none" or ev.finished_at is None:
        return
    rng, w, outlet = run.rng, run.w, ev.outlet
    finished_on = ev.finished_at.astimezone(run.tz).date()
    for i, (reg_id, person, was_customer, came) in enumerate(confirmed):
        list_name = "winback" if not came else "maintain" if was_customer else "prospect"
        days, points = run.playbook(ev.template, list_name)
        due = finished_on + timedelta(days=days)
        owner = outlet.people[person][3]
        assignee = owner if owner in outlet.staff_codes else ev.owner_id
        if mode == "open":
            due = run.today - timedelta(days=i % 3)
        age = (run.today - due).days
        done = mode == "worked" and rng.random() < (0.95 if age > 30 else 0.6 if age > 0 else 0.2)
        item_id = w.new_id("followups")
        status, product, amount, note, done_at = "open", None, None, None, None
        if done:
            status = rng.choice(DONE_DRAW)
            if status == "converted":
                product, amount = rng.choice(PRODUCTS)
            note = NOTES[status]
            done_at = min(datetime.combine(due, ev.starts.timetz()) + timedelta(hours=rng.randint(-30, 30)),
                          run.now - timedelta(minutes=5))
            done_at = max(done_at, ev.finished_at + timedelta(minutes=30))
        w.add("followups", (item_id, ev.id, reg_id, person, outlet.id, list_name, 1, assignee, due, status, points,
                            product, Decimal(amount) if amount else None, note, done_at, ev.finished_at,
                            done_at or ev.finished_at))
        if done:
            details = {"product": product, "amount": f"{amount}.00"} if amount else (
                {"product": product} if product else NO_DETAILS)
            w.add("followup_contacts", (w.new_id("followup_contacts"), item_id, done_at, assignee,
                                        rng.choice(("phone", "phone", "wechat", "visit")), status, note, details))
