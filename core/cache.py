"""Rendered fragments of public pages, cached briefly (Flask-Caching): in Redis when REDIS_URL is set, else in
this process.

Many visitors ask the search page the same question ("苹果", first page): its results are rendered once per
FRAGMENT_CACHE_SECONDS and per *generation* of the data they show. Every committed write to a watched table
moves that data's generation on (`watch`), so the writing process — and, with Redis, every worker — stops
serving the old fragment at once. Without Redis each worker keeps its own generations and fragments: another
worker may show the old results until they time out, which bounds the staleness to FRAGMENT_CACHE_SECONDS.

The cache never decides what a page says: a miss, a cache that is down or a timeout of 0 renders afresh.
"""
from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable

from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_caching import Cache
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.dml import UpdateBase

from core.redis import get_redis

log = logging.getLogger(__name__)
cache = Cache()
_TOUCHED = "harvestlink_touched_namespaces"
_watched_tables: dict[str, set[str]] = {}


def init_cache(app) -> None:
    redis_url = app.config.get("REDIS_URL")
    cache.init_app(app, config={
        "CACHE_TYPE": "RedisCache" if redis_url else "SimpleCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": app.config["CACHE_KEY_PREFIX"],
        "CACHE_DEFAULT_TIMEOUT": app.config["FRAGMENT_CACHE_SECONDS"],
        "CACHE_THRESHOLD": 2000,  # SimpleCache: at most this many fragments per worker
    })
    app.extensions["harvestlink_generations"] = {}


def watch(namespace: str, *models) -> None:
    """Writes to these models' tables end `namespace`'s cached fragments when their transaction commits."""
    for model in models:
        _watched_tables.setdefault(model.__table__.name, set()).add(namespace)


def bump(namespace: str) -> None:
    """A new generation: fragments rendered before now are never served again (a token, not a counter, so an
    evicted or lost value can never bring an old generation back)."""
    token = uuid.uuid4().hex[:12]
    if get_redis() is None:
        current_app.extensions["harvestlink_generations"][namespace] = token
    else:
        cache.set(_generation_key(namespace), token, timeout=0)  # 0: kept until the next bump


def _generation_key(namespace: str) -> str:
    return f"gen:{namespace}"  # Flask-Caching adds CACHE_KEY_PREFIX


def fragment(namespace: str, parts: Iterable, render: Callable[[], str]) -> Markup:
    """The HTML `render()` makes (a template rendered with autoescaping), from the cache when the same `parts`
    were rendered in this generation and locale."""
    return Markup(_cached_html(namespace, parts, render))  # noqa: S704 (autoescaped template output)


def _cached_html(namespace: str, parts: Iterable, render: Callable[[], str]) -> str:
    if not current_app.config["FRAGMENT_CACHE_SECONDS"]:
        return render()
    key = _fragment_key(namespace, parts)
    try:
        current, stored = _generation_and_entry(namespace, key)
    except Exception:  # a cache that is down must not take the page with it
        log.warning("fragment cache unavailable; rendering %s afresh", namespace, exc_info=True)
        return render()
    if isinstance(stored, tuple) and stored[0] == current:
        return stored[1]
    html = render()
    try:
        cache.set(key, (current, html))
    except Exception:
        log.warning("fragment cache unavailable; %s not stored", namespace, exc_info=True)
    return html


def _generation_and_entry(namespace: str, key: str) -> tuple[str, object]:
    """The namespace's current generation and the entry stored under `key` (generation, html): with Redis in
    one round trip (MGET), as a search page served from the cache should cost no more."""
    if get_redis() is None:
        return current_app.extensions["harvestlink_generations"].get(namespace, "0"), cache.get(key)
    generation, stored = cache.get_many(_generation_key(namespace), key)
    return generation or "0", stored


def _fragment_key(namespace: str, parts: Iterable) -> str:
    """The entry's key: the same question in the same locale (its generation is stored with it)."""
    text = "\x1f".join(str(part) for part in (get_locale(), *parts))
    return f"frag:{namespace}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


@event.listens_for(Engine, "before_execute")
def _note_writes(conn, statement, *_args) -> None:
    """Every write reaches a connection as an INSERT/UPDATE/DELETE construct: ORM flushes, statements through the
    session, and bulk inserts on the session's connection (the listing import) alike."""
    if isinstance(statement, UpdateBase) and not conn.invalidated:
        note_written(conn, getattr(statement.table, "name", None))


def note_written(conn, table_name: str | None) -> None:
    """For writes that skip SQLAlchemy's execute (core.bulk hands rows straight to the driver)."""
    names = _watched_tables.get(table_name)
    if names:
        conn.info.setdefault(_TOUCHED, set()).update(names)


def _pop_touched(conn) -> set | None:
    try:
        return conn.info.pop(_TOUCHED, None)
    except SQLAlchemyError:  # an invalidated connection (the database restarted) took its info with it
        return None


@event.listens_for(Engine, "commit")
def _bump_touched(conn) -> None:
    names = _pop_touched(conn)
    if not names or not has_app_context():
        return
    for name in names:
        try:
            bump(name)
        except Exception:  # the write is committed; a stale fragment lives at most its timeout
            log.warning("could not move the %s generation on", name, exc_info=True)


@event.listens_for(Engine, "rollback")
def _forget_touched(conn) -> None:
    _pop_touched(conn)
