"""API test helpers: personal tokens for users of each role and bearer-authenticated requests."""
import pytest

from api import services


@pytest.fixture
def token_for(app):
    """token_for(user, scopes=("read", "write"), days=30) -> the bearer secret of a new personal token."""

    def _make(user, scopes=("read", "write"), days=30):
        _token, secret = services.create_personal_token(user, "test", scopes, days)
        return secret

    return _make


@pytest.fixture
def bearer():
    def _headers(secret):
        return {"Authorization": f"Bearer {secret}"}

    return _headers


@pytest.fixture
def api_as(client, make_user, token_for, bearer):
    """api_as(role, scopes=..., **user_fields) -> (user, headers) for a fresh user of that role."""

    def _as(role="producer", scopes=("read", "write"), **fields):
        user = make_user(role, **fields)
        return user, bearer(token_for(user, scopes))

    return _as


@pytest.fixture
def catalogue(app):
    from produce.catalogue_services import load_catalogue

    load_catalogue()


@pytest.fixture
def producer_with_profile(make_user):
    """producer_with_profile(county='360732') -> a producer user owning a profile that holds green_food."""
    from datetime import date, timedelta

    from produce import profiles
    from produce.queries import producer_for_user

    def _make(county="360732", name=None):
        user = make_user("producer", producer_kind="cooperative")
        profiles.save_profile(user, {"kind": "cooperative", "name": name or f"兴国县脐橙合作社{user.id}",
                                     "county_code": county, "contact_name": "李四"})
        producer = producer_for_user(user)
        profiles.add_certification(user, producer, "green_food", "LB-1", date.today() + timedelta(days=365))
        return user

    return _make


@pytest.fixture
def listing_json():
    """listing_json(**overrides) -> a valid API body for POST /api/v1/listings."""
    from datetime import date, timedelta

    def _data(**overrides):
        data = {"product": "赣南脐橙", "variety": "纽荷尔", "spec": "80mm以上", "quantity": "5000", "unit": "斤",
                "price": "3.80", "price_unit": "元/斤", "min_order": "500",
                "available_from": date.today().isoformat(),
                "available_to": (date.today() + timedelta(days=60)).isoformat(),
                "county_code": "360732", "certifications": ["green_food"], "status": "active"}
        data.update(overrides)
        return data

    return _data


@pytest.fixture
def buyer_with_org(make_user):
    """buyer_with_org(county='360702', name=...) -> a buyer user who set up an organisation (with one private and
    one public contact) through buyers.services."""
    from buyers import services as buyer_services

    def _make(county="360702", name=None):
        user = make_user("buyer")
        buyer_services.create_org(user, {"name": name or f"赣州鲜果汇农产品批发市场{user.id}有限公司",
                                         "type": "wholesale_market", "county_code": county},
                                  [{"name": "王经理", "phone": "13800000001", "private": False},
                                   {"name": "李总", "phone": "13900000002", "private": True}])
        return user

    return _make


@pytest.fixture
def demand_json():
    from datetime import date, timedelta

    def _data(**overrides):
        data = {"product": "脐橙", "quantity_min": "1000", "quantity_max": "5000", "unit": "公斤",
                "price_max": "8.00", "price_unit": "元/公斤", "delivery_county_code": "360702",
                "needed_from": date.today().isoformat(),
                "needed_to": (date.today() + timedelta(days=60)).isoformat()}
        data.update(overrides)
        return data

    return _data
