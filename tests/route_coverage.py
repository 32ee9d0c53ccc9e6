"""Which routes that change things did the tests really submit? (a pytest plugin)

Every request the app handles during the run is recorded as (endpoint, method, status, test):
requests through the Flask test client and the in-process live server of the browser tests by
Flask's `request_finished` signal, requests to the gunicorn servers of tests/server.py through
the file their test-only hook writes (tests/recording_wsgi.py, enabled by ROUTE_LOG).

At the end of the session, tests/test_route_coverage.py (ordered last) fails naming every route
accepting POST that no test submitted. A submit counts when the app answered it with something
other than 401/403/404/405 or a server error, and it did not come from a test marked
`route_walk` (the permission walk posts empty bodies to every route: that is not a submit).
The check needs the whole suite: it skips when only part of it was collected.

The routes and the tests that submitted each are written to test-artifacts/route-coverage.txt
(route-coverage-partial.txt when only part of the suite ran).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CHECKED_METHODS = ("POST",)  # the methods the check requires a submit for
NOT_A_SUBMIT = {401, 403, 404, 405}
CHECK_NODE = "tests/test_route_coverage.py::test_every_post_route_is_submitted_by_some_test"
TESTS_DIR = Path(__file__).resolve().parent
REPORT = TESTS_DIR.parent / "test-artifacts" / "route-coverage.txt"
PARTIAL_REPORT = REPORT.with_name("route-coverage-partial.txt")


class Recorder:
    def __init__(self) -> None:
        # (endpoint, method) -> {nodeid: best status seen}
        self.hits: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        self.current: pytest.Item | None = None
        self.app = None  # the session's app, for the routes in the report
        self.whole_suite = False
        self.deselected = 0
        self.skipped: list[str] = []  # browser / concurrency tests that were skipped

    def record(self, endpoint: str | None, method: str, status: int) -> None:
        if not endpoint or method not in WRITE_METHODS:
            return
        item = self.current
        if item is None or item.get_closest_marker("route_walk"):
            return
        if status in NOT_A_SUBMIT or status >= 500:
            return
        seen = self.hits[(endpoint, method)]
        seen[item.nodeid] = min(seen.get(item.nodeid, status), status)


RECORDER = Recorder()


def record(endpoint: str | None, method: str, status: int) -> None:
    """Record one handled request for the running test (also used for gunicorn's route log)."""
    RECORDER.record(endpoint, method, status)


def _on_request_finished(sender, response, **_extra) -> None:
    from flask import request

    rule = request.url_rule
    record(rule.endpoint if rule is not None else None, request.method, response.status_code)


@pytest.fixture(scope="session", autouse=True)
def _record_routes(request):
    """Connect the recorder to every Flask app of the run (the session's and any a test makes)."""
    from flask import request_finished

    RECORDER.app = request.getfixturevalue("app")  # its URL map lists the routes

    request_finished.connect(_on_request_finished)
    yield
    request_finished.disconnect(_on_request_finished)


def read_route_log(path: Path) -> None:
    """Record the requests a gunicorn server logged (lines: endpoint method status)."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            record(parts[0], parts[1], int(parts[2]))


def _covers_the_tests_dir(arg: str, rootdir: Path) -> bool:
    if "::" in arg:
        return False
    path = Path(arg)
    path = (path if path.is_absolute() else rootdir / path).resolve()
    return path == TESTS_DIR or path in TESTS_DIR.parents


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    rootdir = Path(str(config.invocation_params.dir))
    RECORDER.whole_suite = bool(config.args) and all(_covers_the_tests_dir(a, rootdir) for a in config.args)
    checks = [item for item in items if item.nodeid == CHECK_NODE]
    for item in checks:  # the check runs after every other test
        items.remove(item)
        items.append(item)


def pytest_deselected(items):
    RECORDER.deselected += len(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    RECORDER.current = item
    try:
        return (yield)
    finally:
        RECORDER.current = None


def pytest_runtest_logreport(report):
    if report.skipped and any(mark in report.keywords for mark in ("browser", "concurrency")):
        RECORDER.skipped.append(report.nodeid)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "route_walk: requests of this test do not count as submitting a route (tests/route_coverage.py)")


def pytest_sessionfinish(session):
    if RECORDER.app is not None:  # a part of the suite leaves the whole run's report alone
        write_report(RECORDER.app, REPORT if RECORDER.whole_suite and not RECORDER.deselected else PARTIAL_REPORT)


def routes_to_submit(app) -> list[tuple[str, str, str]]:
    """(rule, endpoint, method) of every route accepting one of CHECKED_METHODS."""
    return sorted((rule.rule, rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in CHECKED_METHODS if method in rule.methods)


def write_report(app, path: Path = REPORT, recorder: Recorder = RECORDER) -> None:
    lines = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in WRITE_METHODS:
            if method not in rule.methods:
                continue
            tests = recorder.hits.get((rule.endpoint, method), {})
            lines.append(f"{method} {rule.rule} ({rule.endpoint})")
            lines.extend(f"    {nodeid} -> {status}" for nodeid, status in sorted(tests.items()))
            if not tests:
                lines.append("    NOT SUBMITTED")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def missing_routes(app, recorder: Recorder = RECORDER) -> list[str]:
    return [f"{method} {rule} ({endpoint})" for rule, endpoint, method in routes_to_submit(app)
            if not recorder.hits.get((endpoint, method))]
