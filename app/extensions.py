"""The extension objects, created unbound and initialised in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.models import Base

db = SQLAlchemy(model_class=Base)

# Models subclass Model, which is db.Model: Flask-SQLAlchemy's copy of Base with its query
# property, bind key and table naming mixed in. mypy cannot take an instance attribute as a
# base class (python/mypy#8603: 'Name "db.Model" is not defined'), so it is told what
# db.Model is made of instead.
if TYPE_CHECKING:
    from typing import ClassVar

    import sqlalchemy as sa
    from flask_sqlalchemy.model import Model as _FlaskModel

    class Model(_FlaskModel, Base):
        __abstract__ = True
        # Every model maps one table (DeclarativeBase says FromClause, which insert() refuses).
        __table__: ClassVar[sa.Table]
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the routes that need them; storage is Redis when
# REDIS_URL is set (shared by all workers), memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
