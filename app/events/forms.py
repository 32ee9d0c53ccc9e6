"""Forms for the public registration page, built per event from its questions.

The form only carries what was typed (and the CSRF token); the rules live in
app/events/registration.validate, and its field errors are shown next to the fields.
No field validates its choices here: a tampered value (a party of 99) is reported
by the service next to its field, together with every other error of the submit.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import Optional

from app.customers.forms import CheckboxList

QUESTION_PREFIX = "q_"


def registration_form(event, formdata=None):
    """A form class for this event's fields, instantiated with the submitted data."""

    class RegistrationForm(FlaskForm):
        name = StringField(_l("姓名"), render_kw={"autocomplete": "name", "maxlength": 50})
        phone = StringField(_l("手机号"), render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20})
        consent = BooleanField(_l("我已阅读并同意"))

    if event.max_party_size > 1:
        RegistrationForm.party_size = SelectField(
            _l("参加人数(含本人)"), choices=[SelectChoice(str(n)) for n in range(1, event.max_party_size + 1)],
            default="1", validate_choice=False)  # app/events/registration.validate says what is wrong
    add_question_fields(RegistrationForm, event)
    return RegistrationForm(formdata=formdata) if formdata is not None else RegistrationForm()


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
