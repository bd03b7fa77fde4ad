"""Service-level rules of fairs: state machine, registration, suggestions, meetings, outcomes."""
from datetime import date
from decimal import Decimal

import pytest
from fairs_support import FAIR_DAY, count, fair_data

from core import jobs
from core.db import db
from fairs import meetings, outcomes, queries, services, suggestions
from fairs.errors import FairError, SlotTaken
from fairs.models import Agreement, Fair, Meeting, MeetingSeat, Suggestion


def test_state_machine_allows_only_listed_moves(make_fair):
    fair, official = make_fair(status="draft")
    with pytest.raises(FairError):
        services.transition(official, fair, "running")
    for state in ("open", "registration_closed", "running", "finished", "archived"):
        services.transition(official, fair, state)
        assert db.session.get(Fair, fair.id).status == state
    with pytest.raises(FairError):
        services.transition(official, fair, "open")


def test_no_registration_before_open_or_after_close(make_fair, make_producer):
    fair, official = make_fair(status="draft")
    user, _profile, listings = make_producer()
    with pytest.raises(FairError):
        services.register(user, fair, listing_ids=[listings[0].id])
    services.transition(official, fair, "open")
    services.register(user, fair, listing_ids=[listings[0].id])
    services.transition(official, fair, "registration_closed")
    other, _p, other_listings = make_producer(name="另一合作社")
    with pytest.raises(FairError, match="未开放报名"):
        services.register(other, fair, listing_ids=[other_listings[0].id])


def test_registration_only_with_own_active_items(make_fair, make_producer):
    fair, _official = make_fair()
    user, _profile, _listings = make_producer()
    _other, _p, foreign = make_producer(name="别人的合作社")
    with pytest.raises(FairError) as error:
        services.register(user, fair, listing_ids=[foreign[0].id])
    assert error.value.field == "listing_ids"
    assert count(Fair) == 1


def test_rejection_needs_a_reason_and_notifies(approved_pair, make_producer):
    setup = approved_pair()
    user, _profile, listings = make_producer(name="新合作社")
    reg = services.register(user, setup["fair"], listing_ids=[listings[0].id])
    with pytest.raises(FairError) as error:
        services.decide(setup["official"], reg, False, "")
    assert error.value.field == "reason"
    services.decide(setup["official"], reg, False, "产品不符合本次主题")
    assert reg.status == "rejected" and reg.reason == "产品不符合本次主题"
    from core.notifications import recent
    assert any("产品不符合本次主题" in n.message for n in recent(user.id))


def test_officials_are_scoped_to_their_region(make_user, make_fair, make_producer):
    hubei = make_user("official", region_code="420000")
    with pytest.raises(FairError) as error:
        services.create_fair(hubei, fair_data(region_code="360700"))
    assert error.value.field == "region_code"
    fair, _official = make_fair(status="draft")
    for action in (lambda: services.transition(hubei, fair, "open"),
                   lambda: services.update_fair(hubei, fair, fair_data()),
                   lambda: suggestions.start(hubei, fair)):
        with pytest.raises(FairError):
            action()
    county = make_user("official", region_code="360732")  # inside Jiangxi but not covering the prefecture
    with pytest.raises(FairError):
        services.transition(county, fair, "open")


@pytest.mark.parametrize("template", [
    "javascript:alert(1)//{fair_id}", "https://x.org/{fair_id.__class__}", "https://x.org/{0}", "https://x.org/{user}",
    "https://x.org/\"><script>{meeting_id}", "ftp://x.org/{meeting_id}", "https://x.org/{meeting_id!r}",
    "https://x.org/{meeting_id"])
def test_bad_meeting_link_templates_are_refused(template):
    with pytest.raises(FairError) as error:
        services.validate_link_template(template)
    assert error.value.field == "meeting_link_template"


def test_meeting_link_is_generated_per_meeting(make_fair):
    fair, _official = make_fair()
    assert services.meeting_link(fair, 7) == f"https://meet.example.org/harvestlink-{fair.id}-7"


def test_no_meetings_before_approval(make_fair, make_producer, make_buyer):
    fair, official = make_fair()
    p_user, _profile, listings = make_producer()
    b_user, _org, demands = make_buyer()
    p_reg = services.register(p_user, fair, listing_ids=[listings[0].id])
    b_reg = services.register(b_user, fair, demand_ids=[demands[0].id])
    slot = meetings.grid_of(fair).slots()[0]
    with pytest.raises(FairError, match="审核通过后"):
        meetings.request_meeting(b_user, fair, p_reg.id, [slot.isoformat()])
    services.decide(official, b_reg, True)
    with pytest.raises(FairError):
        meetings.request_meeting(b_user, fair, p_reg.id, [slot.isoformat()])
    services.decide(official, p_reg, True)
    meeting = meetings.request_meeting(b_user, fair, p_reg.id, [slot.isoformat()])
    assert meeting.status == "requested"


def _run_suggestions(setup):
    job = suggestions.start(setup["official"], setup["fair"])
    job = jobs.wait(job.id)
    assert job.status == "finished", job.error
    return job


def test_suggestions_job_publish_and_auto_schedule(approved_pair):
    setup = approved_pair()
    job = _run_suggestions(setup)
    assert job.progress == 100 and job.result["pairs"] >= 1
    pair = db.session.scalars(db.select(Suggestion)).first()
    assert (pair.listing_id, pair.demand_id) == (setup["listing"].id, setup["demand"].id)
    assert pair.score > 0 and pair.reasons and pair.allocated_quantity > 0
    suggestions.publish(setup["official"], setup["fair"])
    result = meetings.auto_schedule(setup["official"], setup["fair"])
    assert result == {"placed": 1, "unplaced": 0}
    meeting = db.session.scalars(db.select(Meeting)).one()
    assert meeting.status == "confirmed" and meeting.slot_start == meetings.grid_of(setup["fair"]).slots()[0]
    assert count(MeetingSeat) == 2
    # Running it again places nothing twice.
    assert meetings.auto_schedule(setup["official"], setup["fair"])["placed"] == 0


def test_request_accept_counter_and_double_booking(approved_pair, make_buyer):
    setup = approved_pair()
    fair, slots = setup["fair"], meetings.grid_of(setup["fair"]).slots()
    meeting = meetings.request_meeting(setup["buyer"], fair, setup["p_reg"].id, [s.isoformat() for s in slots[:2]])
    with pytest.raises(FairError):  # the requester cannot accept their own proposal
        meetings.respond(setup["buyer"], meeting, "accept", slot=slots[0].isoformat())
    meetings.respond(setup["producer"], meeting, "counter", new_slots=[slots[1].isoformat()])
    meetings.respond(setup["buyer"], meeting, "accept", slot=slots[1].isoformat())
    assert db.session.get(Meeting, meeting.id).status == "confirmed"
    # A second buyer asking for the same producer slot: the accept fails, nothing half-written.
    b2, _org, demands = make_buyer(name="第二采购商")
    reg2 = services.register(b2, fair, demand_ids=[demands[0].id])
    services.decide(setup["official"], reg2, True)
    second = meetings.request_meeting(b2, fair, setup["p_reg"].id, [slots[1].isoformat()])
    with pytest.raises(SlotTaken):
        meetings.respond(setup["producer"], second, "accept", slot=slots[1].isoformat())
    assert db.session.get(Meeting, second.id).status == "requested"
    assert count(MeetingSeat) == 2


def test_daily_cap_is_enforced_by_seats(approved_pair, make_buyer):
    setup = approved_pair(max_meetings_per_day=1)
    fair, slots = setup["fair"], meetings.grid_of(setup["fair"]).slots()
    first = meetings.request_meeting(setup["buyer"], fair, setup["p_reg"].id, [slots[0].isoformat()])
    meetings.respond(setup["producer"], first, "accept", slot=slots[0].isoformat())
    b2, _org, demands = make_buyer(name="第二采购商")
    reg2 = services.register(b2, fair, demand_ids=[demands[0].id])
    services.decide(setup["official"], reg2, True)
    second = meetings.request_meeting(b2, fair, setup["p_reg"].id, [slots[2].isoformat()])
    with pytest.raises(SlotTaken):
        meetings.respond(setup["producer"], second, "accept", slot=slots[2].isoformat())


def _held_meeting(setup):
    fair, slots = setup["fair"], meetings.grid_of(setup["fair"]).slots()
    meeting = meetings.request_meeting(setup["buyer"], fair, setup["p_reg"].id, [slots[0].isoformat()])
    meetings.respond(setup["producer"], meeting, "accept", slot=slots[0].isoformat())
    services.transition(setup["official"], fair, "registration_closed")
    services.transition(setup["official"], fair, "running")
    return meetings.mark_held(setup["buyer"], db.session.get(Meeting, meeting.id))


def test_outcomes_confirmed_verified_and_summed(approved_pair):
    setup = approved_pair()
    meeting = _held_meeting(setup)
    data = {"kind": "deal", "product_name": "脐橙", "quantity": "3000", "unit": "公斤", "amount": "19500.50",
            "signed_on": FAIR_DAY}
    deal = outcomes.record_agreement(setup["buyer"], meeting, data)
    intent = outcomes.record_agreement(setup["producer"], meeting, dict(data, kind="intent", amount="100000"))
    with pytest.raises(FairError):
        outcomes.confirm_agreement(setup["buyer"], deal)  # the recorder cannot confirm
    with pytest.raises(FairError):
        outcomes.verify_agreement(setup["official"], deal)  # not confirmed yet
    outcomes.confirm_agreement(setup["producer"], deal)
    outcomes.confirm_agreement(setup["buyer"], intent)
    outcomes.verify_agreement(setup["official"], deal)
    stats = queries.fair_stats(setup["fair"].id)
    assert stats["deal_amount"] == Decimal("19500.50") and stats["intent_amount"] == Decimal("0")
    outcomes.verify_agreement(setup["official"], intent)
    stats = queries.fair_stats(setup["fair"].id)
    assert stats["intent_amount"] == Decimal("100000") and stats["agreements_verified"] == 2
    assert stats["by_county"]["360732"]["deal_amount"] == Decimal("19500.50")
    assert stats["poverty_share"] == 1  # 兴国县 is a poverty county
    by_county = queries.deal_amounts_by_county(["360732"])
    assert by_county == {"360732": {"intent_amount": Decimal("100000.00"), "deal_amount": Decimal("19500.50"),
                                    "deals": 1}}
    assert queries.deal_amounts_by_county(["110101"]) == {}


@pytest.mark.parametrize(("field", "value"), [("amount", "-1"), ("amount", "1.234"), ("quantity", "0"),
                                              ("quantity", "abc"), ("kind", "gift"), ("product_name", " "),
                                              ("amount", "NaN"), ("signed_on", None)])
def test_bad_outcome_data_names_the_field(approved_pair, field, value):
    setup = approved_pair()
    meeting = _held_meeting(setup)
    data = {"kind": "deal", "product_name": "脐橙", "quantity": "3", "unit": "吨", "amount": "100",
            "signed_on": date.today(), field: value}
    with pytest.raises(FairError) as error:
        outcomes.record_agreement(setup["buyer"], meeting, data)
    assert error.value.field == field
    assert count(Agreement) == 0
