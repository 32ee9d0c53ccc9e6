"""Demo events in every state, with registrations, check-ins, follow-ups and outcomes. Idempotent, synthetic.

Per outlet: a draft, a published upcoming event with registrations, and
finished events whose attendees, newcomers and no-shows are on follow-up
lists, some already worked (conversions with amounts), some overdue, some
due in the coming days. An event that exists (same outlet and title) is
left alone, so running the seed again changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.alliance.models import Offer, Partner, Voucher
from app.alliance.services import issue_vouchers
from app.auth.models import User
from app.catalogue.queries import get_occasion
from app.checkin.models import CheckIn
from app.customers.models import Customer
from app.demo.org import earlier_spellings
from app.events import services as event_services
from app.events.models import Event, Registration
from app.events.services import RegistrationInput, register
from app.extensions import db
from app.followups.models import FollowUp, FollowUpContact
from app.followups.services import ContactInput, finish_event, record_contact
from app.models import utcnow
from app.org.models import Outlet
from app.timefmt import local_now, local_tz

NEWCOMER_BLOCK = "19900009"  # 199-0000-9xxx: synthetic newcomers, apart from the demo customers' 0001–0210


@dataclass(frozen=True)
class DemoEvent:
    outlet: str
    template: str
    title: str
    days: int  # start day relative to today (negative: in the past)
    start: time
    hours: int
    state: str  # draft | published | finished
    owner: str
    regulars: int = 0  # existing customers who register
    newcomers: int = 0
    attend: float = 0.8  # share of registrants who come
    walk_ins: int = 0
    partners: tuple[str, ...] = ()
    cost: str | None = None
    worked: float = 0.0  # share of follow-ups already recorded (finished events)
    occasion: str | None = None  # held on this occasion's real date (the next one, or the last one when finished)
    weekend: bool = False  # on a Saturday or Sunday


EVENTS = [
    DemoEvent("OH01", "double_ninth_health_talk", "重阳敬老健康讲座（演示）", 20, time(9, 30), 2, "draft",
              "oh01.staff1", occasion="double_ninth"),
    DemoEvent("OH01", "family_weekend_baking", "周末亲子烘焙课（演示）", 5, time(14, 0), 2, "published", "oh01.staff2",
              regulars=10, newcomers=4, partners=("P-BAKE",), weekend=True),
    DemoEvent("OH01", "pension_planning_salon", "养老规划沙龙·个人养老金怎么用（演示）", -12, time(14, 30), 2,
              "finished", "oh01.staff1", regulars=14, newcomers=5, attend=0.75, walk_ins=2, partners=("P-CAFE",),
              cost="2400", worked=0.7),
    DemoEvent("OH01", "mid_autumn_family_mooncake", "中秋亲子DIY冰皮月饼（演示）", -1, time(14, 0), 2, "finished",
              "oh01.staff2", regulars=12, newcomers=6, attend=0.8, walk_ins=1, partners=("P-BAKE",), cost="1800",
              occasion="mid_autumn"),
    DemoEvent("OH02", "silver_smartphone_class", "银发手机银行课堂（演示）", -20, time(9, 30), 2, "finished",
              "oh02.staff1", regulars=12, newcomers=3, attend=0.85, cost="600", worked=0.8),
    DemoEvent("OH02", "merchant_breakfast_meeting", "小微企业主早餐会（演示）", 8, time(7, 30), 2, "published",
              "oh02.manager", regulars=6, newcomers=2, partners=("P-CAFE",)),
]
OUTCOMES = [("converted", "wealth", "50000"), ("converted", "deposit", "100000"), ("contacted", None, None),
            ("converted", "fund", "20000"), ("contacted", None, None), ("unreachable", None, None),
            ("converted", "insurance", "12000"), ("converted", "mobile_banking", None), ("closed", None, None)]


def _at(day: date, at: time) -> datetime:
    return datetime.combine(day, at, local_tz())


def _occasion_day(key: str, today: date, upcoming: bool) -> date:
    """The occasion's next date after today (upcoming) or its last date before today."""
    years = range(today.year, today.year + 3) if upcoming else range(today.year, today.year - 3, -1)
    for year in years:
        spans = [first for first, _last in get_occasion(key).rule.spans(year)]
        found = [d for d in spans if (d > today if upcoming else d < today)]
        if found:
            return min(found) if upcoming else max(found)
    raise LookupError(key)


def event_day(spec: DemoEvent, today: date) -> date:
    """The demo event's day relative to `today`: on its occasion's real date, a weekend class on a weekend."""
    if spec.occasion:
        return _occasion_day(spec.occasion, today, upcoming=spec.days > 0)
    day = today + timedelta(days=spec.days)
    if spec.weekend:
        step = 1 if spec.days > 0 else -1
        while day.weekday() < 5:
            day += timedelta(days=step)
    return day


def _offer_ids(codes: tuple[str, ...]) -> list[int]:
    if not codes:
        return []
    return list(db.session.scalars(sa.select(Offer.id).join(Partner).where(Partner.code.in_(codes), Offer.active)))


def _check_in(registration: Registration, at: datetime, method: str) -> None:
    # The check-in history row and the registration's state, written together as the check-in service does.
    db.session.add(CheckIn(registration_id=registration.id, event_id=registration.event_id, kind="checkin",
                           method=method, at=at))
    registration.checked_in_at, registration.checkin_method = at, method
    db.session.flush()
    issue_vouchers(registration, "checkin")


def _answers(questions: list[dict], rng: random.Random) -> dict:
    """Plausible answers to an event's registration questions."""
    answers: dict = {}
    for q in questions or []:
        if q.get("type") == "number":
            low, high = q.get("min") or 1, q.get("max") or (q.get("min") or 1) + 3
            answers[q["key"]] = rng.randint(low, max(low, high))
        elif q.get("type") == "choice":
            answers[q["key"]] = rng.choice(q["options"])
        elif q.get("type") == "multi":
            answers[q["key"]] = [rng.choice(q["options"])]
        elif q.get("required"):
            answers[q["key"]] = "演示"
    return answers


def _people(outlet: Outlet, spec: DemoEvent, rng: random.Random, serial: list[int]) -> list[tuple[str, str]]:
    customers = list(db.session.scalars(sa.select(Customer).where(Customer.outlet_id == outlet.id,
                                                                  Customer.is_customer).order_by(Customer.id)))
    chosen = rng.sample(customers, min(spec.regulars, len(customers)))
    people = [(c.name, c.phone) for c in chosen]
    for _ in range(spec.newcomers):
        serial[0] += 1
        people.append((rng.choice("赵钱孙李周吴郑王冯陈") + rng.choice(["晓", "雨", "子", "思", "家"]) +
                       rng.choice(["涵", "宁", "辰", "悦", "航"]), f"{NEWCOMER_BLOCK}{serial[0]:03d}"))
    return people


def _make(spec: DemoEvent, outlet: Outlet, owner: User | None, rng: random.Random, serial: list[int],
          now: datetime) -> None:
    # The services check against the real clock, the demo is dated relative to `now`: every event is created,
    # published and registered for while it lies in the real future, then moved to its demo date, and what the
    # services stamped with the real time is backdated (publish() and finish_event() rightly refuse otherwise).
    day = event_day(spec, now.date())
    real_tomorrow = utcnow().astimezone(local_tz()).date() + timedelta(days=1)
    starts = _at(max(day, real_tomorrow), spec.start)
    event = event_services.create_event(event_services.EventInput(
        template_key=spec.template, outlet_code=outlet.code, title=spec.title, starts_at=starts,
        ends_at=starts + timedelta(hours=spec.hours), capacity=40, venue=f"{outlet.name}二楼活动室",
        offer_ids=_offer_ids(spec.partners), actual_cost=spec.cost))
    event.owner_id = owner.id if owner else None
    event.starts_at = _at(day, spec.start)
    event.ends_at = event.starts_at + timedelta(hours=spec.hours)
    if spec.state == "draft":
        return
    event.starts_at, event.ends_at = starts, starts + timedelta(hours=spec.hours)
    event_services.publish(event)
    people = _people(outlet, spec, rng, serial)
    staff_refs = list(db.session.scalars(sa.select(User.referral_code).where(User.outlet_id == outlet.id)))
    registrations = []
    for i, (name, phone) in enumerate(people):
        ref = rng.choice(staff_refs) if staff_refs and i % 4 == 0 else None
        party = 2 if i % 5 == 0 and event.max_party_size >= 2 else 1
        registration, _created = register(event, RegistrationInput(name=name, phone=phone, consent=True, ref=ref,
                                                                    party_size=party,
                                                                    answers=_answers(event.questions, rng)))
        registrations.append(registration)
    event.starts_at = _at(day, spec.start)
    event.ends_at = event.starts_at + timedelta(hours=spec.hours)
    # Published two weeks ahead (or three days ago), registered in the days between: all before now.
    event.published_at = min(event.starts_at - timedelta(days=14), now - timedelta(days=3))
    for n, registration in enumerate(registrations):
        registration.created_at = min(event.starts_at, now) - timedelta(days=n % 3, hours=1 + n % 7)
        if registration.confirmed_at is not None:
            registration.confirmed_at = registration.created_at
    for voucher in db.session.scalars(sa.select(Voucher).where(Voucher.event_id == event.id)):
        voucher.issued_at = voucher.registration.created_at
    if spec.state == "published":
        return
    came = [r for r in registrations if r.status == "confirmed" and rng.random() < spec.attend]
    for n, registration in enumerate(came):
        _check_in(registration, event.starts_at + timedelta(minutes=n % 20), "scan")
    for _ in range(spec.walk_ins):
        serial[0] += 1
        guest = RegistrationInput(name="现场来宾", phone=f"{NEWCOMER_BLOCK}{serial[0]:03d}",
                                  answers=_answers(event.questions, rng))
        walk_in, _created = register(event, guest, source="walk_in", allow_over_capacity=True)
        _check_in(walk_in, event.starts_at + timedelta(minutes=25), "walk_in")
        assert walk_in.checked_in_at is not None  # just checked in
        walk_in.created_at = walk_in.confirmed_at = walk_in.checked_in_at
    for voucher in db.session.scalars(sa.select(Voucher).where(Voucher.event_id == event.id)):
        voucher.issued_at = voucher.registration.checked_in_at or voucher.registration.created_at
        if rng.random() < 0.5:  # synthetic history: half the vouchers were used at the partner's counter
            voucher.redeemed_at = min(event.ends_at + timedelta(days=rng.randint(0, 5), hours=rng.randint(0, 6)),
                                      now - timedelta(minutes=5))
    real_end = event.ends_at
    if real_end > utcnow():  # finish_event() refuses an event that has not started by the real clock
        event.starts_at, event.ends_at = utcnow() - timedelta(hours=spec.hours + 1), utcnow() - timedelta(hours=1)
    finish_event(event)
    event.starts_at, event.ends_at = real_end - timedelta(hours=spec.hours), real_end
    _work(event, spec, rng, now)


def _work(event: Event, spec: DemoEvent, rng: random.Random, now: datetime) -> None:
    """Date the follow-ups from the event's real end, then record outcomes on a share of them."""
    ended = event.ends_at.astimezone(local_tz()).date()
    event.finished_at = min(event.ends_at + timedelta(hours=2), now)
    items = list(db.session.scalars(sa.select(FollowUp).where(FollowUp.event_id == event.id).order_by(FollowUp.id)))
    for item in items:
        days = int((event.playbook.get(item.list) or {}).get("due_days", 3))
        item.due_date = ended + timedelta(days=days)
    worked = items[: int(len(items) * spec.worked)]
    for n, item in enumerate(worked):
        status, product, amount = OUTCOMES[n % len(OUTCOMES)]
        record_contact(item, ContactInput(status=status, product=product, amount=amount,
                                          contact_method=rng.choice(["phone", "wechat", "visit"]),
                                          note="演示记录：" + {"converted": "客户已办理",
                                                          "contacted": "已沟通，再约时间",
                                                          "unreachable": "电话未接通",
                                                          "closed": "客户暂无需求"}[status]))
        item.done_at = min(event.ends_at + timedelta(days=1 + n % 4), now - timedelta(minutes=n + 1))
        for contact in db.session.scalars(sa.select(FollowUpContact).where(FollowUpContact.followup_id == item.id)):
            contact.at = item.done_at
    db.session.flush()


def seed_events(now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Seed the demo events relative to `now` (default: the current local time)."""
    now = now or local_now()
    rng = random.Random(20261201)
    serial = [0]
    taken = set(db.session.scalars(sa.select(Registration.phone).where(Registration.phone.like(NEWCOMER_BLOCK + "%"))))
    serial[0] = max((int(p[-3:]) for p in taken), default=0)
    for spec in EVENTS:
        outlet = db.session.scalar(sa.select(Outlet).where(Outlet.code == spec.outlet))
        if outlet is None:
            continue
        exists = db.session.scalar(sa.select(Event.id).where(
            Event.outlet_id == outlet.id, Event.title.in_(earlier_spellings(spec.title))))
        if exists is not None:
            continue
        owner = db.session.scalar(sa.select(User).where(User.username == spec.owner))
        _make(spec, outlet, owner, rng, serial, now)
        db.session.flush()
    return []

