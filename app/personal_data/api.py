"""/api/v1: a person's data (access, erasure), consent withdrawal by ticket, privacy requests."""

from __future__ import annotations

from app.api import api_blueprint
from app.customers.models import Customer
from app.extensions import limiter
from app.personal_data import services
from app.personal_data.models import PrivacyRequest
from app.personal_data.schemas import (
    ErasedSchema,
    EraseSchema,
    MarketingSchema,
    PersonalDataSchema,
    PrivacyRequestFiledSchema,
    PrivacyRequestInSchema,
    PrivacyRequestListSchema,
    PrivacyRequestQuerySchema,
    PrivacyRequestSchema,
)
from app.security import get_scoped_or_404, permission_required, public

blp = api_blueprint("personal_data_api", __name__, "/customers", "A person's data: export and erasure (PIPL)")
requests_blp = api_blueprint("privacy_requests_api", __name__, "/privacy-requests",
                             "People's requests to see or delete their data, for managers")
public_blp = api_blueprint("personal_data_public_api", __name__, "/public",
                           "Consent withdrawal and privacy requests by ticket (no login, rate limited)")


@blp.route("/<int:customer_id>/personal-data", methods=["GET"])
@permission_required("personal_data.export")
@blp.response(200, PersonalDataSchema)
def personal_data(customer_id: int):
    """Everything held about the person; the export is audited."""
    return services.export_person(get_scoped_or_404(Customer, customer_id))


@blp.route("/<int:customer_id>/erase", methods=["POST"])
@permission_required("personal_data.erase")
@blp.arguments(EraseSchema)
@blp.response(200, ErasedSchema)
def erase(body, customer_id: int):
    """Erase the person's name, phone, answers, notes and messages everywhere; figures stay as they were."""
    services.erase_customer(get_scoped_or_404(Customer, customer_id), body.get("reason"))
    return {"erased": True}


@public_blp.route("/tickets/<token>/withdraw-consent", methods=["POST"])
@public
@limiter.limit("10 per minute")
@public_blp.response(200, MarketingSchema)
def withdraw_consent(token: str):
    """No invitations or follow-up outreach to this ticket's phone any more; its own messages still go."""
    services.withdraw_by_ticket(token)
    return {"marketing": False}


@public_blp.route("/privacy-requests", methods=["POST"])
@public
@limiter.limit("5 per minute")
@public_blp.arguments(PrivacyRequestInSchema)
@public_blp.response(202, PrivacyRequestFiledSchema)
def file_request(body):
    """Ask to see (`access`) or delete (`erase`) one's data; the ticket token proves who asks."""
    return services.create_request(body["kind"], body["ticket_token"])


@requests_blp.route("", methods=["GET"])
@permission_required("privacy_requests.manage")
@requests_blp.arguments(PrivacyRequestQuerySchema, location="query")
@requests_blp.response(200, PrivacyRequestListSchema)
def list_requests(query):
    """Requests of the caller's outlets, open first, soonest due first."""
    return {"items": services.list_requests(query["status"])}


@requests_blp.route("/<int:request_id>/complete", methods=["POST"])
@permission_required("privacy_requests.manage")
@requests_blp.response(200, PrivacyRequestSchema)
def complete(request_id: int):
    """Mark a request handled; an erase request erases the person."""
    return services.complete_request(get_scoped_or_404(PrivacyRequest, request_id))
