"""The length and signature rules of an SMS text, for whoever composes one (events' messages) and the outbox.

Counting (README "SMS texts"): every character counts as one, whatever it is — a Chinese
character, a full-width punctuation mark, a letter, a digit or a character of the link — and the
【签名】 the outbox puts in front counts too. Mainland operators bill a long SMS in segments of
67 characters (70 for a single one), so 140 characters is kept as the bound of two segments
that the product promises (MAX_SMS_CHARS). When a text is too long, its title is shortened
(with "…"), never the link, the date or the signature.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

MAX_SMS_CHARS = 140  # two SMS segments, the signature and the link included
DEFAULT_SIGNATURE = "网点活动通"
ELLIPSIS = "…"
MIN_TITLE = 4  # a title is never cut below this many characters (and an ellipsis)


def signature() -> str:
    """`【网点活动通】`: the deployment's SMS signature (`SMS_SIGNATURE`) in its brackets."""
    return f"【{current_app.config.get('SMS_SIGNATURE') or DEFAULT_SIGNATURE}】"


def signed(body: str) -> str:
    """The body with the signature in front, exactly once."""
    mark = signature()
    return body if body.startswith(mark) else mark + body


def sms_length(body: str) -> int:
    """Characters of the SMS as sent: the signature and every character of the body (links included)."""
    return len(signed(body))


def fits(body: str) -> bool:
    return sms_length(body) <= MAX_SMS_CHARS


def shorten(text: str, keep: int) -> str:
    """`text` cut to `keep` characters and an ellipsis (unchanged when it is that short already)."""
    return text if len(text) <= keep + len(ELLIPSIS) else text[:keep] + ELLIPSIS


def fit(compose: Callable[..., str], parts: dict[str, str], limit: int = MAX_SMS_CHARS) -> str:
    """`compose(**parts)`, shortening the parts (`…`) in the order given until the SMS is within `limit`.

    Pass the title first, then what may give way after it (a long venue, the outlet's name); the
    link, the date and the fixed words are not parts, so they always stay whole.
    """
    current = dict(parts)
    body = compose(**current)
    # First every part down to MIN_TITLE; should that not do (the longest date, "12月10日", beside a long
    # link), the parts after the title give way further, down to one character and the ellipsis.
    for name, minimum in [*((name, MIN_TITLE) for name in parts), *((name, 1) for name in list(parts)[1:])]:
        over = len(signed(body)) - limit
        if over <= 0:
            return body
        text = parts[name]
        keep = max(len(current[name]) - len(ELLIPSIS) - over, minimum)
        while True:
            current[name] = shorten(text, keep)
            body = compose(**current)
            if len(signed(body)) <= limit or keep <= minimum:
                break
            keep -= 1
    return body


def fit_title(compose: Callable[[str], str], title: str, limit: int = MAX_SMS_CHARS) -> str:
    """`compose(title)` with only the title shortened, as far as needed (see `fit`)."""
    return fit(lambda title: compose(title), {"title": title}, limit)
