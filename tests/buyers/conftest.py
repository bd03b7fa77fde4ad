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
