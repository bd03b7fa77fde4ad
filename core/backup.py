"""`flask backup` and `flask restore`: the database and the uploaded files in one verified archive.

An archive (harvestlink-YYYYmmddTHHMMSSZ.tar.gz) holds manifest.json, the database (an SQLite copy made
with SQLite's online backup API, or a pg_dump custom-format dump) and uploads/... The manifest lists the
row count of every table and the SHA-256 of every file, so a restore can prove it got everything back.

SQLite: the copy is taken while the app keeps writing (WAL lets the backup read one snapshot while writers
go on). PostgreSQL: pg_dump runs on a snapshot exported from a REPEATABLE READ transaction, and the row
counts are read in that same snapshot. docs/operations.md describes the manual procedure.
"""
import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from core.db import db

FORMAT = "harvestlink-backup/1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
UPLOADS = "uploads"
BUSY_TIMEOUT_S = 30


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; nothing has been overwritten when it is raised."""


# ---------------------------------------------------------------- helpers shared by both databases


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(path: Path) -> dict:
    return {"sha256": sha256_of(path), "size": path.stat().st_size}


def _upload_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _archive_path(directory: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = directory / f"harvestlink-{stamp}.tar.gz", 1
    while path.exists():
        n += 1
        path = directory / f"harvestlink-{stamp}-{n}.tar.gz"
    return path


def _dialect() -> str:
    return db.engine.dialect.name


def _data_rows(counts: dict[str, int]) -> int:
    """Rows that are data: a freshly migrated database only has its alembic_version row."""
    return sum(n for name, n in counts.items() if name != "alembic_version")


# ---------------------------------------------------------------- SQLite


def sqlite_path() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up or restore")
    return Path(name)


def _connect_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    return conn


def _quoted(name: str) -> str:
    """A table name read from the catalogue, quoted as an SQL identifier (not user input)."""
    return '"' + name.replace('"', '""') + '"'


def sqlite_row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0] for name in names}  # noqa: S608


def _sqlite_snapshot(target: Path) -> dict[str, int]:
    """Copies the live database to target in one step of the backup API: one consistent snapshot."""
    source, copy = _connect_sqlite(sqlite_path()), sqlite3.connect(str(target))
    try:
        source.backup(copy)  # pages=-1: the whole file under one read transaction
        copy.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, no -wal beside it
        return sqlite_row_counts(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(database_file: Path, force: bool) -> None:
    target = sqlite_path()
    if target.exists():
        _refuse_if_in_use(target, force)
    db.engine.dispose()  # our own pooled connections must not keep an old view of the file
    source, dest = sqlite3.connect(str(database_file)), _connect_sqlite(target)
    try:
        # The backup API writes the pages under the destination's write lock: workers that still hold
        # connections see the restored database on their next transaction, never a torn file.
        source.backup(dest, progress=_give_up_after(BUSY_TIMEOUT_S), sleep=0.1)
    finally:
        dest.close()
        source.close()


def _give_up_after(seconds: float):
    """A backup progress callback that stops waiting for a lock another connection keeps holding."""
    deadline = time.monotonic() + seconds

    def progress(status, _remaining, _total):
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"the database stayed locked for {seconds} s by another writer; nothing was restored")

    return progress


def _refuse_if_in_use(target: Path, force: bool) -> None:
    conn = _connect_sqlite(target)
    try:
        rows = _data_rows(sqlite_row_counts(conn))
    finally:
        conn.close()
    if rows and not force:
        raise BackupError(f"{target} holds {rows} rows (a database in use); restore over it only with --force")


# ---------------------------------------------------------------- PostgreSQL


def _libpq_target() -> tuple[str, dict]:
    """A libpq URL without the password (which goes through PGPASSWORD, never the command line)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not on PATH: install postgresql-client (see docs/operations.md)")
    return path


def pg_row_counts(conn) -> dict[str, int]:
    names = conn.execute(sa.text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name")).scalars().all()
    return {name: conn.execute(sa.text(f"SELECT count(*) FROM {_quoted(name)}")).scalar_one() for name in names}  # noqa: S608


def _pg_snapshot(target: Path) -> dict[str, int]:
    pg_dump = _need("pg_dump")
    url, env = _libpq_target()
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        counts = pg_row_counts(conn)
        # An argument list, no shell: S603 does not apply.
        result = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",  # noqa: S603
                                 f"--snapshot={snapshot}", f"--file={target}", f"--dbname={url}"],
                                env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return counts


def _pg_restore(dump_file: Path, force: bool) -> None:
    pg_restore = _need("pg_restore")
    with db.engine.connect() as conn:
        rows = _data_rows(pg_row_counts(conn))
    if rows and not force:
        raise BackupError(f"the database holds {rows} rows (a database in use); restore over it only with --force")
    db.engine.dispose()
    url, env = _libpq_target()
    result = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",  # noqa: S603
                             "--single-transaction", "--exit-on-error", f"--dbname={url}", str(dump_file)],
                            env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (the transaction was rolled back): {result.stderr.strip()}")


# ---------------------------------------------------------------- the archive


def create_backup(directory: Path) -> tuple[Path, dict]:
    """Writes one archive into directory and returns (path, manifest)."""
    directory.mkdir(parents=True, exist_ok=True)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as work:
        database_file = Path(work) / (SQLITE_FILE if _dialect() == "sqlite" else PG_FILE)
        # The database first, files second: every file a snapshot row refers to was written before it.
        counts = _sqlite_snapshot(database_file) if _dialect() == "sqlite" else _pg_snapshot(database_file)
        files = {str(PurePosixPath(UPLOADS, *p.relative_to(uploads).parts)): p for p in _upload_files(uploads)}
        manifest = {
            "format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "dialect": _dialect(), "database": {"file": database_file.name, **_file_entry(database_file)},
            "tables": counts, "files": {name: _file_entry(path) for name, path in files.items()},
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        archive = _archive_path(directory)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / MANIFEST, MANIFEST)
            tar.add(database_file, database_file.name)
            for name, path in files.items():
                tar.add(path, name)
        os.replace(partial, archive)  # an archive is either complete or absent
    return archive, manifest


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def _unpack(archive: Path, work: Path) -> dict:
    """Extracts only regular files with safe names and checks every checksum against the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"refusing archive member {member.name!r}")
                tar.extract(member, work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"cannot read {archive}: {error}") from error
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"the archive has no readable manifest: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    _verify_files(manifest, work)
    return manifest


def _verify_files(manifest: dict, work: Path) -> None:
    expected = {manifest["database"]["file"]: manifest["database"], **manifest["files"]}
    present = {str(p.relative_to(work).as_posix()) for p in work.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(expected):
        raise BackupError(f"archive contents differ from the manifest: missing {sorted(set(expected) - present)}, "
                          f"unexpected {sorted(present - set(expected))}")
    for name, entry in expected.items():
        if sha256_of(work / name) != entry["sha256"]:
            raise BackupError(f"checksum mismatch for {name}: the archive is damaged")


def _restore_uploads(manifest: dict, work: Path) -> int:
    uploads = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    for name in manifest["files"]:
        relative = PurePosixPath(name).relative_to(UPLOADS)
        target = uploads.joinpath(*relative.parts).resolve()
        if uploads not in target.parents:
            raise BackupError(f"refusing to write {name} outside the upload folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".restoring")
        shutil.copyfile(work / name, temporary)
        os.replace(temporary, target)
    return len(manifest["files"])


def current_row_counts() -> dict[str, int]:
    if _dialect() == "sqlite":
        conn = _connect_sqlite(sqlite_path())
        try:
            return sqlite_row_counts(conn)
        finally:
            conn.close()
    with db.engine.connect() as conn:
        return pg_row_counts(conn)


def restore_backup(archive: Path, force: bool = False) -> dict:
    """Restores archive into the configured database and upload folder; returns its manifest."""
    with tempfile.TemporaryDirectory(prefix="harvestlink-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive, work)
        if manifest["dialect"] != _dialect():
            raise BackupError(f"this archive holds a {manifest['dialect']} database; the app uses {_dialect()}")
        database_file = work / manifest["database"]["file"]
        if _dialect() == "sqlite":
            _check_sqlite_copy(database_file, manifest)
            _sqlite_restore(database_file, force)
        else:
            _pg_restore(database_file, force)
        _restore_uploads(manifest, work)
    restored = current_row_counts()
    differing = {name: (n, restored.get(name)) for name, n in manifest["tables"].items() if restored.get(name) != n}
    if differing:
        raise BackupError(f"row counts after restore differ from the manifest (expected, found): {differing}")
    return manifest


def _check_sqlite_copy(database_file: Path, manifest: dict) -> None:
    with contextlib.closing(sqlite3.connect(str(database_file))) as conn:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the database in the archive fails SQLite's integrity check")
        if sqlite_row_counts(conn) != manifest["tables"]:
            raise BackupError("the database in the archive does not hold the rows its manifest lists")


# ---------------------------------------------------------------- commands


@click.command("backup")
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the archive (default: instance/backups).")
@with_appcontext
def backup_command(directory: Path | None):
    """Back up the database and uploaded files into one timestamped archive."""
    directory = directory or Path(current_app.instance_path) / "backups"
    archive, manifest = create_backup(directory)
    click.echo(f"backup written: {archive}")
    click.echo(f"{sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables, "
               f"{len(manifest['files'])} uploaded files")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data.")
@with_appcontext
def restore_command(archive: Path, force: bool):
    """Restore a `flask backup` archive after checking its manifest."""
    manifest = restore_backup(archive, force=force)
    click.echo(f"restored {archive.name} from {manifest['created_at']}: {sum(manifest['tables'].values())} rows, "
               f"{len(manifest['files'])} uploaded files; every checksum and row count verified")


commands = [backup_command, restore_command]
