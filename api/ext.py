"""Binding flask-smorest to the app: one Api object per app, made while api/views.py's blueprint registers."""
from flask_smorest import Api

from api import v1
from api.common import MAX_PAGE_SIZE
from api.errors import ErrorSchema

DESCRIPTION = f"""HarvestLink (丰收对接) REST API v1, generated from the code.

Authentication: `Authorization: Bearer <token>`. Get a token from `POST /api/v1/auth/token` with your e-mail and
password, or create a personal token with scopes (read, write) and an expiry on your account page. GET needs the
`read` scope, every other method `write`. Each request is authorised exactly like the same action in the web UI.

Conventions: errors are `{{"error": {{"code", "message", "fields"}}}}`; validation errors are 422 and name every
field; unknown fields (body or query) are rejected with 422; amounts and quantities are decimal strings
("12.50"), never floats; dates are ISO 8601; lists take `page` and `size` (at most {MAX_PAGE_SIZE}); rate limits
per token are announced in `X-RateLimit-*` headers and exceeded with 429 + `Retry-After`.
"""


class HarvestApi(Api):
    ERROR_SCHEMA = ErrorSchema
    # No catch-all "default" response: each operation lists its real error statuses, so schemathesis'
    # status-code conformance check means something.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """flask-smorest would take over every HTTP error of the app (HTML pages too); our API blueprints
        carry their own handler instead (api/common.py) and core/errors.py formats the rest."""


def init_api(app) -> HarvestApi:
    for key, value in {
        "API_TITLE": "HarvestLink API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }.items():
        app.config.setdefault(key, value)
    api = HarvestApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    from core.extensions import csrf, login_manager

    for blueprint in v1.blueprints():
        api.register_blueprint(blueprint)
        # Anonymous callers of roles_required views get 401, not a redirect to the login page.
        login_manager.blueprint_login_views[blueprint.name] = None
        # CSRF is checked by api.auth for cookie-authenticated writes; bearer requests need none.
        csrf.exempt(blueprint)
    app.extensions["harvestlink_api"] = api
    return api
