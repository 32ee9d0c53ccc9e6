"""Every route accepting POST is submitted by some test (recorded by tests/route_coverage.py).

This test is ordered last and looks at what the whole run submitted; run on its own, or with
part of the suite, it skips.
"""

from __future__ import annotations

import pytest

from tests.route_coverage import RECORDER, missing_routes, routes_to_submit, write_report


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
