"""Who is calling: a bearer token, the site's own session cookie, or nobody; plus scopes and rate limits.

Runs before every API view. A bearer token sets the Flask-Login user for the request, so the very same
permission helpers as the web UI (roles_required, can_administer_region, the services' own checks) decide.
Scopes: safe methods (GET/HEAD/OPTIONS) need `read`, anything else needs `write`.
A request authenticated by the session cookie has both scopes but must carry the CSRF token on writes:
CSRF is waived only when a bearer token authenticates the request (a browser never adds one by itself).
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from api import ratelimit
from api.errors import fail
from api.models import ApiToken
from api.queries import token_by_digest
from api.services import digest
from core.db import db, utcnow
from core.sqlite import SAFE_METHODS

TOUCH_INTERVAL = timedelta(minutes=5)
BEARER_CHALLENGE = 'Bearer realm="harvestlink"'


def scope_free(view):
    """Marks a view that acts only on the credentials inside the request itself (the password sent to the token
    endpoint, the token being revoked): it needs no scope, and no CSRF token since a cookie grants it nothing."""
    view._api_scope_free = True
    return view


def authenticate_request():
    # Nothing about the caller may come from before this request (tests share one app context, hence one g).
    for name in ("_login_user", "api_token", "api_rate", "api_scopes"):
        g.pop(name, None)
    header = request.headers.get("Authorization")
    if header is not None:
        token = _token_from_header(header)
        user, scopes, key = token.user, token.scope_set, f"t:{token.id}"
        _act_as(user)
        g.api_token = token
        touch = token.last_used_at is None or utcnow() - token.last_used_at > TOUCH_INTERVAL
    elif current_user.is_authenticated:
        if not _view_is_scope_free():
            _check_csrf()
        user, scopes, touch = current_user._get_current_object(), {"read", "write"}, False
        key = f"u:{user.id}"
    else:
        user, scopes, key, touch = None, set(), f"ip:{request.remote_addr or '-'}", False
    g.api_scopes = frozenset(scopes)
    token_id = g.api_token.id if header is not None else None
    _count_request(key, authenticated=user is not None, touch_token_id=token_id if touch else None)
    if user is None and request.method not in SAFE_METHODS and not _view_is_scope_free():
        # Before the body is parsed: an anonymous write learns that it needs a token, not which fields it got wrong.
        _unauthorized("Authentication required.", "missing_token")
    if user is not None and not _view_is_scope_free():
        needed = "read" if request.method in SAFE_METHODS else "write"
        if needed not in scopes:
            fail(403, f"This token lacks the '{needed}' scope.", code="insufficient_scope")
    _reject_unexpected_query()


def _act_as(user) -> None:
    """The token's user becomes Flask-Login's user for this request only; the session is not touched.

    Flask-Login 0.6.3 has no public call for this. login_user() writes the session (a token request would leave
    a signed-in cookie behind). The public request_loader hook is consulted only when neither the session nor a
    remember cookie names a user, so a cookie would win over the token (test_bearer_token_overrides_the_session_user
    says the token must win), and restoring a remember cookie writes the session. So this one private call stays,
    here and nowhere else; a Flask-Login upgrade that renames it fails every bearer test at once."""
    current_app.login_manager._update_request_context_with_user(user)


def _token_from_header(header: str) -> ApiToken:
    scheme, _sep, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        _unauthorized("Use 'Authorization: Bearer <token>'.", "invalid_request")
    token = token_by_digest(digest(secret))
    if token is None or not token.is_usable(utcnow()):
        # One message for unknown, revoked and expired: the caller learns nothing about other people's tokens.
        _unauthorized("The token is invalid, revoked or expired.", "invalid_token")
    return token


def _unauthorized(message: str, error: str):
    fail(401, message, code=error, headers={"WWW-Authenticate": f'{BEARER_CHALLENGE}, error="{error}"'})


def _check_csrf():
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    from core.extensions import csrf

    try:
        csrf.protect()
    except CSRFError:
        fail(400, "A signed-in browser request must carry the CSRF token (X-CSRFToken header); "
                  "API clients use a bearer token instead.", code="csrf_failed")


def _reject_unexpected_query():
    """Views without a query schema get no query parameters: unknown fields are rejected everywhere."""
    if not request.args:
        return
    view = current_app.view_functions.get(request.endpoint)
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if not any(p.get("in") in ("query", "querystring") for p in parameters):
        fail(422, "This operation takes no query parameters.",
             fields={name: ["Unknown field."] for name in request.args})


def _view_is_scope_free() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "_api_scope_free", False))


def _count_request(key: str, *, authenticated: bool, touch_token_id: int | None):
    # End the read transaction first: on SQLite a transaction that read cannot later take the write lock
    # safely (see core/sqlite.py), so the counter's write starts a fresh one.
    db.session.commit()
    if touch_token_id is not None:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == touch_token_id).values(last_used_at=utcnow()))
        db.session.commit()
    cfg = current_app.config
    limit = cfg.get("API_RATE_LIMIT_PER_MINUTE", 600) if authenticated else cfg.get("API_ANON_RATE_LIMIT_PER_MINUTE",
                                                                                   120)
    verdict = ratelimit.hit(key, limit)
    g.api_rate = verdict
    if not verdict.allowed:
        fail(429, f"Rate limit of {limit} requests per minute exceeded.",
             headers={"Retry-After": str(verdict.reset_after), **_rate_headers(verdict)})


def _rate_headers(verdict) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(verdict.limit), "X-RateLimit-Remaining": str(verdict.remaining),
            "X-RateLimit-Reset": str(verdict.reset_after)}


def add_rate_headers(response):
    """Rate-limit headers on every answer; answers to an authenticated caller are never cached by proxies."""
    verdict = g.get("api_rate")
    if verdict is not None:
        for name, value in _rate_headers(verdict).items():
            response.headers.setdefault(name, value)
    if g.get("api_scopes"):
        response.headers.setdefault("Cache-Control", "private, no-store")
        response.vary.add("Authorization")
    return response


def api_user():
    """The authenticated user or None (anonymous)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def require_user():
    user = api_user()
    if user is None:
        _unauthorized("Authentication required.", "missing_token")
    return user


def require_role(*roles: str):
    user = require_user()
    if user.role not in roles:
        fail(403, "Your role may not do this.")
    return user
