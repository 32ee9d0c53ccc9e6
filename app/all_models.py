"""Imports every feature's models so the metadata (migrations, tests) is complete."""

from app.alliance import models as alliance_models
from app.audit import models as audit_models
from app.auth import models as auth_models
from app.campaigns import models as campaigns_models
from app.catalogue import models as catalogue_models
from app.checkin import models as checkin_models
from app.customers import models as customers_models
from app.events import models as events_models
from app.followups import models as followups_models
from app.jobs import models as jobs_models
from app.notify import models as notify_models
from app.org import models as org_models
from app.personal_data import models as personal_data_models

__all__ = [
    "alliance_models", "audit_models", "auth_models", "campaigns_models", "catalogue_models", "checkin_models",
    "customers_models", "events_models", "followups_models", "jobs_models", "notify_models", "org_models",
    "personal_data_models",
]
