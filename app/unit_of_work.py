"""The one place that commits: a request, a command or a job commits once at its end, or rolls back.

Requests (as Indico's `RH.process`): services only flush; when the view has answered, a
non-error answer (below 400) commits, before it is sent, so a commit that fails becomes an
error answer (409 when a constraint refused the write, 503 when the database is unreachable,
in the API's JSON shape or as the error page) and never a trace or a false "saved". An error
answer or an exception rolls the whole request back. A view that answers a refusal itself (a
flash and a redirect, the form shown again) calls `discard()` first, so nothing of the refused
attempt is kept; `keep_on_error()` is for the rare error answer whose writes must stay (a failed
sign-in's audit entry).

Commands and jobs run in `transaction()` (or under `@committed`): committed at the end, rolled
back on an exception. It is also the explicit boundary where work must be committed before it
goes on (a job runner's claim, one transaction per event when finishing events); those places
say why. A tests/test_commit_place.py walk fails when any other module commits or rolls back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, current_app, g

from app.extensions import db

log = logging.getLogger(__name__)

_KEEP_ON_ERROR = "unit_of_work_keep_on_error"

P = ParamSpec("P")
R = TypeVar("R")


def init_app(app: Flask) -> None:
    """Call last in create_app: the last after_request hook registered runs first, so the answer that
    replaces a failed commit still gets the headers every answer gets."""
    app.after_request(_end_request)
    app.teardown_request(_teardown)


def discard() -> None:
    """Drop this request's (or command's) changes so far, and the locks they took.

    For a view that answers a refusal itself: a service may have written part of its work before
    it said no, and a redirect is not an error answer, so without this it would be committed.
    Also before an error page is rendered for an unexpected error (the session may need it).
    """
    db.session.rollback()


def keep_on_error() -> None:
    """Commit this request even though it answers with an error (a failed sign-in stays in the audit log)."""
    setattr(g, _KEEP_ON_ERROR, True)


def _end_request(response):
    if response.status_code >= 400 and not g.get(_KEEP_ON_ERROR):
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except Exception as exc:  # the answer must not claim success: say why instead
        db.session.rollback()
        from app.errors import commit_failed  # errors uses discard(): imported here, not at the top

        return current_app.make_response(commit_failed(exc))
    return response


def _teardown(_error: BaseException | None) -> None:
    # The safety net: a request that ended without passing _end_request (an answer that failed
    # to be made) leaves nothing open; a no-op after a commit.
    db.session.rollback()


@contextmanager
def transaction() -> Iterator[None]:
    """One unit of work outside a request: committed when the block ends, rolled back on an exception."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def committed(func: Callable[P, R]) -> Callable[P, R]:
    """A CLI command (or any function) as one unit of work: `transaction()` around the whole call."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return func(*args, **kwargs)

    return wrapper
