"""The extension objects, created unbound and initialised in create_app()."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the routes that need them; storage is Redis when
# REDIS_URL is set (shared by all workers), memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
