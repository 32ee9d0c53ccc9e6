"""Every route accepting POST is submitted by some test (recorded by tests/route_coverage.py).

This test is ordered last and looks at what the whole run submitted; run on its own, or with
part of the suite, it skips.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.route_coverage import RECORDER, Recorder, missing_routes, read_route_log, routes_to_submit, write_report


def _item(nodeid: str, walk: bool = False):
    return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: walk and name == "route_walk")


def test_a_route_counts_only_when_a_test_really_submitted_it(app, tmp_path):
    recorder = Recorder()
    recorder.current = _item("tests/x.py::test_walk", walk=True)
    recorder.record("customers.create", "POST", 200)  # the permission walk
    recorder.current = _item("tests/x.py::test_denied")
    recorder.record("customers.edit", "POST", 403)
    recorder.record("customers.import_page", "POST", 500)
    recorder.record("auth.login", "GET", 200)
    recorder.current = _item("tests/x.py::test_form")
    recorder.record("auth.logout", "POST", 303)
    missing = missing_routes(app, recorder)
    assert "POST /logout (auth.logout)" not in missing
    for route in ("POST /customers/new (customers.create)", "POST /customers/<int:customer_id>/edit (customers.edit)",
                  "POST /customers/import (customers.import_page)", "POST /login (auth.login)"):
        assert route in missing
    report = tmp_path / "report.txt"
    write_report(app, report, recorder)
    text = report.read_text()
    assert "POST /logout (auth.logout)\n    tests/x.py::test_form -> 303" in text
    assert "POST /login (auth.login)\n    NOT SUBMITTED" in text


def test_gunicorn_route_logs_are_read_for_the_running_test(tmp_path, monkeypatch):
    recorder = Recorder()
    recorder.current = _item("tests/x.py::test_race")
    monkeypatch.setattr("tests.route_coverage.RECORDER", recorder)
    log = tmp_path / "routes.log"
    log.write_text("public_api.register POST 201\npublic_api.get_event GET 200\nbroken line\n")
    read_route_log(log)
    assert recorder.hits == {("public_api.register", "POST"): {"tests/x.py::test_race": 201}}


def test_every_post_route_is_submitted_by_some_test(app):
    if not RECORDER.whole_suite or RECORDER.deselected:
        pytest.skip("route coverage is checked only when the whole suite runs (make test)")
    write_report(app)
    missing = missing_routes(app)
    if missing and RECORDER.skipped:
        pytest.skip(f"{len(missing)} POST routes not submitted, but {len(RECORDER.skipped)} browser/concurrency "
                    f"tests were skipped (they may submit them): " + "; ".join(missing))
    assert len(routes_to_submit(app)) >= 40
    assert missing == [], "POST routes that no test submits:\n" + "\n".join(missing)
