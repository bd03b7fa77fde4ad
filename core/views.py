"""Home, health check, language switch and the region picker's JSON."""
import sqlalchemy as sa
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core import notifications, regions
from core.db import db
from core.i18n import LOCALE_COOKIE
from core.security import safe_next_url

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    return render_template("core/index.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")


@bp.post("/language")
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    response = redirect(safe_next_url(request.form.get("next")) or url_for("core.index"))
    response.set_cookie(LOCALE_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.get("/notifications")
@login_required
def notification_list():
    items = notifications.recent(current_user.id)
    return render_template("core/notifications.html", items=items)


@bp.post("/notifications/read")
@login_required
def notifications_read():
    notifications.mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("core.notification_list"))


def _region_json(region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level, "parent": region.parent_code}


@bp.get("/regions/children")
def region_children():
    parent = request.args.get("parent") or None
    if parent and regions.get(parent) is None:
        abort(404)
    return jsonify([_region_json(r) for r in regions.children(parent)])


@bp.get("/regions/search")
def region_search():
    text = request.args.get("q", "").strip()[:50]
    return jsonify([_region_json(r) for r in regions.search(text, limit=20)] if text else [])
