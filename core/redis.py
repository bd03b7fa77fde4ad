"""One Redis client per process, or None on the embedded default."""
from functools import cache

from flask import current_app


@cache
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def get_redis():
    url = current_app.config.get("REDIS_URL")
    return _client(url) if url else None
