"""Flask extensions, created here and bound to the app in create_app."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from community.db import Base

db = SQLAlchemy(model_class=Base)

# Models subclass `Model`: at run time Flask-SQLAlchemy's db.Model, for type checkers the declarative base it is
# built on (mypy cannot see through db.Model).
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Limits are declared on the views; storage comes from RATELIMIT_STORAGE_URI (Redis when shared).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Rendered responses (community/cache.py); in-process unless CACHE_TYPE says otherwise.
cache = Cache()
