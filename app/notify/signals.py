"""Signals notify sends to the features above it, so that notify never imports them.

`phone_opted_out` is sent (with `phone=`, the 11-digit number) after an opt-out reply was recorded,
in the same transaction: customers or the personal-data feature connect to it in their `init_app`
(e.g. to withdraw marketing consent). A receiver must only flush; the caller's unit of work commits.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

phone_opted_out = _signals.signal("phone-opted-out")
