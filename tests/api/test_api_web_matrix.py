"""The web UI's role and region matrix, repeated through the API: for each identity and action, the API answers
as the web page does (a web redirect to the sign-in page is the API's 401)."""
from datetime import date, time, timedelta

import pytest
from flask import g
from helpers import login

IDENTITIES = ("anonymous", "owner", "other_producer", "buyer", "official_in", "official_out", "admin")
WEB_TO_API = {302: 401}


def _fresh(client, method, url, **kwargs):
    """The tests share one app context, hence one `g`: forget the previous request's user first."""
    for name in ("_login_user", "csrf_token"):
        g.pop(name, None)
    return client.open(url, method=method, **kwargs)


@pytest.fixture
def world(app, make_user, producer_with_profile, buyer_with_org, listing_json, demand_json, catalogue, token_for):
    from buyers import services as buyer_services
    from counties import services as county_services
    from fairs import services as fair_services
    from produce import services as produce_services

    owner = producer_with_profile(county="360732")
    buyer = buyer_with_org(county="360702")
    users = {"owner": owner, "other_producer": producer_with_profile(), "buyer": buyer,
             "official_in": make_user("official", region_code="360700"),
             "official_out": make_user("official", region_code="420000"), "admin": make_user("admin")}
    draft = produce_services.create_listing(owner, listing_json(status="draft"))
    demand = buyer_services.create_demand(buyer, demand_json())
    fair = fair_services.create_fair(users["official_in"], {
        "title": "对接会", "region_code": "360700", "registration_opens_on": date.today(),
        "registration_closes_on": date.today() + timedelta(days=5), "starts_on": date.today() + timedelta(days=7),
        "ends_on": date.today() + timedelta(days=7), "day_start": time(9), "day_end": time(11), "slot_minutes": 30,
        "max_meetings_per_day": 3})
    fair_services.transition(users["official_in"], fair, "open")
    county_services.ensure_indicators()
    county_services.create_county(users["admin"], {"code": "360732", "batch_year": 2015})
    tokens = {name: token_for(user) for name, user in users.items()}
    return {"users": users, "tokens": tokens, "draft": draft.id, "demand": demand.id, "fair": fair.id}


ACTIONS = {
    # name: (web request, API request); each a (method, url template, body)
    "view draft listing": (("GET", "/produce/listings/{draft}", None), ("GET", "/api/v1/listings/{draft}", None)),
    "edit draft listing": (("GET", "/produce/listings/{draft}/edit", None),
                           ("PATCH", "/api/v1/listings/{draft}", {"version": 1})),
    "view demand": (("GET", "/buyers/demands/{demand}", None), ("GET", "/api/v1/demands/{demand}", None)),
    "fair report": (("GET", "/fairs/{fair}/report", None), ("GET", "/api/v1/fairs/{fair}/report", None)),
    "county dashboard": (("GET", "/counties/360732", None), ("GET", "/api/v1/counties/360732", None)),
    "supplier search": (("GET", "/buyers/suppliers?kind=producers", None), ("GET", "/api/v1/producers", None)),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_api_answers_like_the_web_ui(app, world, action):
    web_request, api_request = ACTIONS[action]
    seen = {}
    for identity in IDENTITIES:
        web_client, api_client = app.test_client(), app.test_client()
        headers = {}
        if identity != "anonymous":
            g.pop("_login_user", None)
            login(web_client, world["users"][identity])
            headers = {"Authorization": f"Bearer {world['tokens'][identity]}"}
        method, url, _body = web_request
        web = _fresh(web_client, method, url.format(**world)).status_code
        method, url, body = api_request
        api = _fresh(api_client, method, url.format(**world), json=body, headers=headers).status_code
        seen[identity] = (WEB_TO_API.get(web, web), api)
    assert all(web == api for web, api in seen.values()), seen
    # The matrix is not trivial: somebody is let in and somebody is kept out.
    assert {api for _web, api in seen.values()} & {200} and {api for _web, api in seen.values()} - {200}
