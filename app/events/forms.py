"""Forms of events: the staff event form (create and edit, with its question editor rows) and the
public registration page's form, built per event from its questions.

The registration form only carries what was typed (and the CSRF token); the rules live in
app/events/registration.validate, and its field errors are shown next to the fields.
No field validates its choices there: a tampered value (a party of 99) is reported
by the service next to its field, together with every other error of the submit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-WTForms is 3.2
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.events import limits
from app.fields import (
    CheckboxList,
    FormDate,
    add_question_fields,
    form_int,
    form_money,
)
from app.org import reference

FORMAT = "%Y-%m-%dT%H:%M"
QUESTION_TYPES = [SelectChoice("text", _l("文字")), SelectChoice("number", _l("数字")),
                  SelectChoice("choice", _l("单选")), SelectChoice("multi", _l("多选"))]
BLANK_QUESTION_ROWS = 2  # rows to type new questions into, with or without JavaScript


def _length(limit: int, what):
    return Length(max=limit, message=_l("%(what)s不能超过 %(n)d 字", what=what, n=limit))


class QuestionRow(Form):
    """One registration question; a row left blank is no question."""

    key = HiddenField()
    label = StringField(_l("问题"), validators=[_length(limits.QUESTION_LABEL_MAX, _l("问题"))],
                        render_kw={"maxlength": limits.QUESTION_LABEL_MAX, "placeholder": _l("如：孩子年龄")})
    type = SelectField(_l("类型"), choices=QUESTION_TYPES, default="text")
    required = BooleanField(_l("必填"))
    options = StringField(_l("选项（单选、多选题填写，用逗号分隔）"),
                          render_kw={"placeholder": _l("如：3-5岁，6-8岁，9-12岁")})
    low = IntegerField(_l("最小值"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    high = IntegerField(_l("最大值"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    remove = BooleanField(_l("删除此题"))

    class Meta:
        csrf = False


def _int(label, required_message, range_message, low: int, high: int | None = None, **kwargs):
    """An integer field that tells "missing" from "out of range" (0 is a number, not a blank)."""
    return IntegerField(label, validators=[InputRequired(required_message), NumberRange(low, high, range_message)],
                        render_kw={"inputmode": "numeric"}, **kwargs)


class EventForm(FlaskForm):
    template_key = HiddenField()
    outlet_code = SelectField(_l("网点"), choices=[])
    title = StringField(_l("活动名称"), validators=[DataRequired(_l("请填写活动名称")),
                                                  _length(limits.TITLE_MAX, _l("活动名称"))],
                        render_kw={"maxlength": limits.TITLE_MAX})
    starts_at = DateTimeLocalField(_l("开始时间"), format=FORMAT,
                                   validators=[DataRequired(_l("请填写开始时间，如 2027-05-08 14:00")), FormDate()])
    ends_at = DateTimeLocalField(_l("结束时间"), format=FORMAT,
                                 validators=[DataRequired(_l("请填写结束时间，如 2027-05-08 16:00")), FormDate()])
    registration_closes_at = DateTimeLocalField(_l("报名截止（可不填）"), format=FORMAT,
                                                validators=[Optional(), FormDate()])
    venue = StringField(_l("地点"), validators=[_length(limits.VENUE_MAX, _l("地点"))],
                        render_kw={"maxlength": limits.VENUE_MAX})
    capacity = _int(_l("名额（人）"), _l("请填写名额"), _l("名额至少 1 人，最多 100000 人"), 1, 100_000)
    max_party_size = _int(_l("每单最多人数（含本人）"), _l("请填写每单最多人数"),
                          _l("每单最多人数应在 1 到 20 人之间"), 1, 20, default=1)
    waitlist = BooleanField(_l("满员后开放候补"), default=True)
    description = TextAreaField(_l("活动介绍"), validators=[_length(limits.DESCRIPTION_MAX, _l("活动介绍"))],
                                render_kw={"maxlength": limits.DESCRIPTION_MAX})
    segments = CheckboxList(_l("目标客群"), choices=[])
    questions = FieldList(FormField(QuestionRow), label=_l("报名问题"), max_entries=limits.QUESTIONS_MAX + 10)
    add_question = SubmitField(_l("再加一题"))
    offer_ids = CheckboxList(_l("联盟优惠"), choices=[], coerce=int)
    budget = DecimalField(_l("预算（元）"), places=2,
                          validators=[Optional(), NumberRange(min=0, message=_l("预算不能为负")), form_money()])
    actual_cost = DecimalField(_l("实际花费（元）"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("实际花费不能为负")), form_money()])
    goal_attendance_rate = IntegerField(_l("目标到场率（%）"), validators=[
        Optional(), NumberRange(0, 100, _l("目标到场率应在 0 到 100 之间")), form_int()])
    goal_newcomers = IntegerField(_l("目标新客（人）"), validators=[
        Optional(), NumberRange(min=0, message=_l("目标新客不能为负")), form_int()])
    goal_conversions = IntegerField(_l("目标转化（笔）"), validators=[
        Optional(), NumberRange(min=0, message=_l("目标转化不能为负")), form_int()])

    def fill_choices(self, outlets, offers) -> None:
        if getattr(self, "outlet_code", None) is not None:
            self.outlet_code.choices = [SelectChoice(o.code, o.name) for o in outlets]
        self.segments.choices = [SelectChoice(k, str(v)) for k, v in reference.SEGMENTS.items()]
        self.offer_ids.choices = [SelectChoice(o.id, o.label) for o in offers]  # OfferChoice (app.events.signals)

    def set_questions(self, questions: list[dict], blank_rows: int = BLANK_QUESTION_ROWS) -> None:
        """Fill the editor with these questions and a few blank rows for new ones."""
        while self.questions.entries:
            self.questions.pop_entry()
        for q in questions:
            kind = q.get("type", "text")
            self.questions.append_entry({
                "key": q.get("key", ""), "label": q.get("label", ""), "type": kind, "required": bool(q.get("required")),
                "options": "，".join(q.get("options") or []) if kind in ("choice", "multi") else "",
                "low": q.get("min"), "high": q.get("max")})
        self.add_blank_rows(blank_rows)

    def add_blank_rows(self, count: int = BLANK_QUESTION_ROWS) -> None:
        for _n in range(count):
            if len(self.questions.entries) >= limits.QUESTIONS_MAX + 2:
                break
            self.questions.append_entry({"type": "text"})

    def question_rows(self) -> list[dict]:
        """What the editor's rows say, as plain dicts for app.events.questions.from_rows."""
        return [{"key": row.key.data or "", "label": row.label.data or "", "type": row.type.data or "text",
                 "required": bool(row.required.data), "options": row.options.data or "",
                 "min": row.low.data, "max": row.high.data, "remove": bool(row.remove.data)}
                for row in (entry.form for entry in self.questions.entries)]


# ---------------------------------------------------------------- the public registration form


# Building the class (a metaclass, one UnboundField per question) cost more than filling it in: classes
# are kept per shape of the form, which is all they depend on (a form class holds no request data).
_FORM_CLASSES: dict[tuple, type] = {}
MAX_FORM_CLASSES = 256


def registration_form_class(event) -> type:
    """The registration form's class for this event's party size and questions (kept per shape)."""
    shape = (event.max_party_size, repr(event.questions or []))
    form_class = _FORM_CLASSES.get(shape)
    if form_class is None:
        if len(_FORM_CLASSES) >= MAX_FORM_CLASSES:
            _FORM_CLASSES.clear()
        form_class = _FORM_CLASSES[shape] = _build_registration_form(event)
    return form_class


def _build_registration_form(event) -> type:
    class RegistrationForm(FlaskForm):
        name = StringField(_l("姓名"), render_kw={"autocomplete": "name", "maxlength": 50})
        phone = StringField(_l("手机号"), render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 20})
        consent = BooleanField(_l("我已阅读并同意"))
        marketing_consent = BooleanField(_l("愿意接收本网点的活动邀请"), default=False)

    if event.max_party_size > 1:
        RegistrationForm.party_size = SelectField(
            _l("参加人数（含本人）"), choices=[SelectChoice(str(n)) for n in range(1, event.max_party_size + 1)],
            default="1", validate_choice=False)  # app/events/registration.validate says what is wrong
    add_question_fields(RegistrationForm, event)
    return RegistrationForm


def registration_form(event, formdata=None):
    """The form for this event's fields, instantiated with the submitted data."""
    form_class = registration_form_class(event)
    return form_class(formdata=formdata) if formdata is not None else form_class()
