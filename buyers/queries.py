"""Reads: the organisation a user acts for, who may see what, demand records in the matching vocabulary."""
import json

import sqlalchemy as sa

from accounts.permissions import can_administer_region
from buyers.models import BuyerContact, BuyerMember, BuyerOrg, Demand, SavedSearch
from core import regions
from core.db import db


def org_for_user(user) -> BuyerOrg | None:
    """The organisation a buyer user acts for (None for other roles or before they set one up)."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "id", None) is None:
        return None
    return db.session.scalar(
        sa.select(BuyerOrg).join(BuyerMember, BuyerMember.buyer_id == BuyerOrg.id)
        .where(BuyerMember.user_id == user.id))


def is_member(user, org: BuyerOrg) -> bool:
    mine = org_for_user(user)
    return mine is not None and mine.id == org.id


def can_manage_org(user, org: BuyerOrg) -> bool:
    """Officials in scope and admins manage the record (verify, deactivate, merge)."""
    return can_administer_region(user, org.county_code)


def can_edit_org(user, org: BuyerOrg) -> bool:
    return can_manage_org(user, org) or (is_member(user, org) and org.active)


def can_see_private(user, org: BuyerOrg) -> bool:
    """Private contacts and demands: the organisation's own users and officials in scope."""
    return can_manage_org(user, org) or is_member(user, org)


def can_view_org(user, org: BuyerOrg) -> bool:
    """Any signed-in user sees an active, un-merged organisation's public page; the rest only insiders."""
    if can_see_private(user, org):
        return True
    return bool(getattr(user, "is_authenticated", False)) and org.active and org.merged_into_id is None


def visible_contacts(user, org: BuyerOrg) -> list[BuyerContact]:
    if can_see_private(user, org):
        return list(org.contacts)
    return [contact for contact in org.contacts if not contact.private]


def can_view_demand(user, demand: Demand) -> bool:
    """The organisation's users and officials in scope; a producer sees an open demand that one of their
    listings matches (the link on their listing page), read-only."""
    return can_see_private(user, demand.buyer) or matched_producer(user, demand)


def matched_producer(user, demand: Demand) -> bool:
    if getattr(user, "role", None) != "producer" or demand.status != "open" or not demand.buyer.active:
        return False
    try:
        from produce.models import Listing
        from produce.queries import producer_for_user
    except ImportError:
        return False
    from buyers.models import DemandMatch

    producer = producer_for_user(user)
    if producer is None:
        return False
    return db.session.scalar(sa.select(DemandMatch.id).where(
        DemandMatch.demand_id == demand.id,
        DemandMatch.listing_id.in_(sa.select(Listing.id).where(Listing.producer_id == producer.id))).limit(1)) is not None


def can_edit_demand(user, demand: Demand) -> bool:
    return is_member(user, demand.buyer) or can_manage_org(user, demand.buyer)


def scope_filter(user):
    """A WHERE clause limiting buyer_orgs to an official's region (admins: everything)."""
    if user.role == "admin":
        return sa.true()
    if user.role != "official" or not user.region_code:
        return sa.false()
    return BuyerOrg.county_code.in_(sorted(regions.codes_within(user.region_code)))


def admin_search(user, q=None, type_=None, region=None, verified=None, active=None, product=None):
    """The officials' buyer database list as a select (paginate or export it)."""
    stmt = sa.select(BuyerOrg).where(scope_filter(user), BuyerOrg.merged_into_id.is_(None))
    if q:
        words = q.strip()
        stmt = stmt.where(sa.or_(BuyerOrg.name.icontains(words, autoescape=True),
                                 BuyerOrg.credit_code == words.upper(),
                                 BuyerOrg.address.icontains(words, autoescape=True),
                                 BuyerOrg.id.in_(sa.select(BuyerContact.buyer_id).where(
                                     sa.or_(BuyerContact.phone == q.strip(), BuyerContact.name == q.strip())))))
    if type_:
        stmt = stmt.where(BuyerOrg.type == type_)
    if region and regions.get(region):
        stmt = stmt.where(BuyerOrg.county_code.in_(sorted(regions.codes_within(region))))
    if verified is not None:
        stmt = stmt.where(BuyerOrg.verified_at.is_not(None) if verified else BuyerOrg.verified_at.is_(None))
    if active is not None:
        stmt = stmt.where(BuyerOrg.active.is_(active))
    if product:
        # products_of_interest is a small JSON list; a text match is portable across SQLite and PostgreSQL
        # (the JSON text may hold the characters or their \u escapes).
        as_text = sa.cast(BuyerOrg.products_of_interest, sa.String)
        word = product.strip()
        stmt = stmt.where(sa.or_(as_text.contains(word, autoescape=True),
                                 as_text.contains(json.dumps(word)[1:-1], autoescape=True)))
    return stmt.order_by(BuyerOrg.name, BuyerOrg.id)


def demands_of_org(org: BuyerOrg, statuses=None) -> list[Demand]:
    stmt = sa.select(Demand).where(Demand.buyer_id == org.id)
    if statuses:
        stmt = stmt.where(Demand.status.in_(statuses))
    return list(db.session.scalars(stmt.order_by(Demand.status, Demand.needed_from, Demand.id)))


def open_demands() -> list[Demand]:
    """Open demands of active buyers: the ones a new listing is matched against."""
    return list(db.session.scalars(
        sa.select(Demand).join(BuyerOrg).where(Demand.status == "open", BuyerOrg.active.is_(True))
        .order_by(Demand.id)))


def demand_owners(demand_ids) -> dict[int, tuple[str, list[int]]]:
    """{demand_id: (product name, user ids of its buyer's members)} in two queries, however many demands."""
    if not demand_ids:
        return {}
    demands = db.session.execute(sa.select(Demand.id, Demand.product_name, Demand.buyer_id)
                                 .where(Demand.id.in_(set(demand_ids)))).all()
    members: dict[int, list[int]] = {}
    rows = db.session.execute(sa.select(BuyerMember.buyer_id, BuyerMember.user_id).where(
        BuyerMember.buyer_id.in_({d.buyer_id for d in demands})).order_by(BuyerMember.id))
    for buyer_id, user_id in rows:
        members.setdefault(buyer_id, []).append(user_id)
    return {d.id: (d.product_name, members.get(d.buyer_id, [])) for d in demands}


def all_saved_searches() -> list:
    """Every saved search as plain rows (id, user_id, name, params, product_code), in id order: they stay
    readable after a commit, which expires ORM objects and would reload them one query each."""
    return db.session.execute(sa.select(SavedSearch.id, SavedSearch.user_id, SavedSearch.name, SavedSearch.params,
                                        SavedSearch.product_code).order_by(SavedSearch.id)).all()


def saved_searches_of(user) -> list[SavedSearch]:
    return list(db.session.scalars(
        sa.select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.created_at.desc())))


def org_phones(org: BuyerOrg) -> list[str]:
    return [contact.phone for contact in org.contacts if contact.phone]


def demand_record(demand: Demand) -> dict:
    """The demand in the matching vocabulary (numbers stay Decimal; ISO dates)."""
    return {
        "id": demand.id,
        "buyer_id": demand.buyer_id,
        "product": demand.product_name,
        "product_code": demand.product_code,
        "variety": demand.variety or "",
        "spec": demand.spec or "",
        "quantity_min": demand.quantity_min,
        "quantity_max": demand.quantity_max,
        "unit": demand.unit,
        "quantity_min_kg": demand.quantity_min_kg,
        "quantity_max_kg": demand.quantity_max_kg,
        "price_max": demand.price_max,
        "price_unit": demand.price_unit,
        "price_max_per_kg": demand.price_max_per_kg,
        "needed_from": demand.needed_from.isoformat(),
        "needed_to": demand.needed_to.isoformat(),
        "delivery_county_code": demand.delivery_county_code,
        "preferred_province_codes": list(demand.preferred_province_codes or []),
        "required_certifications": list(demand.required_certifications or []),
        "frequency": demand.frequency,
        "status": demand.status,
        "version": demand.version,
    }


def buyer_record(org: BuyerOrg) -> dict:
    """The organisation in the matching dedupe vocabulary."""
    primary = next((c for c in org.contacts), None)
    return {
        "id": org.id,
        "name": org.name,
        "credit_code": org.credit_code or "",
        "county_code": org.county_code,
        "address": org.address or "",
        "phones": org_phones(org),
        "contact_name": primary.name if primary else "",
    }


def product_id_for_code(code: str | None) -> int | None:
    """products.id of the produce catalogue for a catalogue code (None before the catalogue is loaded)."""
    if not code:
        return None
    try:
        from produce.models import Product
    except ImportError:
        return None
    return db.session.scalar(sa.select(Product.id).where(Product.code == code))


def members_of(org: BuyerOrg) -> list:
    from accounts.models import User

    return list(db.session.scalars(sa.select(User).join(BuyerMember, BuyerMember.user_id == User.id)
                                   .where(BuyerMember.buyer_id == org.id).order_by(User.id)))


def listings_by_id(ids: list[int]) -> dict:
    """Listings (produce) by id for showing stored matches; empty when produce is absent."""
    if not ids:
        return {}
    try:
        from produce.models import Listing
    except ImportError:
        return {}
    return {x.id: x for x in db.session.scalars(sa.select(Listing).where(Listing.id.in_(ids)))}


def search_listings(params: dict, page: int = 1, per_page: int = 20):
    """The public produce search (produce.queries.search_listings) with the supplier-search filters."""
    try:
        from produce import queries as produce_queries
    except ImportError:
        return None
    filters = {"region": params.get("county_code") or params.get("province_code") or None,
               "certification": params.get("certification") or None}
    words = " ".join(w for w in (params.get("product"), params.get("q")) if w)
    return produce_queries.search_listings(q=words or None, filters=filters, page=page, per_page=per_page)


def search_producers(params: dict, page: int = 1, per_page: int = 20):
    """Producers by product (of their active listings), region, certification and verified status."""
    try:
        from produce.models import Listing, ProducerCertification, ProducerProfile
    except ImportError:
        return None
    stmt = sa.select(ProducerProfile)
    words = (params.get("product") or params.get("q") or "").strip()
    if words:
        with_product = sa.select(Listing.producer_id).where(
            Listing.status == "active", sa.or_(Listing.product_name.contains(words), Listing.variety.contains(words)))
        stmt = stmt.where(sa.or_(ProducerProfile.id.in_(with_product), ProducerProfile.name.contains(words)))
    region = params.get("county_code") or params.get("province_code")
    if region and regions.get(region):
        stmt = stmt.where(ProducerProfile.county_code.in_(sorted(regions.codes_within(region))))
    if params.get("certification"):
        stmt = stmt.where(ProducerProfile.id.in_(sa.select(ProducerCertification.producer_id).where(
            ProducerCertification.kind == params["certification"])))
    if params.get("verified"):
        stmt = stmt.where(ProducerProfile.verified_at.is_not(None))
    return db.paginate(stmt.order_by(ProducerProfile.verified_at.is_(None), ProducerProfile.name),
                       page=page, per_page=per_page, error_out=False)
