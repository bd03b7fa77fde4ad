"""Fixed-window request counters per client, shared by every gunicorn worker.

Redis (INCR + EXPIRE) when REDIS_URL is set, else one upserted row per client in `api_rate_windows`
(the same single-statement pattern as core/throttle.py, so two workers never lose a count).
"""
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from api.models import ApiRateWindow
from core.db import db
from core.redis import get_redis


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window ends


def hit(key: str, limit: int, window_seconds: int = 60) -> Verdict:
    """Counts one request for `key` and says whether it is within `limit` per window."""
    now = time.time()
    window = int(now // window_seconds)
    reset_after = max(1, int((window + 1) * window_seconds - now))
    redis = get_redis()
    count = _redis_hit(redis, key, window, window_seconds) if redis is not None else _db_hit(key, window)
    return Verdict(count <= limit, limit, max(0, limit - count), reset_after)


def _redis_hit(redis, key: str, window: int, window_seconds: int) -> int:
    rkey = f"hl:api-rate:{key}:{window}"
    pipe = redis.pipeline()
    pipe.incr(rkey)
    pipe.expire(rkey, window_seconds * 2)
    count, _ = pipe.execute()
    return int(count)


def _db_hit(key: str, window: int) -> int:
    """Runs in its own short transaction and commits: call it before the request reads anything."""
    table = ApiRateWindow.__table__
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    stale = table.c.window != window
    stmt = (
        insert.values(key=key, window=window, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"window": window, "count": sa.case((stale, 1), else_=table.c["count"] + 1)},
        )
        .returning(table.c["count"])
    )
    count = db.session.execute(stmt).scalar_one()
    db.session.commit()
    return count
