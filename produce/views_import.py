"""Bulk import pages: template download, upload with preview, commit, error report."""
from flask import Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core import jobs, spreadsheets
from produce import import_jobs, import_store, importer
from produce.blueprint import bp
from produce.forms import ImportForm


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


def _owned(token: str):
    record = import_jobs.owned(current_user, token)
    if record is None:
        abort(404)
    return record


@bp.get("/import/<token>")
@roles_required("producer", "official", "admin")
def import_preview(token):
    record = _owned(token)
    if record.status == "committed":  # whichever job wrote it
        return render_template("produce/import_done.html", count=record.counts.get("created", 0))
    check, commit = import_jobs.jobs_of(record)
    if record.status in import_jobs.WORKING or check is None or not check.done:
        return render_template("produce/import_job.html", job=import_jobs.job_state(record), token=token,
                               committing=record.status == "committing", form=ImportForm())
    result = check.result if check.status == "finished" else None
    if not result or "rows" not in result:  # the check job could not read the file
        problem = (result or {}).get("message") or _("The file could not be checked. Upload it again.")
        return render_template("produce/import_job.html", job=jobs.progress_state(check, import_jobs.STEPS),
                               token=token, problem=problem)
    problem = None  # the last commit, if any, was refused or failed: the preview stays, with the reason
    if commit is not None and commit.done:
        problem = (commit.result or {}).get("message") or _("The import failed; nothing was imported.")
    return render_template("produce/import_preview.html", result=result, token=token, problem=problem,
                           form=ImportForm())


@bp.get("/import/<token>/job")
@roles_required("producer", "official", "admin")
def import_job(token):
    """JSON progress of the check or commit job of an upload, polled by its page."""
    return jsonify(import_jobs.job_state(_owned(token)))


@bp.post("/import/<token>/commit")
@roles_required("producer", "official", "admin")
def import_commit(token):
    if not ImportForm().validate_on_submit():
        abort(400)
    _owned(token)
    if not import_jobs.start_commit(current_user, token):
        flash(_("This import is being committed or has been committed already."), "error")
    return redirect(url_for("produce.import_preview", token=token))


@bp.get("/import/<token>/errors.csv")
@roles_required("producer", "official", "admin")
def import_errors(token):
    _owned(token)
    body = import_store.report(token)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=import-errors.csv"})
