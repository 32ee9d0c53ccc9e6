"""Partner users reach the portal and nothing else: every customer, event, registration and staff page is 403."""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

from app.security import PARTNER, PERMISSIONS

STAFF_PAGES = ["/today", "/customers", "/customers/new", "/customers/import", "/events", "/partners",
               "/partners/users", "/partners/performance", "/audit"]
BANK_API = ["/api/v1/customers", "/api/v1/events", "/api/v1/outlets", "/api/v1/segments", "/api/v1/partners",
            "/api/v1/partners/performance", "/api/v1/templates"]


def test_partner_session_gets_403_from_staff_pages_and_bank_apis(client, auth, scene, app):
    event_id, customer_id = scene.event.id, scene.registration.customer_id
    auth.login("bake.counter")
    pages = [*STAFF_PAGES, f"/events/{event_id}", f"/events/{event_id}/edit", f"/customers/{customer_id}",
             f"/partners/{scene.partner.code}", f"/events/{event_id}/poster.png"]
    apis = [*BANK_API, f"/api/v1/events/{event_id}", f"/api/v1/events/{event_id}/registrations",
            f"/api/v1/events/{event_id}/stats", f"/api/v1/customers?phone={scene.registration.phone}"]
    urls = app.url_map.bind("localhost")

    def registered(url: str, method: str = "GET") -> bool:
        try:
            urls.match(url.split("?")[0], method=method)
        except HTTPException:
            return False  # an endpoint another feature has not built yet
        return True

    for url in pages + apis:
        if not registered(url):
            continue
        response = client.get(url)
        assert response.status_code == 403, (url, response.status_code)
        assert "13812341234" not in response.get_data(as_text=True)


def test_partner_tokens_are_refused_by_every_bank_endpoint_and_method(client, scene, make, app):
    headers = make.token_headers(scene.partner_user)
    refused = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        if not permission or PARTNER in PERMISSIONS[permission]:
            continue
        url = rule.rule
        for arg in rule.arguments:
            value = str(scene.event.id) if arg == "event_id" else "1"
            url = url.replace(f"<int:{arg}>", value).replace(f"<{arg}>", value)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, headers=headers, json={})
            assert response.status_code == 403, (method, url, response.status_code)
            refused += 1
    assert refused >= 30


def test_the_portal_is_for_partners_only(client, auth, make):
    make.user("staff", username="bank.staff")
    auth.login("bank.staff")
    for url in ("/partner", "/partner/scan", "/partner/redeem", "/partner/stats", "/partner/statements/2026-11.csv"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/partner/stats").status_code == 403
