"""Buyer imports as background jobs: the upload request stores the file and starts a staging job; the commit
request claims the staged import and starts a commit job. The web request stays short, and a job that dies
leaves nothing half-written (its writes are one transaction).

States of a BuyerImport: checking -> staged (or failed: the file could not be read) -> committing ->
committed. A refused or failed commit goes back to staged. The job working on an import is found by its
params (no column points to it).
"""
import logging
import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from buyers import imports, services
from buyers.models import BuyerImport
from core import bulk, jobs
from core.db import db

log = logging.getLogger(__name__)
STAGE_JOB = "buyers.import_jobs:run_stage_job"
COMMIT_JOB = "buyers.import_jobs:run_commit_job"
WORKING = ("checking", "committing")
STEPS = {"reading": _l("Reading the file"), "validating": _l("Checking every row"),
         "deduplicating": _l("Comparing with the buyer database and within the file"),
         "saving": _l("Saving the preview"), "writing": _l("Writing the buyers to the database")}


# ---------------------------------------------------------------- stage

def start_stage(user, filename: str, data: bytes) -> BuyerImport:
    """Stores the upload and starts the staging job; ImportError_ for a file that cannot be read at all."""
    imports.check_upload(user, filename, data)
    token = secrets.token_urlsafe(24)
    imports.upload_path(token).write_bytes(data)
    record = BuyerImport(id=token, user_id=user.id, filename=(filename or "")[:255], status="checking", counts={})
    db.session.add(record)
    db.session.commit()
    jobs.enqueue(STAGE_JOB, {"token": token}, user_id=user.id)
    return record


def run_stage_job(job_id: int, params: dict, progress) -> dict:
    token = params["token"]
    record = db.session.get(BuyerImport, token)
    if record is None or record.status != "checking":
        return {"ok": False, "noop": True}
    user, filename = db.session.get(User, record.user_id), record.filename
    try:
        with bulk.gc_paused():
            counts, timing = imports.stage_file(user, token, filename, imports.upload_path(token).read_bytes(),
                                                progress)
    except imports.ImportError_ as error:
        _set_status(token, "checking", "failed")
        return {"ok": False, "message": error.message}
    except Exception:
        db.session.rollback()
        _set_status(token, "checking", "failed")
        raise
    finally:
        imports.upload_path(token).unlink(missing_ok=True)
    _set_status(token, "checking", "staged", counts=counts)
    return {"ok": True, "counts": counts, "timing": timing}


def _set_status(token: str, current: str, new: str, **values) -> bool:
    """Moves the import from one state to the next in its own transaction; False when it was not `current`."""
    return jobs.move_status(BuyerImport, token, current, new, **values)


# ---------------------------------------------------------------- commit

def start_commit(user, token: str) -> None:
    """Claims a staged import for committing and starts the job; ImportError_ when it is committed or
    being committed already (a double submission starts nothing)."""
    record = imports.owned(user, token)
    if record is None:
        raise services.PermissionDenied()
    claimed = jobs.claim_status(BuyerImport, token, "staged", "committing")
    if not claimed and not (record.status == "committing" and _commit_abandoned(token)):
        db.session.rollback()
        if db.session.get(BuyerImport, token).status == "committed":
            raise imports.ImportError_(_("This import has been committed already."))
        raise imports.ImportError_(_("This import is being committed."))
    db.session.commit()
    jobs.enqueue(COMMIT_JOB, {"token": token}, user_id=user.id)


def _commit_abandoned(token: str) -> bool:
    """Is an import left in `committing` by a job that died (a killed worker)? See jobs.abandoned: only one
    job can claim the import (run_commit_job), so a new one may take over."""
    record = db.session.get(BuyerImport, token, populate_existing=True)
    # not `committing` any more: committed (or given back) since this request first read it
    return record.status == "committing" and jobs.abandoned(record, current_job(record))


def run_commit_job(job_id: int, params: dict, progress) -> dict:
    """Writes the import in one transaction. The claim (committing -> committed) is its first statement and
    locks the import: a second job for the same token claims nothing and writes nothing."""
    token = params["token"]
    progress(10, "writing")
    if not jobs.claim_status(BuyerImport, token, "committing", "committed"):
        db.session.rollback()
        return {"ok": True, "noop": True}
    record = db.session.get(BuyerImport, token, populate_existing=True)
    try:
        with bulk.gc_paused():
            created = imports.write(db.session.get(User, record.user_id), record)
        db.session.commit()
    except imports.ImportError_ as error:
        db.session.rollback()
        imports.store_problems(token, error.errors)
        _set_status(token, "committing", "staged")
        return {"ok": False, "message": error.message}
    except Exception:
        db.session.rollback()
        log.exception("buyer import %s failed; rolled back", token)
        _set_status(token, "committing", "staged")
        raise imports.ImportError_(_("The import failed and was rolled back: nothing was written.")) from None
    log.info("buyer import %s committed: %s buyers created", token, created)
    return {"ok": True, "created": created}


# ---------------------------------------------------------------- status

def current_job(record: BuyerImport | None) -> jobs.Job | None:
    """The newest job started for this import (staging or commit), by its params: the uploader's jobs
    since the import was created are few."""
    if record is None:
        return None
    candidates = db.session.scalars(sa.select(jobs.Job).where(
        jobs.Job.kind.in_((STAGE_JOB, COMMIT_JOB)), jobs.Job.created_by_id == record.user_id,
        jobs.Job.created_at >= record.created_at).order_by(jobs.Job.id.desc()))
    return next((job for job in candidates if (job.params or {}).get("token") == record.id), None)


def job_status(record: BuyerImport) -> dict:
    """What the progress page and its JSON endpoint show: percentage, step, outcome."""
    state = jobs.progress_state(current_job(record), STEPS)
    state["import_status"] = record.status
    state["done"] = record.status not in WORKING
    return state


def outcome(record: BuyerImport) -> tuple[str, str] | None:
    """(level, message) for the page that follows an import: what was created once it is committed (whichever
    job did it), else why the last job refused or failed."""
    if record.status == "committed":
        return "success", _("Import committed: %(n)d buyers created.", n=record.counts.get("created", 0))
    job = current_job(record)
    if job is None or not job.done:
        return None
    if job.status == "failed":
        return "error", (_("The import failed and was rolled back: nothing was written.") if job.kind == COMMIT_JOB
                         else _("The file could not be checked. Upload it again or ask an administrator."))
    return ("error", job.result["message"]) if (job.result or {}).get("message") else None
