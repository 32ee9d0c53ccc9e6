"""Masked forms of personal data for partners and public pages (API.md)."""

from __future__ import annotations

from app.names import split_name


def mask_name(name: str | None) -> str:
    """The family name stays, each other character becomes a star: `张三` → `张*`, `张三丰` → `张**`,
    `欧阳娜娜` → `欧阳**` (two-character family names are recognised), `张` → `*`."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else "**"
    family, given = split_name(name)
    if not given:  # `欧阳` alone: a one-character family name and a given name
        family, given = name[:1], name[1:]
    return family + "*" * len(given)


def mask_phone(phone: str | None) -> str:
    """`13800138000` → `138****8000`."""
    phone = (phone or "").strip()
    if len(phone) < 7:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"
