"""Organisers' live dashboard (JSON polled by fairs.js) and the final report (printable HTML and XLSX)."""
from flask import Response, jsonify, render_template

from accounts.permissions import roles_required
from fairs import queries, report
from fairs.views import bp, organised_fair


@bp.get("/<int:fair_id>/dashboard")
@roles_required("official", "admin")
def dashboard(fair_id):
    fair = organised_fair(fair_id)
    return render_template("fairs/dashboard.html", fair=fair, stats=queries.stats_json(fair.id))


@bp.get("/<int:fair_id>/stats.json")
@roles_required("official", "admin")
def stats(fair_id):
    fair = organised_fair(fair_id)
    response = jsonify(queries.stats_json(fair.id))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:fair_id>/report")
@roles_required("official", "admin")
def report_html(fair_id):
    fair = organised_fair(fair_id)
    return render_template("fairs/report.html", fair=fair, stats=queries.stats_json(fair.id),
                           participants=queries.participant_rows(fair.id),
                           agreements=queries.agreements_of_fair(fair.id, status="verified"))


@bp.get("/<int:fair_id>/report.xlsx")
@roles_required("official", "admin")
def report_xlsx(fair_id):
    fair = organised_fair(fair_id)
    return Response(report.build_workbook(fair),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=fair-{fair.id}-report.xlsx"})
