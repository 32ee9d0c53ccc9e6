"""Follow-up lists and event results. `init_app` wires pages, API, the 今日待办 panel and template helpers."""

from __future__ import annotations

from flask import Flask

from app.models import utcnow


def event_finishable(event) -> bool:
    """Whether the event page offers "结束活动": published and already started (the service re-checks)."""
    return event.status == "published" and event.starts_at <= utcnow()


def init_app(app: Flask) -> None:
    # Imported here, not at the top: other features import app.followups.models, which runs this
    # package's __init__ first; pulling the views in at that moment would import them half-way.
    from app.api import api
    from app.followups import home  # importing registers the 今日待办 panel
    from app.followups.api import blp, events_blp
    from app.followups.queries import customer_history
    from app.followups.views import bp, results_bp
    from app.followups.vocabulary import CLOSED_REASONS, CONTACT_METHODS, LIST_NAMES, STATUS_NAMES, product_name

    app.register_blueprint(bp)
    app.register_blueprint(results_bp)
    api.register_blueprint(blp)
    api.register_blueprint(events_blp)
    app.jinja_env.globals.update(event_finishable=event_finishable, customer_followup_history=customer_history,
                                 followup_script=home.script)
    app.jinja_env.filters.update(
        followup_list_name=lambda key: str(LIST_NAMES.get(key, key)),
        followup_status_name=lambda key: str(STATUS_NAMES.get(key, key)),
        followup_closed_reason=lambda key: str(CLOSED_REASONS.get(key, key)),
        product_name=product_name,
        contact_method_name=lambda key: str(CONTACT_METHODS.get(key, key)),
    )
