"""Hooks auth offers the features above it, so that auth never imports them.

A partner login (role 'partner') acts for one partner merchant, but partners are the
alliance's: auth stores only `users.partner_id`. Alliance registers its partner directory
here in its `init_app`, and auth's user pages, API and `flask users` ask through it to offer,
check and name partners by code. Without a directory (no alliance) there are no partners, so
no partner login can be created.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol


class PartnerRef(Protocol):
    """What auth shows of a partner: its id (users.partner_id), its code and its name."""

    id: int
    code: str
    name: str


class PartnerDirectory(Protocol):
    def partners(self) -> Sequence[PartnerRef]: ...  # every partner, in the order the pickers list them
    def by_code(self, code: str) -> PartnerRef | None: ...
    def by_ids(self, ids: Iterable[int]) -> Mapping[int, PartnerRef]: ...


_directory: PartnerDirectory | None = None


def register_partner_directory(directory: PartnerDirectory) -> None:
    """Called by alliance's init_app (every app registers the same directory)."""
    global _directory
    _directory = directory


def partners() -> Sequence[PartnerRef]:
    return _directory.partners() if _directory is not None else []


def partner_by_code(code: str) -> PartnerRef | None:
    return _directory.by_code(code) if _directory is not None else None


def partners_by_id(ids: Iterable[int | None]) -> Mapping[int, PartnerRef]:
    wanted = {i for i in ids if i is not None}
    return _directory.by_ids(wanted) if _directory is not None and wanted else {}


def partner_of(user) -> PartnerRef | None:
    """The partner a login acts for, or None (staff, managers, admins)."""
    return partners_by_id([user.partner_id]).get(user.partner_id) if user.partner_id else None
