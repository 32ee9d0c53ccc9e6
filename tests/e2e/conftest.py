"""Browser tests: the app served on a real port, Debian's chromium driven by Playwright.

Screenshots land in test-artifacts/<database>/ (ignored by git) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import DB_KIND

# CHROMIUM=/path overrides (CHROMIUM=/nonexistent shows how the suite runs on a machine without it)
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / DB_KIND
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium is required but missing at {CHROMIUM}")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page (390×844, like an iPhone 12–14) that fails on console errors."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN",
                                  user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
                                             "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
                                             "MicroMessenger/8.0.50 NetType/WIFI Language/zh_CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


def release_db() -> None:
    """End the test's transaction so the served app can write (SQLite has one writer).

    Call after setting up data and before driving the browser; read any ORM
    attributes you need first, since reading them later opens a new transaction.
    """
    from app.extensions import db

    db.session.commit()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def journey(phone, live_server):
    """Journey(name): steps and numbered screenshots on the phone page (tests/e2e/steps.py)."""
    from tests.e2e.steps import Journey

    return lambda name: Journey(phone, live_server, name)


def sign_in(page, base: str, username: str, password: str) -> None:
    """Sign in through the login page and land on 今日 (for tests that drive a bare page, not a Journey)."""
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/today")
