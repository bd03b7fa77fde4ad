"""Listing imports run as background jobs: the pages follow the check and commit jobs, a commit runs once
however often it is submitted (two requests, two racing jobs), a failing commit job writes nothing and can be
retried, and a commit whose worker was killed can be started again from the same page, once."""
import io
import threading

import pytest
import sqlalchemy as sa
from helpers import finish_jobs, login

from core import jobs
from core.db import db
from produce import import_jobs, importer
from produce.models import Listing, ListingImport

HEADER = [zh for zh, _name in importer.COLUMNS]


def csv_bytes(n: int) -> bytes:
    rows = [",".join(HEADER)] + [",".join(importer.EXAMPLE) for _ in range(n)]
    return ("\ufeff" + "\n".join(rows) + "\n").encode("utf-8")


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Listing))


def commit_jobs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(jobs.Job).where(
        jobs.Job.kind == import_jobs.COMMIT_JOB))


def status(token: str) -> str:
    db.session.expire_all()
    return db.session.get(ListingImport, token).status


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


def hold_check_file(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """From now on a job that checks the file waits inside the check until the test sets `release`."""
    entered, release = threading.Event(), threading.Event()
    real = importer.check_file

    def held(*args):
        entered.set()
        release.wait(30)
        return real(*args)

    monkeypatch.setattr(importer, "check_file", held)
    return entered, release


def test_the_page_follows_the_check_job_then_shows_the_preview(client, producer, monkeypatch):
    entered, release = hold_check_file(monkeypatch)
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
    # the job may be queued, writing or done (refused with a message), or just started and not yet holding
    # its claim (a second job is started, which finds the upload claimed and writes nothing)
    second = client.post(f"/produce/import/{token}/commit")
    assert first.status_code == second.status_code == 302
    finish_jobs()
    assert count() == 3
    assert "已导入 3 条" in client.get(f"/produce/import/{token}").get_data(as_text=True)
    again = client.post(f"/produce/import/{token}/commit", follow_redirects=True).get_data(as_text=True)
    assert "正在提交或已经提交" in again and not jobs._threads  # committed: refused, no job started
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


def test_a_commit_left_by_a_killed_worker_can_be_started_again_from_the_page(client, producer):
    """A worker killed while committing leaves the upload in `committing` and a job row that never finishes;
    nothing was written (one transaction), so the page offers to commit again and that imports once."""
    token = upload(client, csv_bytes(3))
    finish_jobs()
    dead = jobs.Job(kind=import_jobs.COMMIT_JOB, params={"token": token, "user_id": producer.id},
                    created_by_id=producer.id, status="running", progress=10, message="writing")
    db.session.add(dead)
    db.session.flush()
    db.session.execute(sa.update(ListingImport).where(ListingImport.id == token).values(
        status="committing", commit_job_id=dead.id))
    db.session.commit()
    page = client.get(f"/produce/import/{token}").get_data(as_text=True)
    assert 'data-testid="import-commit-again"' in page and f'action="/produce/import/{token}/commit"' in page
    assert client.get(f"/produce/import/{token}/job").get_json()["done"] is False
    assert client.post(f"/produce/import/{token}/commit").status_code == 302
    finish_jobs()
    assert count() == 3 and status(token) == "committed"
    assert db.session.get(ListingImport, token).commit_job_id != dead.id  # the page follows the new job
    assert "已导入 3 条" in client.get(f"/produce/import/{token}").get_data(as_text=True)
    again = client.post(f"/produce/import/{token}/commit", follow_redirects=True).get_data(as_text=True)
    assert "正在提交或已经提交" in again and count() == 3


def test_a_queued_commit_is_not_started_twice(client, producer):
    token = upload(client, csv_bytes(3))
    finish_jobs()
    waiting = jobs.Job(kind=import_jobs.COMMIT_JOB, params={"token": token, "user_id": producer.id},
                       created_by_id=producer.id)  # queued: a worker has not picked it up yet
    db.session.add(waiting)
    db.session.flush()
    db.session.execute(sa.update(ListingImport).where(ListingImport.id == token).values(
        status="committing", commit_job_id=waiting.id))
    db.session.commit()
    page = client.post(f"/produce/import/{token}/commit", follow_redirects=True).get_data(as_text=True)
    assert "正在提交或已经提交" in page and not jobs._threads
    assert count() == 0 and commit_jobs() == 1 and status(token) == "committing"


@pytest.mark.concurrency
def test_a_commit_still_writing_is_not_started_again(app, client, producer, monkeypatch):
    """The commit job holds its claim while it checks and writes; a second request meanwhile starts nothing.
    PostgreSQL answers it at once (the job's row lock); SQLite makes it wait for the job, then it finds the
    upload committed."""
    token = upload(client, csv_bytes(3))
    finish_jobs()
    entered, release = hold_check_file(monkeypatch)  # the commit job's check, after its claim
    email = producer.email
    assert client.post(f"/produce/import/{token}/commit").status_code == 302
    db.session.commit()  # end the test's transaction (SQLite's write lock)
    assert entered.wait(30)
    answers = []
    poster = threading.Thread(target=lambda: answers.append(_post_commit(app, email, token)))
    poster.start()
    if db.engine.dialect.name == "postgresql":
        poster.join(30)
        assert answers and not release.is_set()  # answered while the job was still writing
    release.set()
    poster.join(30)
    finish_jobs()
    assert answers and answers[0][0] == 302 and "正在提交或已经提交" in answers[0][1]
    assert count() == 3 and commit_jobs() == 1


def _post_commit(app, email: str, token: str) -> tuple[int, str]:
    """A commit request from another browser (its own thread, app context and database session)."""
    with app.app_context():
        other = app.test_client()
        login(other, email)
        db.session.commit()  # the requests share this context's session: end its transaction (SQLite)
        response = other.post(f"/produce/import/{token}/commit")
        page = other.get(response.headers.get("Location", "/")).get_data(as_text=True)
        return response.status_code, page


@pytest.mark.concurrency
def test_two_commit_requests_at_once_import_once(app, client, producer):
    token = upload(client, csv_bytes(3))
    finish_jobs()
    email = producer.email
    db.session.commit()  # end the test's transaction (SQLite's write lock)
    both_ready = threading.Barrier(2, timeout=30)
    answers = []

    def committer():
        with app.app_context():
            other = app.test_client()
            login(other, email)
            db.session.commit()  # the requests share this context's session: end its transaction (SQLite)
            both_ready.wait()
            answers.append(other.post(f"/produce/import/{token}/commit").status_code)

    racers = [threading.Thread(target=committer) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)
    finished = finish_jobs()
    assert answers == [302, 302]  # both accepted: one started the job, the other was told it is under way
    assert count() == 3 and status(token) == "committed"
    writes = [job.result["count"] for job in finished if job.kind == import_jobs.COMMIT_JOB and "count" in job.result]
    assert writes == [3]  # one job wrote; any other found the upload claimed and wrote nothing


@pytest.mark.concurrency
def test_two_commit_jobs_racing_import_once(client, producer):
    """Both jobs start together in their own threads (as two workers would): one claims the upload."""
    token = upload(client, csv_bytes(3))
    finish_jobs()
    db.session.execute(sa.update(ListingImport).where(ListingImport.id == token).values(status="committing"))
    db.session.commit()
    racers = [jobs.enqueue(import_jobs.COMMIT_JOB, {"token": token, "user_id": producer.id},
                           user_id=producer.id).id for _ in range(2)]
    results = [jobs.wait(job_id).result for job_id in racers]
    assert count() == 3 and status(token) == "committed"
    assert sorted(r.get("count", 0) for r in results) == [0, 3]
    assert sum(1 for r in results if r.get("noop")) == 1
