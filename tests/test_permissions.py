"""Every endpoint declares who may use it, and the declaration holds for every role."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from app.security import PERMISSIONS, ROLES

# Endpoints that flask-smorest or Flask add themselves; both are harmless to expose.
FRAMEWORK_PUBLIC = {"static", "api-docs.openapi_json"}


def _endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_PUBLIC:
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_endpoint_declares_a_permission_or_is_explicitly_public(app):
    undeclared = [rule.rule for rule, view in _endpoints(app)
                  if not getattr(view, "permission", None) and not getattr(view, "public", False)]
    assert undeclared == []


def _url(rule) -> str:
    values = {arg: ("999999" if isinstance(rule._converters[arg], IntegerConverter) else "x")
              for arg in rule.arguments}
    url = rule.rule
    for arg, value in values.items():
        url = url.replace(f"<int:{arg}>", value).replace(f"<{arg}>", value)
        url = url.replace(f"<string:{arg}>", value)
    return url


@pytest.fixture
def role_headers(make):
    outlet = make.outlet()
    return {role: make.token_headers(make.user(role, outlet=outlet if role in ("staff", "manager") else None))
            for role in ROLES}


@pytest.mark.route_walk
def test_roles_outside_a_permission_get_403_and_anonymous_callers_401(app, client, role_headers):
    checked = 0
    for rule, view in _endpoints(app):
        permission = getattr(view, "permission", None)
        if not permission:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        url = _url(rule)
        anonymous = client.open(url, method=method)
        assert anonymous.status_code in (401, 302), (url, anonymous.status_code)
        for role in ROLES:
            response = client.open(url, method=method, headers=role_headers[role], json={})
            if role in PERMISSIONS[permission]:
                assert response.status_code not in (401, 403), (url, role, response.status_code)
            else:
                assert response.status_code == 403, (url, role, response.status_code)
            checked += 1
    assert checked >= 40
