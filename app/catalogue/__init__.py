"""The template catalogue: built-in templates (data files), outlet templates, and the calendar they plan by.

Below events: events make an event from a template and pick its day here; followups read a
template's scripts; planning (recommendations, the track record, the calendar pages) sits on top
and reads the catalogue. Other features use the front door: `services` (templates as the app sees
them, saving an outlet template), `queries` (the occasion calendar, holidays and scheduling),
`models` and `vocabulary`. No pages of its own, so no `init_app`.
"""
