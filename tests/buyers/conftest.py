"""Fixtures for the buyers tests: organisations made through the services, demand form data."""
import pytest
from buyers_helpers import demand_form


@pytest.fixture
def admin(make_user):
    return make_user("admin")


@pytest.fixture
def make_org(admin):
    """make_org(name, county_code='360732', member=None, **fields) -> a committed BuyerOrg."""
    from buyers import services
    from buyers.models import BuyerMember
    from core.db import db

    def _make(name="赣州鲜果汇农产品批发市场有限公司", county_code="360702", member=None, contacts=None, **fields):
        data = {"name": name, "type": "wholesale_market", "county_code": county_code, **fields}
        org = services.create_org(admin, data, contacts or [])
        if member is not None:
            db.session.add(BuyerMember(buyer_id=org.id, user_id=member.id))
            db.session.commit()
        return org

    return _make


@pytest.fixture
def demand_data():
    return demand_form


@pytest.fixture
def catalogue(app):
    from produce.catalogue import get_catalogue
    from produce.catalogue_services import load_catalogue

    load_catalogue()
    return get_catalogue()


@pytest.fixture
def make_producer(make_user):
    """make_producer(county='360732', certs=('green_food',), verified=False) -> (user, profile)."""
    from datetime import date, timedelta

    from core.db import db, utcnow
    from produce.models import ProducerCertification, ProducerMember, ProducerProfile

    def _make(county="360732", certs=("green_food",), name=None, verified=False):
        user = make_user("producer", producer_kind="cooperative")
        profile = ProducerProfile(kind="cooperative", name=name or f"兴国县富民脐橙专业合作社{user.id}",
                                  county_code=county, verified_at=utcnow() if verified else None)
        db.session.add(profile)
        db.session.flush()
        db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
        for kind in certs:
            db.session.add(ProducerCertification(producer_id=profile.id, kind=kind, number=f"LB-{kind}",
                                                 expires_on=date.today() + timedelta(days=365)))
        db.session.commit()
        return user, profile

    return _make


@pytest.fixture
def make_listing(catalogue):
    """make_listing(user, **overrides) -> a listing created through produce's service (sends listing_saved)."""
    from buyers_helpers import listing_form

    from produce.services import create_listing

    def _make(user, **overrides):
        return create_listing(user, listing_form(**overrides))

    return _make
