"""Pages of the demonstration-county programme (thin: parse, check access, call services/queries, render)."""
from datetime import date

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core import audit, regions
from core.db import db
from counties import export, forms, importing, permissions, queries, services, tables
from counties.models import Indicator, Target
from counties.validation import FieldError, FieldErrors

bp = Blueprint("counties", __name__, url_prefix="/counties")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language() -> str:
    return get_locale().language if get_locale() else "zh"


def _apply_error(form, error: FieldError) -> None:
    target = getattr(form, error.field, None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, error.message]
    else:
        flash(f"{error.field}: {error.message}", "error")


def _readable_county(code: str):
    county = queries.county_by_code(code)
    if county is None:
        abort(404)
    if not permissions.can_view(current_user, code):
        abort(403)
    return county


def _xlsx(filename: str, sheets) -> Response:
    return Response(export.workbook_bytes(sheets), mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


# ------------------------------------------------------------------ dashboards


@bp.route("/")
def index():
    if not (permissions.is_admin(current_user) or getattr(current_user, "role", None) == "official"):
        return public()
    scope = request.args.get("scope") or permissions.reading_scope(current_user)
    if not permissions.can_read_scope(current_user, scope):
        abort(403)
    sort = request.args.get("sort", "rural_online_sales")
    descending = request.args.get("dir", "desc") != "asc"
    rows = queries.county_rows(scope)
    view = tables.dashboard(rows, _language(), sort, descending)
    return render_template("counties/index.html", scope=scope, view=view, sort=sort, descending=descending,
                           scopes=tables.scope_choices(current_user), can_manage=permissions.can_manage_registry(
                               current_user), is_admin=permissions.is_admin(current_user))


@bp.route("/export.xlsx")
@roles_required("official", "admin")
def export_dashboard():
    scope = request.args.get("scope") or permissions.reading_scope(current_user)
    if not permissions.can_read_scope(current_user, scope):
        abort(403)
    table = request.args.get("table", "ranking")
    rows = queries.county_rows(scope)
    sheets = tables.export_sheets(rows, _language(), table, can_see_officials=True)
    if sheets is None:
        abort(404)
    return _xlsx(f"counties-{table}-{scope or 'national'}.xlsx", sheets)


@bp.route("/public")
def public():
    rows = queries.county_rows(None)
    return render_template("counties/public.html", summary=tables.public_summary(rows, _language()))


@bp.route("/public/export.xlsx")
def public_export():
    rows = queries.county_rows(None)
    summary = tables.public_summary(rows, _language())
    return _xlsx("counties-summary.xlsx", [(summary["title"], summary["headers"], summary["rows"])])


# ------------------------------------------------------------------ one county


@bp.route("/<code>")
@roles_required("official", "admin")
def county(code):
    county = _readable_county(code)
    rows = queries.county_rows(code)
    row = next(r for r in rows if r.county.id == county.id)
    view = tables.county_view(row, _language())
    return render_template("counties/county.html", county=county, row=row, view=view,
                           can_enter=permissions.can_enter_values(current_user, code),
                           can_manage=permissions.can_manage_registry(current_user, code))


@bp.route("/<code>/series.json")
@roles_required("official", "admin")
def series(code):
    county = _readable_county(code)
    return jsonify(queries.chart_series(county, _language()))


@bp.route("/<code>/values.xlsx")
@roles_required("official", "admin")
def county_export(code):
    county = _readable_county(code)
    row = next(r for r in queries.county_rows(code) if r.county.id == county.id)
    return _xlsx(f"county-{code}.xlsx", tables.county_sheets(row, _language()))


@bp.route("/<code>/history")
@roles_required("official", "admin")
def history(code):
    county = _readable_county(code)
    entries = audit.history(services.AUDIT_TYPE, county.code)
    return render_template("counties/history.html", county=county, entries=entries,
                           actors=queries.actor_names({e.actor_id for e in entries}))


@bp.route("/<code>/values", methods=["GET", "POST"])
@roles_required("official", "admin")
def enter_values(code):
    county = _readable_county(code)
    if not permissions.can_enter_values(current_user, code):
        abort(403)
    inds = queries.indicators()
    form = forms.values_form_class(inds)()
    if request.method == "GET" and request.args.get("period"):
        form.period.data = request.args["period"].strip().upper()
        for code, value in queries.period_values(county, form.period.data).items():
            getattr(form, code).data = tables.format_plain(value)
    if form.validate_on_submit():
        raw = {i.code: getattr(form, i.code).data for i in inds}
        try:
            changed = services.save_values(current_user, county, form.period.data, raw)
        except FieldErrors as invalid:
            for error in invalid.errors:
                _apply_error(form, error)
        else:
            flash(_("%(n)d values saved for %(period)s.", n=changed, period=form.period.data.strip().upper()),
                  "success")
            return redirect(url_for("counties.county", code=code))
    return render_template("counties/values.html", county=county, form=form, indicators=inds,
                           language=_language(), today=date.today(), periods=queries.periods_with_values(county))


# ------------------------------------------------------------------ registry


@bp.route("/new", methods=["GET", "POST"])
@roles_required("official", "admin")
def create():
    if not permissions.can_manage_registry(current_user):
        abort(403)
    form = forms.CountyForm()
    if form.validate_on_submit():
        try:
            county = services.create_county(current_user, tables.county_form_data(form))
        except FieldError as error:
            _apply_error(form, error)
        except services.NotAllowed:
            form.code.errors = [*form.code.errors, _("You may not manage counties outside your region.")]
        else:
            flash(_("County added to the registry."), "success")
            return redirect(url_for("counties.county", code=county.code))
    return render_template("counties/edit.html", form=form, county=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required("official", "admin")
def edit(code):
    county = queries.county_by_code(code)
    if county is None:
        abort(404)
    if not permissions.can_manage_registry(current_user, code):
        abort(403)
    form = forms.CountyForm(obj=None if request.method == "POST" else tables.county_form_object(county))
    form.code.data = county.code  # the code names the record; it is shown read-only and never changes
    if form.validate_on_submit():
        try:
            services.update_county(current_user, county, tables.county_form_data(form))
        except FieldError as error:
            _apply_error(form, error)
        else:
            flash(_("Registry record saved."), "success")
            return redirect(url_for("counties.county", code=code))
    return render_template("counties/edit.html", form=form, county=county)


def _run_import(kind: str, service):
    form = forms.ImportForm()
    errors, result = [], None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = importing.read_rows(upload.filename, importing.read_upload(upload), kind)
            result = service(current_user, rows)
        except importing.FileProblem as problem:
            form.file.errors = [*form.file.errors, problem.message]
        except services.ImportFailed as failed:
            errors = failed.errors
    status = 422 if errors or form.file.errors else 200
    return render_template("counties/import.html", form=form, errors=errors, result=result, kind=kind,
                           columns=importing.COLUMNS[kind]), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required("official", "admin")
def import_counties():
    if not permissions.can_manage_registry(current_user):
        abort(403)
    return _run_import("county", services.import_counties)


@bp.route("/values/import", methods=["GET", "POST"])
@roles_required("official", "admin")
def import_values():
    return _run_import("values", services.import_values)


@bp.route("/import/template-<kind>.<fmt>")
@roles_required("official", "admin")
def import_template(kind, fmt):
    if kind not in importing.COLUMNS or fmt not in ("xlsx", "csv"):
        abort(404)
    headers, rows = importing.template_rows(kind)
    if fmt == "xlsx":
        return _xlsx(f"template-{kind}.xlsx", [(kind, headers, rows)])
    body = "\ufeff" + "\n".join(",".join(line) for line in [headers, *rows]) + "\n"
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=template-{kind}.csv"})


# ------------------------------------------------------------------ indicators and targets (admins)


@bp.route("/indicators", methods=["GET", "POST"])
@bp.route("/indicators/<int:indicator_id>", methods=["GET", "POST"])
@roles_required("official", "admin")
def indicator_admin(indicator_id=None):
    indicator = db.session.get(Indicator, indicator_id) if indicator_id else None
    if indicator_id and indicator is None:
        abort(404)
    form = forms.IndicatorForm(obj=indicator if request.method == "GET" else None)
    is_admin = permissions.is_admin(current_user)
    if request.method == "POST":
        if not is_admin:
            abort(403)
        if form.validate_on_submit():
            try:
                services.save_indicator(current_user, form.data, indicator)
            except FieldError as error:
                    _apply_error(form, error)
            else:
                flash(_("Indicator saved."), "success")
                return redirect(url_for("counties.indicator_admin"))
    return render_template("counties/indicators.html", form=form, indicators=queries.indicators(False),
                           editing=indicator, is_admin=is_admin, language=_language())


@bp.route("/targets", methods=["GET", "POST"])
@roles_required("official", "admin")
def target_admin():
    form = forms.TargetForm()
    form.indicator_id.choices = [(i.id, i.label(_language())) for i in queries.indicators()]
    is_admin = permissions.is_admin(current_user)
    if request.method == "POST":
        if not is_admin:
            abort(403)
        if form.validate_on_submit():
            try:
                services.save_target(current_user, form.data)
            except FieldError as error:
                    _apply_error(form, error)
            else:
                flash(_("Target saved."), "success")
                return redirect(url_for("counties.target_admin"))
    return render_template("counties/targets.html", form=form, targets=queries.targets(), is_admin=is_admin,
                           language=_language(), region_name=regions.full_name)


@bp.route("/targets/<int:target_id>/delete", methods=["POST"])
@roles_required("admin")
def target_delete(target_id):
    target = db.get_or_404(Target, target_id)
    services.delete_target(current_user, target)
    flash(_("Target deleted."), "success")
    return redirect(url_for("counties.target_admin"))


bp.add_app_template_filter(tables.format_figure, "figure")
