"""What the features above read of the catalogue: the built-in templates and the calendar they plan by.

Pure reads, no database: the occasions (festivals, solar terms, seasons) and their dates, the
mainland's days off, and the scheduling rules that pick an event's day from a template. The rules
live in their own modules (builtin, occasions, holidays, scheduling, scripts); this is their one
front door, so events, followups, planning and demo never reach into those modules.
"""

from __future__ import annotations

from app.catalogue.builtin import PLAYBOOK_LISTS, Template, builtin_templates
from app.catalogue.holidays import (
    add_working_days,
    break_start,
    is_day_off,
    is_free_weekend,
    is_makeup_workday,
    is_working_day,
)
from app.catalogue.occasions import ALL as OCCASIONS
from app.catalogue.occasions import Occasion, OccasionDate, date_of, occasion_dates, occurrences
from app.catalogue.occasions import get as get_occasion
from app.catalogue.scheduling import (
    EVERGREEN_LEAD_DAYS,
    MIN_PUBLISH_DAYS,
    WEEKDAYS,
    evergreen_slot,
    month_day,
    occasion_day_slot,
    season_slot,
    template_schedule,
    weekday_name,
)
from app.catalogue.scripts import preview as script_preview

__all__ = [
    "EVERGREEN_LEAD_DAYS",
    "MIN_PUBLISH_DAYS",
    "OCCASIONS",
    "PLAYBOOK_LISTS",
    "WEEKDAYS",
    "Occasion",
    "OccasionDate",
    "Template",
    "add_working_days",
    "break_start",
    "builtin_templates",
    "date_of",
    "evergreen_slot",
    "get_occasion",
    "is_day_off",
    "is_free_weekend",
    "is_makeup_workday",
    "is_working_day",
    "month_day",
    "occasion_dates",
    "occasion_day_slot",
    "occurrences",
    "script_preview",
    "season_slot",
    "template_schedule",
    "weekday_name",
]
