"""External addresses for QR codes, posters and messages (BASE_URL, else the request's host)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

# Used only outside a request (commands, jobs) when BASE_URL is unset, i.e. on a developer's machine.
LOCAL_FALLBACK = "http://127.0.0.1:5000"


def external_url(endpoint: str, **values) -> str:
    values = {k: v for k, v in values.items() if v is not None}
    base = current_app.config.get("BASE_URL")
    if has_request_context():
        path = url_for(endpoint, **values)
        return (base + path) if base else url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or LOCAL_FALLBACK)
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme, script_name=parts.path or "/")
    return adapter.build(endpoint, values, force_external=True)
