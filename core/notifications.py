"""In-app notifications: saved-search hits, meeting requests, reminders. Any package may notify."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, utcnow


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    message: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    link: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lets a sender avoid notifying twice about the same thing (e.g. "saved-search:12:listing:99").
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))

    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),
    )


def notify(user_id: int, kind: str, message: str, link: str | None = None, dedupe_key: str | None = None) -> bool:
    """Adds a notification to the current transaction; False when dedupe_key was already sent."""
    if dedupe_key is not None:
        exists = db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == dedupe_key))
        if exists:
            return False
    db.session.add(Notification(user_id=user_id, kind=kind, message=message[:500], link=link,
                                dedupe_key=dedupe_key))
    return True


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    stmt = (sa.select(Notification).where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return list(db.session.scalars(stmt))


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(sa.update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount
