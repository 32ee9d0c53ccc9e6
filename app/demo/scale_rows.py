"""Rows of `flask seed-scale`: the columns written, synthetic names, numbers and codes, the organisation.

Everything is invented and says so: outlets, events and staff carry 合成数据 in their names,
customers' notes say it, and mobiles are in 199-0xxx-xxxx (the block this project keeps for
synthetic numbers; seed-demo uses its start, 199-0000-xxxx, seed-scale starts at 199-0100-0000).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.customers.models import MARKETING_PURPOSE, MARKETING_TEXT_VERSION
from app.demo.scale_writer import Writer
from app.tokens import READABLE_ALPHABET

MARK = "（合成数据）"
NOTE = "合成数据（seed-scale），非真实客户"
BRANCH_CODE = "SCALE"
PHONE_PREFIX = "1990"
PHONE_START = 1_000_000  # 199-0100-0000: clear of seed-demo's 199-0000-xxxx
USER_CODE_START = 900_000_000  # staff codes come from their own range of the same bijection
PASSWORD = "scale-pass-2026"
BRANCH_LOGIN = "sc.branch"

COLUMNS: dict[str, tuple[str, ...]] = {
    "branches": ("id", "code", "name", "created_at", "updated_at"),
    "outlets": ("id", "code", "name", "address", "branch_id", "created_at", "updated_at"),
    "users": ("id", "username", "display_name", "password_hash", "role", "outlet_id", "branch_id", "referral_code",
              "active", "checkin_on_open", "session_version", "created_at", "updated_at"),
    "customers": ("id", "outlet_id", "name", "phone", "phone_last4", "tier", "owner_id", "is_customer",
                  "referral_code", "note", "created_at", "updated_at"),
    "customer_segments": ("customer_id", "segment"),
    "consents": ("id", "customer_id", "purpose", "text_version", "channel", "given_at"),
    "events": ("id", "outlet_id", "owner_id", "template_key", "title", "description", "staff_notes", "venue",
               "starts_at", "ends_at", "capacity", "waitlist", "max_party_size", "segments", "questions", "agenda",
               "materials", "gifts", "playbook", "goals", "budget", "status", "slug", "self_checkin_secret",
               "published_at", "finished_at", "cancelled_at", "created_at", "updated_at"),
    "registrations": ("id", "event_id", "customer_id", "name", "phone", "phone_last4", "party_size", "answers",
                      "status", "source", "was_customer", "ticket_token", "ref_code", "referrer_user_id",
                      "consent_version", "over_capacity", "created_at", "confirmed_at", "cancelled_at",
                      "checked_in_at", "checkin_method"),
    "checkins": ("id", "registration_id", "event_id", "kind", "method", "at", "user_id"),
    "followups": ("id", "event_id", "registration_id", "customer_id", "outlet_id", "list", "sequence",
                  "assignee_id", "due_date", "status", "talking_points", "outcome_product", "outcome_amount",
                  "note", "done_at", "created_at", "updated_at"),
    "followup_contacts": ("id", "followup_id", "at", "user_id", "method", "status", "note", "details"),
}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华飞玉萍红鹏辉建国文斌宇浩凯晨欣怡婷雪琳佳子涵梓轩思雨宁"
SEGMENTS = (("family", 30), ("elderly", 25), ("payroll", 20), ("merchant", 10), ("young", 15), ("vip", 8))
TIERS = (("standard", 60), ("gold", 25), ("platinum", 10), ("diamond", 5))


def weighted(pairs: tuple[tuple[str, int], ...]) -> tuple[str, ...]:
    """Each key as often as its weight: `rng.choice` of it is a weighted draw, several times cheaper than
    `rng.choices` (which builds its cumulative weights on every call)."""
    return tuple(key for key, weight in pairs for _ in range(weight))


SEGMENT_DRAW, TIER_DRAW = weighted(SEGMENTS), weighted(TIERS)


def referral_code(n: int) -> str:
    """The n-th code of a bijection onto 8 readable characters: distinct n, distinct codes (25^8 of them)."""
    space = len(READABLE_ALPHABET) ** 8
    x = (n * 7_777_777_777 + 123_456_789) % space  # the multiplier is prime to 25^8, so this is one-to-one
    chars = []
    for _ in range(8):
        x, digit = divmod(x, len(READABLE_ALPHABET))
        chars.append(READABLE_ALPHABET[digit])
    return "".join(chars)


@dataclass
class Codes:
    """Hands out referral codes, stepping over any the database held before (another seed's random ones)."""

    taken: set[str]
    customers: int = 0
    users: int = USER_CODE_START

    def customer(self) -> str:
        return self._next("customers")

    def user(self) -> str:
        return self._next("users")

    def _next(self, counter: str) -> str:
        """The next free code of the customers' or the users' range."""
        while True:
            number = getattr(self, counter) + 1
            setattr(self, counter, number)
            code = referral_code(number)
            if code not in self.taken:
                return code


@dataclass
class Outlet:
    """One synthetic outlet while it is generated: its staff and the people it knows."""

    index: int
    id: int
    code: str
    manager_id: int
    staff_ids: list[int]
    staff_codes: dict[int, str]
    owners: list[int]  # who may own customers and events (the fixture staff member owns nothing)
    # The people the outlet knows, by customer id: name, phone, is a customer, owner, holds a marketing consent.
    ids: list[int] = field(default_factory=list)
    people: dict[int, list] = field(default_factory=dict)


@dataclass
class People:
    """Makes synthetic people: names drawn from common ones (so a name search finds several), unique mobiles."""

    rng: random.Random
    serial: int = 0

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES[:40] if rng.random() < 0.7 else SURNAMES) + given

    def phone(self) -> str:
        self.serial += 1
        return f"{PHONE_PREFIX}{PHONE_START + self.serial:07d}"


def write_person(w: Writer, outlet: Outlet, people: People, codes: Codes, *, is_customer: bool,
                 owner_id: int | None, at: datetime, marketing: bool, rng: random.Random) -> int:
    """A customer (imported, with segments) or a prospect (made by a registration at `at`); returns its id."""
    person_id = w.new_id("customers")
    name, phone = people.name(), people.phone()
    tier = rng.choice(TIER_DRAW) if is_customer else "standard"
    w.add("customers", (person_id, outlet.id, name, phone, phone[-4:], tier, owner_id, is_customer, codes.customer(),
                        NOTE, at, at))
    if is_customer:
        keys = {rng.choice(SEGMENT_DRAW) for _ in range(rng.choice((1, 1, 2)))}
        for key in sorted(keys):
            w.add("customer_segments", (person_id, key))
        if marketing:  # recorded on import, as `customers import` does for a yes in that column
            w.add("consents", (w.new_id("consents"), person_id, MARKETING_PURPOSE, MARKETING_TEXT_VERSION,
                               "import", at))
    outlet.ids.append(person_id)
    outlet.people[person_id] = [name, phone, is_customer, owner_id, marketing and is_customer]
    return person_id


def write_org(w: Writer, n_outlets: int, staff_per_outlet: int, password_hash: str, codes: Codes,
              at: datetime) -> list[Outlet]:
    """The branch (支行), its outlets, each with a manager and staff, and the branch login."""
    branch_id = w.new_id("branches")
    w.add("branches", (branch_id, BRANCH_CODE, f"合成数据支行{MARK}", at, at))
    outlets = []
    for k in range(n_outlets):
        code = f"SC{k + 1:03d}"
        outlet_id = w.new_id("outlets")
        w.add("outlets", (outlet_id, code, f"合成网点{k + 1:03d}{MARK}", f"示例市示例路 {k + 1} 号{MARK}", branch_id,
                          at, at))
        staff: dict[int, str] = {}
        manager_id = _user(w, f"{code.lower()}.manager", f"合成经理{k + 1:03d}", "manager", outlet_id, None,
                           password_hash, codes, at, staff)
        staff_ids = [_user(w, f"{code.lower()}.staff{s}", f"合成员工{k + 1:03d}-{s}", "staff", outlet_id, None,
                           password_hash, codes, at, staff) for s in range(1, staff_per_outlet + 1)]
        # sc001.staff1 is the fixture's staff member: nothing else is assigned to them (exactly 200 open items).
        owners = [manager_id, *(staff_ids[1:] if k == 0 else staff_ids)]
        outlets.append(Outlet(k, outlet_id, code, manager_id, staff_ids, staff, owners))
    _user(w, BRANCH_LOGIN, f"合成支行运营{MARK}", "branch", None, branch_id, password_hash, codes, at, {})
    return outlets


def _user(w: Writer, username: str, display: str, role: str, outlet_id: int | None, branch_id: int | None,
          password_hash: str, codes: Codes, at: datetime, staff: dict[int, str]) -> int:
    user_id = w.new_id("users")
    code = codes.user()
    w.add("users", (user_id, username, display, password_hash, role, outlet_id, branch_id, code, True, False, 1,
                    at, at))
    staff[user_id] = code
    return user_id


def write_customers(w: Writer, outlet: Outlet, count: int, people: People, codes: Codes, rng: random.Random,
                    before: datetime) -> None:
    """The outlet's known customers, imported over the year before the first event."""
    for _ in range(count):
        owner = rng.choice(outlet.owners) if rng.random() < 0.7 else None
        at = before - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        write_person(w, outlet, people, codes, is_customer=True, owner_id=owner, at=at,
                     marketing=rng.random() < 0.3, rng=rng)
