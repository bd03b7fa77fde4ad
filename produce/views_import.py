"""Bulk import pages: template download, upload with preview, commit, error report."""
from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core import spreadsheets
from core.db import db
from produce import import_store, importer
from produce.blueprint import bp
from produce.forms import ImportForm

PREVIEW_ROWS = 20
SHOWN_ERRORS = 200


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


def _check(data: bytes, filename: str):
    try:
        return importer.check_file(data, filename, current_user), None
    except importer.ImportFileError as error:
        return None, error.message


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
            result, problem = _check(data, storage.filename or "")
            if problem:
                form.file.errors = [problem]
            else:
                token = import_store.save(data, storage.filename or "upload", current_user.id)
                return render_template("produce/import_preview.html", result=result, token=token,
                                       preview=result.valid[:PREVIEW_ROWS], errors=result.errors[:SHOWN_ERRORS],
                                       form=ImportForm())
    return render_template("produce/import.html", form=form, for_official=_for_official())


def _stored(token):
    stored = import_store.load(token, current_user.id)
    if stored is None:
        abort(404)
    return stored


@bp.post("/import/<token>/commit")
@roles_required("producer", "official", "admin")
def import_commit(token):
    if not ImportForm().validate_on_submit():
        abort(400)
    data, filename = _stored(token)
    result, problem = _check(data, filename)
    if problem or not result.ok:
        flash(problem or _("The file has errors; nothing was imported."), "error")
        return redirect(url_for("produce.import_listings"))
    try:
        count = importer.commit_rows(result)
    except Exception:
        db.session.rollback()
        raise
    import_store.discard(token)
    flash(_("%(n)d listings imported.", n=count), "success")
    return redirect(url_for("produce.my_listings") if current_user.role == "producer" else url_for("produce.search"))


@bp.get("/import/<token>/errors.csv")
@roles_required("producer", "official", "admin")
def import_errors(token):
    data, filename = _stored(token)
    result, problem = _check(data, filename)
    body = importer.error_report_csv(result) if result else "\ufeff" + (problem or "")
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=import-errors.csv"})
