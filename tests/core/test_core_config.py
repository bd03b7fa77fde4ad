"""Configuration: fail fast in production, keep a generated secret, tune SQLite."""
import pytest
import sqlalchemy as sa

from core import create_app
from core.config import ConfigError
from core.db import db


def test_production_refuses_missing_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


@pytest.mark.parametrize("secret", ["dev", "changeme", "short-but-not-32-chars", "x" * 31])
def test_production_refuses_weak_secret(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app({"APP_ENV": "production", "SECRET_KEY": secret,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_production_starts_with_strong_secret_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    app = create_app({"APP_ENV": "production", "SECRET_KEY": "k" * 20 + "strong-and-random-enough!",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_production_refuses_the_fast_test_password_hashing(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError, match="ARGON2"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "s" * 48, "ARGON2_PROFILE": "fast-insecure-for-tests",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})


def test_embedded_default_generates_and_keeps_a_strong_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    second = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    secret_file = tmp_path / "secret_key"
    assert secret_file.exists()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert first.secret_key == second.secret_key == secret_file.read_text().strip()
    assert len(first.secret_key) >= 48


def test_environment_overrides_instance_config(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    (tmp_path / "config.py").write_text("PAGE_SIZE = 7\nREDIS_URL = 'redis://from-file'\n")
    monkeypatch.setenv("REDIS_URL", "redis://from-env:6379/3")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    app = create_app({"SECRET_KEY": "s" * 40})
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["REDIS_URL"] == "redis://from-env:6379/3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["JOBS_INLINE"] is False


def test_default_database_is_sqlite_under_instance(monkeypatch, tmp_path):
    monkeypatch.setenv("HARVESTLINK_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "s" * 40})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'harvestlink.db'}"
    assert app.config["JOBS_INLINE"] is True


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    from core.notifications import Notification

    db.session.add(Notification(user_id=999999, kind="x", message="orphan"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_utc_columns_refuse_naive_datetimes(app, make_user):
    from datetime import datetime

    user = make_user("buyer")
    user.last_login_at = datetime(2026, 1, 1, 8, 0)  # naive: ambiguous, refused
    with pytest.raises(sa.exc.StatementError):
        db.session.commit()
    db.session.rollback()


def test_utc_columns_round_trip_aware_datetimes(app, make_user):
    from datetime import UTC, datetime, timedelta, timezone

    user = make_user("buyer")
    beijing = timezone(timedelta(hours=8))
    user.last_login_at = datetime(2026, 1, 1, 16, 0, tzinfo=beijing)
    db.session.commit()
    db.session.expire_all()
    assert user.last_login_at == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
