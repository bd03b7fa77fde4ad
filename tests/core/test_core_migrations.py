"""`flask db upgrade` from an empty database yields exactly the models' schema (SQLite and PostgreSQL)."""
import os
import re
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core import create_app
from core.db import db, is_managed_schema_name


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    name = f"hl_migrations_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(empty_database_url, tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app({"SECRET_KEY": "s" * 40, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "include_name": lambda name, _type, _parents: is_managed_schema_name(name)})
            differences = compare_metadata(context, db.metadata)
            assert differences == [], differences
            assert "alembic_version" in sa.inspect(conn).get_table_names()
            _assert_search_index_exists(conn)
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def _assert_search_index_exists(conn):
    """The hand-written full-text DDL of the produce migration ran too (create_all is not the only path)."""
    if conn.dialect.name == "sqlite":
        assert "listings_fts" in sa.inspect(conn).get_table_names()
        triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
        assert {"listings_fts_ai", "listings_fts_ad", "listings_fts_au"} <= triggers
    else:
        names = set(conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'listings'").scalars())
        assert "ix_listings_search_tokens" in names
