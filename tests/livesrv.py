"""A real gunicorn serving the app on a free loopback port, for browser and concurrency tests.

The schema comes from `flask db upgrade` (so the migrations are exercised too); the database is a
fresh SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL is set.
"""
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def fresh_database(tmp_path: Path):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'live.db'}"
        return
    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    name = f"hl_live_{uuid.uuid4().hex[:8]}"
    # pool_pre_ping: a test may restart PostgreSQL meanwhile (tests/hardening); the DROP must still work.
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def server_env(tmp_path: Path, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update(HARVESTLINK_INSTANCE=str(tmp_path / "instance"), DATABASE_URL=database_url,
               SECRET_KEY="live-server-secret-key-0123456789abcdef", ARGON2_PROFILE="fast-insecure-for-tests",
               PYTHONPATH=str(ROOT))
    if os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
        # No RQ worker runs beside these servers: jobs (imports, fair suggestions) run in the gunicorn worker
        # that started them, as on the embedded default; Redis still holds the throttle and the cache.
        env["JOBS_INLINE"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask(env: dict, *args: str, input_text: str | None = None) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=input_text,
                            capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextlib.contextmanager
def gunicorn(tmp_path: Path, workers: int = 2, demo: bool = False, **extra_env):
    """Yields (base_url, env, access_log_path); the server is stopped afterwards."""
    with fresh_database(tmp_path) as database_url:
        env = server_env(tmp_path, database_url, **extra_env)
        flask(env, "db", "upgrade")
        if demo:
            flask(env, "demo")
        port = free_port()
        access_log = tmp_path / "access.log"
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gunicorn.err", "w"))  # noqa: SIM115
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base_url, process, tmp_path)
            yield base_url, env, access_log
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_up(base_url: str, process, tmp_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited:\n" + (tmp_path / "gunicorn.err").read_text())
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")
