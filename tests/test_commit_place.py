"""One place commits (issue 14): only app/unit_of_work.py commits or rolls back the session.

Requests commit once when they have answered, commands and jobs in `transaction()`; a view,
service or helper that commits (or rolls back) on its own splits a request into halves that can
be kept apart. An `ast` walk finds every `<…session>.commit()` / `.rollback()` in app/ (a
savepoint's own `.commit()` / `.rollback()` from `session.begin_nested()` is allowed: it ends the
savepoint, not the transaction).
"""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.unit_of_work import transaction

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
THE_PLACE = APP / "unit_of_work.py"
ENDINGS = {"commit", "rollback"}


def _is_session(node: ast.expr) -> bool:
    """`session`, `db.session`, `self.session`, `db.session()`: what the name says is a session."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id == "session" or node.id.endswith("_session")
    if isinstance(node, ast.Attribute):
        return node.attr == "session" or node.attr.endswith("_session")
    return False


def endings(source: str) -> list[tuple[int, str]]:
    """(line, call) of every session commit or rollback in `source`."""
    return [(node.lineno, ast.unparse(node)) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ENDINGS and _is_session(node.func.value)]


def session_endings(path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line}: {call}" for line, call in endings(path.read_text(encoding="utf-8"))]


def test_only_the_unit_of_work_commits_or_rolls_back():
    found = [hit for path in sorted(APP.rglob("*.py")) if path != THE_PLACE for hit in session_endings(path)]
    assert not found, ("commit/rollback outside app/unit_of_work.py (let the request, or transaction(), "
                       "end the work; a savepoint for an inner boundary):\n" + "\n".join(found))


def test_the_walk_sees_the_usual_spellings():
    source = ("db.session.commit()\nsession.rollback()\ndb.session().commit()\n"
              "savepoint = db.session.begin_nested()\nsavepoint.rollback()\nconnection.rollback()\n")
    assert [call for _line, call in sorted(endings(source))] == [
        "db.session.commit()", "session.rollback()", "db.session().commit()"]


def test_the_unit_of_work_still_commits():
    """A guard against an empty 'one place': the walk above would pass if nothing committed at all."""
    assert session_endings(THE_PLACE)


def test_transaction_commits_at_the_end_and_rolls_back_on_an_error(app):
    from app.org.models import Outlet

    with transaction():
        db.session.add(Outlet(code="UW1", name="一处提交"))
    try:
        with transaction():
            db.session.add(Outlet(code="UW2", name="回滚"))
            db.session.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with db.engine.connect() as other:  # another connection: only committed rows are there
        codes = set(other.scalars(sa.select(Outlet.code).where(Outlet.code.like("UW%"))))
    assert codes == {"UW1"}
