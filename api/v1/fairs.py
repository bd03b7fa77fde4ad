"""Online matchmaking fairs (网上购销对接会): the fairs, their registrations, meetings, agreements and report.

Reads and writes go through fairs.queries / fairs.services with fairs.access deciding who sees what, exactly as
on the fair pages: drafts only for organisers, registrations and the report for organisers (officials and
admins of the fair's region), meetings and agreements for their two parties and the organisers.
"""
import marshmallow as ma
from flask_login import current_user

from api.auth import require_role, require_user
from api.common import BEARER, OPTIONAL_BEARER, ApiBlueprint, DecimalString, PageQuery, page_of, page_schema
from api.errors import fail
from core.db import db
from fairs import access, meetings, outcomes, queries, services
from fairs.errors import FairError, SlotTaken
from fairs.models import (
    AGREEMENT_KINDS,
    AGREEMENT_STATES,
    FAIR_STATES,
    MEETING_STATES,
    REGISTRATION_STATES,
    Agreement,
    Fair,
    Meeting,
)

blp = ApiBlueprint("api_v1_fairs", __name__, url_prefix="/api/v1",
                   description="Online matchmaking fairs with registrations, meetings, agreements and reports.")

ID = {"required": True, "validate": ma.validate.Range(min=1, max=2**31 - 1), "metadata": {"example": 1}}


class FairPath(ma.Schema):
    fair_id = ma.fields.Integer(**ID)


class MeetingPath(ma.Schema):
    meeting_id = ma.fields.Integer(**ID)


class AgreementPath(ma.Schema):
    agreement_id = ma.fields.Integer(**ID)


class FairOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    theme = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    region_code = ma.fields.String(required=True)
    categories = ma.fields.List(ma.fields.String(), required=True)
    target_region_codes = ma.fields.List(ma.fields.String(), required=True)
    registration_opens_on = ma.fields.Date(required=True)
    registration_closes_on = ma.fields.Date(required=True)
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    day_start = ma.fields.Time(required=True)
    day_end = ma.fields.Time(required=True)
    slot_minutes = ma.fields.Integer(required=True)
    max_meetings_per_day = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(FAIR_STATES))


class RegistrationOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    fair_id = ma.fields.Integer(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(("producer", "buyer")))
    producer_id = ma.fields.Integer(required=True, allow_none=True)
    buyer_id = ma.fields.Integer(required=True, allow_none=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(REGISTRATION_STATES))
    reason = ma.fields.String(required=True)
    listing_ids = ma.fields.List(ma.fields.Integer(), required=True)
    demand_ids = ma.fields.List(ma.fields.Integer(), required=True)


class RegistrationIn(ma.Schema):
    listing_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
                                 validate=ma.validate.Length(max=100), metadata={"description": "Producers"})
    demand_ids = ma.fields.List(ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
                                validate=ma.validate.Length(max=100), metadata={"description": "Buyers"})


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


class AmountRow(ma.Schema):
    key = ma.fields.String(required=True, allow_none=True)
    name = ma.fields.String(required=True, allow_none=True)
    intent_amount = DecimalString(required=True)
    deal_amount = DecimalString(required=True)
    deals = ma.fields.Integer(required=True)


class FairReport(ma.Schema):
    registrations = ma.fields.Integer(required=True)
    approved = ma.fields.Integer(required=True)
    approved_producers = ma.fields.Integer(required=True)
    approved_buyers = ma.fields.Integer(required=True)
    suggested_pairs = ma.fields.Integer(required=True)
    meetings_requested = ma.fields.Integer(required=True)
    meetings_confirmed = ma.fields.Integer(required=True)
    meetings_held = ma.fields.Integer(required=True)
    agreements = ma.fields.Integer(required=True)
    agreements_verified = ma.fields.Integer(required=True)
    intent_amount = DecimalString(required=True, metadata={"description": "意向金额, 元, verified agreements"})
    deal_amount = DecimalString(required=True, metadata={"description": "成交金额, 元, verified agreements"})
    poverty_amount = DecimalString(required=True)
    poverty_share = DecimalString(required=True, metadata={"description": "0..1"})
    by_province = ma.fields.List(ma.fields.Nested(AmountRow), required=True)
    by_county = ma.fields.List(ma.fields.Nested(AmountRow), required=True)
    by_product = ma.fields.List(ma.fields.Nested(AmountRow), required=True)


class ScopeQuery(PageQuery):
    fair_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1),
                                metadata={"description": "Organisers: every record of this fair"})


FairPage = page_schema(FairOut, "FairPage")
RegistrationPage = page_schema(RegistrationOut, "RegistrationPage")
MeetingPage = page_schema(MeetingOut, "MeetingPage")
AgreementPage = page_schema(AgreementOut, "AgreementPage")


def _page(rows, render, page: int, size: int) -> dict:
    return page_of([render(r) for r in rows[(page - 1) * size:page * size]], page=page, size=size, total=len(rows))


def fair_out(fair: Fair) -> dict:
    return {name: getattr(fair, name) for name in FairOut._declared_fields}


def registration_out(reg) -> dict:
    return {"id": reg.id, "fair_id": reg.fair_id, "role": reg.role, "producer_id": reg.producer_id,
            "buyer_id": reg.buyer_id, "status": reg.status, "reason": reg.reason,
            "listing_ids": [i.listing_id for i in reg.items if i.listing_id],
            "demand_ids": [i.demand_id for i in reg.items if i.demand_id]}


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


def visible_fair(fair_id: int) -> Fair:
    fair = db.session.get(Fair, fair_id)
    if fair is None or not access.can_see_fair(current_user, fair):
        fail(404, "No such fair.")
    return fair


def organised_fair(fair_id: int) -> Fair:
    require_role("official", "admin")
    fair = visible_fair(fair_id)
    if not access.can_organise(current_user, fair):
        fail(403, "Only the fair's organisers (officials of its region) may do this.")
    return fair


@blp.route("/fairs")
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, FairPage)
@blp.doc(security=OPTIONAL_BEARER)
def list_fairs(page: int, size: int):
    """Fairs, newest first: every published fair, plus drafts for their organisers (as on the fairs page)."""
    found = queries.fairs_for(current_user, page=page, per_page=size)
    return page_of([fair_out(f) for f in found.items], page=page, size=size, total=found.total or 0)


@blp.route("/fairs/<int:fair_id>")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.response(200, FairOut)
@blp.errors(404)
@blp.doc(security=OPTIONAL_BEARER)
def get_fair(fair_id: int):
    """One fair."""
    return fair_out(visible_fair(fair_id))


@blp.route("/fairs/<int:fair_id>/registrations")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, RegistrationPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_registrations(fair_id: int, page: int, size: int):
    """Organisers: every registration. Producers and buyers: their own."""
    user = require_user()
    fair = visible_fair(fair_id)
    if access.can_organise(user, fair):
        return _page(queries.registrations(fair.id), registration_out, page, size)
    if user.role not in ("producer", "buyer"):
        fail(403, "Only the fair's organisers see its registrations.")
    mine = access.registration_of(user, fair.id)
    return _page([mine] if mine is not None else [], registration_out, page, size)


@blp.route("/fairs/<int:fair_id>/registrations", methods=["POST"])
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut)
@blp.errors(404)
@blp.doc(security=BEARER)
def register(data, fair_id: int):
    """Register for an open fair with your active listings (producers) or open demands (buyers)."""
    user = require_role("producer", "buyer")
    fair = visible_fair(fair_id)
    try:
        reg = services.register(user, fair, data.get("listing_ids", []), data.get("demand_ids", []))
    except FairError as error:
        db.session.rollback()
        field = error.field or "_schema"
        fail(422, error.message, fields={field: [error.message]})
    return registration_out(reg)


@blp.route("/fairs/<int:fair_id>/report")
@blp.arguments(FairPath, location="path", as_kwargs=True)
@blp.response(200, FairReport)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def fair_report(fair_id: int):
    """The figures of the dashboard and the final report (organisers), over verified agreements."""
    fair = organised_fair(fair_id)
    return queries.stats_json(fair.id)


@blp.route("/meetings")
@blp.arguments(ScopeQuery, location="query", as_kwargs=True)
@blp.response(200, MeetingPage)
@blp.errors(403, 404)
@blp.doc(security=BEARER)
def list_meetings(page: int, size: int, fair_id: int | None = None):
    """Your meetings (my schedule), or with `fair_id` every meeting of a fair you organise."""
    user = require_user()
    if fair_id is not None:
        return _page(queries.meetings_of_fair(organised_fair(fair_id).id), meeting_out, page, size)
    return _page(queries.meetings_of_user(user), meeting_out, page, size)


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
        return _page(queries.agreements_of_fair(organised_fair(fair_id).id), agreement_out, page, size)
    found = [a for m in queries.meetings_of_user(user) for a in queries.agreements_of_meeting(m.id)]
    return _page(found, agreement_out, page, size)


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
