"""Meetings between a fair's producers and buyers, and their outcomes (intent agreements and deals).

As on the meeting pages: a meeting and its agreements are seen by its two parties and the fair's organisers;
requests, answers, outcomes, confirmations and verification go through fairs.meetings / fairs.outcomes.
"""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role, require_user
from api.common import BEARER, ApiBlueprint, DecimalString, PageQuery, page_schema, paged_response
from api.errors import fail
from api.v1.fairs import ID, organised_fair, visible_fair
from core.db import db
from fairs import access, meetings, outcomes, queries, services
from fairs.errors import FairError, SlotTaken
from fairs.models import AGREEMENT_KINDS, AGREEMENT_STATES, MEETING_STATES, Agreement, Meeting

blp = ApiBlueprint("api_v1_meetings", __name__, url_prefix="/api/v1",
                   description="Meetings of fair participants and their intent agreements and deals.")


class MeetingPath(ma.Schema):
    meeting_id = ma.fields.Integer(**ID)


class AgreementPath(ma.Schema):
    agreement_id = ma.fields.Integer(**ID)


class MeetingOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    fair_id = ma.fields.Integer(required=True)
    producer_reg_id = ma.fields.Integer(required=True)
    buyer_reg_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(MEETING_STATES))
    slot_start = ma.fields.DateTime(required=True, allow_none=True)
    slot_end = ma.fields.DateTime(required=True, allow_none=True)
    proposed_slots = ma.fields.List(ma.fields.String(), required=True)
    note = ma.fields.String(required=True)
    link = ma.fields.String(required=True, allow_none=True)


class AgreementOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    fair_id = ma.fields.Integer(required=True)
    meeting_id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(AGREEMENT_KINDS))
    product = ma.fields.String(required=True)
    quantity = DecimalString(required=True)
    unit = ma.fields.String(required=True)
    amount = DecimalString(required=True, metadata={"description": "元"})
    signed_on = ma.fields.Date(required=True)
    producer_county_code = ma.fields.String(required=True, allow_none=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(AGREEMENT_STATES))


class MeetingRequest(ma.Schema):
    fair_id = ma.fields.Integer(**ID)
    counterpart_registration_id = ma.fields.Integer(**ID)
    slots = ma.fields.List(ma.fields.AwareDateTime(), required=True, validate=ma.validate.Length(min=1, max=3),
                           metadata={"description": "One to three of the fair's slot starts, with time zone"})
    note = ma.fields.String(validate=ma.validate.Length(max=500))


class MeetingAnswer(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(("accept", "decline", "counter")))
    slot = ma.fields.AwareDateTime(metadata={"description": "accept: one of the proposed slots"})
    slots = ma.fields.List(ma.fields.AwareDateTime(), validate=ma.validate.Length(min=1, max=3),
                           metadata={"description": "counter: one to three other slots"})


class AgreementIn(ma.Schema):
    meeting_id = ma.fields.Integer(**ID)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(AGREEMENT_KINDS))
    product = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    quantity = DecimalString(required=True)
    unit = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    amount = DecimalString(required=True, metadata={"description": "元"})
    signed_on = ma.fields.Date(required=True)


class AgreementAction(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(("confirm", "verify")),
                              metadata={"description": "confirm: the other party; verify: an organiser"})


class ScopeQuery(PageQuery):
    fair_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "Organisers: every record of this fair"})


MeetingPage = page_schema(MeetingOut, "MeetingPage")
AgreementPage = page_schema(AgreementOut, "AgreementPage")
def meeting_out(meeting: Meeting) -> dict:
    link = services.meeting_link(meeting.fair, meeting.id) if meeting.status in ("confirmed", "held") else None
    return {"id": meeting.id, "fair_id": meeting.fair_id, "producer_reg_id": meeting.producer_reg_id,
            "buyer_reg_id": meeting.buyer_reg_id, "status": meeting.status, "slot_start": meeting.slot_start,
            "slot_end": meeting.slot_end, "proposed_slots": list(meeting.proposed_slots or []),
            "note": meeting.note, "link": link}


def agreement_out(agreement: Agreement) -> dict:
    return {"id": agreement.id, "fair_id": agreement.fair_id, "meeting_id": agreement.meeting_id,
            "kind": agreement.kind, "product": agreement.product_name, "quantity": agreement.quantity,
            "unit": agreement.unit, "amount": agreement.amount, "signed_on": agreement.signed_on,
            "producer_county_code": agreement.producer_county_code, "status": agreement.status}


@blp.route("/meetings")
@blp.arguments(ScopeQuery, location="query", as_kwargs=True)
@blp.response(200, MeetingPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_meetings(page: int, size: int, fair_id: int | None = None):
    """Your meetings (my schedule), or with `fair_id` every meeting of a fair you organise."""
    user = require_user()
    if fair_id is not None:
        return paged_response(queries.meetings_of_fair(organised_fair(fair_id).id), meeting_out, page=page, size=size)
    return paged_response(queries.meetings_of_user(user), meeting_out, page=page, size=size)


@blp.route("/meetings/<int:meeting_id>")
@blp.arguments(MeetingPath, location="path", as_kwargs=True)
@blp.response(200, MeetingOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def get_meeting(meeting_id: int):
    """One meeting (its two parties and the organisers)."""
    user = require_user()
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not access.can_view_meeting(user, meeting):
        fail(404, "No such meeting.")
    return meeting_out(meeting)


@blp.route("/agreements")
@blp.arguments(ScopeQuery, location="query", as_kwargs=True)
@blp.response(200, AgreementPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_agreements(page: int, size: int, fair_id: int | None = None):
    """Agreements of your meetings, or with `fair_id` every agreement of a fair you organise."""
    user = require_user()
    if fair_id is not None:
        return paged_response(queries.agreements_of_fair(organised_fair(fair_id).id), agreement_out, page=page,
                              size=size)
    found = [a for m in queries.meetings_of_user(user) for a in queries.agreements_of_meeting(m.id)]
    return paged_response(found, agreement_out, page=page, size=size)


@blp.route("/agreements/<int:agreement_id>")
@blp.arguments(AgreementPath, location="path", as_kwargs=True)
@blp.response(200, AgreementOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def get_agreement(agreement_id: int):
    """One intent agreement or deal (its two parties and the organisers)."""
    user = require_user()
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not access.can_view_agreement(user, agreement):
        fail(404, "No such agreement.")
    return agreement_out(agreement)


def _fair_error(error: FairError):
    db.session.rollback()
    if isinstance(error, SlotTaken):
        fail(409, error.message, code="slot_taken", fields={error.field or "slot": [error.message]})
    fail(422, error.message, fields={error.field or "_schema": [error.message]})


def _visible_meeting(meeting_id: int) -> Meeting:
    user = require_user()
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not access.can_view_meeting(user, meeting):
        fail(404, "No such meeting.")
    return meeting


@blp.route("/meetings", methods=["POST"])
@blp.arguments(MeetingRequest)
@blp.response(201, MeetingOut)
@blp.errors(404, 409)
@blp.doc(security=BEARER)
def request_meeting(data):
    """Ask an approved participant on the other side for a meeting, proposing up to three slots."""
    user = require_role("producer", "buyer")
    fair = visible_fair(data["fair_id"])
    try:
        meeting = meetings.request_meeting(user, fair, data["counterpart_registration_id"], data["slots"],
                                           data.get("note", ""))
    except FairError as error:
        _fair_error(error)
    return meeting_out(meeting)


@blp.route("/meetings/<int:meeting_id>/answer", methods=["POST"])
@blp.arguments(MeetingPath, location="path", as_kwargs=True)
@blp.arguments(MeetingAnswer)
@blp.response(200, MeetingOut)
@blp.errors(404, 409)
@blp.doc(security=BEARER)
def answer_meeting(data, meeting_id: int):
    """The party whose turn it is accepts a proposed slot, declines, or proposes other slots."""
    meeting = _visible_meeting(meeting_id)
    try:
        meetings.respond(current_user._get_current_object(), meeting, data["action"], slot=data.get("slot"),
                         new_slots=data.get("slots"))
    except FairError as error:
        _fair_error(error)
    return meeting_out(db.session.get(Meeting, meeting_id))


@blp.route("/agreements", methods=["POST"])
@blp.arguments(AgreementIn)
@blp.response(201, AgreementOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def record_agreement(data):
    """Record an intent agreement or a deal after a held meeting (either party); the other side confirms."""
    meeting = _visible_meeting(data.pop("meeting_id"))
    data["product_name"] = data.pop("product")
    try:
        agreement = outcomes.record_agreement(current_user._get_current_object(), meeting, data)
    except FairError as error:
        _fair_error(error)
    return agreement_out(agreement)


@blp.route("/agreements/<int:agreement_id>", methods=["POST"])
@blp.arguments(AgreementPath, location="path", as_kwargs=True)
@blp.arguments(AgreementAction)
@blp.response(200, AgreementOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def act_on_agreement(data, agreement_id: int):
    """`confirm` (the other party) or `verify` (an organiser) an agreement."""
    user = require_user()
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or not access.can_view_agreement(user, agreement):
        fail(404, "No such agreement.")
    action = outcomes.confirm_agreement if data["action"] == "confirm" else outcomes.verify_agreement
    try:
        action(user, agreement)
    except FairError as error:
        _fair_error(error)
    return agreement_out(agreement)
