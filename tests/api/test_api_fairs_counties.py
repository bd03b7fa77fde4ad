"""Fairs, registrations, meetings, agreements, reports and demonstration counties through the API, with the same
organiser and region rules as the fair pages and the county dashboards."""
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

FAIR_DAY = date.today() + timedelta(days=20)


def _fair_data(**overrides):
    data = {"title": "赣南脐橙产销对接会", "theme": "脐橙上行", "description": "网上购销对接", "region_code": "360700",
            "categories": ["fruit"], "target_region_codes": ["360732"], "priority_poverty": True,
            "priority_old_revolutionary": False, "registration_opens_on": date.today() - timedelta(days=1),
            "registration_closes_on": FAIR_DAY - timedelta(days=2), "starts_on": FAIR_DAY, "ends_on": FAIR_DAY,
            "day_start": time(9, 0), "day_end": time(11, 0), "slot_minutes": 30, "max_meetings_per_day": 3,
            "meeting_link_template": ""}
    data.update(overrides)
    return data


@pytest.fixture
def organiser(make_user):
    return make_user("official", region_code="360700")


@pytest.fixture
def make_fair(organiser):
    from fairs import services

    def _make(status="open"):
        fair = services.create_fair(organiser, _fair_data())
        if status != "draft":
            services.transition(organiser, fair, status)
        return fair

    return _make


@pytest.fixture
def participants(producer_with_profile, buyer_with_org, listing_json, demand_json, catalogue):
    """A producer with an active listing and a buyer with an open demand."""
    from buyers import services as buyer_services
    from produce import services as produce_services

    producer, buyer = producer_with_profile(), buyer_with_org()
    listing = produce_services.create_listing(producer, listing_json())
    demand = buyer_services.create_demand(buyer, demand_json())
    return {"producer": producer, "buyer": buyer, "listing": listing, "demand": demand}


def test_drafts_are_seen_only_by_organisers(client, make_fair, organiser, token_for, bearer, api_as):
    draft, public = make_fair("draft"), make_fair("open")
    assert [f["id"] for f in client.get("/api/v1/fairs").get_json()["items"]] == [public.id]
    assert client.get(f"/api/v1/fairs/{draft.id}").status_code == 404
    mine = bearer(token_for(organiser))
    assert {f["id"] for f in client.get("/api/v1/fairs", headers=mine).get_json()["items"]} == {draft.id, public.id}
    assert client.get(f"/api/v1/fairs/{draft.id}", headers=api_as("official", region_code="420000")[1]).status_code \
        == 404
    body = client.get(f"/api/v1/fairs/{public.id}").get_json()
    assert body["status"] == "open" and body["starts_on"] == FAIR_DAY.isoformat() and body["day_start"] == "09:00:00"


def test_registration_through_the_api_and_who_sees_registrations(client, make_fair, organiser, participants,
                                                                 token_for, bearer, api_as):
    fair = make_fair("open")
    producer = bearer(token_for(participants["producer"]))
    url = f"/api/v1/fairs/{fair.id}/registrations"
    wrong = client.post(url, headers=producer, json={"listing_ids": [999999]})
    assert wrong.status_code == 422 and "listing_ids" in wrong.get_json()["error"]["fields"]
    created = client.post(url, headers=producer, json={"listing_ids": [participants["listing"].id]})
    assert created.status_code == 201 and created.get_json()["status"] == "pending"
    buyer = bearer(token_for(participants["buyer"]))
    client.post(url, headers=buyer, json={"demand_ids": [participants["demand"].id]})
    assert client.get(url, headers=bearer(token_for(organiser))).get_json()["total"] == 2
    assert [r["role"] for r in client.get(url, headers=producer).get_json()["items"]] == ["producer"]
    assert client.get(f"{url}?size=101", headers=producer).status_code == 422
    assert client.get(url, headers=api_as("official", region_code="420000")[1]).status_code == 403
    assert client.post(url, headers=api_as("official", region_code="360700")[1],
                       json={"listing_ids": [1]}).status_code == 403


def test_report_is_for_organisers_and_sums_verified_agreements(client, make_fair, organiser, participants,
                                                               token_for, bearer, api_as):
    from fairs import meetings, outcomes, services

    fair = make_fair("open")
    p_reg = services.register(participants["producer"], fair, listing_ids=[participants["listing"].id])
    b_reg = services.register(participants["buyer"], fair, demand_ids=[participants["demand"].id])
    services.decide(organiser, p_reg, True)
    services.decide(organiser, b_reg, True)
    slot = meetings.free_slots(fair, p_reg.id, b_reg.id)[0]
    meeting = meetings.request_meeting(participants["buyer"], fair, p_reg.id, [slot.isoformat()])
    meetings.respond(participants["producer"], meeting, "accept", slot=slot.isoformat())
    services.transition(organiser, fair, "registration_closed")
    services.transition(organiser, fair, "running")
    meetings.mark_held(participants["buyer"], meeting)
    agreement = outcomes.record_agreement(participants["buyer"], meeting, {
        "kind": "deal", "product_name": "脐橙", "quantity": "2000", "unit": "公斤", "amount": "12345.60",
        "signed_on": date.today()})
    outcomes.confirm_agreement(participants["producer"], agreement)
    outcomes.verify_agreement(organiser, agreement)

    report = client.get(f"/api/v1/fairs/{fair.id}/report", headers=bearer(token_for(organiser)))
    assert report.status_code == 200
    body = report.get_json()
    assert body["deal_amount"] == "12345.60" and body["intent_amount"] == "0.00"
    assert body["by_county"][0]["key"] == "360732" and body["by_county"][0]["deal_amount"] == "12345.60"
    assert client.get(f"/api/v1/fairs/{fair.id}/report",
                      headers=bearer(token_for(participants["producer"]))).status_code == 403
    assert client.get(f"/api/v1/fairs/{fair.id}/report",
                      headers=api_as("official", region_code="420000")[1]).status_code == 403

    # Meetings and agreements: the two parties and the organisers, nobody else.
    for user in (participants["producer"], participants["buyer"], organiser):
        headers = bearer(token_for(user))
        assert client.get(f"/api/v1/meetings/{meeting.id}", headers=headers).get_json()["status"] == "held"
        got = client.get(f"/api/v1/agreements/{agreement.id}", headers=headers).get_json()
        assert got["amount"] == "12345.60" and got["status"] == "verified"
    stranger = api_as("buyer")[1]
    assert client.get(f"/api/v1/meetings/{meeting.id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/agreements/{agreement.id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/agreements", headers=stranger).get_json()["items"] == []
    mine = client.get("/api/v1/agreements", headers=bearer(token_for(participants["producer"]))).get_json()
    assert [a["id"] for a in mine["items"]] == [agreement.id]
    organised = client.get(f"/api/v1/meetings?fair_id={fair.id}", headers=bearer(token_for(organiser))).get_json()
    assert [m["id"] for m in organised["items"]] == [meeting.id]
    assert client.get(f"/api/v1/meetings?fair_id={fair.id}", headers=stranger).status_code == 403


@pytest.fixture
def county(app, make_user):
    from counties import services

    services.ensure_indicators()
    admin = make_user("admin")
    county = services.create_county(admin, {"code": "360732", "batch_year": 2015, "central_allocated": "1500.50"})
    writer = make_user("official", region_code="360732")
    services.save_values(writer, county, "2025Q3", {"trainees": "3200"})
    return county


def test_counties_follow_the_dashboard_scopes(client, county, api_as):
    assert client.get("/api/v1/counties").status_code == 401
    assert client.get("/api/v1/counties", headers=api_as("buyer")[1]).status_code == 403
    jiangxi = api_as("official", region_code="360000")[1]
    listed = client.get("/api/v1/counties", headers=jiangxi).get_json()
    assert [c["code"] for c in listed["items"]] == ["360732"]
    assert listed["items"][0]["central_allocated"] == "1500.50"
    hubei = api_as("official", region_code="420000")[1]
    assert client.get("/api/v1/counties", headers=hubei).get_json()["total"] == 0
    assert client.get("/api/v1/counties?scope=360000", headers=hubei).status_code == 403
    assert client.get("/api/v1/counties/360732", headers=hubei).status_code == 403
    assert client.get("/api/v1/counties/110105", headers=jiangxi).status_code == 404


def test_county_indicators_by_period(client, county, api_as):
    headers = api_as("official", region_code="360700")[1]
    values = client.get("/api/v1/counties/360732/indicators", headers=headers).get_json()
    trainees = next(v for v in values if v["indicator"] == "trainees")
    assert trainees["period"] == "2025Q3" and Decimal(trainees["value"]) == Decimal(3200)
    assert isinstance(trainees["value"], str)
    assert client.get("/api/v1/counties/360732/indicators?period=2024", headers=headers).get_json() == []
    assert client.get("/api/v1/counties/360732/indicators?period=Q3", headers=headers).status_code == 422


def test_only_the_county_official_enters_values_and_bad_ones_are_named(client, county, api_as):
    url = "/api/v1/counties/360732/indicators"
    body = {"period": "2025Q2", "values": {"trainees": "150", "village_coverage": "55.5"}}
    prefecture = api_as("official", region_code="360700")[1]
    assert client.post(url, headers=prefecture, json=body).status_code == 403
    own = api_as("official", region_code="360732")[1]
    saved = client.post(url, headers=own, json=body)
    assert saved.status_code == 200 and saved.get_json() == {"changed": 2}
    values = client.get(f"{url}?period=2025Q2", headers=prefecture).get_json()
    assert {v["indicator"]: Decimal(v["value"]) for v in values} == {"trainees": Decimal(150),
                                                                      "village_coverage": Decimal("55.5")}
    bad = client.post(url, headers=own, json={"period": "2025Q2", "values": {"village_coverage": "120",
                                                                            "no_such": "1"}})
    assert bad.status_code == 422
    assert {"values.village_coverage", "values.no_such"} <= set(bad.get_json()["error"]["fields"])
    future = client.post(url, headers=own, json={"period": "2099Q1", "values": {"trainees": "1"}})
    assert future.status_code == 422 and "period" in future.get_json()["error"]["fields"]


def test_meeting_and_deal_through_the_api(client, make_fair, organiser, participants, token_for, bearer, api_as):
    from core.db import db
    from fairs import meetings, services
    from fairs.models import Meeting

    fair = make_fair("open")
    p_reg = services.register(participants["producer"], fair, listing_ids=[participants["listing"].id])
    b_reg = services.register(participants["buyer"], fair, demand_ids=[participants["demand"].id])
    services.decide(organiser, p_reg, True)
    services.decide(organiser, b_reg, True)
    producer, buyer = bearer(token_for(participants["producer"])), bearer(token_for(participants["buyer"]))
    slots = [s.isoformat() for s in meetings.free_slots(fair, p_reg.id, b_reg.id)[:2]]
    off_grid = client.post("/api/v1/meetings", headers=buyer, json={
        "fair_id": fair.id, "counterpart_registration_id": p_reg.id, "slots": ["2026-01-01T03:07:00+00:00"]})
    assert off_grid.status_code == 422 and "slots" in off_grid.get_json()["error"]["fields"]
    asked = client.post("/api/v1/meetings", headers=buyer, json={
        "fair_id": fair.id, "counterpart_registration_id": p_reg.id, "slots": slots, "note": "谈谈价格"})
    assert asked.status_code == 201 and asked.get_json()["status"] == "requested"
    meeting_id = asked.get_json()["id"]
    # The requester cannot accept their own proposal; the producer can.
    assert client.post(f"/api/v1/meetings/{meeting_id}/answer", headers=buyer,
                       json={"action": "accept", "slot": slots[0]}).status_code == 422
    stranger = api_as("producer")[1]
    assert client.post(f"/api/v1/meetings/{meeting_id}/answer", headers=stranger,
                       json={"action": "accept", "slot": slots[0]}).status_code == 404
    accepted = client.post(f"/api/v1/meetings/{meeting_id}/answer", headers=producer,
                           json={"action": "accept", "slot": slots[0]})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "confirmed"
    services.transition(organiser, fair, "registration_closed")
    services.transition(organiser, fair, "running")
    meetings.mark_held(participants["buyer"], db.session.get(Meeting, meeting_id))
    deal = {"meeting_id": meeting_id, "kind": "deal", "product": "脐橙", "quantity": "2000", "unit": "公斤",
            "amount": "9876.50", "signed_on": date.today().isoformat()}
    assert client.post("/api/v1/agreements", headers=buyer, json={**deal, "amount": 9876.5}).status_code == 422
    recorded = client.post("/api/v1/agreements", headers=buyer, json=deal)
    assert recorded.status_code == 201 and recorded.get_json()["amount"] == "9876.50"
    agreement_id = recorded.get_json()["id"]
    assert client.post(f"/api/v1/agreements/{agreement_id}", headers=stranger,
                       json={"action": "confirm"}).status_code == 404
    confirmed = client.post(f"/api/v1/agreements/{agreement_id}", headers=producer, json={"action": "confirm"})
    assert confirmed.get_json()["status"] == "confirmed"
    assert client.post(f"/api/v1/agreements/{agreement_id}", headers=producer,
                       json={"action": "verify"}).status_code == 422  # only organisers verify
    verified = client.post(f"/api/v1/agreements/{agreement_id}", headers=bearer(token_for(organiser)),
                           json={"action": "verify"})
    assert verified.get_json()["status"] == "verified"
    report = client.get(f"/api/v1/fairs/{fair.id}/report", headers=bearer(token_for(organiser))).get_json()
    assert report["deal_amount"] == "9876.50"
