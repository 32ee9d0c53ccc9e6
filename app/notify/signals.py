"""Signals notify sends to the features above it, so that notify never imports them.

`phone_opted_out` is sent (with `phone=`, the 11-digit number) after an opt-out reply was recorded,
in the same transaction: customers or the personal-data feature connect to it in their `init_app`
(e.g. to withdraw marketing consent). A receiver must only flush; the caller's unit of work commits.
"""

from __future__ import annotations

from collections.abc import Callable

from blinker import Namespace

_signals = Namespace()

phone_opted_out = _signals.signal("phone-opted-out")


# Staff e-mail addresses: the staff's accounts are auth's, above notify. The app's assembly (app.jobs)
# registers a lookup here; without one, staff messages have no address and go to the log.
StaffAddresses = Callable[[list[int]], dict[int, str]]
_staff_addresses: StaffAddresses | None = None


def register_staff_addresses(lookup: StaffAddresses) -> None:
    global _staff_addresses
    _staff_addresses = lookup


def staff_addresses(user_ids: list[int]) -> dict[int, str]:
    """user id → e-mail address, for those that have one."""
    return _staff_addresses(user_ids) if _staff_addresses is not None and user_ids else {}
