"""Token writes: issue (at sign-in or as a personal token), revoke. Each function is one use case and commits."""
import hashlib
import logging
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from api.models import SCOPES, ApiToken
from api.queries import tokens_of
from core import audit
from core.db import db, utcnow

log = logging.getLogger(__name__)

TOKEN_PREFIX = "hl_"  # noqa: S105 (a public prefix, not a secret)
MAX_PERSONAL_DAYS = 366
MAX_TOKENS_PER_USER = 50


class TokenError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def digest(secret: str) -> str:
    """SHA-256 is enough here: the secret has 256 bits of entropy, so no password-style stretching is needed."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _issue(user, *, name: str, source: str, scopes, lifetime: timedelta, session_nonce=None):
    secret = _new_secret()
    token = ApiToken(user_id=user.id, name=name, source=source, token_hash=digest(secret),
                     prefix=secret[: len(TOKEN_PREFIX) + 6], scopes=" ".join(s for s in SCOPES if s in scopes),
                     session_nonce=session_nonce, expires_at=utcnow() + lifetime)
    db.session.add(token)
    db.session.flush()
    return token, secret


def issue_login_token(user) -> tuple[ApiToken, str]:
    """A read/write token for a user who has just given their password (accounts.services.authenticate)."""
    hours = current_app.config.get("API_LOGIN_TOKEN_HOURS", 24)
    token, secret = _issue(user, name="login", source="login", scopes=SCOPES, lifetime=timedelta(hours=hours),
                           session_nonce=user.session_nonce)
    db.session.commit()
    log.info("api login token %s issued to user %s", token.id, user.id)
    return token, secret


def create_personal_token(user, name: str, scopes, days: int) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    scopes = set(scopes or ())
    if not name or len(name) > 80:
        raise TokenError("name", _("Give the token a name of at most 80 characters."))
    if not scopes or not scopes <= set(SCOPES):
        raise TokenError("scopes", _("Choose read, or read and write."))
    if "write" in scopes:
        scopes.add("read")  # writing without reading back what was written would be useless
    if not isinstance(days, int) or not 1 <= days <= MAX_PERSONAL_DAYS:
        raise TokenError("days", _("A token expires after 1 to %(max)d days.", max=MAX_PERSONAL_DAYS))
    active = [t for t in tokens_of(user) if t.revoked_at is None and t.expires_at > utcnow()]
    if len(active) >= MAX_TOKENS_PER_USER:
        raise TokenError("name", _("You have too many tokens. Revoke some first."))
    token, secret = _issue(user, name=name, source="personal", scopes=scopes, lifetime=timedelta(days=days))
    audit.record("api_token.create", "api_token", token.id, after={"name": name, "scopes": token.scopes,
                                                                  "expires_at": token.expires_at.isoformat()},
                 actor=user)
    db.session.commit()
    return token, secret


def revoke_token(user, token: ApiToken) -> None:
    """Only the owner revokes a token (callers look it up with queries.token_of, which 404s others')."""
    if token.user_id != user.id:
        raise TokenError("token", _("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record("api_token.revoke", "api_token", token.id, actor=user)
    db.session.commit()

