"""The fairs pages through the web client: flows, permissions (403/404), uploads, exports."""
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from fairs_support import FAIR_DAY, count
from helpers import login
from openpyxl import load_workbook
from PIL import Image

from core import jobs
from core.db import db
from fairs import meetings, outcomes, services, suggestions
from fairs.models import Agreement, Fair, Meeting, MeetingMessage, Registration


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def held(approved_pair):
    """A running fair with a held meeting between the approved producer and buyer."""
    setup = approved_pair()
    fair, slots = setup["fair"], meetings.grid_of(setup["fair"]).slots()
    meeting = meetings.request_meeting(setup["buyer"], fair, setup["p_reg"].id, [slots[0].isoformat()])
    meetings.respond(setup["producer"], meeting, "accept", slot=slots[0].isoformat())
    services.transition(setup["official"], fair, "registration_closed")
    services.transition(setup["official"], fair, "running")
    setup["meeting"] = meetings.mark_held(setup["buyer"], db.session.get(Meeting, meeting.id))
    return setup


def test_official_creates_a_fair_through_the_form(client, login_as):
    login_as("official", region_code="360700")
    data = {"title": "兴国县农产品对接会", "region_code": "360732", "categories": ["fruit", "tea"],
            "target_regions": "360732，360700", "priority_poverty": "y", "registration_opens_on": "2026-12-01",
            "registration_closes_on": "2026-12-10", "starts_on": "2026-12-15", "ends_on": "2026-12-16",
            "day_start": "09:00", "day_end": "12:00", "slot_minutes": "30", "max_meetings_per_day": "4",
            "meeting_link_template": "https://meet.example.org/harvestlink-{fair_id}-{meeting_id}"}
    response = client.post("/fairs/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    fair = db.session.scalars(db.select(Fair)).one()
    assert fair.categories == ["fruit", "tea"] and fair.target_region_codes == ["360732", "360700"]
    assert fair.status == "draft" and fair.max_meetings_per_day == 4
    bad = client.post("/fairs/new", data=dict(data, region_code="420100", meeting_link_template="javascript:x"))
    assert bad.status_code == 200
    assert count(Fair) == 1


def test_drafts_are_hidden_and_organiser_pages_guarded(client, make_fair, make_user):
    fair, _official = make_fair(status="draft")
    assert client.get(f"/fairs/{fair.id}").status_code == 404
    login(client, make_user("official", region_code="420000"))
    assert client.get(f"/fairs/{fair.id}").status_code == 404
    services.transition(_official, fair, "open")
    assert client.get(f"/fairs/{fair.id}").status_code == 200
    for path in ("registrations", "suggestions", "suggestions/job", "meetings", "dashboard", "stats.json", "report",
                 "report.xlsx", "edit"):
        assert client.get(f"/fairs/{fair.id}/{path}").status_code == 403, path
    assert client.post(f"/fairs/{fair.id}/status", data={"target": "registration_closed"}).status_code == 403
    assert db.session.get(Fair, fair.id).status == "open"


def test_organiser_pages_render(client, held):
    login(client, held["official"])
    fair_id = held["fair"].id
    for path in ("", "/registrations", "/suggestions", "/meetings", "/dashboard", "/report", "/edit"):
        response = client.get(f"/fairs/{fair_id}{path}")
        assert response.status_code == 200, path
    stats = client.get(f"/fairs/{fair_id}/stats.json").get_json()
    assert stats["registrations"] == 2 and stats["meetings_held"] == 1


def test_registration_and_decision_through_the_pages(client, make_fair, make_producer, make_user):
    fair, official = make_fair()
    user, _profile, listings = make_producer()
    login(client, user)
    assert "脐橙" in client.get(f"/fairs/{fair.id}/register").get_data(as_text=True)
    assert client.post(f"/fairs/{fair.id}/register", data={"listing_ids": [listings[0].id]}).status_code == 302
    reg = db.session.scalars(db.select(Registration)).one()
    assert reg.status == "pending"
    # The producer cannot decide on their own registration.
    assert client.post(f"/fairs/registrations/{reg.id}/decide", data={"decision": "approve"}).status_code == 403
    login(client, official)
    client.post(f"/fairs/registrations/{reg.id}/decide", data={"decision": "reject", "reason": ""})
    assert db.session.get(Registration, reg.id).status == "pending"
    client.post(f"/fairs/registrations/{reg.id}/decide", data={"decision": "reject", "reason": "资料不全"})
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).status == "rejected"
    login(client, user)
    assert "资料不全" in client.get(f"/fairs/{fair.id}").get_data(as_text=True)


def test_suggestions_job_status_endpoint_and_publish(client, approved_pair):
    setup = approved_pair()
    login(client, setup["official"])
    client.post(f"/fairs/{setup['fair'].id}/suggestions/run")
    fair = db.session.get(Fair, setup["fair"].id)
    jobs.wait(fair.suggestions_job_id)
    status = client.get(f"/fairs/{fair.id}/suggestions/job").get_json()
    assert status["status"] == "finished" and status["progress"] == 100 and status["result"]["pairs"] >= 1
    page = client.get(f"/fairs/{fair.id}/suggestions").get_data(as_text=True)
    assert "脐橙" in page
    client.post(f"/fairs/{fair.id}/suggestions/publish")
    db.session.expire_all()
    assert db.session.get(Fair, fair.id).suggestions_published_at is not None
    login(client, setup["buyer"])
    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert f"/fairs/{fair.id}/meet/{setup['p_reg'].id}" in page


def test_other_participants_cannot_read_messages_or_agreements(client, held, make_buyer, make_user):
    meeting = held["meeting"]
    outcomes.post_message(held["buyer"], meeting, "报价每公斤6.5元")
    outcomes.record_agreement(held["buyer"], meeting, {"kind": "deal", "product_name": "脐橙", "quantity": "100",
                                                       "unit": "公斤", "amount": "650", "signed_on": date.today()})
    agreement = db.session.scalars(db.select(Agreement)).one()
    message = db.session.scalars(db.select(MeetingMessage)).one()
    outsider, _org, _demands = make_buyer(name="旁观采购商")
    for user in (outsider, make_user("producer"), make_user("official", region_code="420000")):
        login(client, user)
        assert client.get(f"/fairs/meetings/{meeting.id}").status_code == 404
        assert client.post(f"/fairs/meetings/{meeting.id}/messages", data={"body": "hi"}).status_code == 404
        assert client.post(f"/fairs/agreements/{agreement.id}/confirm").status_code == 404
        assert client.get(f"/fairs/messages/{message.id}/attachment").status_code == 404
    assert db.session.get(Agreement, agreement.id).status == "recorded"
    assert count(MeetingMessage) == 1
    login(client, held["producer"])
    page = client.get(f"/fairs/meetings/{meeting.id}").get_data(as_text=True)
    assert "报价每公斤6.5元" in page and f"harvestlink-{held['fair'].id}-{meeting.id}" in page
    login(client, held["official"])
    assert "报价每公斤6.5元" in client.get(f"/fairs/meetings/{meeting.id}").get_data(as_text=True)


def test_attachments_are_checked_by_content(client, held):
    meeting = held["meeting"]
    login(client, held["buyer"])
    url = f"/fairs/meetings/{meeting.id}/messages"
    fake = client.post(url, data={"body": "", "attachment": (io.BytesIO(b"<html>not an image"), "photo.png")},
                       content_type="multipart/form-data")
    assert fake.status_code in (302, 303)
    assert count(MeetingMessage) == 0
    exe = client.post(url, data={"attachment": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200), "contract.pdf")},
                      content_type="multipart/form-data")
    assert exe.status_code in (302, 303) and count(MeetingMessage) == 0
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.post(url, data={"body": "合同", "attachment": (io.BytesIO(pdf), "合同.pdf")},
                content_type="multipart/form-data")
    client.post(url, data={"attachment": (io.BytesIO(_png()), "../../etc/passwd.png")},
                content_type="multipart/form-data")
    stored = db.session.scalars(db.select(MeetingMessage).order_by(MeetingMessage.id)).all()
    assert [m.attachment_mime for m in stored] == ["application/pdf", "image/png"]
    assert all(".." not in m.attachment_path and "/" not in m.attachment_path for m in stored)
    assert stored[1].attachment_name == "passwd.png"
    response = client.get(f"/fairs/messages/{stored[0].id}/attachment")
    assert response.status_code == 200 and response.data == pdf
    assert response.headers["Content-Type"] == "application/pdf"


def test_booking_through_the_page_and_double_booking_conflict(client, approved_pair, make_buyer):
    setup = approved_pair()
    fair = setup["fair"]
    suggestions.add_pair(setup["official"], fair, setup["listing"].id, setup["demand"].id)
    b2, _org, demands = make_buyer(name="第二采购商")
    reg2 = services.register(b2, fair, demand_ids=[demands[0].id])
    services.decide(setup["official"], reg2, True)
    suggestions.add_pair(setup["official"], fair, setup["listing"].id, demands[0].id)
    suggestions.publish(setup["official"], fair)
    slot = meetings.grid_of(fair).slots()[0].isoformat()
    login(client, setup["buyer"])
    assert client.get(f"/fairs/{fair.id}/meet/{setup['p_reg'].id}").status_code == 200
    response = client.post(f"/fairs/{fair.id}/meet/{setup['p_reg'].id}", data={"book-slot": slot})
    assert response.status_code == 302
    login(client, b2)
    # The slot is no longer offered; forcing it anyway is refused with 409 and nothing is written.
    response = client.post(f"/fairs/{fair.id}/meet/{setup['p_reg'].id}", data={"book-slot": slot})
    assert response.status_code in (200, 409)
    assert count(Meeting, Meeting.status == "confirmed") == 1


def test_schedule_and_ics_export(client, held):
    login(client, held["producer"])
    page = client.get("/fairs/schedule").get_data(as_text=True)
    assert held["fair"].title in page
    response = client.get("/fairs/schedule.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    start = held["meeting"].slot_start
    assert f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    login(client, held["official"])
    assert client.get("/fairs/schedule").status_code == 403


def test_report_totals_equal_the_sum_of_verified_deals(client, held):
    meeting = held["meeting"]
    amounts = ["12000.50", "800.25", "5000.00"]
    for i, amount in enumerate(amounts):
        recorder, confirmer = (held["buyer"], held["producer"]) if i % 2 else (held["producer"], held["buyer"])
        agreement = outcomes.record_agreement(recorder, meeting, {
            "kind": "deal", "product_name": "=HYPERLINK(\"http://evil\")" if i == 0 else "脐橙", "quantity": "10",
            "unit": "吨", "amount": amount, "signed_on": FAIR_DAY})
        outcomes.confirm_agreement(confirmer, agreement)
        if i < 2:
            outcomes.verify_agreement(held["official"], agreement)
    outcomes.record_agreement(held["buyer"], meeting, {"kind": "intent", "product_name": "脐橙", "quantity": "50",
                                                       "unit": "吨", "amount": "300000", "signed_on": FAIR_DAY})
    verified_deals = sum(a.amount for a in db.session.scalars(db.select(Agreement).where(
        Agreement.status == "verified", Agreement.kind == "deal")))
    login(client, held["official"])
    stats = client.get(f"/fairs/{held['fair'].id}/stats.json").get_json()
    assert Decimal(stats["deal_amount"]) == verified_deals == Decimal("12800.75")
    assert Decimal(stats["intent_amount"]) == 0
    workbook = load_workbook(io.BytesIO(client.get(f"/fairs/{held['fair'].id}/report.xlsx").data))
    assert len(workbook.sheetnames) == 6  # summary, participants, meetings, agreements, by county, by product
    summary = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    deal_cells = [v for k, v in summary.items() if "成交" in str(k) or "Deal" in str(k)]
    assert [Decimal(str(v)) for v in deal_cells] == [verified_deals]
    by_county = workbook.worksheets[4]
    county_total = sum(Decimal(str(r[3])) for r in by_county.iter_rows(min_row=2, values_only=True))
    assert county_total == verified_deals
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    html = client.get(f"/fairs/{held['fair'].id}/report").get_data(as_text=True)
    assert "12800.75" in html


def test_reminders_are_sent_once(app, runner, held, make_buyer):
    from core.notifications import Notification

    meeting = db.session.get(Meeting, held["meeting"].id)
    meeting.status = "confirmed"
    meeting.slot_start = datetime.now(meeting.slot_start.tzinfo) + timedelta(hours=2)
    db.session.commit()
    first = runner.invoke(args=["fairs", "remind"])
    assert "reminders sent: 2" in first.output, first.output
    second = runner.invoke(args=["fairs", "remind"])
    assert "reminders sent: 0" in second.output
    assert count(Notification, Notification.kind == "meeting_reminder") == 2


def test_buyer_creates_a_demand_on_the_spot_and_registers_with_it(client, make_fair, make_buyer):
    from buyers.models import Demand

    fair, _official = make_fair()
    user, org, _demands = make_buyer(products=())
    login(client, user)
    bad = client.post(f"/fairs/{fair.id}/register/demand", data={"nd-product_name": "脐橙", "nd-quantity_min": "x"})
    assert bad.status_code == 302 and count(Demand) == 0
    response = client.post(f"/fairs/{fair.id}/register/demand", data={
        "nd-product_name": "赣南脐橙", "nd-quantity_min": "1000", "nd-quantity_max": "5000", "nd-unit": "公斤",
        "nd-price_max": "7.5", "nd-price_unit": "元/公斤", "nd-needed_from": date.today().isoformat(),
        "nd-needed_to": (date.today() + timedelta(days=30)).isoformat()})
    demand = db.session.scalars(db.select(Demand)).one()
    assert demand.buyer_id == org.id and demand.status == "open"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    ticked = re.findall(r'<input[^>]*name="demand_ids"[^>]*>', page)
    assert [t for t in ticked if "checked" in t and f'value="{demand.id}"' in t], ticked
    client.post(f"/fairs/{fair.id}/register", data={"demand_ids": [demand.id]})
    reg = db.session.scalars(db.select(Registration)).one()
    assert [i.demand_id for i in reg.items] == [demand.id]


def test_request_counter_accept_through_the_pages(client, approved_pair):
    setup = approved_pair()
    fair, slots = setup["fair"], [s.isoformat() for s in meetings.grid_of(setup["fair"]).slots()]
    login(client, setup["buyer"])
    four = client.post(f"/fairs/{fair.id}/meet/{setup['p_reg'].id}", data={"req-slots": slots[:4]})
    assert four.status_code == 200 and count(Meeting) == 0  # at most three proposals
    client.post(f"/fairs/{fair.id}/meet/{setup['p_reg'].id}", data={"req-slots": slots[:2], "req-note": "谈谈价格"})
    meeting = db.session.scalars(db.select(Meeting)).one()
    assert meeting.status == "requested" and len(meeting.proposed_slots) == 2
    # The requester cannot answer their own proposal.
    assert client.post(f"/fairs/meetings/{meeting.id}/answer",
                       data={"action": "accept", "slot": slots[0]}).status_code == 409
    login(client, setup["producer"])
    page = client.get(f"/fairs/meetings/{meeting.id}").get_data(as_text=True)
    assert "谈谈价格" in page and "accept-1" in page
    client.post(f"/fairs/meetings/{meeting.id}/answer", data={"action": "counter", "req-slots": [slots[3]]})
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).proposed_slots == [slots[3]]
    login(client, setup["buyer"])
    client.post(f"/fairs/meetings/{meeting.id}/answer", data={"action": "accept", "slot": slots[3]})
    db.session.expire_all()
    confirmed = db.session.get(Meeting, meeting.id)
    assert confirmed.status == "confirmed" and confirmed.slot_start.isoformat() == datetime.fromisoformat(
        slots[3]).astimezone(confirmed.slot_start.tzinfo).isoformat()


def test_bulk_invitation_by_product_and_region(client, make_fair, make_buyer):
    from core.notifications import Notification
    from fairs.models import Invitation

    fair, official = make_fair()
    near, near_org, _d1 = make_buyer(name="赣州果品批发市场", county="360702", products=(("脐橙", "1", "2", "吨", "9000"),))
    _user, keen_org, _d2 = make_buyer(name="南昌生鲜超市", county="360102", products=(), interests=("脐橙", "蜜橘"))
    far, _org3, _d3 = make_buyer(name="深圳采购商", county="440304")
    other_product, _org4, _d4 = make_buyer(name="赣州粮油", county="360702", products=(("大米", "1", "2", "吨", "5000"),))
    login(client, official)
    client.post(f"/fairs/{fair.id}/invite", data={"product": "脐橙", "region_code": "360000"})
    invited = {i.buyer_id for i in db.session.scalars(db.select(Invitation))}
    assert invited == {near_org.id, keen_org.id}
    client.post(f"/fairs/{fair.id}/invite", data={"product": "脐橙", "region_code": "360000"})
    assert count(Invitation) == 2
    assert count(Notification, Notification.kind == "fair_invitation") == 2
    assert count(Notification, Notification.user_id.in_([far.id, other_product.id])) == 0
    login(client, near)
    assert client.post(f"/fairs/{fair.id}/invite", data={"product": "脐橙"}).status_code == 403


@pytest.mark.parametrize(("value", "text"), [(Decimal("100.000"), "100"), (Decimal("2.500"), "2.5"),
                                             (Decimal("0.125"), "0.125"), (None, "")])
def test_quantities_print_plainly(app, value, text):
    from fairs.views import quantity_text

    assert quantity_text(value) == text
