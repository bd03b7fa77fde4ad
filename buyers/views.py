"""Buyer pages: organisation set-up and page, contacts, members, demands. Thin: parse, check, call, render."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from buyers import forms, matches, queries, services
from buyers.models import BuyerContact, BuyerOrg, Demand
from core import audit
from core.db import db

bp = Blueprint("buyers", __name__, url_prefix="/buyers")

# Routes living in sibling modules register on bp; the handlers module connects the listing_saved signal.
from buyers import handlers, views_admin, views_search  # noqa: E402, F401


def apply_error(form, error: services.BuyerError) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def get_org_or_404(buyer_id: int) -> BuyerOrg:
    org = db.session.get(BuyerOrg, buyer_id)
    if org is None or not queries.can_view_org(current_user, org):
        abort(404)
    return org


def get_demand_or_404(demand_id: int) -> Demand:
    demand = db.session.get(Demand, demand_id)
    if demand is None or not queries.can_view_demand(current_user, demand):
        abort(404)
    return demand


def conflict_message() -> str:
    return _("Someone else changed this record while you were editing. Reload the page to see their "
             "changes, then make yours again.")


def org_data(form) -> dict:
    return {name: getattr(form, name).data for name in services.ORG_FIELDS}


def org_url(org: BuyerOrg) -> str:
    return url_for("buyers.org_detail", buyer_id=org.id)


def demand_url(demand: Demand) -> str:
    return url_for("buyers.demand_detail", demand_id=demand.id)


def save_and_redirect(form, save, *, saved: str, next_url, template: str, **context):
    """The save step of every create and edit form: call the service (`save`), then flash `saved` and redirect
    to `next_url(record)`. A field error goes on the form and None comes back, so the caller shows the form
    again; a stale version shows it again with a 409; a refused permission is a 403."""
    try:
        record = save()
    except services.BuyerError as error:
        db.session.rollback()
        apply_error(form, error)
        return None
    except services.VersionConflict:
        db.session.rollback()
        flash(conflict_message(), "error")
        return render_template(template, form=form, **context), 409
    except services.PermissionDenied:
        abort(403)
    flash(saved, "success")
    return redirect(next_url(record))


# ---------------------------------------------------------------- organisations

@bp.route("/orgs/new", methods=["GET", "POST"])
@roles_required("buyer", "official", "admin")
def org_new():
    if current_user.role == "buyer" and queries.org_for_user(current_user) is not None:
        return redirect(url_for("buyers.my_demands"))
    form = forms.OrgForm()
    # the first contact is part of the organisation's form: one CSRF token (the outer form's) covers both
    contact = forms.ContactForm(prefix="contact", meta={"csrf": False})
    if form.validate_on_submit() and (not contact.name.data or contact.validate(extra_validators=None)):
        contacts = [{f: getattr(contact, f).data for f in ("name", "role", "phone", "email", "private")}] \
            if contact.name.data else []
        saved = save_and_redirect(form, lambda: services.create_org(current_user, org_data(form), contacts),
                                  saved=_("The organisation has been saved."), next_url=org_url,
                                  template="buyers/org_form.html", contact=contact, org=None)
        if saved is not None:
            return saved
    return render_template("buyers/org_form.html", form=form, contact=contact, org=None)


@bp.get("/orgs/<int:buyer_id>")
@login_required
def org_detail(buyer_id: int):
    org = get_org_or_404(buyer_id)
    insider = queries.can_see_private(current_user, org)
    return render_template(
        "buyers/org_detail.html", org=org, contacts=queries.visible_contacts(current_user, org),
        insider=insider, can_edit=queries.can_edit_org(current_user, org),
        can_manage=queries.can_manage_org(current_user, org),
        demands=queries.demands_of_org(org) if insider else [],
        members=queries.members_of(org) if insider else [],
        contact_form=forms.ContactForm(), member_form=forms.MemberForm(), action=forms.ActionForm())


@bp.route("/orgs/<int:buyer_id>/edit", methods=["GET", "POST"])
@login_required
def org_edit(buyer_id: int):
    org = get_org_or_404(buyer_id)
    if not queries.can_edit_org(current_user, org):
        abort(403)
    form = forms.OrgForm(obj=org)
    if request.method == "GET":
        form.products_of_interest.data = ", ".join(org.products_of_interest or [])
        form.preferred_origin_codes.data = ", ".join(org.preferred_origin_codes or [])
        form.delivery_region_codes.data = ", ".join(org.delivery_region_codes or [])
    if form.validate_on_submit():
        saved = save_and_redirect(
            form, lambda: services.update_org(current_user, org, org_data(form), int(form.version.data or 0)),
            saved=_("The organisation has been saved."), next_url=org_url, template="buyers/org_form.html",
            org=org, contact=None)
        if saved is not None:
            return saved
    return render_template("buyers/org_form.html", form=form, org=org, contact=None)


@bp.post("/orgs/<int:buyer_id>/contacts")
@login_required
def contact_add(buyer_id: int):
    org = get_org_or_404(buyer_id)
    if not queries.can_edit_org(current_user, org):
        abort(403)
    form = forms.ContactForm()
    if form.validate_on_submit():
        try:
            services.add_contact(current_user, org, {f: getattr(form, f).data for f in
                                                     ("name", "role", "phone", "email", "private")})
        except services.BuyerError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Contact added."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return redirect(org_url(org))


@bp.post("/contacts/<int:contact_id>/delete")
@login_required
def contact_delete(contact_id: int):
    contact = db.session.get(BuyerContact, contact_id)
    if contact is None or not queries.can_see_private(current_user, contact.buyer):
        abort(404)
    if not forms.ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_contact(current_user, contact)
    except services.PermissionDenied:
        abort(403)
    flash(_("Contact removed."), "success")
    return redirect(url_for("buyers.org_detail", buyer_id=contact.buyer_id))


@bp.post("/orgs/<int:buyer_id>/members")
@login_required
def member_add(buyer_id: int):
    org = get_org_or_404(buyer_id)
    if not queries.can_edit_org(current_user, org):
        abort(403)
    form = forms.MemberForm()
    if form.validate_on_submit():
        try:
            services.add_member(current_user, org, form.email.data)
        except services.BuyerError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The account now acts for this organisation."), "success")
    else:
        flash(_("Enter the e-mail of a buyer account."), "error")
    return redirect(org_url(org))


@bp.get("/orgs/<int:buyer_id>/history")
@login_required
def org_history(buyer_id: int):
    org = get_org_or_404(buyer_id)
    if not queries.can_see_private(current_user, org):
        abort(403)
    from buyers import merge

    return render_template("buyers/org_history.html", org=org, entries=merge.history_entries(org),
                           action=forms.ActionForm(), can_manage=queries.can_manage_org(current_user, org),
                           can_undo=merge.can_undo)


# ---------------------------------------------------------------- demands

@bp.get("/demands")
@roles_required("buyer")
def my_demands():
    org = queries.org_for_user(current_user)
    if org is None:
        return render_template("buyers/no_org.html")
    return render_template("buyers/my_demands.html", org=org, demands=queries.demands_of_org(org),
                           counts=matches.match_counts([d.id for d in queries.demands_of_org(org)]))


def demand_data(form) -> dict:
    return {name: getattr(form, name).data for name in services.DEMAND_FIELDS}


@bp.route("/demands/new", methods=["GET", "POST"])
@roles_required("buyer")
def demand_new():
    org = queries.org_for_user(current_user)
    if org is None:
        flash(_("Set up your organisation before posting demands."), "info")
        return redirect(url_for("buyers.org_new"))
    form = forms.DemandForm()
    if request.method == "GET":
        form.delivery_county_code.data = org.county_code
    if form.validate_on_submit():
        saved = save_and_redirect(form, lambda: services.create_demand(current_user, demand_data(form)),
                                  saved=_("Your demand is published."), next_url=demand_url,
                                  template="buyers/demand_form.html", demand=None)
        if saved is not None:
            return saved
    return render_template("buyers/demand_form.html", form=form, demand=None)


@bp.get("/demands/<int:demand_id>")
@login_required
def demand_detail(demand_id: int):
    demand = get_demand_or_404(demand_id)
    insider = queries.can_see_private(current_user, demand.buyer)
    stored = matches.matches_for_demand(demand.id, top=20) if insider else []
    listings = queries.listings_by_id([m["listing_id"] for m in stored])
    # a listing expired in bulk (no signal) keeps its stored rows until its next save: show active ones only
    found = [m for m in stored if m["listing_id"] in listings and listings[m["listing_id"]].status == "active"]
    return render_template("buyers/demand_detail.html", demand=demand, matches=found, listings=listings,
                           insider=insider, status_form=forms.StatusForm(status=demand.status, version=demand.version),
                           can_edit=queries.can_edit_demand(current_user, demand),
                           history=audit.history("demand", demand.id) if insider else [])


@bp.route("/demands/<int:demand_id>/edit", methods=["GET", "POST"])
@login_required
def demand_edit(demand_id: int):
    demand = get_demand_or_404(demand_id)
    if not queries.can_edit_demand(current_user, demand):
        abort(403)
    form = forms.DemandForm(obj=demand)
    if request.method == "GET":
        form.preferred_province_codes.data = ", ".join(demand.preferred_province_codes or [])
        form.price_unit.data = demand.price_unit or ""
    if form.validate_on_submit():
        saved = save_and_redirect(
            form, lambda: services.update_demand(current_user, demand, demand_data(form), int(form.version.data or 0)),
            saved=_("The demand has been saved."), next_url=demand_url, template="buyers/demand_form.html",
            demand=demand)
        if saved is not None:
            return saved
    return render_template("buyers/demand_form.html", form=form, demand=demand)


@bp.post("/demands/<int:demand_id>/status")
@login_required
def demand_status(demand_id: int):
    demand = get_demand_or_404(demand_id)
    if not queries.can_edit_demand(current_user, demand):
        abort(403)
    form = forms.StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return redirect(demand_url(demand))
    try:
        services.set_demand_status(current_user, demand, form.status.data, int(form.version.data or 0))
    except services.VersionConflict:
        db.session.rollback()
        flash(conflict_message(), "error")
        return redirect(demand_url(demand))
    flash(_("Status changed."), "success")
    return redirect(demand_url(demand))


@bp.get("/demands/<int:demand_id>/why-not")
@login_required
def demand_why_not(demand_id: int):
    """Explains one listing against this demand: each factor's contribution or the constraint that failed."""
    demand = get_demand_or_404(demand_id)
    if not queries.can_see_private(current_user, demand.buyer):
        abort(403)
    listing_id = request.args.get("listing_id", type=int)
    explanation = None
    if listing_id is not None:
        explanation = matches.explain_pair(demand, listing_id, current_user)
        if explanation is None:
            flash(_("No active listing has this number."), "error")
    return render_template("buyers/why_not.html", demand=demand, listing_id=listing_id, explanation=explanation)
