"""Bulk import pages: template download, upload with preview, commit, error report."""
from flask import Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import roles_required
from core import jobs, spreadsheets
from produce import import_jobs, import_store, importer
from produce.blueprint import bp
from produce.forms import ImportForm

STEPS = {"validating": _l("Checking every row"), "saving": _l("Saving the row report"),
         "writing": _l("Writing the listings to the database"),
         "announcing": _l("Refreshing matches and saved searches")}


def _for_official() -> bool:
    return current_user.role in ("official", "admin")


@bp.get("/import/template.<fmt>")
@roles_required("producer", "official", "admin")
def import_template(fmt):
    if fmt == "xlsx":
        return Response(importer.template_xlsx(_for_official()), headers={
            "Content-Disposition": "attachment; filename=listings-template.xlsx"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "csv":
        return Response(importer.template_csv(_for_official()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": "attachment; filename=listings-template.csv"})
    abort(404)


def _read(storage) -> tuple[bytes, str | None]:
    try:
        data = spreadsheets.read_upload(storage.stream) if storage else b""
    except spreadsheets.SpreadsheetRefused as refused:
        return b"", refused.message
    return data, None if data else _("Choose a file.")


@bp.route("/import", methods=["GET", "POST"])
@roles_required("producer", "official", "admin")
def import_listings():
    form = ImportForm()
    if form.validate_on_submit():
        storage = form.file.data
        data, problem = _read(storage)
        if problem:
            form.file.errors = [problem]
        else:
            try:
                token = import_jobs.start_check(current_user, storage.filename or "", data)
            except importer.ImportFileError as error:
                form.file.errors = [error.message]
            else:
                return redirect(url_for("produce.import_preview", token=token))
    return render_template("produce/import.html", form=form, for_official=_for_official())


def _meta(token: str) -> dict:
    meta = import_store.meta(token, current_user.id)
    if meta is None:
        abort(404)
    return meta


def _state(job) -> dict:
    return jobs.progress_state(job, STEPS)


@bp.get("/import/<token>")
@roles_required("producer", "official", "admin")
def import_preview(token):
    meta = _meta(token)
    check, commit = (jobs.get(meta[key]) if meta.get(key) else None for key in ("check_job", "commit_job"))
    following = commit or check
    if following is None or not following.done:
        return render_template("produce/import_job.html", job=_state(following), token=token,
                               committing=following is not None and following is commit)
    if commit is not None and commit.status == "finished" and commit.result.get("ok"):
        return render_template("produce/import_done.html", count=commit.result["count"])
    result = check.result if check.status == "finished" else None
    if not result or "rows" not in result:  # the check job could not read the file
        problem = (result or {}).get("message") or _("The file could not be checked. Upload it again.")
        return render_template("produce/import_job.html", job=_state(check), token=token, problem=problem)
    problem = None  # the last commit, if any, was refused or failed: the preview stays, with the reason
    if commit is not None:
        problem = (commit.result or {}).get("message") or _("The import failed; nothing was imported.")
    return render_template("produce/import_preview.html", result=result, token=token, problem=problem,
                           form=ImportForm())


@bp.get("/import/<token>/job")
@roles_required("producer", "official", "admin")
def import_job(token):
    """JSON progress of the check or commit job of an upload, polled by its page."""
    meta = _meta(token)
    return jsonify(_state(import_jobs.job_of(meta)))


@bp.post("/import/<token>/commit")
@roles_required("producer", "official", "admin")
def import_commit(token):
    if not ImportForm().validate_on_submit():
        abort(400)
    if import_store.load(token, current_user.id) is None:
        abort(404)
    if not import_jobs.start_commit(current_user, token):
        flash(_("This import is being committed or has been committed already."), "error")
    return redirect(url_for("produce.import_preview", token=token))


@bp.get("/import/<token>/errors.csv")
@roles_required("producer", "official", "admin")
def import_errors(token):
    _meta(token)
    body = import_store.report(token)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=import-errors.csv"})
