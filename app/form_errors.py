"""Putting a service's field errors next to the matching form fields."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash


def show_field_errors(form, fields: dict[str, str] | None, *, field_name: Callable[[str], str] | None = None,
                      flash_rest: bool = True) -> None:
    """Attach each error to its field; errors for fields the form lacks become flash messages.

    `field_name` maps a service's field key to the form's field name (e.g. questions → questions_text).
    """
    for key, message in (fields or {}).items():
        field = getattr(form, field_name(key) if field_name else key, None)
        if field is not None:
            field.errors = [*(field.errors or []), message]
        elif flash_rest:
            flash(message, "error")
