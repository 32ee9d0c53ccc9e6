from __future__ import annotations

from datetime import timedelta

import pytest

from app.catalogue.builtin import builtin_templates
from app.models import utcnow
from app.timefmt import to_local


def at(days: int, hours: int = 0) -> str:
    moment = to_local(utcnow().replace(microsecond=0, second=0, minute=0) + timedelta(days=days, hours=hours))
    return moment.isoformat()


@pytest.fixture
def branch_scene(make):
    a1, a2, a3 = make.outlet("CA1", "城西一网点"), make.outlet("CA2", "城西二网点"), make.outlet("CA3", "城西三网点")
    other = make.outlet("CB1", "城东网点")
    branch = make.branch("CX", [a1, a2, a3], name="城西支行")
    make.branch("CY", [other], name="城东支行")
    user = make.user("branch", branch=branch, username="cx.branch")
    template = "double_ninth_health_talk"  # no required registration questions
    assert template in builtin_templates()
    body = {"template_key": template, "title": "中秋亲子做月饼（测试）", "outlet_codes": ["CA1", "CA2", "CA3"],
            "starts_at": at(30), "ends_at": at(30, 2), "capacity": 25, "waitlist": True}
    return {"outlets": (a1, a2, a3), "other": other, "branch": branch, "user": user,
            "headers": make.token_headers(user), "body": body, "template": template}
