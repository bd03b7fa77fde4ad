"""`flask backup` / `flask restore`: every record and every uploaded file comes back, damage is refused,
a database in use is not overwritten without --force, and a backup taken during writes is consistent."""
import io
import json
import tarfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from livesrv import fresh_database

from core import audit, create_app
from core.backup import SQLITE_FILE, sha256_of
from core.db import db
from core.notifications import Notification, notify

UPLOADED = {
    "photos/2026/11/orange.jpg": b"\xff\xd8\xff\xe0 not really a jpeg but bytes all the same" * 50,
    "imports/buyers.xlsx": b"PK\x03\x04 fake workbook",
    "top-level.txt": "丰收 uploads keep their bytes".encode(),
}


def _table_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table the app knows (feature tables included once merged)."""
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.execute(
            sa.select(table).order_by(*(table.primary_key.columns or table.columns)))]
            for table in db.metadata.sorted_tables}


def _populate(app, runner, make_user):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    official = make_user("official")
    audit.record("test.backup", "user", official.id, before={"a": 1}, after={"a": "二"}, actor=official)
    notify(official.id, "test", "备份测试通知 <b>escaped?</b>", link="/notifications", dedupe_key="backup:1")
    db.session.commit()
    uploads = Path(app.config["UPLOAD_FOLDER"])
    for name, data in UPLOADED.items():
        (uploads / name).parent.mkdir(parents=True, exist_ok=True)
        (uploads / name).write_bytes(data)


def _backup(runner, directory: Path) -> Path:
    result = runner.invoke(args=["backup", "--to", str(directory)])
    assert result.exit_code == 0, result.output
    archives = sorted(directory.glob("harvestlink-*.tar.gz"))
    assert archives and str(archives[-1]) in result.output
    return archives[-1]


def _fresh_app(base_config_dict: dict, database_url: str, tmp_path: Path):
    config = {**base_config_dict, "SQLALCHEMY_DATABASE_URI": database_url,
              "UPLOAD_FOLDER": str(tmp_path / "fresh-uploads")}
    return create_app(config)


@pytest.fixture
def app_config(app_config, tmp_path):
    """An upload folder of this test's own: the session's shared one holds other tests' files."""
    uploads = tmp_path / "own-uploads"
    uploads.mkdir()
    return {**app_config, "UPLOAD_FOLDER": str(uploads)}


@pytest.fixture
def source(app, runner, make_user):
    _populate(app, runner, make_user)
    return app


def test_restore_into_a_fresh_instance_finds_every_record_and_file(source, runner, app_config, tmp_path):
    archive = _backup(runner, tmp_path / "backups")
    expected = _table_rows(db.engine)
    for name in ("users", "audit_log", "notifications"):
        assert expected[name], f"the test must back up some {name}"
    with fresh_database(tmp_path) as url:
        fresh = _fresh_app(app_config, url, tmp_path)
        with fresh.app_context():
            result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
            assert result.exit_code == 0, result.output
            assert _table_rows(db.engine) == expected
            uploads = Path(fresh.config["UPLOAD_FOLDER"])
            for name, data in UPLOADED.items():
                assert (uploads / name).read_bytes() == data
            db.engine.dispose()


def test_the_manifest_counts_every_table_and_checksums_every_file(source, runner, tmp_path):
    archive = _backup(runner, tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        for name, entry in manifest["files"].items():
            assert entry["size"] == len(tar.extractfile(name).read())
    assert {t.name for t in db.metadata.sorted_tables} <= set(manifest["tables"])
    for table in db.metadata.sorted_tables:
        count = db.session.scalar(sa.select(sa.func.count()).select_from(table))
        assert manifest["tables"][table.name] == count, table.name
    assert set(manifest["files"]) == {f"uploads/{name}" for name in UPLOADED}
    uploads = Path(source.config["UPLOAD_FOLDER"])
    for name in UPLOADED:
        assert manifest["files"][f"uploads/{name}"]["sha256"] == sha256_of(uploads / name)


def test_restore_refuses_a_database_in_use_unless_forced(source, runner, make_user, tmp_path):
    archive = _backup(runner, tmp_path)
    before = _table_rows(db.engine)
    late = make_user("buyer", email="after-the-backup@example.com")
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0 and "--force" in refused.output
    db.session.expire_all()
    assert db.session.get(type(late), late.id) is not None, "a refused restore changed the database"
    db.session.rollback()  # outside a request every transaction takes the write lock: release it
    forced = runner.invoke(args=["restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    db.session.remove()
    assert _table_rows(db.engine) == before


def _rewrite_archive(archive: Path, target: Path, change) -> Path:
    """Copies archive member by member, letting change(name, data) alter or add members."""
    with tarfile.open(archive) as old, tarfile.open(target, "w:gz") as new:
        members = [(m.name, old.extractfile(m).read()) for m in old.getmembers() if m.isfile()]
        for name, data in change(members):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


@pytest.mark.parametrize("damage, message", [
    (lambda ms: [(n, d + b"!" if n.endswith("orange.jpg") else d) for n, d in ms], "checksum mismatch"),
    (lambda ms: [m for m in ms if not m[0].endswith(".xlsx")], "missing"),
    (lambda ms: [*ms, ("uploads/../../escaped.txt", b"x")], "refusing archive member"),
    (lambda ms: [*ms, ("uploads/extra.txt", b"x")], "unexpected"),
    (lambda ms: [(n, b"{}" if n == "manifest.json" else d) for n, d in ms], "format"),
])
def test_a_damaged_archive_is_refused_and_nothing_is_touched(source, runner, app_config, tmp_path, damage, message):
    archive = _backup(runner, tmp_path)
    broken = _rewrite_archive(archive, tmp_path / "broken.tar.gz", damage)
    with fresh_database(tmp_path) as url:
        fresh = _fresh_app(app_config, url, tmp_path)
        with fresh.app_context():
            result = fresh.test_cli_runner().invoke(args=["restore", str(broken)])
            assert result.exit_code != 0 and message in result.output, result.output
            assert not list(Path(fresh.config["UPLOAD_FOLDER"]).rglob("*"))
            assert not (tmp_path / "escaped.txt").exists()
            if db.engine.dialect.name == "sqlite":
                assert not Path(db.engine.url.database).exists()
            db.engine.dispose()


def test_a_truncated_archive_is_refused(source, runner, tmp_path):
    archive = _backup(runner, tmp_path)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    result = runner.invoke(args=["restore", "--force", str(archive)])
    assert result.exit_code != 0 and "cannot read" in result.output


@pytest.mark.concurrency
def test_a_backup_taken_while_another_thread_writes_is_consistent(app, runner, make_user, tmp_path):
    user = make_user("producer")
    stop, written, failures = threading.Event(), [0], []
    url, user_id = db.engine.url, user.id
    db.session.rollback()  # reading user.id began a transaction, which outside a request holds the write lock

    def writer():
        engine = sa.create_engine(url)
        if engine.dialect.name == "sqlite":
            from core.sqlite import configure_sqlite_engine

            configure_sqlite_engine(engine)
        try:
            while not stop.is_set():
                with engine.begin() as conn:
                    conn.execute(sa.insert(Notification).values(
                        user_id=user_id, kind="load", message=f"n{written[0]}", created_at=sa.func.now()))
                written[0] += 1
        except Exception as error:  # the test reports any failure of the writer below
            failures.append(repr(error))
        finally:
            engine.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = []
        for i in range(3):
            _wait_for_more_rows(written, failures)
            archives.append(_backup(runner, tmp_path / f"b{i}"))
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures
    counts = [_manifest(a)["tables"]["notifications"] for a in archives]
    assert 0 < counts[0] < counts[1] < counts[2] <= written[0], (counts, written)
    for archive in archives:
        _check_copy_matches_manifest(archive, tmp_path)


def _wait_for_more_rows(written: list[int], failures: list[str]) -> None:
    start = written[0]
    for _ in range(500):
        if written[0] >= start + 20 or failures:
            return
        threading.Event().wait(0.01)


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def _check_copy_matches_manifest(archive: Path, tmp_path: Path) -> None:
    manifest = _manifest(archive)
    if manifest["dialect"] != "sqlite":
        return  # a pg_dump is checked by restoring it (test above)
    import sqlite3

    from core.backup import sqlite_row_counts

    with tarfile.open(archive) as tar:
        tar.extract(SQLITE_FILE, tmp_path / archive.stem, filter="data")
    conn = sqlite3.connect(tmp_path / archive.stem / SQLITE_FILE)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sqlite_row_counts(conn) == manifest["tables"]
    finally:
        conn.close()
