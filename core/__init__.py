"""HarvestLink application factory."""
import logging
import os

from flask import Flask

from core.config import REPO_ROOT, load_config
from core.packages import FEATURE_PACKAGES, feature_modules

__all__ = ["FEATURE_PACKAGES", "create_app"]

log = logging.getLogger(__name__)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        "harvestlink",
        root_path=str(REPO_ROOT),
        # HARVESTLINK_INSTANCE moves the instance folder (SQLite file, secret, uploads), e.g. for tests.
        instance_path=os.environ.get("HARVESTLINK_INSTANCE") or str(REPO_ROOT / "instance"),
        template_folder="templates",
        static_folder="static",
    )
    load_config(app, test_config)
    from core.logs import configure_logging

    configure_logging(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    from core.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from core.cache import init_cache
    from core.extensions import babel, csrf, db, login_manager, migrate
    from core.i18n import select_locale, translation_directories
    from core.sqlite import configure_sqlite_engine

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    init_cache(app)
    _import_models()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite_engine(db.engine)


def _import_models() -> None:
    """Every package's models must be imported so metadata (and Alembic) sees all tables."""
    feature_modules("models")


def _register_blueprints(app: Flask) -> None:
    for views in feature_modules("views"):
        for blueprint in getattr(views, "blueprints", [views.bp]):
            app.register_blueprint(blueprint)


def _register_hooks(app: Flask) -> None:
    from core.errors import register_error_handlers
    from core.security import add_security_headers, refuse_nul_bytes
    from core.templating import register_template_helpers

    app.before_request(refuse_nul_bytes)
    app.after_request(add_security_headers)
    register_error_handlers(app)
    register_template_helpers(app)
