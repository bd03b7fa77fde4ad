"""Users and their roles."""
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from core.db import TimestampMixin, UTCDateTime, db

ROLES = ("producer", "buyer", "official", "admin")
PRODUCER_KINDS = ("farmer", "cooperative", "family_farm", "enterprise")


def new_session_nonce() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    producer_kind: Mapped[str | None] = mapped_column(sa.String(16))
    # Officials are scoped to a province, prefecture or county (six-digit GB/T 2260 code).
    region_code: Mapped[str | None] = mapped_column(sa.String(6), index=True)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    # Part of every session and remember-me cookie: rotating it signs out every old cookie.
    session_nonce: Mapped[str] = mapped_column(sa.String(32), nullable=False, default=new_session_nonce)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(f"role IN {ROLES}", name="role_known"),
        sa.CheckConstraint(
            f"producer_kind IS NULL OR producer_kind IN {PRODUCER_KINDS}", name="producer_kind_known"
        ),
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
