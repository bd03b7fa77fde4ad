"""Fair set-up, the state machine, registration and invitations. Each function is one use case: it checks,
writes, audits, notifies and commits, or raises FairError before writing anything."""
import string
from datetime import date, time
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, regions
from core.db import db, utcnow
from core.notifications import notify
from fairs.access import can_organise, registration_of
from fairs.errors import FairError, link
from fairs.models import TRANSITIONS, Fair, Invitation, Registration, RegistrationItem

LINK_PLACEHOLDERS = {"fair_id", "meeting_id"}
FAIR_FIELDS = ("title", "theme", "description", "region_code", "categories", "target_region_codes",
               "priority_poverty", "priority_old_revolutionary", "registration_opens_on", "registration_closes_on",
               "starts_on", "ends_on", "day_start", "day_end", "slot_minutes", "max_meetings_per_day",
               "meeting_link_template")


# ---- set-up --------------------------------------------------------------------------------------------------

def validate_link_template(template: str) -> str:
    """Only https/http links whose placeholders are exactly {fair_id} and {meeting_id}."""
    template = (template or "").strip()
    if not template:
        return ""
    try:
        names = {name for _text, name, spec, conv in string.Formatter().parse(template) if name is not None}
        specs = [(spec, conv) for _text, name, spec, conv in string.Formatter().parse(template) if name]
    except ValueError:
        raise FairError("meeting_link_template", _("Unbalanced braces in the meeting link template."))
    if not names <= LINK_PLACEHOLDERS or "" in names or any(spec or conv for spec, conv in specs):
        raise FairError("meeting_link_template", _("Only {fair_id} and {meeting_id} may appear in braces."))
    sample = urlsplit(template.format(fair_id=1, meeting_id=1))
    if sample.scheme not in ("https", "http") or not sample.netloc or any(c in template for c in " \"'<>\\"):
        raise FairError("meeting_link_template", _("The meeting link must be an https:// address."))
    return template


def meeting_link(fair: Fair, meeting_id: int) -> str | None:
    if not fair.meeting_link_template:
        return None
    return fair.meeting_link_template.format(fair_id=fair.id, meeting_id=meeting_id)


def _check_fair_data(user, data: dict) -> dict:
    data = {key: data[key] for key in FAIR_FIELDS if key in data}
    if not (data.get("title") or "").strip():
        raise FairError("title", _("A title is required."))
    code = data.get("region_code")
    if not regions.get(code):
        raise FairError("region_code", _("Choose a region."))
    if user.role != "admin" and not regions.is_within(code, user.region_code):
        raise FairError("region_code", _("This region is outside your scope."))
    for code in data.get("target_region_codes") or []:
        if not regions.get(code):
            raise FairError("target_region_codes", _("Unknown region code %(code)s.", code=code))
    if data["registration_opens_on"] > data["registration_closes_on"]:
        raise FairError("registration_closes_on", _("Registration must close after it opens."))
    if data["starts_on"] > data["ends_on"]:
        raise FairError("ends_on", _("The fair must end on or after its first day."))
    if data["registration_opens_on"] > data["starts_on"]:
        raise FairError("registration_opens_on", _("Registration must open before the fair starts."))
    if (data["ends_on"] - data["starts_on"]).days > 30:
        raise FairError("ends_on", _("A fair lasts at most 31 days."))
    if not isinstance(data["day_start"], time) or data["day_start"] >= data["day_end"]:
        raise FairError("day_end", _("Daily hours must end after they start."))
    if not 5 <= int(data["slot_minutes"]) <= 240:
        raise FairError("slot_minutes", _("A slot lasts between 5 and 240 minutes."))
    if not 1 <= int(data["max_meetings_per_day"]) <= 50:
        raise FairError("max_meetings_per_day", _("Between 1 and 50 meetings a day."))
    data["meeting_link_template"] = validate_link_template(data.get("meeting_link_template", ""))
    data["title"] = data["title"].strip()
    return data


def create_fair(user, data: dict) -> Fair:
    data = _check_fair_data(user, data)
    fair = Fair(organiser_id=user.id, status="draft", **data)
    db.session.add(fair)
    db.session.flush()
    audit.record("fair.create", "fair", fair.id, after={"title": fair.title, "region_code": fair.region_code},
                 actor=user)
    db.session.commit()
    return fair


def update_fair(user, fair: Fair, data: dict) -> Fair:
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.status in ("finished", "archived"):
        raise FairError(None, _("A finished fair can no longer be changed."))
    data = _check_fair_data(user, data)
    if fair.status == "running" and any(getattr(fair, k) != data[k] for k in
                                        ("starts_on", "ends_on", "day_start", "day_end", "slot_minutes")):
        raise FairError("starts_on", _("Days, hours and slots are fixed once the fair runs."))
    for key, value in data.items():
        setattr(fair, key, value)
    audit.record("fair.update", "fair", fair.id, after={"title": fair.title}, actor=user)
    db.session.commit()
    return fair


def transition(user, fair: Fair, target: str) -> Fair:
    """Moves the fair along the state machine; only the listed moves exist."""
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if target not in TRANSITIONS.get(fair.status, ()):
        raise FairError("status", _("A fair cannot go from %(a)s to %(b)s.", a=fair.status, b=target))
    before = fair.status
    fair.status = target
    audit.record("fair.status", "fair", fair.id, before={"status": before}, after={"status": target}, actor=user)
    db.session.commit()
    return fair


# ---- registration --------------------------------------------------------------------------------------------

def _party_and_items(user, listing_ids, demand_ids):
    if user.role == "producer":
        from produce.models import Listing
        from produce.queries import producer_for_user

        producer = producer_for_user(user)
        if producer is None:
            raise FairError(None, _("Create your producer profile first."))
        ids = {int(i) for i in listing_ids or []}
        listings = db.session.scalars(sa.select(Listing).where(
            Listing.id.in_(ids), Listing.producer_id == producer.id, Listing.status == "active")).all()
        if not ids or len(listings) != len(ids):
            raise FairError("listing_ids", _("Choose one or more of your active listings."))
        return {"producer_id": producer.id}, [RegistrationItem(listing_id=x.id) for x in listings]
    if user.role == "buyer":
        from buyers.models import Demand
        from buyers.queries import org_for_user

        org = org_for_user(user)
        if org is None:
            raise FairError(None, _("Your account is not linked to a buyer organisation."))
        ids = {int(i) for i in demand_ids or []}
        demands = db.session.scalars(sa.select(Demand).where(
            Demand.id.in_(ids), Demand.buyer_id == org.id, Demand.status == "open")).all()
        if not ids or len(demands) != len(ids):
            raise FairError("demand_ids", _("Choose one or more of your open demands."))
        return {"buyer_id": org.id}, [RegistrationItem(demand_id=x.id) for x in demands]
    raise FairError(None, _("Only producers and buyers register for fairs."))


def register(user, fair: Fair, listing_ids=(), demand_ids=()) -> Registration:
    """Registers (or re-registers after a rejection, or changes the items of a pending registration)."""
    if fair.status != "open":
        raise FairError(None, _("Registration for this fair is not open."))
    party, items = _party_and_items(user, listing_ids, demand_ids)
    reg = registration_of(user, fair.id)
    if reg is not None and reg.status == "approved":
        raise FairError(None, _("You are already approved for this fair."))
    if reg is None:
        reg = Registration(fair_id=fair.id, user_id=user.id, role=user.role, **party)
        db.session.add(reg)
    reg.status, reg.reason, reg.decided_at, reg.decided_by_id = "pending", "", None, None
    reg.items = items
    db.session.flush()
    audit.record("fair.register", "fair_registration", reg.id, after={"fair_id": fair.id, "items": len(items)},
                 actor=user)
    db.session.commit()
    return reg


def withdraw(user, reg: Registration) -> None:
    if reg.user_id != user.id or reg.status not in ("pending", "approved"):
        raise FairError(None, _("This registration cannot be withdrawn."))
    reg.status = "withdrawn"
    audit.record("fair.withdraw", "fair_registration", reg.id, actor=user)
    db.session.commit()


def decide(user, reg: Registration, approve: bool, reason: str = "") -> Registration:
    fair = reg.fair
    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.status in ("finished", "archived"):
        raise FairError(None, _("The fair is over."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise FairError("reason", _("Give a reason for the rejection."))
    if reg.status not in ("pending", "approved", "rejected"):
        raise FairError(None, _("This registration was withdrawn."))
    before = reg.status
    reg.status, reg.reason = ("approved", "") if approve else ("rejected", reason[:500])
    reg.decided_by_id, reg.decided_at = user.id, utcnow()
    audit.record("fair.registration_decision", "fair_registration", reg.id, before={"status": before},
                 after={"status": reg.status, "reason": reg.reason}, actor=user)
    message = (_("Your registration for %(fair)s was approved.", fair=fair.title) if approve else
               _("Your registration for %(fair)s was rejected: %(reason)s", fair=fair.title, reason=reg.reason))
    notify(reg.user_id, "fair_registration", message, link=link("fairs.detail", fair_id=fair.id))
    db.session.commit()
    return reg


def invite_buyers(user, fair: Fair, product: str, region_code: str | None) -> int:
    """Invites active buyers in the region (default: the fair's) whose interests or open demands name the product.
    Idempotent: a buyer is invited to a fair once."""
    from buyers.models import BuyerMember, BuyerOrg, Demand

    if not can_organise(user, fair):
        raise FairError(None, _("You do not organise this fair."))
    if fair.status not in ("draft", "open"):
        raise FairError(None, _("Invitations are sent before registration closes."))
    product = (product or "").strip()
    if not product:
        raise FairError("product", _("Name a product."))
    scope = region_code or fair.region_code
    if not regions.get(scope):
        raise FairError("region_code", _("Choose a region."))
    codes = regions.codes_within(scope)
    with_demand = sa.select(Demand.buyer_id).where(Demand.status == "open", Demand.product_name.contains(product))
    orgs = db.session.scalars(sa.select(BuyerOrg).where(BuyerOrg.active.is_(True), BuyerOrg.county_code.in_(codes))
                              .where(sa.or_(BuyerOrg.id.in_(with_demand), BuyerOrg.products_of_interest.isnot(None)))
                              ).all()
    demand_buyers = set(db.session.scalars(with_demand))
    already = set(db.session.scalars(sa.select(Invitation.buyer_id).where(Invitation.fair_id == fair.id)))
    invited = 0
    for org in orgs:
        interests = " ".join(str(x) for x in (org.products_of_interest or []))
        if org.id in already or (org.id not in demand_buyers and product not in interests):
            continue
        db.session.add(Invitation(fair_id=fair.id, buyer_id=org.id, invited_by_id=user.id))
        for member_user_id in db.session.scalars(sa.select(BuyerMember.user_id).where(BuyerMember.buyer_id == org.id)):
            notify(member_user_id, "fair_invitation", _("You are invited to the fair %(fair)s.", fair=fair.title),
                   link=link("fairs.detail", fair_id=fair.id), dedupe_key=f"fair-invite:{fair.id}")
        invited += 1
    audit.record("fair.invite", "fair", fair.id, after={"product": product, "region": scope, "invited": invited},
                 actor=user)
    db.session.commit()
    return invited


def fair_days(fair: Fair) -> list[date]:
    from datetime import timedelta

    return [fair.starts_on + timedelta(days=i) for i in range((fair.ends_on - fair.starts_on).days + 1)]
