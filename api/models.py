"""API tokens (stored as a SHA-256 of a high-entropy secret) and per-token rate-limit windows."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, db, utcnow

SCOPES = ("read", "write")
# "login": issued by POST /api/v1/auth/token, dies with the user's sessions (password change, sign-out
# everywhere); "personal": created on the account page, lives until it expires or is revoked.
SOURCES = ("login", "personal")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    # The secret is shown once; only its digest is kept. The prefix lets a user recognise a token.
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    scopes: Mapped[str] = mapped_column(sa.String(32), nullable=False)  # space-separated, e.g. "read write"
    # A login token remembers the session nonce it was issued under; rotating the nonce revokes it.
    session_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.CheckConstraint(f"source IN {SOURCES}", name="source_known"),)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def is_usable(self, now: datetime) -> bool:
        if self.revoked_at is not None or self.expires_at <= now or not self.user.active:
            return False
        return self.source != "login" or self.session_nonce == self.user.session_nonce

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"


class ApiRateWindow(db.Model):
    """One row per client key: the current fixed window and its request count (the DB fallback of Redis)."""

    __tablename__ = "api_rate_windows"

    key: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    window: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    count: Mapped[int] = mapped_column(nullable=False, default=0)
