"""Mainland China mobile numbers: parse what people type, keep one normal form."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

_SEPARATORS = re.compile(r"[\s\-().]")


class InvalidPhone(ValueError):
    pass


@lru_cache(maxsize=1024)  # a registration normalizes the same input up to three times (rate limit, lookup, form)
def normalize_mobile(raw: str | None) -> str:
    """Return the 11-digit form (`13800138000`) or raise InvalidPhone.

    Accepts `+86`, `0086`, `86` prefixes, spaces, dashes and brackets; the
    number must be a valid mainland mobile according to libphonenumber.
    """
    text = _SEPARATORS.sub("", (raw or "").strip())
    if not re.fullmatch(r"\+?\d+", text):
        raise InvalidPhone("only digits, an optional +, spaces and dashes are allowed")
    if text.startswith("0086"):
        text = "+86" + text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = "+" + text
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    national = str(parsed.national_number)
    if parsed.country_code != 86 or not re.fullmatch(r"1[3-9]\d{9}", national):
        raise InvalidPhone("not a mainland mobile")
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("not an allocated number range")
    if phonenumbers.number_type(parsed) not in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidPhone("not a mobile number")
    return national
