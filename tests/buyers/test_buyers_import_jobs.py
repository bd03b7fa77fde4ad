"""Buyer imports run as background jobs: the pages follow the job (with and without JS), the job belongs to
its official, a commit runs once however often it is submitted, and a failing job writes nothing."""
import io
import threading

import pytest
from helpers import finish_jobs, login

from buyers import import_jobs, imports
from buyers.models import BuyerImport, BuyerOrg
from core import jobs
from core.db import db

HEADER = "名称,类型,统一社会信用代码,地区代码,地址,联系人,职务,电话,邮箱,年采购量(吨),关注产品,来源\n"
TWO_ROWS = (HEADER + "南昌果蔬配送有限公司,经销商,,360111,,张三,,13800000001,,,,\n"
            "九江水产批发市场,批发市场,,360402,,李四,,13800000002,,,,\n").encode("utf-8")


def upload(client, data: bytes = TWO_ROWS) -> str:
    response = client.post("/buyers/admin/import", data={"file": (io.BytesIO(data), "buyers.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rstrip("/").split("/")[-1]


def count_orgs() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(BuyerOrg))


@pytest.fixture
def held_stage(monkeypatch):
    """Holds the staging job inside its work until the test releases it (to see the pages meanwhile)."""
    release, entered = threading.Event(), threading.Event()
    real = imports.stage_file

    def stage_file(*args, **kwargs):
        args[-1](40, "deduplicating")  # progress as the real job reports it
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "stage_file", stage_file)
    yield entered, release
    release.set()
    finish_jobs()


def test_the_page_follows_the_staging_job_then_shows_the_preview(client, login_as, held_stage):
    entered, release = held_stage
    login_as("official", region_code="360000")
    token = upload(client)
    db.session.commit()  # the test shares the request's session: end its transaction (SQLite's write lock)
    assert entered.wait(30)
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert f'data-job-url="/buyers/admin/import/{token}/job"' in page          # polled by jobs.js
    assert 'http-equiv="refresh"' in page and "js/jobs.js" in page              # works without JS too
    assert 'value="40"' in page and "比对" in page and "<script>" not in page    # percentage and step, no inline JS
    state = client.get(f"/buyers/admin/import/{token}/job").get_json()
    assert state["progress"] == 40 and state["done"] is False and state["import_status"] == "checking"
    release.set()
    finish_jobs()
    state = client.get(f"/buyers/admin/import/{token}/job").get_json()
    assert state["done"] is True and state["progress"] == 100 and state["import_status"] == "staged"
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert 'data-count="new">2<' in page and 'http-equiv="refresh"' not in page


def test_another_official_can_neither_poll_nor_commit_my_import(client, login_as, make_user):
    login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    client.post("/logout")
    login(client, make_user("official", region_code="360000"))
    assert client.get(f"/buyers/admin/import/{token}/job").status_code == 404
    assert client.get(f"/buyers/admin/import/{token}").status_code == 404
    assert client.post(f"/buyers/admin/import/{token}/commit").status_code == 404
    finish_jobs()
    assert count_orgs() == 0 and db.session.get(BuyerImport, token).status == "staged"
    assert [j.kind for j in db.session.scalars(db.select(jobs.Job))] == [import_jobs.STAGE_JOB]


def test_anonymous_and_buyers_cannot_poll(client, login_as):
    login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    client.post("/logout")
    assert client.get(f"/buyers/admin/import/{token}/job").status_code in (302, 401)
    login_as("buyer")
    assert client.get(f"/buyers/admin/import/{token}/job").status_code == 403


def test_two_commit_requests_import_once(client, login_as):
    login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    first = client.post(f"/buyers/admin/import/{token}/commit")
    second = client.post(f"/buyers/admin/import/{token}/commit")  # the job may or may not have run yet
    assert first.status_code == second.status_code == 302
    finish_jobs()
    assert count_orgs() == 2 and db.session.get(BuyerImport, token).status == "committed"
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert "新建 2 个采购商" in page


def test_two_commit_jobs_racing_import_once(app, client, login_as):
    """Both jobs start together in their own threads (as two workers would): one claims the import."""
    user = login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    db.session.execute(db.update(BuyerImport).where(BuyerImport.id == token).values(status="committing"))
    db.session.commit()
    racers = [jobs.enqueue(import_jobs.COMMIT_JOB, {"token": token}, user_id=user.id).id for _ in range(2)]
    results = [jobs.wait(job_id).result for job_id in racers]
    assert count_orgs() == 2
    assert sorted(r.get("created", 0) for r in results) == [0, 2]
    assert sum(1 for r in results if r.get("noop")) == 1


def test_a_commit_left_by_a_dead_job_can_be_retried(client, login_as):
    """A worker killed while committing leaves the import in `committing` with a job row that never
    finishes; nothing was written (one transaction), so a new commit request starts a new job."""
    user = login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    dead = jobs.Job(kind=import_jobs.COMMIT_JOB, params={"token": token}, created_by_id=user.id, status="running")
    db.session.add(dead)
    db.session.execute(db.update(BuyerImport).where(BuyerImport.id == token).values(status="committing"))
    db.session.commit()
    assert client.post(f"/buyers/admin/import/{token}/commit").status_code == 302
    finish_jobs()
    assert count_orgs() == 2 and db.session.get(BuyerImport, token).status == "committed"


def test_a_queued_commit_is_not_started_twice(client, login_as):
    user = login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    db.session.add(jobs.Job(kind=import_jobs.COMMIT_JOB, params={"token": token}, created_by_id=user.id))
    db.session.execute(db.update(BuyerImport).where(BuyerImport.id == token).values(status="committing"))
    db.session.commit()
    page = client.post(f"/buyers/admin/import/{token}/commit", follow_redirects=True).get_data(as_text=True)
    assert "该导入正在提交中" in page and not jobs._threads and count_orgs() == 0


def test_a_database_failure_while_staging_shows_a_clear_message(client, login_as, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(imports, "existing_records", broken)
    login_as("official", region_code="360000")
    token = upload(client)
    finish_jobs()
    page = client.get(f"/buyers/admin/import/{token}").get_data(as_text=True)
    assert "无法检查" in page and "database is gone" not in page and "Traceback" not in page
    assert db.session.get(BuyerImport, token).status == "failed"
    assert not imports.staged_path(token).exists() and not imports.upload_path(token).exists()
    assert client.post(f"/buyers/admin/import/{token}/commit").status_code == 302
    finish_jobs()
    assert count_orgs() == 0


def test_an_xlsx_sheet_with_too_many_rows_fails_in_the_job_with_the_reason(client, login_as, monkeypatch):
    from buyers import exports, importfile

    monkeypatch.setattr(importfile, "MAX_ROWS", 2)
    login_as("admin")
    rows = [["名称", "地区代码"]] + [[f"公司{i}", "360111"] for i in range(3)]
    response = client.post("/buyers/admin/import", data={"file": (io.BytesIO(exports.to_xlsx(rows)), "b.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302  # the request reads only the first rows of a workbook
    finish_jobs()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "最多" in page and "2" in page and 'data-testid="job-outcome"' in page


def test_an_upload_over_the_size_cap_is_refused_with_a_field_error(app, client, login_as):
    app.config["UPLOAD_MAX_IMPORT_BYTES"] = 1024 * 1024
    login_as("official", region_code="360000")
    response = client.post("/buyers/admin/import", data={"file": (io.BytesIO(b"x" * (1024 * 1024 + 1)), "b.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "1 MB" in response.get_data(as_text=True)
    assert db.session.query(BuyerImport).count() == 0
