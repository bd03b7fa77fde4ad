"""Failure counters with an expiring lock, shared by every worker.

Redis when REDIS_URL is set, else a database table: either way all gunicorn workers see the
same counts. A key counts failures in a window; at the limit it is locked for lock_seconds,
after which the row (or Redis key) expires and the count starts again.
"""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, utcnow
from core.redis import get_redis


class ThrottleCounter(db.Model):
    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(nullable=False, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


@dataclass(frozen=True)
class Limit:
    max_failures: int
    lock_seconds: int


def _fit(key: str) -> str:
    """Keys embed user input (an e-mail may have 254 characters): long ones are hashed to fit the column."""
    if len(key) <= 200:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_locked(key: str, limit: Limit) -> bool:
    key = _fit(key)
    redis = get_redis()
    if redis is not None:
        count = redis.get(_redis_key(key))
        return count is not None and int(count) >= limit.max_failures
    row = db.session.get(ThrottleCounter, key)
    return bool(row and row.expires_at > utcnow() and row.failures >= limit.max_failures)


def add_failure(key: str, limit: Limit) -> int:
    """Counts one failure atomically; returns the count in the current window."""
    key = _fit(key)
    redis = get_redis()
    if redis is not None:
        return _redis_add(redis, _redis_key(key), limit)
    return _db_add(key, limit)


def clear(key: str) -> None:
    key = _fit(key)
    redis = get_redis()
    if redis is not None:
        redis.delete(_redis_key(key))
    else:
        db.session.execute(sa.delete(ThrottleCounter).where(ThrottleCounter.key == key))


def _redis_key(key: str) -> str:
    return f"hl:throttle:{key}"


def _redis_add(redis, rkey: str, limit: Limit) -> int:
    pipe = redis.pipeline()
    pipe.incr(rkey)
    pipe.expire(rkey, limit.lock_seconds, nx=True)
    count, _ = pipe.execute()
    if count >= limit.max_failures:
        redis.expire(rkey, limit.lock_seconds)  # the lock lasts its full length from the last failure
    return int(count)


def _db_add(key: str, limit: Limit) -> int:
    now = utcnow()
    expires = now + timedelta(seconds=limit.lock_seconds)
    table = ThrottleCounter.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    # One statement, so two workers counting at once never lose a failure.
    expired = table.c.expires_at <= now
    stmt = insert.values(key=key, failures=1, expires_at=expires).on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": sa.case((expired, 1), else_=table.c.failures + 1),
            "expires_at": expires,
        },
    )
    db.session.execute(stmt)
    return db.session.get(ThrottleCounter, key, populate_existing=True).failures
