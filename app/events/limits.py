"""How long an event's texts may be: one set of numbers for the page form, the API schema and the service.

A title longer than a poster line floods every list it appears in; the numbers are what fits a phone.
"""

from __future__ import annotations

TITLE_MAX = 40  # the poster's headline and one line in lists on a 390 px phone
VENUE_MAX = 100
DESCRIPTION_MAX = 2000  # the longest template description is under 200 characters
QUESTIONS_MAX = 10  # a registration should take a minute
QUESTION_LABEL_MAX = 40
QUESTION_OPTIONS_MAX = 20
QUESTION_OPTION_MAX = 30
