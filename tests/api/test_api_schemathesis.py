"""Property-based conformance of the whole API to its own spec (schemathesis, in process through WSGI).

Every operation is called with generated valid and invalid data, as the role that may use it (records
numbered 1 are seeded so that path examples hit real rows), and the checks
require: no 5xx, only documented status codes and content types, bodies matching the response schemas, and
invalid input rejected. Runs on PostgreSQL too when TEST_DATABASE_URL is set (the `app` fixture follows it).
The number of examples per operation is bounded (SCHEMATHESIS_EXAMPLES, default 25) to keep the run short.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection]


@pytest.fixture
def app_config(app_config):
    app_config.update(API_RATE_LIMIT_PER_MINUTE=1_000_000, API_ANON_RATE_LIMIT_PER_MINUTE=1_000_000)
    return app_config


@pytest.fixture
def identities(app, make_user, producer_with_profile, listing_json, catalogue):
    """Seeded records numbered 1 (the spec's path examples) and a token for each role that may act on them."""
    from datetime import date, time, timedelta

    from buyers import services as buyer_services
    from produce import services as produce_services

    producer = producer_with_profile()
    produce_services.create_listing(producer, listing_json())
    admin, buyer = make_user("admin"), make_user("buyer")
    buyer_services.create_org(buyer, {"name": "赣州鲜果汇农产品批发市场有限公司", "type": "wholesale_market",
                                      "county_code": "360702"}, [{"name": "王五", "phone": "13800000000"}])
    buyer_services.create_demand(buyer, {"product": "脐橙", "quantity_min": "1000", "quantity_max": "5000",
                                         "unit": "公斤", "delivery_county_code": "360702",
                                         "needed_from": date.today().isoformat(),
                                         "needed_to": (date.today() + timedelta(days=30)).isoformat()})

    from counties import services as county_services
    from fairs import services as fair_services

    organiser = make_user("official", region_code="360700")
    fair = fair_services.create_fair(organiser, {
        "title": "赣南脐橙产销对接会", "region_code": "360700", "categories": ["fruit"],
        "registration_opens_on": date.today(), "registration_closes_on": date.today() + timedelta(days=10),
        "starts_on": date.today() + timedelta(days=12), "ends_on": date.today() + timedelta(days=12),
        "day_start": time(9, 0), "day_end": time(11, 0), "slot_minutes": 30, "max_meetings_per_day": 3})
    fair_services.transition(organiser, fair, "open")
    county_services.ensure_indicators()
    county_services.create_county(admin, {"code": "360732", "batch_year": 2015})

    def headers(user):
        _token, secret = services.create_personal_token(user, "schemathesis", ["read", "write"], 1)
        return {"Authorization": f"Bearer {secret}"}

    county_official = make_user("official", region_code="360732")
    return {"admin": headers(admin), "producer": headers(producer), "buyer": headers(buyer),
            "county_official": headers(county_official)}


def _identity_for(case) -> str:
    """Who acts: the producer on listings' writes, matches and fair registration, the buyer on demands, the
    county's own official on indicator values, the admin elsewhere."""
    path, method = case.operation.path, case.operation.method.upper()
    if path.startswith("/api/v1/listings") and (method != "GET" or path.endswith("/matches")):
        return "producer"
    if path.startswith("/api/v1/demands"):
        return "buyer"
    if path.endswith("/registrations") and method == "POST":
        return "producer"
    if path.startswith(("/api/v1/meetings", "/api/v1/agreements")) and method == "POST":
        return "buyer"
    if path.endswith("/indicators") and method == "POST":
        return "county_official"
    return "admin"

def _spec() -> dict:
    """The spec as the app serves it. Built once at collection from a throwaway app (the spec needs no
    database); each test then calls its own `app` in process. (schemathesis' fixture-based loader does not
    run under pytest 9, so the schema cannot come from the `app` fixture itself.)"""
    from core import create_app

    throwaway = create_app({"TESTING": True, "SECRET_KEY": "spec-only-" + "x" * 40,
                            "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return throwaway.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_spec())


def filter_query(ctx, query):
    """A query parameter whose value is an empty list (`{"": []}`) is not sent at all: schemathesis would expect
    the request it generated to be refused while the server receives a valid one."""
    return not query or all(value != [] for value in query.values())


@pytest.mark.slow
@schema.hooks.apply(filter_query)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_api_conforms_to_its_spec(case, app, identities):
    case.call_and_validate(app=app, headers=identities[_identity_for(case)], checks=CHECKS)
