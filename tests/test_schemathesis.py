"""The OpenAPI document tells the truth, and hostile input never makes the server fail (issue 13).

Schemathesis (property-based, from the served /api/v1/openapi.json) against a real gunicorn server on
the test database seeded with the demo organisation, as an admin, as a staff member and with no token.
The bar: no 5xx, every answer's status, content type and body as the document says. The budget is
bounded (SCHEMATHESIS_SECONDS per caller, the three callers at once) so that `make test` stays quick;
a failure prints schemathesis' report with a curl line that reproduces it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.auth.services import issue_token
from app.demo import SEED_STEPS
from app.extensions import db
from tests.server import gunicorn

pytestmark = pytest.mark.concurrency

SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "15"))
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _seed_demo_with_tokens() -> dict[str, str | None]:
    for step in SEED_STEPS:
        step()
    db.session.commit()
    tokens: dict[str, str | None] = {"none": None}
    for caller, username in (("admin", "admin"), ("staff", "oh01.staff1")):
        user = db.session.scalar(sa.select(User).where(User.username == username))
        tokens[caller], _record = issue_token(user, label="schemathesis")
    db.session.commit()
    db.session.remove()  # hold no lock while the server works
    return tokens


def _run(base: str, token: str | None, report: Path) -> subprocess.CompletedProcess:
    command = [str(SCHEMATHESIS), "run", f"{base}/api/v1/openapi.json", "--checks", CHECKS,
               "--phases", "coverage,fuzzing", "--max-examples", "5", "--max-time", str(SECONDS),
               "--workers", "1", "--seed", "1", "--no-shrink", "--generation-database", "none",
               "--continue-on-failure", "--no-color", "--request-timeout", "30",
               "--report", "junit", "--report-junit-path", str(report)]
    if token:
        command[3:3] = ["--header", f"Authorization: Bearer {token}"]
    # Its cache goes to the working directory: the test's own, not the repository.
    return subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 120, cwd=report.parent)


def _figures(output: str) -> str:
    cases = re.search(r"(\d+) generated, [^\n]*", output)
    operations = re.search(r"Tested: (\d+)", output)
    return f"{operations.group(1) if operations else '?'} operations, {cases.group(0) if cases else '?'}"


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis is a dev dependency (pip install -e '.[dev]')")
def test_no_server_error_and_no_answer_the_openapi_document_does_not_describe(database_url, tmp_path):
    tokens = _seed_demo_with_tokens()
    started = time.monotonic()
    with gunicorn(database_url, workers=3) as base, ThreadPoolExecutor(len(tokens)) as pool:
        runs = {caller: pool.submit(_run, base, token, tmp_path / f"{caller}.xml") for caller, token in tokens.items()}
        results = {caller: run.result() for caller, run in runs.items()}
    elapsed = time.monotonic() - started
    summary = "; ".join(f"{caller}: {_figures(r.stdout)}" for caller, r in results.items())
    print(f"schemathesis in {elapsed:.0f} s: {summary}")
    failed = {caller: r for caller, r in results.items() if r.returncode != 0}
    assert not failed, "\n\n".join(f"== as {caller} ==\n{r.stdout[-12000:]}\n{r.stderr[-2000:]}"
                                   for caller, r in failed.items())
    for caller, result in results.items():  # the run reached the API: every operation, real answers
        assert re.search(r"Tested: (\d+)", result.stdout), (caller, result.stdout[-3000:])
        assert " passed" in result.stdout, (caller, result.stdout[-3000:])
