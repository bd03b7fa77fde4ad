"""Meeting pages: request or book, answer, my schedule (+ .ics), messages with attachments, outcomes."""
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.permissions import roles_required
from core.db import db
from fairs import ics, meetings, outcomes, queries, services
from fairs.access import can_organise, can_view_meeting, party_registration, registration_of
from fairs.errors import FairError
from fairs.forms import ActionForm, AgreementForm, AnswerForm, BookForm, MessageForm, SlotsForm
from fairs.models import Agreement, Meeting, MeetingMessage, Registration
from fairs.views import bp, fail, get_fair, organised_fair


def get_meeting(meeting_id: int) -> Meeting:
    """404 for anyone who is neither a party nor an organiser: they may not know the meeting exists."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def slot_label(slot) -> str:
    from zoneinfo import ZoneInfo

    return slot.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")


@bp.route("/<int:fair_id>/meet/<int:reg_id>", methods=["GET", "POST"])
@roles_required("producer", "buyer")
def meet(fair_id, reg_id):
    fair = get_fair(fair_id)
    mine = registration_of(current_user, fair.id)
    other = db.session.get(Registration, reg_id)
    if other is None or other.fair_id != fair.id or other.status != "approved":
        abort(404)
    if mine is None or mine.status != "approved":
        flash(_("Your registration must be approved before you arrange meetings."), "error")
        return redirect(url_for("fairs.detail", fair_id=fair.id))
    free = meetings.free_slots(fair, mine.id, other.id)
    choices = [(s.isoformat(), slot_label(s)) for s in free[:200]]
    sides = (mine.id, other.id) if mine.role == "producer" else (other.id, mine.id)
    can_book = meetings.published_pair(fair.id, *sides)
    book_form, slots_form = BookForm(prefix="book"), SlotsForm(prefix="req")
    book_form.slot.choices = choices
    slots_form.slots.choices = choices
    if can_book and book_form.submit_ok():
        return _book(fair, other, book_form)
    if slots_form.submit_ok():
        try:
            meeting = meetings.request_meeting(current_user, fair, other.id, slots_form.slots.data,
                                               slots_form.note.data or "")
        except FairError as error:
            db.session.rollback()
            fail(error, slots_form)
        else:
            flash(_("Your request was sent."), "success")
            return redirect(url_for("fairs.meeting_detail", meeting_id=meeting.id))
    name = queries.party_names([other.id]).get(other.id, "")
    return render_template("fairs/meet.html", fair=fair, other=other, name=name, can_book=can_book,
                           book_form=book_form, slots_form=slots_form, free_count=len(free))


def _book(fair, other, form):
    try:
        meeting = meetings.book(current_user, fair, other.id, form.slot.data)
    except FairError as error:
        flash(error.message, "error")
        return redirect(url_for("fairs.meet", fair_id=fair.id, reg_id=other.id)), 409
    flash(_("The meeting is booked."), "success")
    return redirect(url_for("fairs.meeting_detail", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting_detail(meeting_id):
    meeting = get_meeting(meeting_id)
    mine = party_registration(current_user, meeting)
    names = queries.party_names([meeting.producer_reg_id, meeting.buyer_reg_id])
    agreement_form = AgreementForm()
    if request.method == "GET" and not agreement_form.signed_on.data:
        from datetime import date

        agreement_form.signed_on.data = date.today()
    my_turn = mine is not None and meeting.status == "requested" and meeting.proposed_by_reg_id != mine.id
    from datetime import datetime

    proposals = [(s, slot_label(datetime.fromisoformat(s))) for s in meeting.proposed_slots or []]
    counter_form = SlotsForm(prefix="req")
    if my_turn:
        free = meetings.free_slots(meeting.fair, meeting.producer_reg_id, meeting.buyer_reg_id)
        counter_form.slots.choices = [(s.isoformat(), slot_label(s)) for s in free[:200]]
    return render_template(
        "fairs/meeting.html", meeting=meeting, fair=meeting.fair, mine=mine, names=names, my_turn=my_turn,
        proposals=proposals, answer_form=AnswerForm(), counter_form=counter_form, action_form=ActionForm(),
        message_form=MessageForm(), agreement_form=agreement_form, messages=queries.messages_of(meeting.id),
        agreements=queries.agreements_of_meeting(meeting.id), organiser=can_organise(current_user, meeting.fair),
        link=services.meeting_link(meeting.fair, meeting.id) if meeting.status in ("confirmed", "held") else None,
        slot_label=slot_label)


@bp.post("/meetings/<int:meeting_id>/answer")
@login_required
def meeting_answer(meeting_id):
    meeting = get_meeting(meeting_id)
    form = AnswerForm()
    if form.validate_on_submit():
        new_slots = request.form.getlist("req-slots")
        try:
            meetings.respond(current_user, meeting, form.action.data, slot=form.slot.data, new_slots=new_slots)
            flash(_("Your answer was sent."), "success")
        except FairError as error:
            fail(error)
            return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id)), 409
    return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/cancel", defaults={"action": "cancel"})
@bp.post("/meetings/<int:meeting_id>/held", defaults={"action": "held"})
@login_required
def meeting_action(meeting_id, action):
    meeting = get_meeting(meeting_id)
    if ActionForm().validate_on_submit():
        try:
            (meetings.cancel if action == "cancel" else meetings.mark_held)(current_user, meeting)
            flash(_("Saved."), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id))


@bp.post("/meetings/<int:meeting_id>/messages")
@login_required
def meeting_message(meeting_id):
    meeting = get_meeting(meeting_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            outcomes.post_message(current_user, meeting, form.body.data, request.files.get("attachment"))
        except FairError as error:
            fail(error)
            return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id) + "#messages"), 303
    else:
        flash(_("The message could not be sent."), "error")
    return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id) + "#messages")


@bp.get("/messages/<int:message_id>/attachment")
@login_required
def message_attachment(message_id):
    message = db.session.get(MeetingMessage, message_id) or abort(404)
    get_meeting(message.meeting_id)  # the same rule as the thread: parties and organisers only
    path = outcomes.attachment_path(message)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=message.attachment_mime, download_name=message.attachment_name,
                         as_attachment=message.attachment_mime == "application/pdf", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/meetings/<int:meeting_id>/agreements")
@login_required
def agreement_create(meeting_id):
    meeting = get_meeting(meeting_id)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            outcomes.record_agreement(current_user, meeting, form.data)
            flash(_("The outcome was recorded; the other side will confirm it."), "success")
        except FairError as error:
            fail(error)
    else:
        for field, errors in form.errors.items():
            flash(f"{getattr(form, field).label.text}: {'; '.join(errors)}", "error")
    return redirect(url_for("fairs.meeting_detail", meeting_id=meeting_id) + "#outcomes")


@bp.post("/agreements/<int:agreement_id>/confirm", defaults={"action": "confirm"})
@bp.post("/agreements/<int:agreement_id>/verify", defaults={"action": "verify"})
@login_required
def agreement_action(agreement_id, action):
    agreement = db.session.get(Agreement, agreement_id) or abort(404)
    get_meeting(agreement.meeting_id)
    if ActionForm().validate_on_submit():
        try:
            (outcomes.confirm_agreement if action == "confirm" else outcomes.verify_agreement)(current_user, agreement)
            flash(_("Saved."), "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.meeting_detail", meeting_id=agreement.meeting_id) + "#outcomes")


@bp.get("/<int:fair_id>/meetings")
@roles_required("official", "admin")
def fair_meetings(fair_id):
    fair = organised_fair(fair_id)
    items = queries.meetings_of_fair(fair.id)
    names = queries.party_names([m.producer_reg_id for m in items] + [m.buyer_reg_id for m in items])
    return render_template("fairs/fair_meetings.html", fair=fair, items=items, names=names,
                           agreements=queries.agreements_of_fair(fair.id), action_form=ActionForm(),
                           slot_label=slot_label)


@bp.post("/<int:fair_id>/schedule")
@roles_required("official", "admin")
def auto_schedule(fair_id):
    fair = organised_fair(fair_id)
    if ActionForm().validate_on_submit():
        try:
            result = meetings.auto_schedule(current_user, fair)
            flash(_("%(placed)d meetings scheduled, %(unplaced)d pairs found no common free slot.", **result),
                  "success")
        except FairError as error:
            fail(error)
    return redirect(url_for("fairs.fair_meetings", fair_id=fair.id))


@bp.get("/schedule")
@roles_required("producer", "buyer")
def my_schedule():
    items = queries.meetings_of_user(current_user)
    names = queries.party_names([m.producer_reg_id for m in items] + [m.buyer_reg_id for m in items])
    return render_template("fairs/schedule.html", items=items, names=names, slot_label=slot_label,
                           link_of=lambda m: services.meeting_link(m.fair, m.id))


@bp.get("/schedule.ics")
@roles_required("producer", "buyer")
def my_schedule_ics():
    items = queries.meetings_of_user(current_user, statuses=("confirmed", "held"))
    names = queries.party_names([m.producer_reg_id for m in items] + [m.buyer_reg_id for m in items])
    events = []
    for m in items:
        mine_is_producer = m.producer_reg.user_id == current_user.id
        other = names.get(m.buyer_reg_id if mine_is_producer else m.producer_reg_id, "")
        link = services.meeting_link(m.fair, m.id)
        events.append({"uid": f"meeting-{m.id}", "start": m.slot_start,
                       "end": m.slot_end or m.slot_start + timedelta(minutes=m.fair.slot_minutes),
                       "summary": f"{m.fair.title}: {other}",
                       "description": _("Meeting page: %(url)s", url=url_for("fairs.meeting_detail", meeting_id=m.id,
                                                                           _external=True)),
                       "url": link or url_for("fairs.meeting_detail", meeting_id=m.id, _external=True)})
    body = ics.calendar(events, host=request.host.split(":")[0] or "harvestlink")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": "attachment; filename=harvestlink-schedule.ics"})
