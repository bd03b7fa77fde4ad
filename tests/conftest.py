"""Shared fixtures: an app per test on a schema built once, rows wiped after each test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(TEST_REDIS_URL then moves counters and jobs to Redis too).
"""
import os
import re

import pytest
import sqlalchemy as sa
from flask import g
from helpers import TEST_PASSWORD, login

from core import create_app
from core.db import db


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def base_config(database_url, tmp_path_factory):
    return {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": None,
        "REDIS_URL": os.environ.get("TEST_REDIS_URL") or None,
        "WTF_CSRF_ENABLED": False,
        "ARGON2_PROFILE": "fast-insecure-for-tests",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "JOBS_INLINE": True,
        "CATALOGUE_CHECK_SECONDS": 0,  # each test builds its own catalogue rows
    }


def _config(base_config, **extra):
    config = {k: v for k, v in base_config.items() if v is not None}
    url = config.pop("DATABASE_URL")
    config["SQLALCHEMY_DATABASE_URI"] = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def _schema(base_config):
    app = create_app(_config(base_config))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return True


@pytest.fixture
def app_config(base_config):
    """Tests may add keys to this dict before asking for `app`."""
    return _config(base_config)


def _fresh_request_state():
    """In production every request gets a new app context (fresh `g`, fresh session). Here the
    test's app context is shared by the requests it makes, so start each request as if fresh:
    otherwise Flask-Login's cached user and Flask-Babel's cached locale would leak between them."""
    for key in list(g):
        g.pop(key)
    db.session.expire_all()


@pytest.fixture
def app(_schema, app_config):
    app = create_app(app_config)
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_state)
    with app.app_context():
        yield app
        db.session.remove()
        _wipe_rows()
        _flush_redis(app)
        db.engine.dispose()


def _wipe_rows():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                conn.execute(sa.delete(table))


def _flush_redis(app):
    if app.config.get("REDIS_URL"):
        from core.redis import get_redis

        get_redis().flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """make_user(role, email=None, **fields) -> a committed user with TEST_PASSWORD."""
    from accounts.services import create_user

    counter = {"n": 0}

    def _make(role="producer", email=None, **fields):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.com"
        if role == "producer":
            fields.setdefault("producer_kind", "farmer")
        if role == "official":
            fields.setdefault("region_code", "360000")
        user = create_user(email, TEST_PASSWORD, role, **fields)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def login_as(client, make_user):
    """login_as(role, **fields) -> the signed-in user (the `client` fixture carries the session)."""

    def _login(role="producer", **fields):
        user = make_user(role, **fields)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login
