"""Masked forms of personal data for partners and public pages (API.md)."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """`张三丰` → `张**`: the family name stays, the rest becomes stars (at least two)."""
    name = (name or "").strip()
    if not name:
        return "**"
    return name[0] + "*" * max(2, len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """`13800138000` → `138****8000`."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"
