"""Listing imports as background jobs: the upload request refuses unreadable files and starts a check job;
the preview shows the check job's summary; the commit request claims the upload and starts a commit job that
checks the file again and writes it in one transaction.

The claim is the status of the upload's ListingImport row (see produce.models for the states), moved by
conditional UPDATEs (core.jobs.claim_status): a double submission starts one job, two racing jobs write once,
and a commit whose worker was killed (its transaction rolled back, the row left in `committing`) can be
started again from the same page (core.jobs.abandoned)."""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from core import bulk, jobs
from core.db import db, utcnow
from produce import import_store, importer
from produce.models import ListingImport

log = logging.getLogger(__name__)
CHECK_JOB = "produce.import_jobs:run_check_job"
COMMIT_JOB = "produce.import_jobs:run_commit_job"
WORKING = ("checking", "committing")
PREVIEW_ROWS = 20
SHOWN_ERRORS = 200
STEPS = {"validating": _l("Checking every row"), "saving": _l("Saving the row report"),
         "writing": _l("Writing the listings to the database"),
         "announcing": _l("Refreshing matches and saved searches")}


# ---------------------------------------------------------------- check

def start_check(user, filename: str, data: bytes) -> str:
    """Stores the upload and starts the check job; ImportFileError for a file that cannot be read at all."""
    importer.preflight(data, filename, user)
    token = import_store.save(data)
    _forget_old_uploads()
    job = jobs.add(CHECK_JOB, {"token": token, "user_id": user.id}, user_id=user.id)
    db.session.add(ListingImport(id=token, user_id=user.id, filename=(filename or "upload")[:200],
                                 status="checking", counts={}, check_job_id=job.id))
    jobs.start(job)
    return token


def _forget_old_uploads() -> None:
    """Rows live as long as their files (import_store sweeps those)."""
    db.session.execute(sa.delete(ListingImport).where(ListingImport.created_at < _oldest_kept()))


def _oldest_kept():
    return utcnow() - timedelta(seconds=import_store.MAX_AGE_SECONDS)


def _uploader_and_file(token: str) -> tuple[User, bytes, str]:
    record = db.session.get(ListingImport, token)
    data = import_store.load(token) if record else None
    if data is None:
        raise importer.ImportFileError(_("The uploaded file is no longer available. Upload it again."))
    return db.session.get(User, record.user_id), data, record.filename


def _preview_row(number: int, clean: dict) -> dict:
    shown = ("product", "variety", "quantity", "unit", "price", "price_unit", "available_from", "available_to",
             "county_code")
    return {"number": number, **{key: None if clean.get(key) is None else str(clean[key]) for key in shown}}


def run_check_job(job_id: int, params: dict, progress) -> dict:
    """Validates every row; the result is what the preview shows, the row report is kept beside the file."""
    token = params["token"]
    progress(10, "validating")
    try:
        user, data, filename = _uploader_and_file(token)
        with bulk.gc_paused():
            result = importer.check_file(data, filename, user)
    except importer.ImportFileError as error:
        db.session.rollback()
        jobs.move_status(ListingImport, token, "checking", "failed")
        return {"ok": False, "message": error.message}
    except Exception:
        db.session.rollback()
        jobs.move_status(ListingImport, token, "checking", "failed")
        raise
    db.session.commit()  # end the read
    progress(90, "saving")
    import_store.save_report(token, importer.error_report_csv(result))
    jobs.move_status(ListingImport, token, "checking", "staged",
                     counts={"rows": result.rows, "valid": len(result.valid), "errors": len(result.errors)})
    return {"ok": result.ok, "rows": result.rows, "valid": len(result.valid), "error_count": len(result.errors),
            "errors": [{"row": e.row, "field": e.field, "message": e.message, "value": e.value}
                       for e in result.errors[:SHOWN_ERRORS]],
            "preview": [_preview_row(number, clean) for number, _p, _s, clean in result.valid[:PREVIEW_ROWS]]}


# ---------------------------------------------------------------- commit

def start_commit(user, token: str) -> bool:
    """Claims a staged upload and starts the commit job; False when it is being committed by a job that is
    queued or working, or has been committed already. A commit whose job died is taken over."""
    if not (jobs.claim_status(ListingImport, token, "staged", "committing") or _commit_abandoned(token)):
        db.session.rollback()
        return False
    job = jobs.add(COMMIT_JOB, {"token": token, "user_id": user.id}, user_id=user.id)
    job.progress, job.message = 5, "writing"  # the job's first write must be its claim, so the request names the step
    db.session.execute(sa.update(ListingImport).where(ListingImport.id == token).values(commit_job_id=job.id))
    jobs.start(job)  # the claim, the job and the row's link to it commit together
    return True


def _commit_abandoned(token: str) -> bool:
    record = db.session.get(ListingImport, token, populate_existing=True)
    if record.status != "committing":
        return False  # committed, given back or never claimed: nothing to take over
    return jobs.abandoned(record, jobs.get(record.commit_job_id) if record.commit_job_id else None)


def run_commit_job(job_id: int, params: dict, progress) -> dict:
    """Checks the file again (the catalogue or the producer may have changed) and writes it all or nothing.

    The claim (committing -> committed) is the first statement of the one transaction that checks and writes:
    it locks the row, so a request can see that this job is alive (jobs.abandoned) and a second job for the
    same upload claims nothing and writes nothing. Nothing may commit between the claim and insert_rows'
    commit (not even progress), or a killed worker would leave `committed` with nothing written; and nothing
    commits before the claim either, to keep short the moment when this job runs but holds no lock yet."""
    token = params["token"]
    try:
        if not jobs.claim_status(ListingImport, token, "committing", "committed", committed_at=utcnow()):
            db.session.rollback()
            return {"ok": True, "noop": True}  # committed by another job, or not claimed for committing
        user, data, filename = _uploader_and_file(token)
        counts = dict(db.session.get(ListingImport, token).counts)
        with bulk.gc_paused():
            result = importer.check_file(data, filename, user)
            if not result.ok:
                raise importer.ImportFileError(_("The file has errors; nothing was imported."))
            db.session.execute(sa.update(ListingImport).where(ListingImport.id == token).values(
                counts={**counts, "created": len(result.valid)}))
            new_ids = importer.insert_rows(result)  # commits the claim with the listings
    except importer.ImportFileError as error:
        _give_back(token)
        return {"ok": False, "message": error.message}
    except Exception:
        _give_back(token)
        raise
    import_store.discard_file(token)
    log.info("listing import %s by user %s: %s listings", token, user.id, len(new_ids))
    progress(80, "announcing")
    importer.announce(new_ids)
    return {"ok": True, "count": len(new_ids)}


def _give_back(token: str) -> None:
    """After a refused or failed commit: nothing was written, the upload may be committed again."""
    db.session.rollback()
    jobs.move_status(ListingImport, token, "committing", "staged")


# ---------------------------------------------------------------- status

def owned(user, token: str) -> ListingImport | None:
    """The upload, only for its uploader and while its file is kept."""
    record = db.session.get(ListingImport, token)
    if record is None or record.user_id != user.id or record.created_at < _oldest_kept():
        return None
    return record


def jobs_of(record: ListingImport) -> tuple[jobs.Job | None, jobs.Job | None]:
    """The last check job and the last commit job of the upload."""
    return tuple(jobs.get(job_id) if job_id else None for job_id in (record.check_job_id, record.commit_job_id))


def job_state(record: ListingImport) -> dict:
    """What the progress page and its JSON endpoint show: the commit job once there is one, else the check
    job. Done once that job has ended and the upload is no longer being checked or committed (a job that lost
    the claim to another ends first)."""
    check, commit = jobs_of(record)
    state = jobs.progress_state(commit or check, STEPS)
    state["import_status"] = record.status
    state["done"] = state["done"] and record.status not in WORKING
    return state
