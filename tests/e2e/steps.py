"""Steps of the journeys (tests/e2e/test_journey_*.py): one function per thing a person does.

Each step drives the page the way a person does (fills the visible fields, taps the button) and
returns once the answer is on screen; checks of what the person sees stay in the tests. When a
form changes, adapt its step here and every journey follows.

`Journey` numbers the screenshots of one journey (test-artifacts/<db>/journey-<name>-NN-<step>.png)
and checks each screen fits the phone's width.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.e2e.conftest import PHONE, screenshot
from tests.factories import Factories


@dataclass
class Journey:
    page: object
    base: str
    name: str
    step: int = field(default=0)

    def goto(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, label: str) -> None:
        """Screenshot the screen as it is now; every screen must fit the phone's width."""
        self.step += 1
        assert self.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], label
        screenshot(self.page, f"journey-{self.name}-{self.step:02d}-{label}")

    def notice(self, kind: str = "success") -> str:
        """The flashed message (.notice--success / --error / --info) now on screen."""
        return self.page.locator(f".notice--{kind}").first.inner_text()

    def field_error(self, field_id: str) -> str:
        """The error under one field (the _forms.html macro puts it right below the input)."""
        return self.page.locator(f".field:has(#{field_id}) .field__error").first.inner_text()

    def errors(self) -> list[str]:
        return self.page.locator(".field__error").all_inner_texts()

    def submit(self, name: str | None = None, within: str = "form.form") -> None:
        """Tap a form's submit button (by its label when given) and wait for the answer page."""
        form = self.page.locator(within).first
        button = form.get_by_role("button", name=name) if name else form.locator("button[type=submit]")
        with self.page.expect_navigation():
            button.first.click()

    def tap(self, name: str, confirm: bool = False) -> None:
        """Tap a button (a one-button form such as 发布, 吊销) and wait for the answer page.

        confirm: the button asks first (data-confirm); the person says yes.
        """
        if confirm:
            self.page.once("dialog", lambda dialog: dialog.accept())
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=name, exact=True).first.click()

    def download(self, name: str):
        """Tap a download link; returns Playwright's Download (its path() is the saved file)."""
        with self.page.expect_download() as info:
            self.page.get_by_role("link", name=name).first.click()
        return info.value

    def console_errors(self) -> list[str]:
        """Script errors; a form answered with 4xx (wrong input) is logged too and is not one."""
        return [e for e in self.page.console_errors
                if not e.startswith("Failed to load resource: the server responded with a status of 4")]

    def path(self) -> str:
        return self.page.url[len(self.base):]

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).first.inner_text()


# --- signing in and out ---------------------------------------------------------------------

def login(j: Journey, username: str, password: str = Factories.PASSWORD) -> None:
    j.goto("/login")
    j.page.fill("#username", username)
    j.page.fill("#password", password)
    j.submit()


def login_refused(j: Journey, username: str, password: str) -> str:
    """Sign in with a wrong password; returns the error shown."""
    login(j, username, password)
    assert j.path().startswith("/login")
    return j.page.locator(".notice--error").inner_text()


def logout(j: Journey) -> None:
    j.goto("/me")
    j.tap("退出登录")


# --- forms others change right now: kept thin so they are easy to adapt --------------------

def register(j: Journey, slug: str, name: str, phone: str, consent: bool = True) -> None:
    """A customer fills the public registration form /e/<slug> (no login)."""
    j.goto(f"/e/{slug}")
    j.page.fill("#name", name)
    j.page.fill("#phone", phone)
    if consent:
        j.page.check("#consent")
    j.submit(within="form.form")


def cancel_ticket(j: Journey, ticket_path: str) -> None:
    """The customer cancels from the ticket page /t/<token>: its link opens a page that asks first."""
    j.goto(ticket_path)
    with j.page.expect_navigation():
        j.page.get_by_role("link", name="取消报名").click()
    j.tap("确定取消报名")


def self_checkin(j: Journey, venue_path: str, phone: str) -> None:
    """A guest scans the venue QR (/c/<slug>/<code>) and confirms with their mobile number."""
    j.goto(venue_path)
    j.page.fill("#phone", phone)
    j.submit("确认签到")


def checkin_lookup(j: Journey, event_id: int, query: str) -> None:
    """Staff look a guest up on the check-in look-up page by name or last four digits."""
    j.goto(f"/events/{event_id}/checkin/lookup")
    j.page.fill("input[name=q]", query)
    j.submit("搜索", within="form.searchbar")


def lookup_row(j: Journey, name: str):
    return j.page.locator(".list__row, li", has_text=name).first


def checkin_from_lookup(j: Journey, name: str) -> None:
    with j.page.expect_navigation():
        lookup_row(j, name).get_by_role("button", name="签到").click()


def undo_from_lookup(j: Journey, name: str) -> None:
    j.page.once("dialog", lambda dialog: dialog.accept())
    with j.page.expect_navigation():
        lookup_row(j, name).get_by_role("button", name="撤销").click()


def walk_in(j: Journey, event_id: int, name: str, phone: str) -> None:
    """A guest without registration at the door: registered and checked in at once."""
    j.goto(f"/events/{event_id}/walk-in")
    j.page.fill("#name", name)
    j.page.fill("#phone", phone)
    j.submit("报名并签到")


def create_event(j: Journey, template_key: str, title: str, starts_at: str, ends_at: str, capacity: int) -> None:
    """Staff create a draft event from a template (prefilled form), changing a few fields.

    starts_at / ends_at as the datetime-local inputs take them: 2026-12-20T14:00.
    """
    j.goto(f"/events/new?template={template_key}")
    j.page.fill("#title", title)
    j.page.fill("#starts_at", starts_at)
    j.page.fill("#ends_at", ends_at)
    j.page.fill("#capacity", str(capacity))
    j.submit("保存")

def edit_event(j: Journey, event_id: int, **fields: str) -> None:
    """Staff change fields of an event on its edit form (ids as in the form: title, capacity …)."""
    j.goto(f"/events/{event_id}/edit")
    for name, value in fields.items():
        j.page.fill(f"#{name}", value)
    j.submit("保存")


def look(statement):
    """Read one value from the database mid-journey and end the transaction at once.

    The served app shares the database; on SQLite an open transaction of the test would lock
    it out (every transaction begins IMMEDIATE).
    """
    from app.extensions import db

    value = db.session.scalar(statement)
    db.session.commit()
    return value
