"""core/jobs.py: the jobs table, in-process threads, the RQ path, failures recorded."""
import os

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from core import jobs
from core.db import db

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/6"


def sample_job(job_id, params, progress):
    progress(50, "half way")
    if params.get("fail"):
        raise ValueError("bad input")
    return {"doubled": params["n"] * 2}


def translated_job(job_id, params, progress):
    from flask_babel import gettext

    return {"message": gettext("The file has errors; nothing was imported."), "params": params}


@pytest.mark.parametrize(("language", "expected"), [("en", "The file has errors; nothing was imported."),
                                                    ("zh_CN", "文件有错误，未导入任何数据。")])
def test_a_job_speaks_the_language_of_the_request_that_started_it(app, language, expected):
    with app.test_request_context("/", headers={"Cookie": f"hl_lang={language}"}):
        job_id = jobs.enqueue("test_fairs_jobs:translated_job", {"n": 1}).id
    job = jobs.wait(job_id)
    assert job.result == {"message": expected, "params": {"n": 1}}  # the locale is not one of its params


def test_a_job_started_outside_a_request_speaks_the_default_language(app):
    job = jobs.wait(jobs.enqueue("test_fairs_jobs:translated_job").id)
    assert job.result["message"] == "文件有错误，未导入任何数据。"


def test_inline_job_reports_progress_and_result(app):
    job = jobs.wait(jobs.enqueue("test_fairs_jobs:sample_job", {"n": 21}).id)
    assert (job.status, job.progress, job.result) == ("finished", 100, {"doubled": 42})


def test_a_failing_job_is_recorded_not_lost(app):
    job = jobs.wait(jobs.enqueue("test_fairs_jobs:sample_job", {"n": 1, "fail": True}).id)
    assert job.status == "failed" and "ValueError: bad input" in job.error and job.progress == 50


def test_unknown_job_kind_is_refused_before_anything_is_written(app):
    with pytest.raises((ImportError, AttributeError)):
        jobs.enqueue("test_fairs_jobs:no_such_function")
    assert db.session.scalar(db.select(db.func.count()).select_from(jobs.Job)) == 0


@pytest.fixture
def redis_config(app_config):
    try:
        Redis.from_url(REDIS_URL).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app_config.update(REDIS_URL=REDIS_URL, JOBS_INLINE=False)
    return app_config


def test_with_redis_the_job_goes_to_an_rq_worker(redis_config, app, monkeypatch):
    job = jobs.enqueue("test_fairs_jobs:sample_job", {"n": 5})
    db.session.commit()
    assert jobs.get(job.id).status == "queued"
    connection = Redis.from_url(REDIS_URL)
    queue = Queue(jobs.QUEUE_NAME, connection=connection)
    assert queue.count == 1
    # The worker builds its own app from the environment, as `rq worker harvestlink` does in production.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    db.session.commit()  # SQLite: release our read so the worker can write
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    done = jobs.get(job.id)
    assert (done.status, done.result) == ("finished", {"doubled": 10})
