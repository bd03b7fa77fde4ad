"""Listing imports as background jobs: the upload request refuses unreadable files and starts a check job;
the preview shows the check job's summary; the commit request claims the upload (once) and starts a commit
job that checks the file again and writes it in one transaction."""
import logging

from flask_babel import gettext as _

from accounts.models import User
from core import bulk, jobs
from core.db import db
from produce import import_store, importer

log = logging.getLogger(__name__)
CHECK_JOB = "produce.import_jobs:run_check_job"
COMMIT_JOB = "produce.import_jobs:run_commit_job"
PREVIEW_ROWS = 20
SHOWN_ERRORS = 200


def start_check(user, filename: str, data: bytes) -> str:
    """Stores the upload and starts the check job; ImportFileError for a file that cannot be read at all."""
    importer.preflight(data, filename, user)
    token = import_store.save(data, filename or "upload", user.id)
    job = jobs.enqueue(CHECK_JOB, {"token": token, "user_id": user.id}, user_id=user.id)
    import_store.update_meta(token, check_job=job.id)
    return token


def _user_and_file(params: dict):
    user = db.session.get(User, params["user_id"])
    stored = import_store.load(params["token"], user.id) if user else None
    if stored is None:
        raise importer.ImportFileError(_("The uploaded file is no longer available. Upload it again."))
    return user, stored


def _preview_row(number: int, clean: dict) -> dict:
    shown = ("product", "variety", "quantity", "unit", "price", "price_unit", "available_from", "available_to",
             "county_code")
    return {"number": number, **{key: None if clean.get(key) is None else str(clean[key]) for key in shown}}


def run_check_job(job_id: int, params: dict, progress) -> dict:
    """Validates every row; the result is what the preview shows, the row report is kept beside the file."""
    progress(10, "validating")
    try:
        user, (data, filename) = _user_and_file(params)
        with bulk.gc_paused():
            result = importer.check_file(data, filename, user)
    except importer.ImportFileError as error:
        return {"ok": False, "message": error.message}
    db.session.commit()  # end the read
    progress(90, "saving")
    import_store.save_report(params["token"], importer.error_report_csv(result))
    return {"ok": result.ok, "rows": result.rows, "valid": len(result.valid), "error_count": len(result.errors),
            "errors": [{"row": e.row, "field": e.field, "message": e.message, "value": e.value}
                       for e in result.errors[:SHOWN_ERRORS]],
            "preview": [_preview_row(number, clean) for number, _p, _s, clean in result.valid[:PREVIEW_ROWS]]}


def start_commit(user, token: str) -> bool:
    """Starts the commit job; False when this upload is being committed or has been already."""
    if not import_store.claim_commit(token):
        return False
    job = jobs.enqueue(COMMIT_JOB, {"token": token, "user_id": user.id}, user_id=user.id)
    import_store.update_meta(token, commit_job=job.id)
    return True


def run_commit_job(job_id: int, params: dict, progress) -> dict:
    """Checks the file again (the catalogue or the producer may have changed) and writes it all or nothing."""
    token = params["token"]
    progress(10, "validating")
    try:
        user, (data, filename) = _user_and_file(params)
        with bulk.gc_paused():
            result = importer.check_file(data, filename, user)
            if not result.ok:
                raise importer.ImportFileError(_("The file has errors; nothing was imported."))
            progress(50, "writing")
            new_ids = importer.insert_rows(result)
    except importer.ImportFileError as error:
        db.session.rollback()
        import_store.release_commit(token)
        return {"ok": False, "message": error.message}
    except Exception:
        db.session.rollback()
        import_store.release_commit(token)
        raise
    import_store.discard_file(token)  # committed: the claim stays, so the upload can never be committed again
    log.info("listing import %s by user %s: %s listings", token, user.id, len(new_ids))
    progress(80, "announcing")
    importer.announce(new_ids)
    return {"ok": True, "count": len(new_ids)}


def job_of(meta: dict) -> jobs.Job | None:
    """The job the upload's page follows: the commit job once there is one, else the check job."""
    job_id = meta.get("commit_job") or meta.get("check_job")
    return jobs.get(job_id) if job_id else None
