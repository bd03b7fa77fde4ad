"""The producer's own profile (members, certifications) and public producer pages with verification."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import roles_required
from core.db import db
from produce import profiles
from produce.blueprint import bp
from produce.cards import card_of
from produce.forms import CERT_LABELS, KIND_LABELS, CertificationForm, MemberForm, ProfileForm
from produce.models import ProducerCertification, ProducerMember, ProducerProfile
from produce.permissions import can_verify_producer, is_owner
from produce.queries import listings_of_producer, producer_for_user


def _error_on(form, error) -> None:
    if error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/profile", methods=["GET", "POST"])
@roles_required("producer")
def profile():
    producer = producer_for_user(current_user)
    form = ProfileForm(obj=producer)
    if request.method == "GET" and producer is None:
        form.kind.data = current_user.producer_kind
        form.contact_phone.data = current_user.phone
    if form.validate_on_submit():
        try:
            profiles.save_profile(current_user, form.data)
        except profiles.ProfileError as error:
            db.session.rollback()
            _error_on(form, error)
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("produce.profile"))
    return render_template("produce/profile.html", form=form, producer=producer, cert_form=CertificationForm(),
                           member_form=MemberForm(), cert_labels=CERT_LABELS, kind_labels=KIND_LABELS,
                           owner=is_owner(current_user, producer))


def _own_producer_or_403():
    producer = producer_for_user(current_user)
    if producer is None or not is_owner(current_user, producer):
        abort(403)
    return producer


@bp.post("/profile/certifications")
@roles_required("producer")
def add_certification():
    producer = _own_producer_or_403()
    form = CertificationForm()
    if form.validate_on_submit():
        try:
            profiles.add_certification(current_user, producer, form.kind.data, form.number.data, form.expires_on.data)
            flash(_("Certification added."), "success")
        except profiles.ProfileError as error:
            db.session.rollback()
            flash(error.message, "error")
    else:
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
    return redirect(url_for("produce.profile"))


@bp.post("/profile/certifications/<int:cert_id>/delete")
@roles_required("producer")
def remove_certification(cert_id):
    producer = _own_producer_or_403()
    cert = db.session.get(ProducerCertification, cert_id)
    if cert is None or cert.producer_id != producer.id:
        abort(404)
    profiles.remove_certification(current_user, producer, cert)
    flash(_("Certification removed."), "success")
    return redirect(url_for("produce.profile"))


@bp.post("/profile/members")
@roles_required("producer")
def add_member():
    producer = _own_producer_or_403()
    form = MemberForm()
    if form.validate_on_submit():
        try:
            profiles.add_member(current_user, producer, form.email.data)
            flash(_("Member added."), "success")
        except profiles.ProfileError as error:
            db.session.rollback()
            flash(error.message, "error")
    else:
        flash(_("Enter a valid e-mail address."), "error")
    return redirect(url_for("produce.profile"))


@bp.post("/profile/members/<int:member_id>/delete")
@roles_required("producer")
def remove_member(member_id):
    producer = _own_producer_or_403()
    member = db.session.get(ProducerMember, member_id)
    if member is None or member.producer_id != producer.id:
        abort(404)
    try:
        profiles.remove_member(current_user, producer, member)
        flash(_("Member removed."), "success")
    except profiles.ProfileError as error:
        flash(error.message, "error")
    return redirect(url_for("produce.profile"))


@bp.get("/producers/<int:producer_id>")
def producer_detail(producer_id):
    producer = db.session.get(ProducerProfile, producer_id)
    if producer is None:
        abort(404)
    listings = [card_of(listing) for listing in listings_of_producer(producer.id, public_only=True, limit=50)]
    return render_template("produce/producer_detail.html", producer=producer, listings=listings,
                           cert_labels=CERT_LABELS, kind_labels=KIND_LABELS,
                           can_verify=can_verify_producer(current_user, producer))


@bp.post("/producers/<int:producer_id>/verify")
@roles_required("official", "admin")
def verify(producer_id):
    producer = db.session.get(ProducerProfile, producer_id)
    if producer is None:
        abort(404)
    if not can_verify_producer(current_user, producer):
        abort(403)
    profiles.verify_producer(current_user, producer)
    flash(_("Producer verified."), "success")
    return redirect(url_for("produce.producer_detail", producer_id=producer_id))
