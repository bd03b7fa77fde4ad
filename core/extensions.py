"""Extensions, created unbound and bound to the app in create_app()."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from core.db import db

migrate = Migrate(render_as_batch=True)  # batch mode: SQLite cannot ALTER most constraints in place
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()

__all__ = ["babel", "csrf", "db", "login_manager", "migrate"]
