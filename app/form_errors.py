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


# --- no error left unseen --------------------------------------------------------------------------
# The field macros of templates/_forms.html call `shown(field)`; `form_errors(form)` at the end of a
# form then lists the errors of every field the page did not render (a hidden or left-out field, the
# CSRF token), so a refused form always says why.

SHOWN = "_shown_on_page"


def shown(field) -> str:
    """Mark a field as rendered by a macro that shows its errors; renders nothing."""
    setattr(field, SHOWN, True)
    return ""


def unshown_errors(form) -> list[tuple[str, str]]:
    """(label, message) for each error of a field, at any depth, that no macro has shown."""
    found: list[tuple[str, str]] = []
    for field in form:
        if field.type == "FormField":
            found.extend(unshown_errors(field.form))
        elif field.type == "FieldList":
            for entry in field.entries:
                found.extend(unshown_errors(entry.form) if entry.type == "FormField" else _own(entry))
        else:
            found.extend(_own(field))
    return found


def _own(field) -> list[tuple[str, str]]:
    if getattr(field, SHOWN, False) or not field.errors or not isinstance(field.errors, list | tuple):
        return []
    return [(str(field.label.text), str(message)) for message in field.errors]
