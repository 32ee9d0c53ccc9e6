"""Unguessable identifiers: secrets for URLs, short codes people read aloud."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: codes are read aloud and typed at a counter.
READABLE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def url_token(nbytes: int = 16) -> str:
    """A URL-safe random string; 16 bytes is 128 bits."""
    return secrets.token_urlsafe(nbytes)


def readable_code(length: int) -> str:
    return "".join(secrets.choice(READABLE_ALPHABET) for _ in range(length))


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
