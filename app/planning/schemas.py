"""marshmallow schemas for the templates API (API.md: Templates)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.catalogue.queries import OCCASIONS
from app.catalogue.vocabulary import CATEGORIES
from app.fields import Day, Int
from app.org.reference import PARTNER_CATEGORIES, SEGMENTS

_SEGMENT = validate.OneOf(list(SEGMENTS))
_CATEGORY = validate.OneOf(list(CATEGORIES))
_PARTNER_CATEGORY = validate.OneOf(list(PARTNER_CATEGORIES))
_OCCASION = validate.OneOf([o.key for o in OCCASIONS])
MAX_DAYS = 366


class TemplateQuerySchema(Schema):
    segment = fields.String(load_default=None, validate=_SEGMENT)
    category = fields.String(load_default=None, validate=_CATEGORY)
    partner_category = fields.String(load_default=None, validate=_PARTNER_CATEGORY)
    occasion = fields.String(load_default=None, validate=_OCCASION)


class RecommendationQuerySchema(Schema):
    date = Day(required=True)
    days = Int(required=True, validate=validate.Range(min=1, max=MAX_DAYS))
    segment = fields.String(load_default=None, validate=_SEGMENT)
    partner_category = fields.String(load_default=None, validate=_PARTNER_CATEGORY)
    outlet_code = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    limit = Int(load_default=None, validate=validate.Range(min=1, max=500))


class TemplateSchema(Schema):
    key = fields.String()
    name = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String()
    lenses = fields.List(fields.String())
    description = fields.String(metadata={"description": "for customers: becomes the event's public text"})
    staff_notes = fields.String(metadata={"description": "for staff only: how to run it, sales angles, costs"})
    segments = fields.List(fields.String())
    partner_categories = fields.List(fields.String())
    occasions = fields.List(fields.String())
    default_capacity = Int()
    max_party_size = Int()
    preferred_days = fields.String()
    questions = fields.List(fields.Dict())
    source = fields.String(metadata={"description": "builtin, or outlet for a template an outlet saved"})
    outlet_code = fields.String(allow_none=True)


class TemplateDetailSchema(TemplateSchema):
    agenda = fields.List(fields.Dict())
    materials = fields.List(fields.String())
    gifts = fields.List(fields.String())
    budget = fields.Dict()
    goals = fields.Dict()
    playbook = fields.Dict()


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema))


class OccasionRefSchema(Schema):
    key = fields.String()
    name = fields.String()
    kind = fields.String()
    date = fields.Date(metadata={"description": "the occasion's day (a season's first day) inside the window"})
    end = fields.Date()


class RecommendationSchema(Schema):
    template = fields.Nested(TemplateSchema)
    occasion = fields.Nested(OccasionRefSchema, allow_none=True)
    suggested_date = fields.Date()
    score = Int()
    reasons = fields.List(fields.String())


class RecommendationListSchema(Schema):
    items = fields.List(fields.Nested(RecommendationSchema))
