"""Background jobs: a `jobs` table any package may use, run in-process or by an RQ worker.

A job names its function by dotted path ("fairs.suggestions:run_suggestions_job") so an RQ worker in
another process can import it. The function receives (job_id, params, progress) and returns a
JSON-serialisable result. Progress and the outcome are written to the `jobs` row, which a page polls.

- Embedded default (no REDIS_URL, JOBS_INLINE true): a daemon thread in this process, with its own app
  context and therefore its own database session.
- REDIS_URL set: the job goes to the RQ queue `harvestlink`; start a worker from the repository root with
  `REDIS_URL=redis://... rq worker harvestlink --url "$REDIS_URL"`.

A job function should read what it needs, commit (so SQLite's write lock is not held while it computes),
compute, then write its results: progress updates commit the job's session. It runs in the language of the
request that started it, so the messages it stores (a refused file, a summary) read in the user's language.
"""
import importlib
import logging
import threading
import traceback
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, utcnow

log = logging.getLogger(__name__)
QUEUE_NAME = "harvestlink"
STATUSES = ("queued", "running", "finished", "failed")
_threads: dict[int, threading.Thread] = {}
LOCALE_PARAM = "_locale"  # kept in the job's params, taken out before the function sees them


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(120), nullable=False)  # dotted path of the function
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), default="queued", nullable=False)
    progress: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    message: Mapped[str | None] = mapped_column(sa.String(200))
    result: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')", name="status_known"),
    )

    @property
    def done(self) -> bool:
        return self.status in ("finished", "failed")

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "progress": self.progress, "message": self.message,
                "error": self.error if self.status == "failed" else None, "done": self.done}


def _resolve(kind: str):
    module_name, _, function_name = kind.partition(":")
    return getattr(importlib.import_module(module_name), function_name)


def enqueue(kind: str, params: dict | None = None, user_id: int | None = None) -> Job:
    """Creates the job row (committed) and starts it; returns the job."""
    return start(add(kind, params, user_id))


def add(kind: str, params: dict | None = None, user_id: int | None = None) -> Job:
    """The job row, flushed but not committed: a record that names the job (or a claim that the job will
    work on) can be written in the same transaction, which start() commits."""
    _resolve(kind)  # fail now, in the request, for a typo rather than later in a worker
    params = dict(params or {})
    if has_request_context():
        params[LOCALE_PARAM] = str(get_locale())
    job = Job(kind=kind, params=params, created_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    return job


def start(job: Job) -> Job:
    """Commits the caller's transaction (the job row with it) and runs the job in a thread or a worker."""
    db.session.commit()
    if current_app.config.get("JOBS_INLINE", True):
        app = current_app._get_current_object()
        thread = threading.Thread(target=_run_in_app, args=(app, job.id), name=f"job-{job.id}", daemon=True)
        _threads[job.id] = thread
        thread.start()
    else:
        _rq_queue().enqueue("core.jobs.run_job_in_worker", job.id, job_timeout=3600)
    return job


def _rq_queue():
    from rq import Queue

    from core.redis import get_redis

    return Queue(QUEUE_NAME, connection=get_redis())


def _run_in_app(app, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def run_job_in_worker(job_id: int) -> None:
    """Entry point for the RQ worker process: it has no app, so it builds one."""
    from core import create_app

    _run_in_app(create_app(), job_id)


def set_progress(job_id: int, progress: int, message: str | None = None) -> None:
    values = {"progress": max(0, min(100, int(progress)))}
    if message is not None:
        values["message"] = message[:200]
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def run_job(job_id: int) -> None:
    """Runs one job to completion and records the outcome; never raises."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != "queued":
        return
    kind, params = job.kind, dict(job.params or {})
    locale = params.pop(LOCALE_PARAM, None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(status="running", started_at=utcnow()))
    db.session.commit()
    try:
        with force_locale(locale):
            result = _resolve(kind)(job_id, params, lambda pct, msg=None: set_progress(job_id, pct, msg))
    except Exception as error:  # the job's outcome is recorded, not lost in a thread
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        db.session.execute(sa.update(Job).where(Job.id == job_id).values(
            status="failed", error=f"{type(error).__name__}: {error}"[:2000] + "\n" + traceback.format_exc()[-2000:],
            finished_at=utcnow()))
        db.session.commit()
        return
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(
        status="finished", progress=100, result=result, finished_at=utcnow()))
    db.session.commit()


def progress_state(job: Job | None, steps: dict) -> dict:
    """What a progress page and its JSON endpoint show of a job (None: not started yet): percentage, status and
    the step named by its message in `steps`. The traceback stays in the jobs table."""
    state = job.as_dict() if job else {"status": "queued", "progress": 0, "message": None, "done": False}
    state.pop("error", None)
    state["step"] = str(steps.get(state["message"], "")) if state["message"] else ""
    return state


def get(job_id: int) -> Job | None:
    return db.session.get(Job, job_id)


def wait(job_id: int, timeout: float = 60) -> Job | None:
    """Waits for an in-process job's thread (tests and the CLI); returns the fresh row."""
    thread = _threads.pop(job_id, None)
    # End our own transaction first: on SQLite it may hold the write lock the job needs.
    db.session.commit()
    if thread is not None:
        thread.join(timeout)
    db.session.expire_all()
    return db.session.get(Job, job_id)


# ---------------------------------------------------------------- work claimed through a status column

def claim_status(model, key, current: str, new: str, **values) -> bool:
    """Moves row `key` of `model` from status `current` to `new` with one conditional UPDATE in the caller's
    transaction; False when it was not `current`. Of two callers racing for the same row only one moves it
    (PostgreSQL makes the second wait for the first's commit and then finds the status changed; SQLite lets
    one writer at a time), and the row stays locked until the caller commits."""
    moved = db.session.execute(sa.update(model).where(model.id == key, model.status == current)
                               .values(status=new, **values)).rowcount
    return bool(moved)


def move_status(model, key, current: str, new: str, **values) -> bool:
    """claim_status in a transaction of its own (committed at once)."""
    moved = claim_status(model, key, current, new, **values)
    db.session.commit()
    return moved


def abandoned(record, job: Job | None) -> bool:
    """May a new job take over `record`, which the caller has just re-read in a working status, from `job`,
    the last job started on it? Yes when that job died (a killed worker, a deploy): it wrote in one transaction,
    which was rolled back. A job still queued is waiting, not dead. A running job that holds no lock on the
    record has not begun its work or has died: starting another is safe either way, provided the job's first
    write is its claim_status on the record, so that only one of them can ever do the work."""
    if job is not None and job.status == "queued":
        return False
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: this request's write transaction (BEGIN IMMEDIATE) waited for any writer to end
    model = type(record)
    try:
        with db.session.begin_nested():
            db.session.execute(sa.select(model.id).where(model.id == record.id).with_for_update(nowait=True))
    except sa.exc.OperationalError:
        return False  # a job is working on the record right now
    return True
