"""Line breaking for Chinese text drawn with Pillow: any ideograph may break, with kinsoku rules.

A line never starts with closing punctuation (，。）》 …) and never ends with an
opening one (（《 …); runs of Latin letters and digits ("14:00", "VIP") stay whole
unless a single run is wider than the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Measure = Callable[[str], float]

# Characters that may not begin a line (closing punctuation, dashes, ellipsis, middle dot).
NO_START = set("，。、；：？！）》」』】〕〉｝］’”…—–～·・%‰℃,.;:?!)]}>")
# Characters that may not end a line (opening brackets and quotes, currency signs).
NO_END = set("（《「『【〔〈｛［‘“([{<¥$￥")

_TOKEN = re.compile(r"[0-9A-Za-z@#&+_./:%'’-]+|\s+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """Break opportunities: a Latin/digit run is one token, every other character is its own."""
    return _TOKEN.findall(text)


def _split_long(token: str, measure: Measure, width: float) -> list[str]:
    """Cut a run wider than the line (a long URL) into pieces that fit."""
    pieces, current = [], ""
    for ch in token:
        if current and measure(current + ch) > width:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current] if current else pieces


def wrap(text: str, measure: Measure, width: float) -> list[str]:
    """Greedy line breaking of `text` into lines no wider than `width` (as told by `measure`)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(_wrap_paragraph(paragraph, measure, width))
    return lines


def _wrap_paragraph(text: str, measure: Measure, width: float) -> list[str]:
    pending = []
    for token in tokens(text.strip()):
        pending.extend(_split_long(token, measure, width) if measure(token) > width else [token])
    lines: list[list[str]] = []
    line: list[str] = []
    for token in pending:
        if not line and token.isspace():
            continue  # no leading blanks
        if not line or measure("".join(line) + token) <= width:
            line.append(token)
            continue
        carry: list[str] = []
        # Kinsoku: pull previous tokens down until the next line does not start with a closing
        # mark ("）！" moves together), and never leave an opening mark at the end of a line.
        first = token
        while first[0] in NO_START and len(line) > 1:
            first = line.pop()
            carry.insert(0, first)
        while len(line) > 1 and line[-1] and line[-1][-1] in NO_END:
            carry.insert(0, line.pop())
        lines.append(line)
        line = [*carry, token] if not token.isspace() else carry
    if line:
        lines.append(line)
    return ["".join(parts).strip() for parts in lines] or [""]


def wrap_balanced(text: str, measure: Measure, width: float) -> list[str]:
    """Like `wrap`, with the same number of lines but as even as possible (no lonely last word)."""
    greedy = wrap(text, measure, width)
    if len(greedy) < 2:
        return greedy
    low, high = width / len(greedy), width
    best = greedy
    for _ in range(12):  # bisect the narrowest width that still needs no extra line
        middle = (low + high) / 2
        attempt = wrap(text, measure, middle)
        if len(attempt) <= len(greedy):
            best, high = attempt, middle
        else:
            low = middle
    return best


# Where a cut text may stop before its ellipsis: after a sentence or a phrase, so the reader never
# meets half a phrase. The punctuation itself gives way to the "…".
PHRASE_ENDS = set("。！？；，、：!?;,:）》」』】")
_TRAILING = "，。、；：！？,.;:!? " + "".join(NO_END)
# A phrase boundary is used only if it keeps at least this share of the line; else the cut is at
# the last whole character (or Latin/digit run) that fits.
PHRASE_MIN_SHARE = 0.4


def clamp(lines: list[str], max_lines: int, measure: Measure, width: float, ellipsis: str = "…") -> list[str]:
    """Keep at most `max_lines`; when text was cut, the last line ends with an ellipsis, at the end of
    a phrase where one is near, never inside a Latin/digit run such as "14:00"."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = cut_line(kept[-1], measure, width, ellipsis)
    return kept


def cut_line(line: str, measure: Measure, width: float, ellipsis: str = "…") -> str:
    """`line` shortened so that it and a closing `ellipsis` fit in `width`, ending with the ellipsis."""
    room = width - measure(ellipsis)
    prefix = ""
    for token in tokens(line):
        if measure(prefix + token) > room:
            if not prefix and not token.isspace():  # a single run wider than the line: cut it
                prefix = next((token[:n] for n in range(len(token), 0, -1) if measure(token[:n]) <= room), "")
            break
        prefix += token
    for end in range(len(prefix), 0, -1):
        if prefix[end - 1] in PHRASE_ENDS and measure(prefix[:end]) >= PHRASE_MIN_SHARE * width:
            prefix = prefix[:end]
            break
    return prefix.rstrip(_TRAILING) + ellipsis
