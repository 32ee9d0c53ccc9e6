"""The built-in event templates: one TOML file per template in `data/`, validated on load.

The file name is the template key (`mid_autumn_family_mooncake.toml`). Every
field is checked against the reference keys (segments, partner categories,
occasions, lenses, categories), so a typo fails at start-up with the file and
field named instead of producing an odd page later.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from app.catalogue import occasions, scripts
from app.catalogue.validation import KEY_PATTERN, CatalogueError, Table
from app.catalogue.vocabulary import CATEGORIES, INTERNAL_TERMS, LENSES
from app.org.reference import PARTNER_CATEGORIES, SEGMENTS

__all__ = [
    "CATALOGUE_DIR",
    "CATEGORIES",
    "DAY_PREFERENCES",
    "LENSES",
    "PLAYBOOK_LISTS",
    "QUESTION_TYPES",
    "AgendaItem",
    "Budget",
    "CatalogueError",
    "Goals",
    "Playbook",
    "PlaybookEntry",
    "Question",
    "Template",
    "builtin_templates",
    "load_catalogue",
]

CATALOGUE_DIR = Path(__file__).with_name("data")
QUESTION_TYPES = ("text", "number", "choice", "multi")
# The follow-up lists of DOMAIN.md: attended customers, attended newcomers, no-shows.
PLAYBOOK_LISTS = ("maintain", "prospect", "winback")
# The registration form always asks these itself; a template must not ask them twice.
RESERVED_QUESTION_KEYS = frozenset({"name", "phone", "mobile", "party_size", "consent", "ref"})
# Which days suit the event; when a file does not say, workplace visits take working days and
# events for people who work or go to school take weekends.
DAY_PREFERENCES = ("weekend", "workday", "any")
WEEKEND_SEGMENTS = frozenset({"family", "payroll", "young", "vip"})
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    type: str
    required: bool
    options: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class AgendaItem:
    time: str  # "14:00", local time of the event day
    item: str


@dataclass(frozen=True)
class Budget:
    per_head: float  # 元 per attendee
    notes: str


@dataclass(frozen=True)
class Goals:
    attendance_rate: float  # attended / registered, 0..1
    newcomers: int
    conversions: int


@dataclass(frozen=True)
class PlaybookEntry:
    due_days: int  # days after the event by which the follow-up is due
    talking_points: tuple[str, ...]


@dataclass(frozen=True)
class Playbook:
    maintain: PlaybookEntry
    prospect: PlaybookEntry
    winback: PlaybookEntry

    def entry(self, list_name: str) -> PlaybookEntry:
        if list_name not in PLAYBOOK_LISTS:
            raise KeyError(list_name)
        return getattr(self, list_name)


@dataclass(frozen=True)
class Template:
    """A ready-made event plan a marketer starts from."""

    key: str
    name: str
    category: str
    lenses: tuple[str, ...]
    description: str  # for customers: the event's public text
    staff_notes: str  # for staff only: never on a public page, poster, message or public API answer
    segments: tuple[str, ...]
    occasions: tuple[str, ...]
    partner_categories: tuple[str, ...]
    default_capacity: int
    max_party_size: int
    preferred_days: str  # "weekend", "workday" or "any"
    questions: tuple[Question, ...]
    agenda: tuple[AgendaItem, ...]
    materials: tuple[str, ...]
    gifts: tuple[str, ...]
    budget: Budget
    goals: Goals
    playbook: Playbook

    @property
    def category_name(self) -> str:
        return CATEGORIES[self.category]

    @property
    def evergreen(self) -> bool:
        """Fits any time of year rather than particular occasions."""
        return not self.occasions

    def to_dict(self) -> dict:
        """Plain JSON-able data (lists, not tuples), as the API serves it."""
        data = _listify(asdict(self))
        data["category_name"] = self.category_name
        return data


def _listify(value):
    if isinstance(value, dict):
        return {key: _listify(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_listify(item) for item in value]
    return value


# --- reading one file, one small function per section -------------------------------------------

_TOP_LEVEL = ("name", "category", "lenses", "description", "staff_notes", "segments", "occasions", "partner_categories",
              "default_capacity", "max_party_size", "preferred_days", "materials", "gifts", "budget", "goals",
              "questions", "agenda", "playbook")


def _template(key: str, root: Table) -> Template:
    root.only(*_TOP_LEVEL)
    category = root.key("category")
    if category not in CATEGORIES:
        root.fail("category", f"unknown category {category!r}; known: {', '.join(sorted(CATEGORIES))}")
    capacity = root.integer("default_capacity", minimum=1)
    party = root.integer("max_party_size", minimum=1)
    if party > capacity:
        root.fail("max_party_size", f"{party} is more than default_capacity {capacity}")
    segments = root.texts("segments", allowed=SEGMENTS, what="segment")
    return Template(
        key=key,
        name=root.text("name"),
        category=category,
        lenses=root.texts("lenses", allowed=LENSES, what="lens"),
        description=_description(root),
        staff_notes=root.text("staff_notes"),
        segments=segments,
        occasions=root.texts("occasions", allowed={o.key for o in occasions.ALL}, what="occasion",
                             nonempty=False, optional=True),
        partner_categories=root.texts("partner_categories", allowed=PARTNER_CATEGORIES,
                                      what="partner category", nonempty=False, optional=True),
        default_capacity=capacity,
        max_party_size=party,
        preferred_days=_preferred_days(root, category, segments),
        questions=_questions(root),
        agenda=_agenda(root),
        materials=root.texts("materials"),
        gifts=root.texts("gifts", nonempty=False, optional=True),
        budget=_budget(root.table("budget")),
        goals=_goals(root.table("goals")),
        playbook=_playbook(root.table("playbook")),
    )


def _description(root: Table) -> str:
    text = root.text("description")
    internal = [term for term in INTERNAL_TERMS if term.lower() in text.lower()]
    if internal:
        root.fail("description", f"is shown to customers but says {'、'.join(internal)}; "
                                 "put how staff use the event in staff_notes")
    return text


def _preferred_days(root: Table, category: str, segments: tuple[str, ...]) -> str:
    if "preferred_days" in root.data:
        value = root.text("preferred_days")
        if value not in DAY_PREFERENCES:
            root.fail("preferred_days", f"must be one of {', '.join(DAY_PREFERENCES)}, got {value!r}")
        return value
    if category == "outreach":
        return "workday"  # held at the customer's workplace during working hours
    return "weekend" if WEEKEND_SEGMENTS.intersection(segments) else "any"


def _questions(root: Table) -> tuple[Question, ...]:
    found: list[Question] = []
    for table in root.tables("questions", nonempty=False, optional=True):
        question = _question(table)
        if question.key in {q.key for q in found}:
            table.fail("key", f"{question.key!r} is used by another question")
        found.append(question)
    return tuple(found)


def _question(table: Table) -> Question:
    table.only("key", "label", "type", "required", "options", "min", "max")
    key = table.key("key")
    if key in RESERVED_QUESTION_KEYS:
        table.fail("key", f"{key!r} is asked by the registration form itself")
    kind = table.text("type")
    if kind not in QUESTION_TYPES:
        table.fail("type", f"unknown type {kind!r}; known: {', '.join(QUESTION_TYPES)}")
    options: tuple[str, ...] = ()
    if kind in ("choice", "multi"):
        if "options" not in table.data:
            table.fail("options", f"required for type {kind!r}")
        options = table.texts("options")
        if len(options) < 2:
            table.fail("options", "needs at least two options")
    elif "options" in table.data:
        table.fail("options", f"not allowed for type {kind!r}")
    low, high = _number_bounds(table, kind)
    return Question(key=key, label=table.text("label"), type=kind, required=table.boolean("required"),
                    options=options, min=low, max=high)


def _number_bounds(table: Table, kind: str) -> tuple[int | None, int | None]:
    if kind != "number":
        for name in ("min", "max"):
            if name in table.data:
                table.fail(name, f"not allowed for type {kind!r}")
        return None, None
    low = table.integer("min", optional=True)
    high = table.integer("max", optional=True)
    if low is not None and high is not None and low > high:
        table.fail("max", f"{high} is less than min {low}")
    return low, high


def _agenda(root: Table) -> tuple[AgendaItem, ...]:
    items: list[AgendaItem] = []
    for table in root.tables("agenda"):
        table.only("time", "item")
        time = table.text("time")
        if not TIME_PATTERN.match(time):
            table.fail("time", f"{time!r} must be HH:MM (24-hour)")
        if items and time < items[-1].time:
            table.fail("time", f"{time} comes before the previous item's {items[-1].time}")
        items.append(AgendaItem(time=time, item=table.text("item")))
    return tuple(items)


def _budget(table: Table) -> Budget:
    table.only("per_head", "notes")
    return Budget(per_head=table.number("per_head", minimum=0), notes=table.text("notes"))


def _goals(table: Table) -> Goals:
    table.only("attendance_rate", "newcomers", "conversions")
    return Goals(attendance_rate=table.number("attendance_rate", minimum=0, maximum=1),
                 newcomers=table.integer("newcomers", minimum=0),
                 conversions=table.integer("conversions", minimum=0))


def _playbook(table: Table) -> Playbook:
    table.only(*PLAYBOOK_LISTS)
    entries = {}
    for name in PLAYBOOK_LISTS:
        entry = table.table(name)
        entry.only("due_days", "talking_points")
        points = entry.texts("talking_points")
        for index, point in enumerate(points):
            for problem in scripts.problems(point):
                entry.fail(f"talking_points[{index}]", problem)
        entries[name] = PlaybookEntry(due_days=entry.integer("due_days", minimum=0), talking_points=points)
    return Playbook(**entries)


# --- the whole directory --------------------------------------------------------------------------

def load_file(path: Path) -> Template:
    """Parse and validate one template file; its name (without .toml) is the key."""
    key = path.stem
    if not KEY_PATTERN.match(key):
        raise CatalogueError(path.name, "key", f"file name {key!r} must be lower-case ascii snake_case")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(path.name, "", f"not valid TOML: {error}") from error
    return _template(key, Table(data, path.name))


def load_catalogue(directory: Path | str | None = None) -> dict[str, Template]:
    """Every `*.toml` template in `directory` (the built-in catalogue by default), by key, sorted.

    Raises `CatalogueError` naming the file and field for the first problem,
    including two templates sharing a display name (marketers pick by name).
    """
    folder = Path(directory) if directory is not None else CATALOGUE_DIR
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise CatalogueError(str(folder), "", "no template files (*.toml) found")
    templates: dict[str, Template] = {}
    names: dict[str, str] = {}
    for path in paths:
        template = load_file(path)
        if template.name in names:
            problem = f"{template.name!r} is already used by {names[template.name]}"
            raise CatalogueError(path.name, "name", problem)
        names[template.name] = path.name
        templates[template.key] = template
    return templates


@cache
def builtin_templates() -> Mapping[str, Template]:
    """The built-in catalogue, loaded and validated once per process (read-only)."""
    return MappingProxyType(load_catalogue())
