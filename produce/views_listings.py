"""A producer's own listings: create, edit (with the version check), status, renew, delete, photos,
and buyers' contact requests."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.db import db
from produce import photos as photo_service
from produce import services
from produce.blueprint import bp
from produce.forms import CERT_LABELS, STATUS_LABELS, ContactForm, ListingForm, PhotoForm
from produce.models import Listing, ListingPhoto
from produce.permissions import can_edit_listing, can_view_listing
from produce.queries import listings_of_producer, producer_for_user
from produce.search import visible_condition


def _own_listing_or_error(listing_id: int) -> Listing:
    """404 for a listing the user may not even see (another producer's draft), 403 for one they only see."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can_view_listing(current_user, listing):
        abort(404)
    if not can_edit_listing(current_user, listing):
        abort(403)
    return listing


def _producer_or_redirect():
    producer = producer_for_user(current_user)
    if producer is None:
        flash(_("Create your producer profile first."), "info")
    return producer


def _put_errors(form, error: services.ListingError) -> None:
    for name, message in error.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


def _listing_form_page(form, producer, listing=None, photo_form=None):
    held = producer.held_certifications()
    form.certifications.choices = [(c, label) for c, label in CERT_LABELS.items() if c in held]
    return render_template("produce/listing_form.html", form=form, listing=listing, producer=producer,
                           photo_form=photo_form or PhotoForm())


@bp.route("/listings/new", methods=["GET", "POST"])
@roles_required("producer")
def new_listing():
    producer = _producer_or_redirect()
    if producer is None:
        return redirect(url_for("produce.profile"))
    form = ListingForm()
    if request.method == "GET":
        form.county_code.data = producer.county_code
    if form.validate_on_submit():
        data = form.listing_data()
        data["status"] = "active" if request.form.get("action") == "publish" else "draft"
        try:
            listing = services.create_listing(current_user, data)
        except services.ListingError as error:
            _put_errors(form, error)
        else:
            added = _save_photos(listing, request.files.getlist("photos"))
            flash(_("Listing saved.") + (" " + _("%(n)d photos added.", n=added) if added else ""), "success")
            return redirect(url_for("produce.listing_detail", listing_id=listing.id))
    return _listing_form_page(form, producer)


def _save_photos(listing, files) -> int:
    added = 0
    for storage in files:
        if not storage or not storage.filename:
            continue
        try:
            photo_service.add_photo(current_user, listing, storage)
            added += 1
        except photo_service.PhotoError as error:
            flash(f"{storage.filename}: {error.message}", "error")
    return added


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@roles_required("producer")
def edit_listing(listing_id):
    listing = _own_listing_or_error(listing_id)
    form = ListingForm(obj=None if request.method == "POST" else listing)
    if request.method == "GET":
        form.product.data = listing.product_name
        form.price.data = "" if listing.price is None else str(listing.price)
        for name in ("quantity", "net_weight_kg", "min_order"):
            value = getattr(listing, name)
            form[name].data = "" if value is None else f"{value.normalize():f}"
        form.version.data = str(listing.version)
    if form.validate_on_submit():
        try:
            services.update_listing(current_user, listing, form.listing_data(), form.version.data)
        except services.VersionConflict as conflict:
            db.session.rollback()
            flash(str(conflict), "error")
            return render_template("produce/conflict.html", listing=db.session.get(Listing, listing_id),
                                   yours=form.listing_data()), 409
        except services.ListingError as error:
            db.session.rollback()
            _put_errors(form, error)
        else:
            flash(_("Listing saved."), "success")
            return redirect(url_for("produce.listing_detail", listing_id=listing.id))
    return _listing_form_page(form, listing.producer, listing)


@bp.post("/listings/<int:listing_id>/status")
@roles_required("producer")
def change_status(listing_id):
    listing = _own_listing_or_error(listing_id)
    try:
        services.set_status(current_user, listing, request.form.get("status", ""), request.form.get("version"))
        flash(_("Status changed to %(status)s.", status=STATUS_LABELS.get(listing.status, listing.status)),
              "success")
    except services.VersionConflict as conflict:
        db.session.rollback()
        flash(str(conflict), "error")
    except services.ListingError as error:
        db.session.rollback()
        flash(error.message, "error")
    if request.form.get("back") == "detail":
        return redirect(url_for("produce.listing_detail", listing_id=listing_id))
    return redirect(url_for("produce.my_listings"))


@bp.post("/listings/<int:listing_id>/renew")
@roles_required("producer")
def renew(listing_id):
    listing = _own_listing_or_error(listing_id)
    try:
        services.renew_listing(current_user, listing)
        flash(_("Listing renewed until %(date)s.", date=listing.available_to.isoformat()), "success")
    except (services.ListingError, services.VersionConflict) as error:
        db.session.rollback()
        flash(getattr(error, "message", str(error)), "error")
    return redirect(url_for("produce.my_listings"))


@bp.post("/listings/<int:listing_id>/delete")
@roles_required("producer")
def delete(listing_id):
    listing = _own_listing_or_error(listing_id)
    services.delete_listing(current_user, listing)
    flash(_("Listing deleted."), "success")
    return redirect(url_for("produce.my_listings"))


@bp.post("/listings/<int:listing_id>/photos")
@roles_required("producer")
def upload_photos(listing_id):
    listing = _own_listing_or_error(listing_id)
    added = _save_photos(listing, request.files.getlist("photos"))
    if added:
        flash(_("%(n)d photos added.", n=added), "success")
    return redirect(url_for("produce.edit_listing", listing_id=listing_id))


@bp.post("/photos/<int:photo_id>/delete")
@roles_required("producer")
def delete_photo(photo_id):
    photo = db.session.get(ListingPhoto, photo_id)
    if photo is None:
        abort(404)
    _own_listing_or_error(photo.listing_id)
    photo_service.remove_photo(current_user, photo)
    flash(_("Photo removed."), "success")
    return redirect(url_for("produce.edit_listing", listing_id=photo.listing_id))


@bp.get("/mine")
@roles_required("producer")
def my_listings():
    producer = _producer_or_redirect()
    if producer is None:
        return redirect(url_for("produce.profile"))
    listings = listings_of_producer(producer.id)
    counts = {}
    for listing in listings:
        counts[listing.status] = counts.get(listing.status, 0) + 1
    from produce.views_search import _matching_demands

    matches = {listing.id: _matching_demands(listing) for listing in listings if listing.status == "active"}
    return render_template("produce/my_listings.html", producer=producer, listings=listings, counts=counts,
                           status_labels=STATUS_LABELS, matches=matches)


@bp.post("/listings/<int:listing_id>/contact")
@roles_required("buyer")
def contact(listing_id):
    listing = db.session.get(Listing, listing_id)
    if listing is None or not db.session.query(Listing.id).filter(Listing.id == listing_id,
                                                                  visible_condition()).first():
        abort(404)
    form = ContactForm()
    if not form.validate_on_submit():
        flash(_("Write a message of at most 1000 characters."), "error")
        return redirect(url_for("produce.listing_detail", listing_id=listing_id))
    services.send_contact_request(current_user, listing, form.message.data)
    flash(_("Your request was sent to the producer."), "success")
    return redirect(url_for("produce.listing_detail", listing_id=listing_id))

