"""Token reads."""
import sqlalchemy as sa

from api.models import ApiToken
from core.db import db


def tokens_of(user) -> list[ApiToken]:
    stmt = sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(),
                                                                          ApiToken.id.desc())
    return list(db.session.scalars(stmt))


def token_of(user, token_id: int) -> ApiToken | None:
    """The user's own token, or None (another user's token is as good as missing)."""
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None


def token_by_digest(token_hash: str) -> ApiToken | None:
    return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash))
