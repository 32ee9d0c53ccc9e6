"""Fields shared across features: marshmallow fields of the API schemas, WTForms fields of the pages.

Every number and date an API accepts is bounded here (issue 13): an integer beyond the
database's range, an amount beyond its column or a date in year 1 or 9999 is a 422 naming the
field, never a 500 from the database or the calendar code.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.timefmt import iso, local_today

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MONEY_MAX = 9_999_999_999  # yuan; Numeric(12, 2) holds up to 9,999,999,999.99
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_date() -> date:
    """Today + 10 years (API.md: dates outside 2000-01-01 … today + 10 years are refused)."""
    today = local_today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(value: date | datetime | None) -> str | None:
    """Why a date is outside the range the application accepts, or None."""
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    latest = latest_date()
    if not EARLIEST_DATE <= day <= latest:
        return _("日期应在 %(low)s 到 %(high)s 之间", low=EARLIEST_DATE.isoformat(), high=latest.isoformat())
    return None


def _check_date(value) -> None:
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem)


class Int(fields.Integer):
    """An integer within int32 (the database's INTEGER), or within `minimum`/`maximum` when given."""

    def __init__(self, *args, minimum: int = INT32_MIN, maximum: int = INT32_MAX, **kwargs):
        validators = kwargs.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        validators.append(validate.Range(min=minimum, max=maximum))
        super().__init__(*args, validate=validators, **kwargs)


def _money_range(value) -> None:
    # Only the column's size here: whether an amount may be negative (or zero) is each service's rule,
    # which names the field as its API describes (`outcome.amount` …).
    if abs(value) > MONEY_MAX:
        raise ValidationError(_("金额应在 0 到 %(high)d 元之间", high=MONEY_MAX))


class Money(fields.Decimal):
    """An amount in yuan: two decimals, at most 9,999,999,999 (the Numeric(12, 2) columns hold a little more)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault("allow_nan", False)
        # A Range on a Decimal would reach the OpenAPI document as strings ("9999999999.00"): say it there
        # as numbers and check it here.
        kwargs.setdefault("validate", _money_range)
        kwargs["metadata"] = {"maximum": MONEY_MAX, **kwargs.get("metadata", {})}
        super().__init__(*args, **kwargs)


class Day(fields.Date):
    """A calendar day between 2000-01-01 and today + 10 years."""

    def __init__(self, *args, **kwargs):
        validators = kwargs.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        super().__init__(*args, validate=[*validators, _check_date], **kwargs)


class Moment(fields.AwareDateTime):
    """A time with offset whose day lies between 2000-01-01 and today + 10 years."""

    def __init__(self, *args, **kwargs):
        validators = kwargs.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        super().__init__(*args, validate=[*validators, _check_date], **kwargs)


class LocalDateTime(fields.DateTime):
    """Serialises as ISO 8601 with the deployment's offset (2026-09-25T14:00:00+08:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return iso(value) if value is not None else None


# The same bounds for page forms (WTForms validators).

class FormDate:
    """A date or date-time form field whose day lies between 2000-01-01 and today + 10 years."""

    def __call__(self, form, field) -> None:
        problem = date_problem(field.data)
        if problem:
            raise StopValidation(problem)


def form_int(minimum: int = 0, maximum: int = INT32_MAX):
    """A whole-number form field within `minimum` … `maximum` (int32 at most)."""
    return NumberRange(min=minimum, max=maximum,
                       message=_("应为 %(low)d 到 %(high)d 之间的整数", low=minimum, high=maximum))


def form_money():
    return NumberRange(min=0, max=MONEY_MAX, message=_("金额应在 0 到 %(high)d 元之间", high=MONEY_MAX))


# Page form fields several features build their forms from.

class CheckboxList(SelectMultipleField):
    """A multiple choice shown as checkboxes: customer segments, an event's multi-choice question."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# An event's registration questions become fields of the registration page (events) and of the
# walk-in form at the door (checkin), so both ask the same questions the same way.
QUESTION_PREFIX = "q_"


def add_question_fields(form_class, event) -> None:
    """One field per question of the event, named `q_<key>` (the registration page and the walk-in form)."""
    for question in event.questions or []:
        name = QUESTION_PREFIX + question["key"]
        label = question["label"]
        kind = question.get("type", "text")
        # An UnboundField at run time (made outside a form); types-WTForms types it as the field itself.
        field: Any
        if kind == "choice":
            field = RadioField(label, choices=[SelectChoice(o) for o in question["options"]], validators=[Optional()],
                               validate_choice=False)
        elif kind == "multi":
            field = CheckboxList(label, choices=[SelectChoice(o) for o in question["options"]], validators=[Optional()],
                                 validate_choice=False)
        elif kind == "number":
            field = StringField(label, render_kw={"inputmode": "numeric", "pattern": "[0-9]*"})
        elif len(question.get("label", "")) > 20:
            field = TextAreaField(label)
        else:
            field = StringField(label)
        field.kwargs.setdefault("description", "required" if question.get("required") else "")
        setattr(form_class, name, field)


def answers_from(form, event) -> dict:
    answers = {}
    for question in event.questions or []:
        field = getattr(form, QUESTION_PREFIX + question["key"])
        answers[question["key"]] = field.data
    return answers
