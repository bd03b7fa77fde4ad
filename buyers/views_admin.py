"""Buyer database management for officials (region-scoped) and admins: list, verify, deactivate,
export, import with de-duplication, merge and undo."""
import csv
import io

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from accounts.permissions import roles_required
from buyers import exports, forms, import_jobs, importfile, imports, merge, queries, services
from buyers.models import BUYER_TYPES, BuyerImport, BuyerOrg
from buyers.views import bp
from core import spreadsheets
from core.db import db

STAFF = ("official", "admin")


def admin_filters() -> dict:
    args = request.args
    verified = {"yes": True, "no": False}.get(args.get("verified", ""))
    active = {"yes": True, "no": False}.get(args.get("active", "yes"))
    type_ = args.get("type") if args.get("type") in BUYER_TYPES else None
    return {"q": (args.get("q") or "").strip()[:100] or None, "type_": type_,
            "region": (args.get("region") or "").strip()[:6] or None, "verified": verified, "active": active,
            "product": (args.get("product") or "").strip()[:50] or None}


@bp.get("/admin")
@roles_required(*STAFF)
def admin_list():
    stmt = queries.admin_search(current_user, **admin_filters())
    page = db.paginate(stmt, page=min(request.args.get("page", 1, type=int), 100_000),  # no OFFSET overflow
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("buyers/admin_list.html", page=page, args=request.args,
                           type_choices=forms.TYPE_CHOICES)


@bp.get("/admin/export.<fmt>")
@roles_required(*STAFF)
def admin_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    # contacts in batches, not one query per organisation (the database may hold 100,000 records)
    orgs = db.session.scalars(queries.admin_search(current_user, **admin_filters())
                              .options(selectinload(BuyerOrg.contacts)))
    return exports.send_rows(exports.buyer_rows(orgs), fmt, "buyers")


def _manageable_org(buyer_id: int) -> BuyerOrg:
    org = db.session.get(BuyerOrg, buyer_id)
    if org is None:
        abort(404)
    if not queries.can_manage_org(current_user, org):
        abort(403)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    return org


@bp.post("/orgs/<int:buyer_id>/verify")
@roles_required(*STAFF)
def org_verify(buyer_id: int):
    org = _manageable_org(buyer_id)
    services.verify_org(current_user, org, verified=request.form.get("verified", "1") == "1")
    flash(_("Verification status saved."), "success")
    return redirect(url_for("buyers.org_detail", buyer_id=org.id))


@bp.post("/orgs/<int:buyer_id>/active")
@roles_required(*STAFF)
def org_set_active(buyer_id: int):
    org = _manageable_org(buyer_id)
    services.set_active(current_user, org, active=request.form.get("active") == "1")
    flash(_("The record is active.") if org.active else _("The record has been deactivated."), "success")
    return redirect(url_for("buyers.org_detail", buyer_id=org.id))


# ---------------------------------------------------------------- import

@bp.get("/admin/import/template.<fmt>")
@roles_required(*STAFF)
def import_template(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "text/csv; charset=utf-8")
    return Response(importfile.template(fmt), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="buyer-import-template.{fmt}"'})


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_upload():
    form = forms.ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            record = import_jobs.start_stage(current_user, upload.filename or "", spreadsheets.read_upload(upload))
        except spreadsheets.SpreadsheetRefused as refused:
            form.file.errors = [refused.message]
        except imports.ImportError_ as error:
            db.session.rollback()
            form.file.errors = [error.message]
        else:
            return redirect(url_for("buyers.import_preview", token=record.id))
    return render_template("buyers/import_upload.html", form=form), (400 if form.errors else 200)


def _owned(token: str) -> BuyerImport:
    record = imports.owned(current_user, token)
    if record is None:
        abort(404)
    return record


def _staged(token: str):
    found = imports.load(current_user, token)
    if found is None:
        abort(404)
    return found


PREVIEW_LIMIT = 500


@bp.route("/admin/import/<token>", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_preview(token: str):
    record = _owned(token)
    job = import_jobs.job_status(record)
    if record.status in import_jobs.WORKING or record.status == "failed":
        return render_template("buyers/import_job.html", record=record, job=job,
                               outcome=import_jobs.outcome(record), action=forms.ActionForm())
    record, payload = _staged(token)
    if request.method == "POST" and record.status == "staged":
        if not forms.ActionForm().validate_on_submit():
            abort(400)
        choices = {key[len("choice-"):]: value for key, value in request.form.items() if key.startswith("choice-")}
        imports.decide(current_user, token, choices, rest=request.form.get("rest") or None)
        flash(_("Decisions saved."), "success")
        return redirect(url_for("buyers.import_preview", token=token))
    rows = payload["rows"]
    possible = [r for r in rows if r["decision"] == "possible"][:PREVIEW_LIMIT]
    others = [r for r in rows if r["decision"] != "possible"][:PREVIEW_LIMIT]
    of_ids = {r["of"] for r in rows if isinstance(r.get("of"), int)}
    names = dict(db.session.execute(db.select(BuyerOrg.id, BuyerOrg.name).where(BuyerOrg.id.in_(of_ids))).all()) \
        if of_ids else {}
    return render_template("buyers/import_preview.html", record=record, errors=payload["errors"][:PREVIEW_LIMIT],
                           possible=possible, others=others, names=names, action=forms.ActionForm(),
                           limit=PREVIEW_LIMIT, outcome=import_jobs.outcome(record))


@bp.get("/admin/import/<token>/job")
@roles_required(*STAFF)
def import_job(token: str):
    """JSON progress of the job working on this import, polled by the progress page."""
    return jsonify(import_jobs.job_status(_owned(token)))


@bp.post("/admin/import/<token>/commit")
@roles_required(*STAFF)
def import_commit(token: str):
    _owned(token)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        import_jobs.start_commit(current_user, token)
    except imports.ImportError_ as error:
        flash(error.message, "error")
    return redirect(url_for("buyers.import_preview", token=token))


@bp.get("/admin/import/<token>/errors.csv")
@roles_required(*STAFF)
def import_errors(token: str):
    _record, payload = _staged(token)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["行号", "列", "错误"])
    for line, field, message in payload.get("problems") or payload["errors"]:
        writer.writerow([line, field, exports.neutralise(message)])
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="import-errors.csv"'})


# ---------------------------------------------------------------- merge

@bp.route("/admin/merge", methods=["GET", "POST"])
@roles_required(*STAFF)
def merge_records():
    form = forms.MergeForm(survivor_id=request.args.get("survivor", type=int),
                           merged_id=request.args.get("merged", type=int))
    if form.validate_on_submit():
        survivor = db.session.get(BuyerOrg, form.survivor_id.data)
        merged = db.session.get(BuyerOrg, form.merged_id.data)
        if survivor is None or merged is None:
            form.merged_id.errors = [_("No buyer record has this ID.")]
        else:
            try:
                merge.merge_orgs(current_user, survivor, merged)
            except services.PermissionDenied:
                abort(403)
            except services.BuyerError as error:
                db.session.rollback()
                form.merged_id.errors = [error.message]
            else:
                flash(_("Records merged. You can undo the merge from the history page."), "success")
                return redirect(url_for("buyers.org_history", buyer_id=survivor.id))
    return render_template("buyers/merge.html", form=form)


@bp.post("/admin/merge/<int:entry_id>/undo")
@roles_required(*STAFF)
def undo_merge(entry_id: int):
    entry = merge.merge_entry(entry_id)
    if entry is None:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        restored = merge.undo_merge(current_user, entry)
    except services.PermissionDenied:
        abort(403)
    except services.BuyerError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("buyers.org_history", buyer_id=entry.after["survivor_id"]))
    flash(_("The merge has been undone."), "success")
    return redirect(url_for("buyers.org_detail", buyer_id=restored.id))
