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

import pytest
import sqlalchemy as sa
from flask import Flask, jsonify

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


@pytest.fixture
def little_app(app):
    """A small app with the real unit of work and error handlers, and routes that write and then answer."""
    from app.errors import register_error_handlers
    from app.extensions import babel
    from app.org.models import Outlet
    from app.unit_of_work import init_app, keep_on_error

    little = Flask("little_app")
    little.config.update(TESTING=True, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(little)
    babel.init_app(little)
    register_error_handlers(little)

    @little.post("/api/v1/twice")
    def twice():  # two outlets with one code, never flushed: the commit is what refuses them
        db.session.add_all([Outlet(code="UWX", name="一"), Outlet(code="UWX", name="二")])
        return jsonify({"saved": True}), 201

    @little.post("/api/v1/refused")
    def refused():
        db.session.add(Outlet(code="UWR", name="被拒"))
        db.session.flush()
        return jsonify({"error": {"code": "validation_error"}}), 422

    @little.post("/api/v1/kept")
    def kept():
        db.session.add(Outlet(code="UWK", name="留下"))
        keep_on_error()
        return jsonify({"error": {"code": "unauthorized"}}), 401

    init_app(little)
    db.session.commit()  # the test's session holds no lock while the little app writes
    yield little
    with little.app_context():
        db.session.remove()
        db.engines[None].dispose()


def _stored_codes() -> set[str]:
    from app.org.models import Outlet

    db.session.rollback()
    return set(db.session.scalars(sa.select(Outlet.code).where(Outlet.code.like("UW%"))))


def test_a_commit_that_fails_answers_409_in_the_api_shape_and_keeps_nothing(little_app):
    answer = little_app.test_client().post("/api/v1/twice")
    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "conflict"
    assert _stored_codes() == set()


def test_an_error_answer_rolls_back_unless_the_view_keeps_it(little_app):
    client = little_app.test_client()
    assert client.post("/api/v1/refused").status_code == 422
    assert client.post("/api/v1/kept").status_code == 401
    assert _stored_codes() == {"UWK"}
