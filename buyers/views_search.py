"""Supplier search for buyers: listings (produce search) and producers; saved searches; export."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from buyers import exports, forms, queries, services
from buyers.models import SavedSearch
from buyers.views import bp
from core.db import db

SEARCH_ROLES = ("buyer", "official", "admin")


def search_params() -> dict:
    params = {key: (request.args.get(key) or "").strip()[:100] for key in services.SEARCH_KEYS}
    params["kind"] = params["kind"] if params["kind"] in ("listings", "producers") else "listings"
    return params


@bp.get("/suppliers")
@roles_required(*SEARCH_ROLES)
def supplier_search():
    params = search_params()
    page_no = request.args.get("page", 1, type=int)
    per_page = current_app.config["PAGE_SIZE"]
    results = (queries.search_producers(params, page_no, per_page) if params["kind"] == "producers"
               else queries.search_listings(params, page_no, per_page))
    save_form = forms.SavedSearchForm(formdata=None, **params)
    return render_template("buyers/supplier_search.html", params=params, results=results, save_form=save_form,
                           saved=queries.saved_searches_of(current_user), cert_choices=forms.CERT_CHOICES,
                           searched=any(params[k] for k in services.SEARCH_KEYS if k != "kind"))


@bp.get("/suppliers/export.<fmt>")
@roles_required(*SEARCH_ROLES)
def supplier_export(fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    params = search_params()
    return exports.send_rows(exports.search_rows(params["kind"], all_results(params)), fmt,
                             f"suppliers-{params['kind']}")


def all_results(params: dict) -> list:
    """Every result of a search, page by page (the produce search caps a page at 100), up to the export cap."""
    search = queries.search_producers if params["kind"] == "producers" else queries.search_listings
    items, page_no = [], 1
    while len(items) < exports.MAX_SEARCH_ROWS:
        page = search(params, page_no, 100)
        if page is None or not page.items:
            break
        items.extend(page.items)
        if page_no >= page.pages:
            break
        page_no += 1
    return items[: exports.MAX_SEARCH_ROWS]


@bp.post("/saved-searches")
@roles_required(*SEARCH_ROLES)
def save_search():
    form = forms.SavedSearchForm()
    if not form.validate_on_submit():
        abort(400)
    params = {key: getattr(form, key).data for key in services.SEARCH_KEYS}
    try:
        services.save_search(current_user, form.name.data, params)
    except services.BuyerError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Search saved: you will be notified of new listings that match it."), "success")
    return redirect(url_for("buyers.supplier_search", **{k: v for k, v in params.items() if v}))


@bp.post("/saved-searches/<int:search_id>/delete")
@roles_required(*SEARCH_ROLES)
def delete_saved_search(search_id: int):
    search = db.session.get(SavedSearch, search_id)
    if search is None or search.user_id != current_user.id:
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    services.delete_saved_search(current_user, search)
    flash(_("Saved search deleted."), "success")
    return redirect(url_for("buyers.supplier_search"))
