"""Buyers, demands and matches through the API, with the web UI's role and region rules."""
import pytest
import sqlalchemy as sa

from buyers.models import BuyerOrg, Demand
from core.db import db


@pytest.fixture
def buyer(buyer_with_org, token_for, bearer):
    user = buyer_with_org()
    return user, bearer(token_for(user))


def test_buyer_user_lists_only_their_own_organisation(client, buyer, buyer_with_org):
    _user, headers = buyer
    buyer_with_org(name="另一家超市有限公司")
    body = client.get("/api/v1/buyers", headers=headers).get_json()
    assert body["total"] == 1
    org = body["items"][0]
    assert org["type"] == "wholesale_market" and org["county_code"] == "360702"
    assert {c["name"] for c in org["contacts"]} == {"王经理", "李总"}  # insiders see private contacts
    assert set(org["phones"]) == {"13800000001", "13900000002"}


def test_officials_see_their_region_only(client, api_as, buyer_with_org):
    buyer_with_org(county="360702", name="江西赣州果品批发有限公司")
    hubei = buyer_with_org(county="420102", name="湖北武汉果品批发有限公司")
    jiangxi_official = api_as("official", region_code="360000")[1]
    listed = client.get("/api/v1/buyers", headers=jiangxi_official).get_json()
    assert [o["name"] for o in listed["items"]] == ["江西赣州果品批发有限公司"]
    from buyers.queries import org_for_user

    hubei_org = org_for_user(hubei)
    # The Hubei record is a public page for any signed-in user: readable, but private contacts hidden, not editable.
    seen = client.get(f"/api/v1/buyers/{hubei_org.id}", headers=jiangxi_official).get_json()
    assert [c["name"] for c in seen["contacts"]] == ["王经理"] and seen["phones"] == ["13800000001"]
    refused = client.patch(f"/api/v1/buyers/{hubei_org.id}", headers=jiangxi_official,
                           json={"version": hubei_org.version, "address": "x"})
    assert refused.status_code == 403
    assert db.session.get(BuyerOrg, hubei_org.id).address == ""
    admin = api_as("admin")[1]
    assert client.get("/api/v1/buyers", headers=admin).get_json()["total"] == 2


def test_producers_cannot_list_buyers(client, api_as):
    assert client.get("/api/v1/buyers", headers=api_as("producer")[1]).status_code == 403
    assert client.get("/api/v1/buyers").status_code == 401


def test_buyer_type_and_credit_code_are_validated_by_the_service(client, api_as):
    official = api_as("official", region_code="360000")[1]
    bad_type = client.post("/api/v1/buyers", headers=official,
                           json={"name": "某公司", "type": "bank", "county_code": "360702"})
    assert bad_type.status_code == 422 and "type" in bad_type.get_json()["error"]["fields"]
    bad_code = client.post("/api/v1/buyers", headers=official,
                           json={"name": "某公司", "type": "supermarket", "county_code": "360702",
                                 "credit_code": "91360700MA00000000"})
    assert bad_code.status_code == 422 and "credit_code" in bad_code.get_json()["error"]["fields"]
    outside = client.post("/api/v1/buyers", headers=official,
                          json={"name": "某公司", "type": "supermarket", "county_code": "420102"})
    assert outside.status_code == 422 and "county_code" in outside.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BuyerOrg)) == 0


def test_stale_buyer_version_is_409(client, buyer):
    user, headers = buyer
    from buyers.queries import org_for_user

    org = org_for_user(user)
    url = f"/api/v1/buyers/{org.id}"
    assert client.patch(url, headers=headers, json={"version": 1, "address": "赣州市章贡区"}).status_code == 200
    stale = client.patch(url, headers=headers, json={"version": 1, "address": "别处"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["fields"] == {"version": ["current version is 2"]}
    assert db.session.get(BuyerOrg, org.id).address == "赣州市章贡区"


def test_buyer_posts_and_updates_a_demand_with_version_check(client, buyer, demand_json):
    _user, headers = buyer
    created = client.post("/api/v1/demands", headers=headers, json=demand_json())
    assert created.status_code == 201, created.get_json()
    demand = created.get_json()
    assert demand["quantity_min"] == "1000.000" and demand["price_max"] == "8.00"
    assert demand["quantity_max_kg"] == "5000.000" and demand["status"] == "open"
    url = f"/api/v1/demands/{demand['id']}"
    moved = client.patch(url, headers=headers, json={"version": demand["version"], "quantity_max": "6000"})
    assert moved.status_code == 200 and moved.get_json()["quantity_max"] == "6000.000"
    stale = client.patch(url, headers=headers, json={"version": demand["version"], "status": "closed"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["fields"] == {"version": [f"current version is {moved.get_json()['version']}"]}
    closed = client.patch(url, headers=headers, json={"version": moved.get_json()["version"], "status": "closed"})
    assert closed.get_json()["status"] == "closed"


def test_demand_validation_names_fields(client, buyer, demand_json):
    _user, headers = buyer
    response = client.post("/api/v1/demands", headers=headers,
                           json=demand_json(quantity_min="9000", quantity_max="10"))
    assert response.status_code == 422 and "quantity_max" in response.get_json()["error"]["fields"]
    assert client.post("/api/v1/demands", headers=headers,
                       json=demand_json(price_max=8.0)).status_code == 422  # a float amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Demand)) == 0


def test_demands_are_private_to_the_organisation_and_officials_in_scope(client, buyer, buyer_with_org, api_as,
                                                                      demand_json, token_for, bearer):
    _user, headers = buyer
    demand = client.post("/api/v1/demands", headers=headers, json=demand_json()).get_json()
    url = f"/api/v1/demands/{demand['id']}"
    other_buyer = bearer(token_for(buyer_with_org(name="别家公司")))
    assert client.get(url, headers=other_buyer).status_code == 404
    assert client.patch(url, headers=other_buyer, json={"version": 1, "status": "closed"}).status_code == 404
    assert client.get(url, headers=api_as("producer")[1]).status_code == 404
    assert client.get(url, headers=api_as("official", region_code="420000")[1]).status_code == 404
    assert client.get(url, headers=api_as("official", region_code="360700")[1]).status_code == 200
    assert db.session.get(Demand, demand["id"]).status == "open"


def test_only_buyers_post_demands(client, api_as, demand_json):
    for role in ("producer", "official", "admin"):
        assert client.post("/api/v1/demands", headers=api_as(role)[1], json=demand_json()).status_code == 403


def test_matches_both_ways_with_scores_and_reasons(client, buyer, demand_json, producer_with_profile, token_for,
                                                   bearer, listing_json, catalogue, api_as):
    _user, buyer_headers = buyer
    producer = producer_with_profile()
    producer_headers = bearer(token_for(producer))
    listing = client.post("/api/v1/listings", headers=producer_headers,
                          json=listing_json(product="赣南脐橙", unit="公斤", price_unit="元/公斤", price="6.00")).get_json()
    demand = client.post("/api/v1/demands", headers=buyer_headers, json=demand_json()).get_json()
    found = client.get(f"/api/v1/demands/{demand['id']}/matches", headers=buyer_headers)
    assert found.status_code == 200
    pairs = found.get_json()
    assert [m["listing_id"] for m in pairs] == [listing["id"]]
    assert 0 < pairs[0]["score"] <= 1 and pairs[0]["reasons"] and pairs[0]["listing"]["price"] == "6.00"
    mine = client.get(f"/api/v1/listings/{listing['id']}/matches", headers=producer_headers).get_json()
    assert [m["demand_id"] for m in mine] == [demand["id"]]
    # Another producer sees the listing but not its matching demands; a stranger cannot see the demand's.
    other = bearer(token_for(producer_with_profile()))
    assert client.get(f"/api/v1/listings/{listing['id']}/matches", headers=other).status_code == 403
    assert client.get(f"/api/v1/demands/{demand['id']}/matches", headers=other).status_code == 404
    assert client.get(f"/api/v1/demands/{demand['id']}/matches?top=21", headers=buyer_headers).status_code == 422
