"""The layout rules of docs/architecture.md, checked on the import graph of app/ (issue 14).

An `ast` walk (scripts/import_graph.py) reads every import in app/, including
those inside functions such as `init_app`, and checks:

1. core modules (app/*.py) never import a feature's private modules or the templating layer;
2. a feature imports another feature only through its front door (`models`,
   `services`, `errors`, `queries`, the package itself) or a declared piece of
   shared vocabulary;
3. features depend on each other in one order, lowest first (ORDER), so there
   is no cycle between packages;
4. every feature package uses the same file names for the same roles.

Today's code breaks these rules in known places. They are listed below, each
with what to move where, as a ratchet: a NEW violation fails, and a listed
violation that no longer exists fails too, so these lists only shrink.
Regenerate the picture in docs/architecture.md with
`.venv/bin/python scripts/import_graph.py`.
"""

from __future__ import annotations

import ast
import functools
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import import_graph as graph  # noqa: E402

# The packages of app/, lowest first: a package may import those before it, never those after
# it. audit, notify and pdf are infrastructure every feature may use; home, jobs and demo assemble
# the features. The template catalogue (templates, occasions, scheduling) sits below events, which
# make events from it; planning sits at the top because it reads everything (results, track records).
ORDER = [
    "app.audit", "app.notify", "app.pdf",
    "app.org", "app.auth", "app.customers", "app.catalogue", "app.events", "app.checkin", "app.alliance",
    "app.followups", "app.planning", "app.personal_data", "app.campaigns",
    "app.home", "app.jobs", "app.demo",
]
# The domain features (the dependency picture in docs/architecture.md is drawn between these).
FEATURES = [
    "app.org", "app.auth", "app.customers", "app.catalogue", "app.events", "app.checkin", "app.alliance",
    "app.followups", "app.planning", "app.personal_data", "app.campaigns", "app.home",
]

# The composition root wires everything together: create_app (app/__init__.py) registers the
# blueprints and app.all_models gathers the metadata for Alembic. They may import anything.
COMPOSITION_ROOT = {"app", "app.all_models"}
# Core: every other module directly in app/ (app.database, app.fields, app.security, …). Core is
# below all features; of a feature it may use only shared vocabulary.
TEMPLATING = "app.templating"

# A feature's front door: what other packages may import.
# `signals`: the hooks a lower feature offers the features above it (they subscribe in init_app).
PUBLIC_MODULES = {"models", "services", "errors", "queries", "signals"}
# Shared vocabulary: small pure modules whose words several features speak. Keep this short.
SHARED_VOCABULARY = {
    "app.org.reference": "segment and partner-category keys with their Chinese names",
    "app.customers.phones": "normalize_mobile: one normal form of a mainland mobile number",
    "app.followups.vocabulary": "follow-up lists, statuses, contact methods, products",
    "app.catalogue.vocabulary": "lens and category keys of the template catalogue",
}

# Today's violations: (importing module, imported module) -> what to move where (issue 14).
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {
}

# Today's wrong-way arrows between packages (a lower package importing a higher one, see ORDER),
# with what untangles them. Each of these closes a cycle.
KNOWN_UPWARD: dict[tuple[str, str], str] = {
}

# The module imports behind those arrows, one by one, so that a new wrong-way import between two
# packages already knotted fails too, and each import moved away shrinks this list.
KNOWN_UPWARD_IMPORTS: set[tuple[str, str]] = set()

# Rooms of a feature package: the same file names for the same roles.
ROLE_FILES = {
    "__init__.py",  # init_app(app): registers blueprints, CLI, hooks
    "models.py", "services.py", "errors.py", "queries.py", "signals.py",  # the front door
    "views.py",  # staff pages (a flask Blueprint)
    "public.py",  # pages people without an account see (ticket, registration, self check-in)
    "portal.py",  # pages partner logins see, with their own tab bar (the redemption portal)
    "api.py",  # /api/v1 handlers
    "forms.py", "schemas.py",  # WTForms / marshmallow
    "cli.py",  # flask commands
    "home.py",  # this feature's panel on 今日
    "exports.py",  # spreadsheets and PDFs people download
    "vocabulary.py",  # keys and Chinese names of this feature's words
    "templates",
}
# Declared extra rooms, per package: a file here that is neither a role file nor declared fails.
EXTRAS: dict[str, set[str]] = {
    "app.alliance": {"partners.py", "statements.py", "stats.py"},
    "app.audit": set(),
    "app.auth": {"sessions.py"},
    "app.campaigns": set(),
    "app.catalogue": {"builtin.py", "data", "holidays.py", "occasions.py", "scheduling.py", "scripts.py",
                      "validation.py"},
    "app.checkin": {"links.py", "selfcheckin.py"},
    "app.customers": {"importer.py", "phones.py"},
    "app.demo": {"alliance.py", "campaigns.py", "events.py", "org.py", "scale.py", "scale_events.py",
                 "scale_fixtures.py", "scale_rows.py", "scale_writer.py"},
    "app.events": {"consent.py", "ics.py", "invitations.py", "limits.py", "messages.py", "page_cache.py",
                   "posters.py", "questions.py", "referrals.py", "registration.py", "reminders.py",
                   "tickets.py"},
    "app.followups": {"dashboard.py", "results.py", "scripts.py"},
    "app.home": set(),
    "app.jobs": {"runner.py", "tasks.py"},
    "app.notify": {"senders.py"},
    "app.org": {"reference.py"},
    "app.pdf": {"fonts", "print.css"},
    "app.personal_data": {"exports.py", "erasure.py", "retention.py"},
    "app.planning": {"calendar_grid.py", "recommend.py"},
}
# Modules that play a role under another name (a forms module not called forms.py …), to rename.
KNOWN_ROLE_MISNAMES: dict[str, str] = {}


@functools.cache
def _edges() -> list[graph.Edge]:
    return graph.module_edges()


def _is_public(target: str) -> bool:
    package = graph.package_of(target)
    return (target == package or target.rsplit(".", 1)[-1] in PUBLIC_MODULES
            or target in SHARED_VOCABULARY)


def _is_core(module: str) -> bool:
    return graph.package_of(module) is None and module not in COMPOSITION_ROOT


def _violations(edges: list[graph.Edge]) -> dict[tuple[str, str], str]:
    """Every edge that breaks rule 1 or 2, with why."""
    found: dict[tuple[str, str], str] = {}
    for e in edges:
        if e.source in COMPOSITION_ROOT:
            continue
        source_pkg, target_pkg = graph.package_of(e.source), graph.package_of(e.target)
        if _is_core(e.source):
            if e.target == TEMPLATING:
                found[(e.source, e.target)] = (
                    f"{e.source} (core) imports {TEMPLATING}: core modules never depend on the page "
                    "layer; pass what they need as arguments or move the piece into templating")
            elif target_pkg and e.target not in SHARED_VOCABULARY:
                found[(e.source, e.target)] = (
                    f"{e.source} (core) imports {e.target} (line {e.line}): core sits below every "
                    "feature; move the shared piece into core, or let the feature register a hook "
                    "in its init_app")
        elif target_pkg and target_pkg != source_pkg and not _is_public(e.target):
            found[(e.source, e.target)] = (
                f"{e.source} imports {e.target} (line {e.line}): {e.target.rsplit('.', 1)[-1]} is "
                f"private to {target_pkg}; import {target_pkg}.services (or .models, .errors, .queries) "
                "instead, or move the shared piece to core (app/*.py) or SHARED_VOCABULARY")
    return found


def _ratchet(found: dict, known: dict, what: str) -> list[str]:
    problems = [f"NEW {what}: {found[k]}" for k in sorted(set(found) - set(known))]
    problems += [f"{what} {k[0]} -> {k[1]} no longer exists: remove this line from "
                 f"{'KNOWN_VIOLATIONS' if what == 'import' else 'KNOWN_UPWARD'} in tests/test_architecture.py"
                 for k in sorted(set(known) - set(found))]
    return problems


def test_core_and_features_import_each_other_only_through_front_doors() -> None:
    problems = _ratchet(_violations(_edges()), KNOWN_VIOLATIONS, "import")
    assert not problems, "\n".join(problems)


def test_packages_depend_on_each_other_in_one_order() -> None:
    rank = {name: i for i, name in enumerate(ORDER)}
    found: dict[tuple[str, str], str] = {}
    for (a, b), behind in graph.feature_edges(_edges(), ORDER).items():
        if rank[a] < rank[b]:
            where = ", ".join(f"{e.source} -> {e.target}" for e in behind)
            found[(a, b)] = (f"{a} imports {b}, which comes after it in ORDER ({where}): a lower "
                             f"package never imports a higher one; let {b} subscribe to a signal "
                             f"{a} sends, or move the shared piece down")
    problems = _ratchet(found, KNOWN_UPWARD, "arrow")
    assert not problems, "\n".join(problems)


def test_no_new_wrong_way_import_between_knotted_packages() -> None:
    rank = {name: i for i, name in enumerate(ORDER)}
    upward = {(e.source, e.target): e for (a, b), behind in graph.feature_edges(_edges(), ORDER).items()
              if rank[a] < rank[b] for e in behind}
    problems = [f"NEW wrong-way import: {s} imports {t} (line {upward[(s, t)].line}), against ORDER "
                f"({KNOWN_UPWARD.get((graph.package_of(s), graph.package_of(t)), 'see ORDER')})"
                for (s, t) in sorted(set(upward) - KNOWN_UPWARD_IMPORTS)]
    problems += [f"{s} -> {t} no longer exists: remove this line from KNOWN_UPWARD_IMPORTS"
                 for (s, t) in sorted(KNOWN_UPWARD_IMPORTS - set(upward))]
    assert not problems, "\n".join(problems)


def test_every_package_is_placed_in_the_order() -> None:
    assert sorted(ORDER) == graph.packages(), "add the new package to ORDER (and EXTRAS)"


def test_no_cycles_beyond_the_known_knots() -> None:
    """Every cycle runs through a known wrong-way arrow; once those are gone there are none."""
    rank = {name: i for i, name in enumerate(ORDER)}
    upward = {(a, b) for (a, b) in graph.feature_edges(_edges(), ORDER) if rank[a] < rank[b]}
    downward_only = {k: v for k, v in graph.feature_edges(_edges(), ORDER).items() if k not in upward}
    assert graph.cycles(downward_only) == []
    knots = {frozenset(pair) for pair in graph.two_way(graph.feature_edges(_edges(), ORDER))}
    for pair in knots:
        assert any(frozenset(k) == pair for k in KNOWN_UPWARD), (
            f"new two-way import between {' and '.join(sorted(pair))}: break one direction")


def test_feature_packages_use_the_same_file_names_for_the_same_roles() -> None:
    problems = []
    for package in graph.packages():
        directory = ROOT / package.replace(".", "/")
        declared = EXTRAS.get(package)
        if declared is None:
            problems.append(f"{package} is new: declare its extra rooms in EXTRAS")
            continue
        present = {p.name for p in directory.iterdir() if p.name != "__pycache__"}
        for name in sorted(present - ROLE_FILES - declared):
            problems.append(f"{package}/{name}: not a role file ({', '.join(sorted(ROLE_FILES))}); "
                            "rename it to its role or declare it in EXTRAS")
        for name in sorted(declared - present):
            problems.append(f"{package}/{name} is gone: remove it from EXTRAS")
        templates = directory / "templates"
        if templates.is_dir() and not (templates / package.removeprefix("app.")).is_dir():
            problems.append(f"{package}/templates/ has no {package.removeprefix('app.')}/ folder")
    assert not problems, "\n".join(problems)


def _role_of(path: Path) -> str | None:
    """What a module holds, read from its classes: forms, schemas, pages or API handlers."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bases = {getattr(b, "id", getattr(b, "attr", None))
             for node in ast.walk(tree) if isinstance(node, ast.ClassDef) for b in node.bases}
    calls = {getattr(n.func, "id", getattr(n.func, "attr", None))
             for n in ast.walk(tree) if isinstance(n, ast.Call)}
    if "FlaskForm" in bases:
        return "forms"
    if bases & {"Schema", "ma.Schema"}:
        return "schemas"
    if "api_blueprint" in calls:
        return "api"
    if "Blueprint" in calls:
        return "views"
    return None


def test_a_module_that_plays_a_role_is_named_after_it() -> None:
    allowed = {"forms": {"forms"}, "schemas": {"schemas"}, "api": {"api"},
               "views": {"views", "public", "portal", "__init__"}}
    found = {}
    for name, path in graph.app_modules().items():
        if graph.package_of(name) is None:
            continue
        role = _role_of(path)
        if role and path.stem not in allowed[role]:
            found[name] = f"{name} holds {role} but is called {path.name}: rename it to {role}.py"
    problems = [f"NEW: {found[k]}" for k in sorted(set(found) - set(KNOWN_ROLE_MISNAMES))]
    problems += [f"{k} no longer plays another role's part: remove it from KNOWN_ROLE_MISNAMES"
                 for k in sorted(set(KNOWN_ROLE_MISNAMES) - set(found))]
    assert not problems, "\n".join(problems)


def test_the_checks_name_what_to_move_where() -> None:
    """The checker itself: a reach into a private module and a stale ratchet line are reported."""
    edges = [graph.Edge("app.events.views", "app.alliance.forms", 3),
             graph.Edge("app.events.views", "app.alliance.services", 4),
             graph.Edge("app.database", "app.templating", 5),
             graph.Edge("app.fields", "app.org.reference", 6)]
    found = _violations(edges)
    assert set(found) == {("app.events.views", "app.alliance.forms"), ("app.database", "app.templating")}
    assert "forms is private to app.alliance; import app.alliance.services" in found[
        ("app.events.views", "app.alliance.forms")]
    stale = _ratchet({}, {("app.a", "app.b"): "note"}, "import")
    assert stale == ["import app.a -> app.b no longer exists: remove this line from KNOWN_VIOLATIONS "
                     "in tests/test_architecture.py"]


def test_imports_inside_functions_and_relative_imports_count(tmp_path: Path) -> None:
    package_init = tmp_path / "__init__.py"
    package_init.write_text("def init_app(app):\n    from .views import bp\n    import app.events.public\n")
    empty = tmp_path / "empty.py"
    empty.write_text("")
    modules = {"app.alliance": package_init, "app.alliance.views": empty,
               "app.events": empty, "app.events.public": empty}
    targets = {(e.source, e.target) for e in graph.module_edges(modules)}
    assert targets == {("app.alliance", "app.alliance.views"), ("app.alliance", "app.events.public")}


def test_the_picture_in_docs_architecture_is_current() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    start, end = text.index("<!-- import-graph:start"), text.index("<!-- import-graph:end -->")
    drawn = text[start:end].split("```mermaid\n", 1)[1].split("```", 1)[0].strip()
    current = graph.mermaid(graph.feature_edges(_edges(), FEATURES))
    assert drawn == current, ("the feature graph changed: run `.venv/bin/python scripts/import_graph.py` "
                              "and paste its graph into docs/architecture.md between the import-graph markers")
