"""Audit log of privileged actions: who, what, when, before and after."""
from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, utcnow


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)


def record(action: str, obj_type: str, obj_id=None, before=None, after=None, actor=None) -> AuditLog:
    """Adds an audit row to the current transaction; it commits or rolls back with the change."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    entry = AuditLog(
        action=action,
        object_type=obj_type,
        object_id=None if obj_id is None else str(obj_id),
        before=before,
        after=after,
        actor_id=getattr(actor, "id", None),
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def history(obj_type: str, obj_id) -> list[AuditLog]:
    stmt = (
        sa.select(AuditLog)
        .where(AuditLog.object_type == obj_type, AuditLog.object_id == str(obj_id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    return list(db.session.scalars(stmt))
