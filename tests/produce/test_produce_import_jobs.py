"""Listing imports run as background jobs: the pages follow the check and commit jobs, a commit runs once
however often it is submitted, and a failing commit job writes nothing and can be retried."""
import io
import threading

import pytest
import sqlalchemy as sa
from helpers import finish_jobs, login

from core import jobs
from core.db import db
from produce import importer
from produce.models import Listing

HEADER = [zh for zh, _name in importer.COLUMNS]


def csv_bytes(n: int) -> bytes:
    rows = [",".join(HEADER)] + [",".join(importer.EXAMPLE) for _ in range(n)]
    return ("\ufeff" + "\n".join(rows) + "\n").encode("utf-8")


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Listing))


@pytest.fixture
def producer(client, catalogue, make_producer):
    user, _profile = make_producer()
    login(client, user)
    return user


def upload(client, data: bytes) -> str:
    response = client.post("/produce/import", data={"file": (io.BytesIO(data), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return response.headers["Location"].rstrip("/").split("/")[-1]


def test_the_page_follows_the_check_job_then_shows_the_preview(client, producer, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    real = importer.check_file

    def held(*args):
        entered.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(importer, "check_file", held)
    token = upload(client, csv_bytes(2))
    db.session.commit()  # the test shares the request's session: end its transaction (SQLite's write lock)
    assert entered.wait(30)
    page = client.get(f"/produce/import/{token}").get_data(as_text=True)
    assert f'data-job-url="/produce/import/{token}/job"' in page and 'http-equiv="refresh"' in page
    assert "逐行检查" in page and 'data-testid="import-commit"' not in page
    assert client.get(f"/produce/import/{token}/job").get_json()["done"] is False
    release.set()
    finish_jobs()
    assert client.get(f"/produce/import/{token}/job").get_json()["done"] is True
    page = client.get(f"/produce/import/{token}").get_data(as_text=True)
    assert 'data-testid="import-commit"' in page and "2 行" in page and 'http-equiv="refresh"' not in page


def test_submitting_the_commit_twice_imports_once(client, producer):
    token = upload(client, csv_bytes(3))
    finish_jobs()
    first = client.post(f"/produce/import/{token}/commit")
    second = client.post(f"/produce/import/{token}/commit", follow_redirects=True)
    assert first.status_code == 302 and "正在提交或已经提交" in second.get_data(as_text=True)
    finish_jobs()
    assert count() == 3
    assert "已导入 3 条" in client.get(f"/produce/import/{token}").get_data(as_text=True)
    assert client.post(f"/produce/import/{token}/commit").status_code == 404  # the file is gone
    finish_jobs()
    assert count() == 3


def test_a_failing_commit_job_writes_nothing_and_can_be_retried(client, producer, monkeypatch):
    token = upload(client, csv_bytes(3))
    finish_jobs()
    real = importer.insert_rows

    def insert_then_fail(result):
        db.session.execute(sa.insert(Listing.__table__), [])  # the transaction has begun ...
        raise RuntimeError("database went away")            # ... when the database fails

    monkeypatch.setattr(importer, "insert_rows", insert_then_fail)
    client.post(f"/produce/import/{token}/commit")
    finish_jobs()
    monkeypatch.setattr(importer, "insert_rows", real)
    page = client.get(f"/produce/import/{token}").get_data(as_text=True)
    assert "导入失败" in page and "went away" not in page and 'data-testid="import-commit"' in page
    assert count() == 0
    client.post(f"/produce/import/{token}/commit")
    finish_jobs()
    assert count() == 3


def test_a_refused_file_never_reaches_a_job(client, producer):
    response = client.post("/produce/import", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert "产品名称" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job)) == 0
