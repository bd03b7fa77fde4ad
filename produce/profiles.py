"""Producer profile writes: the profile, its members, certifications and verification by an official."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, regions
from core.db import db, utcnow
from core.notifications import notify
from produce.models import CERTIFICATIONS, PRODUCER_KINDS, ProducerCertification, ProducerMember, ProducerProfile
from produce.permissions import can_verify_producer, is_owner
from produce.queries import producer_for_user

_PHONE = re.compile(r"^[0-9+\-() ]{5,32}$")
LIMITS = {"name": 120, "address": 200, "contact_name": 60, "contact_phone": 32, "introduction": 4000}


class ProfileError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _clean(data: dict) -> dict:
    clean = {k: str(data.get(k) or "").strip() for k in ("kind", "name", "county_code", *LIMITS)}
    if clean["kind"] not in PRODUCER_KINDS:
        raise ProfileError("kind", _("Choose the kind of producer."))
    if not clean["name"]:
        raise ProfileError("name", _("This field is required."))
    for key, limit in LIMITS.items():
        if len(clean[key]) > limit:
            raise ProfileError(key, _("At most %(n)d characters.", n=limit))
    if not regions.is_leaf(clean["county_code"]):
        raise ProfileError("county_code", _("Enter a valid six-digit county code."))
    if clean["contact_phone"] and not _PHONE.match(clean["contact_phone"]):
        raise ProfileError("contact_phone", _("Enter a phone number (digits, +, -)."))
    return clean


def save_profile(user, data: dict) -> ProducerProfile:
    """Create the user's profile (the user becomes its owner) or update it (owners only).
    Moving to another county or renaming drops the verification: an official must look again."""
    if user.role != "producer":
        raise ProfileError("kind", _("Only producer accounts have a producer profile."))
    clean = _clean(data)
    producer = producer_for_user(user)
    if producer is None:
        producer = ProducerProfile(**clean)
        db.session.add(producer)
        db.session.flush()
        db.session.add(ProducerMember(producer_id=producer.id, user_id=user.id, role="owner"))
    else:
        if not is_owner(user, producer):
            raise ProfileError("name", _("Only the owner of the profile may change it."))
        if producer.verified_at and (clean["county_code"] != producer.county_code or clean["name"] != producer.name):
            producer.verified_at, producer.verified_by_id = None, None
        for key, value in clean.items():
            setattr(producer, key, value)
    db.session.commit()
    return producer


def add_member(owner, producer: ProducerProfile, email: str) -> ProducerMember:
    from accounts.services import find_by_email

    if not is_owner(owner, producer):
        raise ProfileError("email", _("Only the owner may add members."))
    user = find_by_email(email or "")
    if user is None or user.role != "producer":
        raise ProfileError("email", _("No producer account has this e-mail."))
    if db.session.scalar(sa.select(ProducerMember).where(ProducerMember.user_id == user.id)):
        raise ProfileError("email", _("This account acts for a producer already."))
    member = ProducerMember(producer_id=producer.id, user_id=user.id, role="member")
    db.session.add(member)
    notify(user.id, "producer.member", _("You can now act for %(name)s.", name=producer.name))
    db.session.commit()
    return member


def remove_member(owner, producer: ProducerProfile, member: ProducerMember) -> None:
    if not is_owner(owner, producer) or member.producer_id != producer.id:
        raise ProfileError("member", _("Only the owner may remove members."))
    if member.role == "owner":
        raise ProfileError("member", _("The owner cannot be removed."))
    db.session.delete(member)
    db.session.commit()


def add_certification(user, producer: ProducerProfile, kind: str, number: str, expires_on: date | None):
    if not is_owner(user, producer):
        raise ProfileError("kind", _("Only the owner may change certifications."))
    number = (number or "").strip()
    if kind not in CERTIFICATIONS:
        raise ProfileError("kind", _("Choose a certification."))
    if not number or len(number) > 64:
        raise ProfileError("number", _("Enter the certificate number (at most 64 characters)."))
    if expires_on is not None and expires_on < date.today():
        raise ProfileError("expires_on", _("This certificate has expired already."))
    cert = ProducerCertification(producer_id=producer.id, kind=kind, number=number, expires_on=expires_on)
    db.session.add(cert)
    db.session.commit()
    return cert


def remove_certification(user, producer: ProducerProfile, cert: ProducerCertification) -> None:
    if not is_owner(user, producer) or cert.producer_id != producer.id:
        raise ProfileError("kind", _("Only the owner may change certifications."))
    db.session.delete(cert)
    db.session.commit()


def verify_producer(official, producer: ProducerProfile) -> ProducerProfile:
    if not can_verify_producer(official, producer):
        raise PermissionError("outside the official's region")
    producer.verified_at = utcnow()
    producer.verified_by_id = official.id
    audit.record("producer.verify", "producer", producer.id, after={"county_code": producer.county_code},
                 actor=official)
    for member in producer.members:
        notify(member.user_id, "producer.verified", _("Your producer profile has been verified."))
    db.session.commit()
    return producer
