"""Error pages without tracebacks, JSON errors for the API, 503 when the database is away."""
import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from core.db import db

log = logging.getLogger(__name__)


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _render(error: HTTPException, message: str | None = None):
    message = message or error.description
    if wants_json():
        body = {"error": {"code": error.name.lower().replace(" ", "_"), "message": message}}
        return jsonify(body), error.code
    return render_template("errors/error.html", error=error, message=message), error.code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _render(error, _("The form expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http(error):
        return _render(error)

    @app.errorhandler(OperationalError)
    def _database_unavailable(error):
        db.session.rollback()
        log.error("database unavailable: %s", error.orig)
        return _render(ServiceUnavailable(), _("The service is briefly unavailable. Please try again shortly."))

    @app.teardown_appcontext
    def _end_session_even_if_the_database_went_away(_exc):
        # Runs before Flask-SQLAlchemy's own teardown (reverse order). A connection that a database restart
        # killed fails its final ROLLBACK; that must not turn a finished response into gunicorn's bare 500.
        try:
            db.session.remove()
        except DBAPIError as error:
            log.warning("session closed on a dead connection: %s", error.orig)
            db.session.registry.clear()

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return _database_unavailable(error)
        db.session.rollback()
        log.exception("unhandled error")
        return _render(InternalServerError(), _("Something went wrong on our side. It has been logged."))
