"""Fair pages: list, set-up, states, registration, invitations, suggestions. Thin: check, call, render.
Meetings and outcomes are in views_meetings.py, dashboard and report in views_reports.py (same blueprint)."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from core import jobs
from core.db import db
from fairs import queries, services, suggestions
from fairs.access import can_organise, can_see_fair, registration_of
from fairs.errors import FairError
from fairs.forms import (
    CATEGORY_CHOICES,
    ActionForm,
    AddPairForm,
    DecisionForm,
    FairForm,
    InviteForm,
    QuickDemandForm,
    RegistrationForm,
    TransitionForm,
)
from fairs.models import TRANSITIONS, Fair, Registration, Suggestion

bp = Blueprint("fairs", __name__, url_prefix="/fairs")


@bp.app_template_filter("qty")
def quantity_text(value) -> str:
    """A Decimal quantity without trailing zeros and never in exponent form (100.000 -> 100, 2.500 -> 2.5)."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def get_fair(fair_id: int) -> Fair:
    fair = db.session.get(Fair, fair_id)
    if fair is None or not can_see_fair(current_user, fair):
        abort(404)
    return fair


def organised_fair(fair_id: int) -> Fair:
    fair = get_fair(fair_id)
    if not can_organise(current_user, fair):
        abort(403)
    return fair


def fail(error: FairError, form=None) -> None:
    """A service's refusal: on the named form field when there is one, else as a flash."""
    field = getattr(form, error.field, None) if form is not None and error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors or []), error.message]
    else:
        flash(error.message, "error")


@bp.get("/")
def index():
    # A bounded page number: ?page=99999999999999999999 would overflow the SQL OFFSET.
    page = queries.fairs_for(current_user, page=min(request.args.get("page", 1, type=int), 100_000))
    return render_template("fairs/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("official", "admin")
def create():
    form = FairForm()
    if request.method == "GET" and current_user.region_code:
        form.region_code.data = current_user.region_code
    if form.validate_on_submit():
        try:
            fair = services.create_fair(current_user, form.service_data())
        except FairError as error:
            fail(error, form)
        else:
            flash(_("The fair was created as a draft."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/form.html", form=form, fair=None)


@bp.route("/<int:fair_id>/edit", methods=["GET", "POST"])
@roles_required("official", "admin")
def edit(fair_id):
    fair = organised_fair(fair_id)
    form = FairForm(obj=fair)
    if request.method == "GET":
        form.target_regions.data = ", ".join(fair.target_region_codes or [])
    if form.validate_on_submit():
        try:
            services.update_fair(current_user, fair, form.service_data())
        except FairError as error:
            db.session.rollback()
            fail(error, form)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/form.html", form=form, fair=fair)


@bp.get("/<int:fair_id>")
def detail(fair_id):
    fair = get_fair(fair_id)
    organiser = can_organise(current_user, fair)
    mine = registration_of(current_user, fair.id)
    context = {"fair": fair, "organiser": organiser, "mine": mine, "action_form": ActionForm(),
               "transitions": TRANSITIONS[fair.status] if organiser else (),
               "stats": queries.fair_stats(fair.id) if organiser else None,
               "link_example": services.meeting_link(fair, 0),
               "category_labels": dict(CATEGORY_CHOICES)}
    if mine is not None and mine.status == "approved":
        context.update(_participant_context(fair, mine))
    return render_template("fairs/detail.html", **context)


def _participant_context(fair: Fair, mine: Registration) -> dict:
    published = fair.suggestions_published_at is not None
    suggested = queries.suggestions(fair.id, include_removed=False, reg_id=mine.id) if published else []
    other_ids = {s.buyer_reg_id if mine.role == "producer" else s.producer_reg_id for s in suggested}
    q = (request.args.get("q") or "").strip()
    others = queries.registrations(fair.id, status="approved",
                                   role="buyer" if mine.role == "producer" else "producer")
    names = queries.party_names([r.id for r in others] + list(other_ids))
    if q:
        others = [r for r in others if q.lower() in names.get(r.id, "").lower()]
    return {"suggested": suggested, "names": names, "others": others[:50], "q": q,
            "product_names": queries.product_names(suggested),
            "my_meetings": [m for m in queries.meetings_of_user(current_user) if m.fair_id == fair.id]}


@bp.post("/<int:fair_id>/status")
@roles_required("official", "admin")
def change_status(fair_id):
    fair = organised_fair(fair_id)
    form = TransitionForm()
    if form.validate_on_submit():
        try:
            services.transition(current_user, fair, form.target.data)
            flash(_("The fair's state changed."), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.detail", fair_id=fair.id))


# ---- registration --------------------------------------------------------------------------------------------

def _own_items(form: RegistrationForm):
    if current_user.role == "producer":
        from produce.models import Listing
        from produce.queries import producer_for_user

        producer = producer_for_user(current_user)
        listings = [] if producer is None else db.session.scalars(db.select(Listing).where(
            Listing.producer_id == producer.id, Listing.status == "active").order_by(Listing.id)).all()
        form.listing_ids.choices = [(x.id, f"{x.product_name} {x.variety} · {x.quantity} {x.unit}") for x in listings]
        form.demand_ids.choices = []
        return producer
    from buyers.models import Demand
    from buyers.queries import org_for_user

    org = org_for_user(current_user)
    demands = [] if org is None else db.session.scalars(db.select(Demand).where(
        Demand.buyer_id == org.id, Demand.status == "open").order_by(Demand.id)).all()
    form.demand_ids.choices = [(x.id, f"{x.product_name} {x.variety} · {x.quantity_min}–{x.quantity_max} {x.unit}")
                               for x in demands]
    form.listing_ids.choices = []
    return org


@bp.route("/<int:fair_id>/register", methods=["GET", "POST"])
@roles_required("producer", "buyer")
def register(fair_id):
    fair = get_fair(fair_id)
    mine = registration_of(current_user, fair.id)
    form = RegistrationForm()
    party = _own_items(form)
    if request.method == "GET" and mine is not None:
        form.listing_ids.data = [i.listing_id for i in mine.items if i.listing_id]
        form.demand_ids.data = [i.demand_id for i in mine.items if i.demand_id]
    new_demand = request.args.get("new_demand", type=int)
    if request.method == "GET" and new_demand in {c[0] for c in form.demand_ids.choices}:
        form.demand_ids.data = [*(form.demand_ids.data or []), new_demand]
    if form.validate_on_submit():
        try:
            services.register(current_user, fair, form.listing_ids.data or [], form.demand_ids.data or [])
        except FairError as error:
            db.session.rollback()
            fail(error, form)
        else:
            flash(_("Your registration was sent. The organisers will review it."), "success")
            return redirect(url_for("fairs.detail", fair_id=fair.id))
    return render_template("fairs/register.html", fair=fair, form=form, mine=mine, party=party,
                           demand_form=QuickDemandForm(prefix="nd") if current_user.role == "buyer" else None)


@bp.post("/<int:fair_id>/register/demand")
@roles_required("buyer")
def register_new_demand(fair_id):
    """Creates a demand on the spot (through the buyers service) and returns to the registration form."""
    from buyers.queries import org_for_user
    from buyers.services import BuyerError, create_demand

    fair = get_fair(fair_id)
    form = QuickDemandForm(prefix="nd")
    org = org_for_user(current_user)
    if org is not None and form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "product_name", "quantity_min", "quantity_max", "unit", "price_max", "price_unit", "needed_from",
            "needed_to")}
        data["delivery_county_code"] = org.county_code
        try:
            demand = create_demand(current_user, data)
        except BuyerError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Your demand is posted; it is ticked below."), "success")
            return redirect(url_for("fairs.register", fair_id=fair.id, new_demand=demand.id))
    else:
        for name, errors in form.errors.items():
            flash(f"{getattr(form, name).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for("fairs.register", fair_id=fair.id))


@bp.post("/<int:fair_id>/withdraw")
@login_required
def withdraw(fair_id):
    fair = get_fair(fair_id)
    mine = registration_of(current_user, fair.id)
    if mine is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw(current_user, mine)
            flash(_("Your registration was withdrawn."), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.detail", fair_id=fair.id))


@bp.get("/<int:fair_id>/registrations")
@roles_required("official", "admin")
def registrations(fair_id):
    fair = organised_fair(fair_id)
    return render_template("fairs/registrations.html", fair=fair, rows=queries.participant_rows(fair.id),
                           decision_form=DecisionForm(), invite_form=InviteForm())


@bp.post("/registrations/<int:reg_id>/decide")
@roles_required("official", "admin")
def decide(reg_id):
    reg = db.session.get(Registration, reg_id) or abort(404)
    fair = organised_fair(reg.fair_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, reg, form.decision.data == "approve", form.reason.data or "")
            flash(_("Decision saved."), "success")
        except FairError as error:
            fail(error)
    else:
        flash(_("Choose approve or reject."), "error")
    return redirect(url_for("fairs.registrations", fair_id=fair.id))


@bp.post("/<int:fair_id>/invite")
@roles_required("official", "admin")
def invite(fair_id):
    fair = organised_fair(fair_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            count = services.invite_buyers(current_user, fair, form.product.data, form.region_code.data or None)
            flash(_("%(n)d buyers were invited.", n=count), "success")
        except FairError as error:
            fail(error)
    else:
        flash(_("Name a product (and optionally a six-digit region code)."), "error")
    return redirect(url_for("fairs.registrations", fair_id=fair.id))


# ---- suggestions ---------------------------------------------------------------------------------------------

@bp.get("/<int:fair_id>/suggestions")
@roles_required("official", "admin")
def suggestion_list(fair_id):
    fair = organised_fair(fair_id)
    items = queries.suggestions(fair.id)
    job = jobs.get(fair.suggestions_job_id) if fair.suggestions_job_id else None
    add_form = AddPairForm()
    listings, demands = suggestions.approved_records(fair.id)
    add_form.listing_id.choices = [(i, f"#{i} {rec['product']}") for i, (_r, rec) in listings.items()]
    add_form.demand_id.choices = [(i, f"#{i} {rec['product']}") for i, (_r, rec) in demands.items()]
    names = queries.party_names([s.producer_reg_id for s in items] + [s.buyer_reg_id for s in items])
    return render_template("fairs/suggestions.html", fair=fair, items=items, job=job, add_form=add_form,
                           names=names, product_names=queries.product_names(items), action_form=ActionForm())


@bp.post("/<int:fair_id>/suggestions/run")
@roles_required("official", "admin")
def suggestions_run(fair_id):
    fair = organised_fair(fair_id)
    if ActionForm().validate_on_submit():
        try:
            suggestions.start(current_user, fair)
            flash(_("Matching started."), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.suggestion_list", fair_id=fair.id))


@bp.get("/<int:fair_id>/suggestions/job")
@roles_required("official", "admin")
def suggestions_job(fair_id):
    """JSON status of the fair's matching job, polled by the progress bar."""
    fair = organised_fair(fair_id)
    job = jobs.get(fair.suggestions_job_id) if fair.suggestions_job_id else None
    if job is None:
        return jsonify({"status": "none", "progress": 0, "done": True})
    return jsonify(dict(job.as_dict(), result=job.result))


@bp.post("/suggestions/<int:suggestion_id>/remove", defaults={"action": "remove"})
@bp.post("/suggestions/<int:suggestion_id>/restore", defaults={"action": "restore"})
@roles_required("official", "admin")
def suggestion_toggle(suggestion_id, action):
    suggestion = db.session.get(Suggestion, suggestion_id) or abort(404)
    fair = organised_fair(suggestion.fair_id)
    if ActionForm().validate_on_submit():
        try:
            suggestions.set_removed(current_user, suggestion, action == "remove")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.suggestion_list", fair_id=fair.id) + f"#s{suggestion_id}")


@bp.post("/<int:fair_id>/suggestions/add")
@roles_required("official", "admin")
def suggestion_add(fair_id):
    fair = organised_fair(fair_id)
    listing_id = request.form.get("listing_id", type=int)
    demand_id = request.form.get("demand_id", type=int)
    if ActionForm().validate_on_submit() and listing_id and demand_id:
        try:
            suggestions.add_pair(current_user, fair, listing_id, demand_id)
            flash(_("The pair was added."), "success")
        except FairError as error:
            fail(error)
    else:
        flash(_("Choose a listing and a demand."), "error")
    return redirect(url_for("fairs.suggestion_list", fair_id=fair.id))


@bp.post("/<int:fair_id>/suggestions/publish")
@roles_required("official", "admin")
def suggestions_publish(fair_id):
    fair = organised_fair(fair_id)
    if ActionForm().validate_on_submit():
        try:
            count = suggestions.publish(current_user, fair)
            flash(_("%(n)d suggested pairs were published to the participants.", n=count), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.suggestion_list", fair_id=fair.id))


from fairs import views_meetings, views_reports  # noqa: E402, F401  (their routes join this blueprint)
