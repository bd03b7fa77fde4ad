"""Negotiation and outcomes: the message thread of a meeting (with checked attachments) and agreements/deals
(recorded by one side, confirmed by the other, verified by an organiser)."""
import io
import secrets
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from core import audit
from core.db import db, utcnow
from core.notifications import notify
from fairs.access import can_organise, can_view_meeting, party_registration
from fairs.errors import FairError, link
from fairs.models import AGREEMENT_KINDS, Agreement, Meeting, MeetingMessage

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
                 "application/pdf": "pdf"}
MAX_BODY = 4000
MAX_AMOUNT = Decimal("999999999999.99")


def attachment_dir() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "meetings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_attachment(data: bytes) -> str:
    """The MIME type judged from the content (never the name or the browser's claim), or FairError."""
    if len(data) > current_app.config["UPLOAD_MAX_IMAGE_BYTES"]:
        raise FairError("attachment", _("The file is too large."))
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if mime not in ALLOWED_TYPES:
        raise FairError("attachment", _("Only images (JPEG, PNG, WebP, GIF) and PDF files can be attached."))
    if mime == "application/pdf":
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
            raise FairError("attachment", _("This PDF file is damaged."))
        return mime
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise FairError("attachment", _("This image file is damaged."))
    return mime


def post_message(user, meeting: Meeting, body: str, upload=None) -> MeetingMessage:
    if not can_view_meeting(user, meeting):
        raise FairError(None, _("You are not a party to this meeting."))
    if meeting.status in ("declined", "cancelled"):
        raise FairError(None, _("This meeting is closed."))
    body = (body or "").strip()
    data = upload.read() if upload is not None and getattr(upload, "filename", "") else b""
    if not body and not data:
        raise FairError("body", _("Write a message or attach a file."))
    if len(body) > MAX_BODY:
        raise FairError("body", _("A message has at most %(n)d characters.", n=MAX_BODY))
    message = MeetingMessage(meeting_id=meeting.id, author_id=user.id, body=body)
    path = None
    if data:
        mime = check_attachment(data)
        name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
        path = attachment_dir() / name
        path.write_bytes(data)
        message.attachment_path, message.attachment_mime = name, mime
        message.attachment_name = Path(upload.filename).name[:200] or name
    db.session.add(message)
    for reg in (meeting.producer_reg, meeting.buyer_reg):
        if reg.user_id != user.id:
            notify(reg.user_id, "meeting_message", _("New message about your meeting at %(fair)s.",
                                                     fair=meeting.fair.title),
                   link=link("fairs.meeting_detail", meeting_id=meeting.id))
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return message


def attachment_path(message: MeetingMessage) -> Path | None:
    if not message.attachment_path:
        return None
    path = attachment_dir() / message.attachment_path
    return path if path.is_file() else None


def _decimal(value, field: str, places: int) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise FairError(field, _("Enter a number."))
    if not number.is_finite() or number < 0 or number > MAX_AMOUNT:
        raise FairError(field, _("Enter a number between 0 and %(max)s.", max=MAX_AMOUNT))
    if number.as_tuple().exponent < -places:
        raise FairError(field, _("At most %(n)d decimal places.", n=places))
    return number


def check_agreement_data(data: dict) -> dict:
    kind = data.get("kind")
    if kind not in AGREEMENT_KINDS:
        raise FairError("kind", _("Choose intent agreement or deal."))
    product = (data.get("product_name") or "").strip()
    if not product:
        raise FairError("product_name", _("Name the product."))
    quantity = _decimal(data.get("quantity"), "quantity", 3)
    if quantity <= 0:
        raise FairError("quantity", _("The quantity must be above zero."))
    unit = (data.get("unit") or "").strip()
    if not unit or len(unit) > 20:
        raise FairError("unit", _("Give a unit."))
    amount = _decimal(data.get("amount"), "amount", 2)
    signed_on = data.get("signed_on")
    if not isinstance(signed_on, date):
        raise FairError("signed_on", _("Give the date."))
    return {"kind": kind, "product_name": product[:100], "quantity": quantity, "unit": unit, "amount": amount,
            "signed_on": signed_on}


def record_agreement(user, meeting: Meeting, data: dict) -> Agreement:
    mine = party_registration(user, meeting)
    if mine is None:
        raise FairError(None, _("Only the two parties record an outcome."))
    if meeting.status != "held":
        raise FairError(None, _("Outcomes are recorded after the meeting was held."))
    values = check_agreement_data(data)
    from produce.models import ProducerProfile

    producer = db.session.get(ProducerProfile, meeting.producer_reg.producer_id)
    agreement = Agreement(fair_id=meeting.fair_id, meeting_id=meeting.id, recorded_by_reg_id=mine.id,
                          producer_county_code=producer.county_code if producer else None, **values)
    db.session.add(agreement)
    db.session.flush()
    audit.record("agreement.record", "agreement", agreement.id,
                 after={"kind": agreement.kind, "amount": str(agreement.amount)}, actor=user)
    other = meeting.buyer_reg if mine.id == meeting.producer_reg_id else meeting.producer_reg
    notify(other.user_id, "agreement_recorded", _("Please confirm the outcome recorded for your meeting."),
           link=link("fairs.meeting_detail", meeting_id=meeting.id))
    db.session.commit()
    return agreement


def confirm_agreement(user, agreement: Agreement) -> Agreement:
    mine = party_registration(user, agreement.meeting)
    if mine is None or mine.id == agreement.recorded_by_reg_id:
        raise FairError(None, _("The other side of the meeting confirms."))
    if agreement.status != "recorded":
        raise FairError(None, _("This outcome is already confirmed."))
    agreement.status, agreement.confirmed_by_id, agreement.confirmed_at = "confirmed", user.id, utcnow()
    audit.record("agreement.confirm", "agreement", agreement.id, actor=user)
    fair = agreement.meeting.fair
    if fair.organiser_id:
        notify(fair.organiser_id, "agreement_confirmed", _("An outcome at %(fair)s awaits verification.",
                                                           fair=fair.title),
               link=link("fairs.meeting_detail", meeting_id=agreement.meeting_id))
    db.session.commit()
    return agreement


def verify_agreement(user, agreement: Agreement) -> Agreement:
    if not can_organise(user, agreement.meeting.fair):
        raise FairError(None, _("Only the fair's organisers verify outcomes."))
    if agreement.status != "confirmed":
        raise FairError(None, _("Only a confirmed outcome can be verified."))
    agreement.status, agreement.verified_by_id, agreement.verified_at = "verified", user.id, utcnow()
    audit.record("agreement.verify", "agreement", agreement.id,
                 after={"kind": agreement.kind, "amount": str(agreement.amount)}, actor=user)
    db.session.commit()
    return agreement
