"""marshmallow fields shared by the API schemas."""

from __future__ import annotations

from marshmallow import fields

from app.timefmt import iso


class LocalDateTime(fields.DateTime):
    """Serialises as ISO 8601 with the deployment's offset (2026-09-25T14:00:00+08:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return iso(value) if value is not None else None
