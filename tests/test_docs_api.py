"""docs/api.md lists exactly the /api/v1 endpoints the app serves (those not built yet are marked planned)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
ENDPOINT = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE) /api/v1[^` ?\[]*)")


def _shape(endpoint: str) -> str:
    """`GET /api/v1/events/{id}` and the URL rule `/api/v1/events/<int:event_id>` compare as `…/events/{}`."""
    return re.sub(r"\{[^}]+\}|<[^>]+>", "{}", endpoint.strip())


def _documented() -> tuple[dict[str, str], dict[str, str]]:
    built, planned = {}, {}
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), 1):
        for endpoint in ENDPOINT.findall(line):
            (planned if "(planned)" in line else built).setdefault(_shape(endpoint), f"docs/api.md:{number}")
    return built, planned


def _served(app) -> dict[str, str]:
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)  # /events/<int:event_id> → /events/{event_id}
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                served[_shape(f"{method} {rule.rule}")] = f"{method} {path}"
    return served


def test_every_documented_endpoint_is_served_unless_marked_planned(app):
    built, _planned = _documented()
    served = _served(app)
    missing = [f"{where}: `{endpoint}` is not in the app: build it or mark the line *(planned)*"
               for endpoint, where in built.items() if endpoint not in served]
    assert not missing, "\n".join(missing)


def test_every_served_api_endpoint_is_documented(app):
    built, planned = _documented()
    lines = []
    for shape, endpoint in sorted(_served(app).items(), key=lambda item: item[1].split()[1]):
        if shape in planned:
            lines.append(f"{planned[shape]}: `{endpoint}` is built now: remove its *(planned)* mark")
        elif shape not in built:
            lines.append(f"add this line under \"### More endpoints\" in docs/api.md:\n- `{endpoint}` → …")
    assert not lines, "\n".join(lines)
