"""SQLite tuning for several gunicorn workers sharing one file.

WAL lets readers run beside one writer; the busy timeout makes a writer wait for the lock
instead of failing. A transaction that reads first and writes later would still fail with
"database is locked" when another writer committed in between (SQLite cannot upgrade a stale
read snapshot), so every transaction that may write starts with BEGIN IMMEDIATE: it takes the
write lock up front and waits for it under the busy timeout. Safe requests (GET, HEAD,
OPTIONS) keep a plain deferred BEGIN so that readers never queue behind writers.
"""
from flask import has_request_context, request
from sqlalchemy import event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 15000
# Reads through a memory map skip a system call per page and share the pages among all workers; the page cache
# of each connection (2 MB by default) holds the hot index pages a search walks (a 1M-listing file is ~600 MB).
MMAP_BYTES = 256 * 1024 * 1024
CACHE_KIB = 16 * 1024


def _wants_write_lock() -> bool:
    if has_request_context():
        return request.method not in SAFE_METHODS
    return True


def configure_sqlite_engine(engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")
