from __future__ import annotations

from flask import jsonify

from app.api import api_blueprint
from app.customers import services
from app.customers.schemas import CustomerInSchema, CustomerListSchema, CustomerOutSchema, CustomerQuerySchema
from app.customers.services import CustomerInput
from app.security import permission_required

blp = api_blueprint("customers_api", __name__, "/customers", "Customers and prospects of the caller's outlets")


@blp.route("", methods=["POST"])
@permission_required("customers.edit")
@blp.arguments(CustomerInSchema)
@blp.response(201, CustomerOutSchema)
@blp.alt_response(200, schema=CustomerOutSchema, description="An existing phone updated that customer")
def create_customer(body):
    """Create a customer; an existing phone in that outlet updates that customer (200)."""
    customer, created = services.upsert(CustomerInput(**body), source="api")
    if created:
        return customer
    response = jsonify(CustomerOutSchema().dump(customer))
    response.status_code = 200
    return response


@blp.route("", methods=["GET"])
@permission_required("customers.view")
@blp.arguments(CustomerQuerySchema, location="query")
@blp.response(200, CustomerListSchema)
def list_customers(query):
    """Search the caller's outlets by `phone`, or `q` (name, or the last four digits)."""
    items = services.search(query["q"], phone=query["phone"], segment=query["segment"],
                            is_customer=query["is_customer"], limit=query["limit"], offset=query["offset"])
    return {"items": items}
